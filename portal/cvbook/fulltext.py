"""A profile's keywords found in an offer's text, through the search index of the offer search.

A keyword is *in* an offer when the offer's entry of Wagtail's search index — its title, and its body: mission,
profile sought, keywords, city, company — holds every word of the keyword, processed as the search processes
them: on PostgreSQL with the `portal_french` configuration (French stems, accents ignored), on SQLite with FTS5
(accents folded). One definition, asked from either side, each time as a subquery that the database answers
from its full-text index:

- `offers_containing_any(keywords)`: the ids of the offers whose text holds one of `keywords` (from the index);
- `found_in_offer(keyword)`: 1 when the offer of each row of an offer queryset holds `keyword`, else 0;
- `keywords_in_offer(offer_id)`: the ids of the keywords (taggit tags) that the text of one offer holds.

On PostgreSQL a partial GIN index on `title || body` serves the offers' entries and another the profiles'
(migration 0002); the flag of each keyword is then read on the offer's own entry, joined once per row.

The matching (`portal.cvbook.matching`) counts these in SQL, in both directions.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Case, Exists, F, Func, IntegerField, Lookup, OuterRef, Q, QuerySet, TextField, Value, When
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast
from taggit.models import Tag
from wagtail.search import models as search_models

from cms_pages.models import OfferPage

IndexEntry = search_models.IndexEntry
# Columns of the SQLite full-text table searched (the autocomplete column is left out, as the search does).
FTS_COLUMNS = "{title body}"


def _offer_content_type_id() -> int:
    return ContentType.objects.get_for_model(OfferPage).pk


def _postgres_config() -> str | None:
    return settings.WAGTAILSEARCH_BACKENDS["default"].get("SEARCH_CONFIG")


# PostgreSQL


@contextmanager
def without_jit():
    """Run the block's queries without PostgreSQL's JIT compilation.

    PostgreSQL compiles a query to machine code when its estimated cost passes `jit_above_cost`. The estimates of
    the matching and facet queries pass it at scale (50,000 offers) although they run in milliseconds, and the
    compilation alone then takes longer than the query: it is turned off for them, with `SET LOCAL` inside a
    transaction of their own (no other query is concerned). Elsewhere: nothing to do.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


def _document():
    """An index entry's whole text, `title || body` (the expression of the GIN index made by migration 0002)."""
    from django.contrib.postgres.search import SearchVectorField

    return CombinedExpression(F("title"), "||", F("body"), output_field=SearchVectorField())


def _holds_words(words):
    """`document @@ plainto_tsquery(config, words)`: every word (stemmed) of `words` is in the document."""
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(words, config=_postgres_config(), search_type="plain")


# SQLite


class Fts5Words(Func):
    """An FTS5 query asking for every word of a text, each as a quoted phrase: `{title body} : (("api" "rest"))`;
    of several texts, for any of them: `{title body} : (("python") OR ("api" "rest"))`.

    Built in SQL so that it applies to a column (the keyword of each row) as well as to values. Keywords are kept
    without double quotes and with single spaces (`portal.cvbook.services.clean_keywords`).
    """

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra_context):
        terms, params = [], []
        for expression in self.source_expressions:
            sql, expression_params = compiler.compile(expression)
            terms.append(f"""'("' || replace(replace(trim({sql}), '"', ''), ' ', '" "') || '")'""")
            params.extend(expression_params)
        return f"""'{FTS_COLUMNS} : (' || {" || ' OR ' || ".join(terms)} || ')'""", params


class FtsMatch(Lookup):
    """`wagtailsearch_indexentry_fts MATCH (<query>)`, as the SQLite search backend writes it.

    A Lookup rather than an expression, so that it stands alone in the WHERE clause (SQLite refuses `MATCH … = 1`).
    The left-hand side names the table's hidden column, which keeps the table's name whatever the query's alias.
    """

    lookup_name = "fts_match"
    prepare_rhs = False

    def __init__(self, query):
        super().__init__(query, None)

    def resolve_expression(self, *args, **kwargs):
        clone = self.copy()
        clone.lhs = self.lhs.resolve_expression(*args, **kwargs)
        return clone

    def get_prep_lookup(self):
        return None

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        table = search_models.SQLiteFTSIndexEntry._meta.db_table
        return f"{table} MATCH ({sql})", params


# The questions


def offers_containing(keyword: str) -> QuerySet:
    """The ids of the offers whose indexed text holds every word of `keyword` (a subquery, for `pk__in`)."""
    if connection.vendor == "postgresql":
        entries = (
            IndexEntry.objects.filter(content_type_id=_offer_content_type_id())
            .annotate(document=_document())
            .filter(document=_holds_words(Value(keyword)))
        )
        return entries.annotate(offer_id=Cast("object_id", IntegerField())).values("offer_id")
    entries = search_models.SQLiteFTSIndexEntry.objects.filter(
        FtsMatch(Fts5Words(Value(keyword))), index_entry__content_type_id=_offer_content_type_id()
    )
    return entries.annotate(offer_id=Cast("index_entry__object_id", IntegerField())).values("offer_id")


def found_in_offer(keyword: str) -> Case:
    """1 when the offer of the row (of an `OfferPage` queryset) holds every word of `keyword` in its text, else 0."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchVectorExact, SearchVectorField

        # The offer's entry, joined once for every keyword of the query (the relation Wagtail's search joins too).
        document = CombinedExpression(
            F("index_entries__title"), "||", F("index_entries__body"), output_field=SearchVectorField()
        )
        condition = SearchVectorExact(document, _holds_words(Value(keyword)))
    else:
        condition = Q(pk__in=offers_containing(keyword))
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def offers_containing_any(keywords: list[str]) -> QuerySet:
    """The ids of the offers whose indexed text holds one of `keywords` at least (a subquery, for `pk__in`)."""
    if connection.vendor == "postgresql":
        query = _holds_words(Value(keywords[0]))
        for keyword in keywords[1:]:
            query = query | _holds_words(Value(keyword))
        entries = (
            IndexEntry.objects.filter(content_type_id=_offer_content_type_id())
            .annotate(document=_document())
            .filter(document=query)
        )
        return entries.annotate(offer_id=Cast("object_id", IntegerField())).values("offer_id")
    entries = search_models.SQLiteFTSIndexEntry.objects.filter(
        FtsMatch(Fts5Words(*(Value(keyword) for keyword in keywords))),
        index_entry__content_type_id=_offer_content_type_id(),
    )
    return entries.annotate(offer_id=Cast("index_entry__object_id", IntegerField())).values("offer_id")


def keywords_in_offer(offer_id: int, keywords: QuerySet | None = None) -> QuerySet:
    """The ids of the keywords (tags, among `keywords`, every tag by default) that the text of the offer holds."""
    keywords = Tag.objects.all() if keywords is None else keywords
    entry = {"content_type_id": _offer_content_type_id(), "object_id": str(offer_id)}
    if connection.vendor == "postgresql":
        holds = (
            IndexEntry.objects.filter(**entry)
            .annotate(document=_document())
            .filter(document=_holds_words(OuterRef("name")))
        )
    else:
        holds = search_models.SQLiteFTSIndexEntry.objects.filter(
            FtsMatch(Fts5Words(OuterRef("name"))),
            index_entry__content_type_id=entry["content_type_id"],
            index_entry__object_id=entry["object_id"],
        )
    return keywords.filter(Exists(holds)).values("pk")
