from django.db import migrations

# On PostgreSQL, a new offer search counts its results and facets over every live offer it matches (a `GROUPING SETS`
# pass, `cms_pages/search.py`), then reads the ids of the first results. Two covering indexes hold all these read of
# the offers and of their pages, so that they read the indexes alone (index-only scans) instead of both tables. The
# offers' is keyed by the facets, in the order the search form lists them: a sector (and country...) chosen is a
# range of it. At 30,000 live offers: without criteria 62 → 32 ms, a sector, a country and a level 5 → 2.5 ms.
# SQLite has no `INCLUDE`: it takes neither.
OFFER_FACETS_INDEX = "cms_pages_offer_facets_idx"
LIVE_PAGES_INDEX = "cms_pages_live_pages_idx"


def create_count_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    offer_table = apps.get_model("cms_pages", "OfferPage")._meta.db_table
    page_table = apps.get_model("wagtailcore", "Page")._meta.db_table
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OFFER_FACETS_INDEX} ON {offer_table} "
        "(sector_id, country_id, study_level, internship_type) INCLUDE (start_date, company_id, page_ptr_id)"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {LIVE_PAGES_INDEX} ON {page_table} (id) INCLUDE (path, depth) WHERE live"
    )


def drop_count_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {OFFER_FACETS_INDEX}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {LIVE_PAGES_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("cms_pages", "0010_offer_search_indexes"),
    ]

    operations = [migrations.RunPython(create_count_indexes, drop_count_indexes)]
