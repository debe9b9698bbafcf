"""A profile's keywords found in an offer's text, through the search index of the offer search.

A keyword is *in* an offer when the offer's entry of Wagtail's search index holds every word of it, in its title
or in its body (mission, profile sought, keywords, city, company), processed as the search processes them: on
PostgreSQL with the `portal_french` configuration (French stems, accents ignored), on SQLite with FTS5 (accents
folded). One definition, asked from either side, always answered by the database:

- `offers_containing_any(keywords)`: the ids of the offers whose text holds one of `keywords` (from the index);
- `found_in_offer(keyword)`: 1 when the offer of each row of an offer queryset holds `keyword`, else 0;
- `keywords_in_offer(offer_id)`: the ids of the keywords (taggit tags) that the text of one offer holds.

On PostgreSQL, partial GIN indexes on the offers' entries' title and body answer the first question from the index
(migration 0002); the second reads the offer's own entry, joined once per row, title and body apart (joining the
two costs more than both tests).

The matching (`portal.cvbook.matching`) counts these in SQL, in both directions.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Case, Exists, Func, IntegerField, Lookup, OuterRef, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast
from taggit.models import Tag
from wagtail.search import models as search_models

from cms_pages.models import OfferPage

IndexEntry = search_models.IndexEntry


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


def _holds_words(words):
    """`plainto_tsquery(config, words)`: every word (stemmed) of `words`."""
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(words, config=_postgres_config(), search_type="plain")


def _in_title_or_body(query, prefix: str = "") -> Q:
    """The entry's title, or its body, holds `query` (`title @@ query OR body @@ query`)."""
    return Q(**{f"{prefix}title": query}) | Q(**{f"{prefix}body": query})


# SQLite


class Fts5Words(Func):
    """An FTS5 query asking for every word of a text in the title or in the body, each word a quoted phrase:
    `(({title} : ("api" "rest")) OR ({body} : ("api" "rest")))`; of several texts, for any of them.

    Built in SQL so that it applies to a column (the keyword of each row) as well as to values. Keywords are kept
    without double quotes and with single spaces (`portal.cvbook.services.clean_keywords`).
    """

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra_context):
        alternatives, params = [], []
        for expression in self.source_expressions:
            sql, expression_params = compiler.compile(expression)
            words = f"""'("' || replace(replace(trim({sql}), '"', ''), ' ', '" "') || '")'"""
            alternatives.append(f"'(({{title}} : ' || {words} || ') OR ({{body}} : ' || {words} || '))'")
            params.extend([*expression_params, *expression_params])
        return " || ' OR ' || ".join(alternatives), params


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


def _offer_entries():
    return IndexEntry.objects.filter(content_type_id=_offer_content_type_id())


def _offer_ids(entries) -> QuerySet:
    return entries.annotate(offer_id=Cast("object_id", IntegerField())).values("offer_id")


def _fts_offer_ids(query) -> QuerySet:
    entries = search_models.SQLiteFTSIndexEntry.objects.filter(
        FtsMatch(query), index_entry__content_type_id=_offer_content_type_id()
    )
    return entries.annotate(offer_id=Cast("index_entry__object_id", IntegerField())).values("offer_id")


def offers_containing_any(keywords: list[str]) -> QuerySet:
    """The ids of the offers whose indexed text holds one of `keywords` at least (a subquery, for `pk__in`)."""
    if connection.vendor == "postgresql":
        query = _holds_words(Value(keywords[0]))
        for keyword in keywords[1:]:
            query = query | _holds_words(Value(keyword))
        return _offer_ids(_offer_entries().filter(_in_title_or_body(query)))
    return _fts_offer_ids(Fts5Words(*(Value(keyword) for keyword in keywords)))


def found_in_offer(keyword: str) -> Case:
    """1 when the offer of the row (of an `OfferPage` queryset) holds every word of `keyword`, else 0."""
    if connection.vendor == "postgresql":
        # On the offer's entry, joined once for every keyword of the query (the relation Wagtail's search joins).
        condition = _in_title_or_body(_holds_words(Value(keyword)), prefix="index_entries__")
    else:
        condition = Q(pk__in=_fts_offer_ids(Fts5Words(Value(keyword))))
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def keywords_in_offer(offer_id: int, keywords: QuerySet | None = None) -> QuerySet:
    """The ids of the keywords (tags, among `keywords`, every tag by default) that the text of the offer holds."""
    keywords = Tag.objects.all() if keywords is None else keywords
    entry = {"content_type_id": _offer_content_type_id(), "object_id": str(offer_id)}
    if connection.vendor == "postgresql":
        holds = IndexEntry.objects.filter(_in_title_or_body(_holds_words(OuterRef("name"))), **entry)
    else:
        holds = search_models.SQLiteFTSIndexEntry.objects.filter(
            FtsMatch(Fts5Words(OuterRef("name"))),
            index_entry__content_type_id=entry["content_type_id"],
            index_entry__object_id=entry["object_id"],
        )
    return keywords.filter(Exists(holds)).values("pk")
