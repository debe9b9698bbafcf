"""A profile's keywords found in an offer's text, through the search index of the offer search.

A keyword is *in* an offer when the offer's entry of Wagtail's search index holds every word of it, in its title
or in its body (mission, profile sought, keywords, city, company), processed as the search processes them: on
PostgreSQL with the `portal_french` configuration (French stems, accents ignored), on SQLite with FTS5 (accents
folded). One definition, asked from either side, always answered by the database:

- `offers_containing_any(keywords)`: the ids of the offers whose text holds one of `keywords` (from the index);
- `found_in_offer(keyword)`, `offer_holds_any(keywords)`: 1 when the offer of each row of an offer queryset holds
  `keyword`, or one of `keywords`, else 0;
- `keywords_in_offer(offer_id)`: the ids of the keywords (taggit tags) that the text of one offer holds;
- `offers_holding_at_least(keywords, count)` (PostgreSQL): the ids of the offers whose whole text holds `count` of
  `keywords` at least, or more — a superset, from the index, to narrow the offers worth testing one by one.

On PostgreSQL, partial GIN indexes on the offers' entries' title and body answer the first question from the index
(migration 0002); the second reads the offer's own entry, joined once per row, title and body apart (joining the
two costs more than both tests); the last reads the GIN index of the offers' whole text (`cms_pages/0010`).

The matching (`portal.cvbook.matching`) counts these in SQL, in both directions.
"""

from __future__ import annotations

from contextlib import contextmanager
from itertools import combinations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Case, Exists, F, Func, IntegerField, Lookup, OuterRef, Q, QuerySet, TextField, Value, When
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
def without_jit(*, from_ids: bool = False):
    """Run the block's queries without PostgreSQL's JIT compilation.

    PostgreSQL compiles a query to machine code when its estimated cost passes `jit_above_cost`. The estimates of
    the matching and facet queries pass it at scale (50,000 offers) although they run in milliseconds, and the
    compilation alone then takes longer than the query: it is turned off for them, with `SET LOCAL` inside a
    transaction of their own (no other query is concerned). Elsewhere: nothing to do.

    `from_ids`: for a query whose first table is read from a list of ids computed in the query (`= ANY(ARRAY(…))`),
    the tables are also joined in the order the query names them (`join_collapse_limit = 1`: searching the best
    order of a list page's seven tables took longer than running the query), and without parallel workers (the
    estimates of such a list are blind, and waiting for workers on a busy machine took longer than reading the few
    hundred rows).
    """
    if connection.vendor != "postgresql":
        yield
        return
    settings_sql = "set_config('jit', 'off', true)"
    if from_ids:
        settings_sql += (
            ", set_config('join_collapse_limit', '1', true), set_config('max_parallel_workers_per_gather', '0', true)"
        )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {settings_sql}")
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


def found_in_offer(keyword: str):
    """1 when the offer of the row (of an `OfferPage` queryset) holds every word of `keyword`, else 0."""
    return keywords_found_in_offer([keyword])


def keywords_found_in_offer(keywords: list[str]):
    """How many of `keywords` the offer of the row (of an `OfferPage` queryset) holds."""
    if connection.vendor == "postgresql":
        return _EntryHolds(keywords)
    found = Value(0, output_field=IntegerField())
    for keyword in keywords:
        condition = Q(pk__in=_fts_offer_ids(Fts5Words(Value(keyword))))
        found = found + Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
    return found


def offer_holds_any(keywords: list[str]):
    """1 when the offer of the row (of an `OfferPage` queryset) holds one of `keywords` at least, else 0."""
    if connection.vendor == "postgresql":
        return _EntryHolds(keywords, any_of=True)
    condition = Q(pk__in=_fts_offer_ids(Fts5Words(*(Value(keyword) for keyword in keywords))))
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


class _EntryHolds(Func):
    """PostgreSQL: of the row's offer, tested on its own entry (joined once for all such expressions of the query, by
    the relation Wagtail's search joins), the number of `keywords` its title or its body holds — for each keyword
    `CASE WHEN title @@ plainto_tsquery(…) OR body @@ plainto_tsquery(…) THEN 1 ELSE 0 END` — or, `any_of`, 1 when
    it holds one of them.

    Written at once rather than as a lookup for each keyword and column: the matching builds it for several queries.
    """

    output_field = IntegerField()

    def __init__(self, keywords: list[str], *, any_of: bool = False):
        super().__init__(F("index_entries__title"), F("index_entries__body"))
        self.keywords, self.any_of = list(keywords), any_of

    def as_sql(self, compiler, connection, **extra_context):
        title, title_params = compiler.compile(self.source_expressions[0])
        body, body_params = compiler.compile(self.source_expressions[1])
        config = _postgres_config()
        groups = [self.keywords] if self.any_of else [[keyword] for keyword in self.keywords]
        tests, params = [], []
        for group in groups:
            query = " || ".join(["plainto_tsquery(%s::regconfig, %s)"] * len(group))
            words = [param for keyword in group for param in (config, keyword)]
            tests.append(f"CASE WHEN {title} @@ ({query}) OR {body} @@ ({query}) THEN 1 ELSE 0 END")
            params.extend([*title_params, *words, *body_params, *words])
        return f"({' + '.join(tests)})", params


def offers_holding_at_least(keywords: list[str], count: tuple[str, list], *, most: int) -> tuple[str, list]:
    """PostgreSQL: the SQL (and its parameters) of the ids of the offers whose text, title and body together, holds
    `count` of `keywords` at least — `count` an SQL expression and its parameters, read once, from 1 to `most`
    (beyond: no offer) — answered from the GIN index of the offers' text (`cms_pages_offer_text_gin`).

    Every offer holding that many keywords as `found_in_offer` finds them is among these: a keyword whose words are
    all in the title, or all in the body, has them all in both together. The query is the alternatives of every
    `count` of the keywords (`(a & b) | (a & c) | (b & c)` for two of three), each keyword's words processed once.
    """
    names = [f"keyword_{number}" for number in range(len(keywords))]
    alternatives = []
    for size in range(1, most + 1):
        query = " || ".join(f"({' && '.join(group)})" for group in combinations(names, size))
        alternatives.append(f"WHEN needed {'<=' if size == 1 else '='} {size} THEN {query}")
    words = ", ".join(f"plainto_tsquery(%s::regconfig, %s) AS {name}" for name in names)
    config = _postgres_config()
    sql = f"""
        SELECT entry.object_id::integer FROM {IndexEntry._meta.db_table} entry
        WHERE entry.content_type_id = %s AND (entry.title || entry.body) @@ (
            SELECT CASE {" ".join(alternatives)} END FROM (SELECT {count[0]} AS needed, {words}) keywords
        )
    """
    return sql, [_offer_content_type_id(), *count[1], *(p for keyword in keywords for p in (config, keyword))]


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
