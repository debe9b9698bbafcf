"""Offers copied in bulk SQL, to read the plans and times of a portal many times the demo's size.

Call it inside a transaction that the caller rolls back: the copies are never meant to stay (Wagtail's tree counts
of children are not updated, and slugs are not checked).
"""

from __future__ import annotations

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_COPIES = 35 * 36 - 1


def copy_offers(copies: int, *, live_only: bool) -> int:
    """Each offer (each live one with `live_only`) copied `copies` times under its company, with its keywords, its
    targeting and its search entry. Returns the number of offers then online."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from wagtail.models import Page
    from wagtail.search.models import IndexEntry

    from cms_pages.models import OfferKeyword, OfferPage

    if not 1 <= copies <= MAX_COPIES:
        raise ValueError(f"between 1 and {MAX_COPIES} copies")
    page_table, offer_table = Page._meta.db_table, OfferPage._meta.db_table
    page_columns = [f.column for f in Page._meta.concrete_fields if f.column not in ("id", "path", "url_path", "slug")]
    offer_columns = [f.column for f in OfferPage._meta.local_concrete_fields if f.column != "page_ptr_id"]
    entry_columns = [f.column for f in IndexEntry._meta.concrete_fields if f.column not in ("id", "object_id")]
    offer_type = ContentType.objects.get_for_model(OfferPage).pk
    targets = []
    for name in ("target_countries", "target_organisations", "target_programmes"):
        through = OfferPage._meta.get_field(name).remote_field.through._meta
        [own, other] = [f.column for f in through.concrete_fields if f.column != "id"]
        targets.append((through.db_table, own, other))
    with connection.cursor() as cursor:
        # A free path under the same company: two characters from the copy's number (the first never "0"), then the
        # end of the original's path (the demo's companies have far fewer than 36 × 36 offers, whose paths start "00").
        cursor.execute(
            f"""
            INSERT INTO {page_table} (path, url_path, slug, {", ".join(page_columns)})
            SELECT substr(p.path, 1, length(p.path) - 4)
                       || substr(%s, 2 + c / 36, 1) || substr(%s, 1 + mod(c, 36), 1) || right(p.path, 2),
                   rtrim(p.url_path, '/') || '-copie-' || c || '/', p.slug || '-copie-' || c,
                   {", ".join("gen_random_uuid()" if c == "translation_key" else f"p.{c}" for c in page_columns)}
            FROM {page_table} p JOIN {offer_table} o ON o.page_ptr_id = p.id, generate_series(1, %s) c
            WHERE p.url_path NOT LIKE '%%-copie-%%' {"AND p.live" if live_only else ""}
            """,
            [DIGITS, DIGITS, copies],
        )
        cursor.execute(
            f"""
            CREATE TEMPORARY TABLE bench_offer_copy ON COMMIT DROP AS
            SELECT n.id AS copy_id, p.id AS original_id
            FROM {page_table} n JOIN {page_table} p ON regexp_replace(n.url_path, '-copie-[0-9]+/$', '/') = p.url_path
            JOIN {offer_table} o ON o.page_ptr_id = p.id
            WHERE n.url_path LIKE '%%-copie-%%' AND p.url_path NOT LIKE '%%-copie-%%'
            """
        )
        cursor.execute(
            f"""
            INSERT INTO {offer_table} (page_ptr_id, {", ".join(offer_columns)})
            SELECT m.copy_id, {", ".join(f"o.{c}" for c in offer_columns)}
            FROM bench_offer_copy m JOIN {offer_table} o ON o.page_ptr_id = m.original_id
            """
        )
        cursor.execute(
            f"""
            INSERT INTO {OfferKeyword._meta.db_table} (content_object_id, tag_id)
            SELECT m.copy_id, k.tag_id
            FROM bench_offer_copy m JOIN {OfferKeyword._meta.db_table} k ON k.content_object_id = m.original_id
            """
        )
        for table, own, other in targets:
            cursor.execute(
                f"""
                INSERT INTO {table} ({own}, {other})
                SELECT m.copy_id, t.{other} FROM bench_offer_copy m JOIN {table} t ON t.{own} = m.original_id
                """
            )
        cursor.execute(
            f"""
            INSERT INTO {IndexEntry._meta.db_table} (object_id, {", ".join(entry_columns)})
            SELECT m.copy_id::text, {", ".join(f"e.{c}" for c in entry_columns)}
            FROM bench_offer_copy m
            JOIN {IndexEntry._meta.db_table} e ON e.object_id = m.original_id::text AND e.content_type_id = %s
            """,
            [offer_type],
        )
        # The GIN indexes' pending lists merged (a query would otherwise read them row by row), the statistics read.
        cursor.execute(
            """
            SELECT gin_clean_pending_list(i.indexrelid::regclass) FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
            WHERE i.indrelid = %s::regclass AND a.amname = 'gin'
            """,
            [IndexEntry._meta.db_table],
        )
        tables = [page_table, offer_table, IndexEntry._meta.db_table, OfferKeyword._meta.db_table]
        cursor.execute("; ".join(f"ANALYZE {table}" for table in tables + [t for t, _own, _other in targets]))
    return OfferPage.objects.live().count()
