"""The public offer search: full text, filters, ordering and facet counts.

One function serves the search page (`OfferIndexPage`) and `GET /offers`, so that both list the same
offers in the same order with the same counts. The full-text part goes through Wagtail's search
backend (the database backend: SQLite FTS5 or PostgreSQL full text).

What the public finds (no targeting of their own) is the same for all of them until the offers change, and so is what
the students of one programme find (`access.offers.audience_key`). Their searches are counted by the offers held in
memory (`indexed_search`, `cms_pages.offer_index`: the words alone asked of the backend), and their total, their
facets and the ids of their first `FIRST_RESULTS_KEPT` results, in order, are kept in the cache
(`cms_pages.search_cache`): a page among those is then one query by primary key, whatever the number of offers the
search matched and however costly its ranking. Any other search (a city, a company's people, who find their own
offers too) filters in SQL and counts its total and facets over the filtered results in one aggregate query, so that
it costs the same few queries whatever the number of offers: that aggregate, the ids of its first results (on
PostgreSQL a search ranked by relevance sorts them in the statement that counts it), one page of rows (the columns a
result shows) and its keywords.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F, QuerySet
from django.utils.translation import get_language, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from cms_pages import offer_index, search_cache
from cms_pages.models import OfferPage
from portal import access
from portal.ids import within_range
from portal.reference import tables
from portal.reference.choices import InternshipType, StudyLevel

# What a search may hold. Every word becomes a nested level of the engines' query: the offer search keeps the
# first `MAX_WORDS` (`cms_pages.search.words`), other searches refuse more (`validate_search_words`).
MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
WORD = re.compile(r"\w+")


def validate_search_words(query: str) -> None:
    """Refuse a search of more than `MAX_WORDS` words."""
    if len(WORD.findall(query or "")) > MAX_WORDS:
        raise ValidationError(
            ngettext_lazy("Search with at most %(max)d word.", "Search with at most %(max)d words.", "max")
            % {"max": MAX_WORDS},
            code="too_many_words",
        )


NEWEST, START_DATE, RELEVANCE = "newest", "start_date", "relevance"
ORDERINGS = [
    (RELEVANCE, _("Relevance")),
    (NEWEST, _("Newest first")),
    (START_DATE, _("Earliest start first")),
]
# Facet name (as in the API and the query string) → the offer's field.
FACETS = offer_index.FACETS
CHOICE_LABELS = {"internship_type": InternshipType, "level": StudyLevel}
# The columns a result shows (the search page's card, the API's summary) and those its address is built from: the
# page of results reads these only, never the mission or the profile sought.
LISTED_FIELDS = (
    "title",
    "slug",
    "url_path",
    "path",
    "depth",
    "locale_id",
    "live",
    "content_type_id",
    "first_published_at",
    "status",
    "company",
    "company__title",
    "internship_type",
    "study_level",
    "duration_weeks",
    "start_date",
    "end_date",
    "city",
    "country",
    "sector",
    "remuneration",
    "places",
)
ORDER_BY = {
    NEWEST: offer_index.NEWEST_FIRST,
    START_DATE: ("start_date", "pk"),
}


# The results of a public search whose order is kept with its counts: ten pages of twenty.
FIRST_RESULTS_KEPT = 200


@dataclass
class OfferSearch:
    """The offers found, in order, and the facet counts over them.

    `first_ids`, when the search was kept: the ids of its first results in order, read again by primary key from
    `by_id()` (`results`), or by `rows` when the caller holds rows of its own for them (`rows(ids)`: what it shows of
    those offers, in their order, leaving out any it cannot find). `generation`: the offers' generation the search
    was counted in, when it may be kept (`cms_pages.search_cache`)."""

    query: Callable[[], QuerySet]  # builds `offers`: a kept search needs it only for a page past its ids
    facets: dict[str, list[dict]]
    ordering: str
    count: int | None = None
    first_ids: list[int] | None = None
    by_id: Callable[[], QuerySet] | None = None  # built only when the rows of some ids are read
    generation: str | None = None
    rows: Callable[[list[int]], list] | None = None

    @cached_property
    def offers(self) -> QuerySet:
        """The offers found, in order, with the columns a result shows."""
        return self.query()

    @property
    def results(self):
        """What to page through: the ordered queryset, or the kept order in front of it."""
        if self.first_ids is None:
            return self.offers
        return KeptOrder(lambda: self.offers, self.rows or self.read_by_id, self.first_ids, self.count)

    def read_by_id(self, ids: list[int]) -> list:
        """The offers `ids` in their order, read by primary key; an offer gone since the search was kept (its change
        then forgets the search) is left out."""
        rows = {offer.pk: offer for offer in self.by_id().filter(pk__in=ids).order_by()}
        return [rows[pk] for pk in ids if pk in rows]

    def paginator(self, per_page: int) -> Paginator:
        """The pages of the results, with the count read with the facets when there is one."""
        if self.count is None:
            return Paginator(self.results, per_page)
        return CountedPaginator(self.results, per_page, count=self.count)


class KeptOrder:
    """The results of a kept search, sliced as a paginator slices them: a slice within the ids kept is those rows,
    read by `rows` (by primary key, in the kept order); a slice past them comes from the search's own query."""

    def __init__(self, offers: Callable[[], QuerySet], rows: Callable[[list[int]], list], ids: list[int], count: int):
        self.offers, self.rows, self.ids, self.total = offers, rows, ids, count

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, item):
        if not isinstance(item, slice) or item.step is not None:
            return self.offers()[item]
        start, stop = item.start or 0, self.total if item.stop is None else item.stop
        if stop > len(self.ids) and len(self.ids) < self.total:
            return self.offers()[item]
        wanted = self.ids[start:stop]
        return self.rows(wanted) if wanted else []


class CountedPaginator(Paginator):
    """A paginator told the number of objects (counted with the facets) instead of counting them again."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count


def words(query: str) -> list[str]:
    """The words of a visitor's query, without the punctuation the search engines read as syntax.

    At most the first `MAX_WORDS`: each word nests the engines' query one level deeper.
    """
    return WORD.findall(query or "")[:MAX_WORDS]


def _full_text(offers: QuerySet, terms: list[str], *, by_relevance: bool) -> QuerySet:
    """The offers matching every word of `terms`, as a queryset to filter further."""
    results = OfferPage.objects.all().search(" ".join(terms), operator="and", order_by_relevance=by_relevance)
    # The database backends answer a plain queryset of the matching pages, ranked when asked.
    matching = results.get_queryset()
    return matching.filter(pk__in=offers.values("pk"))


def searchable(user) -> QuerySet:
    """What the public search lists for `user`: the offers online (a renewed offer stays online with its approved
    version while the new one is moderated) that their targeting admits."""
    return OfferPage.objects.live().public().filter(access.offers.audience_q(user))


def company_offers(user, company, *, limit: int) -> QuerySet:
    """The newest offers of `company` that `user` may find, for its presentation page."""
    return searchable(user).filter(company=company).for_listing().order_by("-first_published_at", "-pk")[:limit]


def by_number(user, number: int):
    """The offer numbered `number` (N° 00381) if `user` may find it, else None."""
    return searchable(user).filter(pk=number).first()


def filter_offers(offers: QuerySet, data: dict) -> QuerySet:
    """Narrow `offers` by the search form's cleaned data (an empty value does not filter)."""
    if data.get("sector"):
        offers = offers.filter(sector=data["sector"])
    if data.get("country"):
        offers = offers.filter(country=data["country"])
    if data.get("city"):
        offers = offers.filter(city__icontains=data["city"].strip())
    if data.get("internship_type"):
        offers = offers.filter(internship_type=data["internship_type"])
    if data.get("level"):
        offers = offers.filter(study_level=data["level"])
    if data.get("organisation"):
        company = data["organisation"]
        offers = offers.filter(company_id=company) if within_range(company) else offers.none()
    if data.get("start_after"):
        offers = offers.filter(start_date__gte=data["start_after"])
    if data.get("start_before"):
        offers = offers.filter(start_date__lte=data["start_before"])
    return offers


# PostgreSQL counts the total and the four facets in one pass over the filtered offers (`GROUPING SETS`); `GROUPING()`
# of the four columns tells which set a row counts: 15 the total, then each facet's own (its bit at 0).
GROUPING_SETS = {15: "total", 7: "sector", 11: "country", 13: "internship_type", 14: "level"}
# The total and the facets over `found`, as PostgreSQL counts them; the rows are (grouping, code, count).
GROUPED_FOUND = """
    SELECT GROUPING(sector_id, country_id, internship_type, study_level),
           COALESCE(sector_id, country_id, internship_type, study_level), COUNT(*){more}
    FROM {found}
    GROUP BY GROUPING SETS ((), (sector_id), (country_id), (internship_type), (study_level))
"""


def _facets_sql(offers: QuerySet) -> tuple[str, list]:
    """One aggregate query over the filtered offers: the total, and the counts of each sector, country, internship
    type and study level (their codes). On PostgreSQL one pass with `GROUPING SETS`; elsewhere a common table
    expression of the filtered offers, computed once, grouped four times."""
    inner, params = (
        offers.order_by().values("pk", "sector_id", "country_id", "internship_type", "study_level").query
    ).sql_with_params()
    if connection.vendor == "postgresql":
        found = f"({inner}) AS found (id, sector_id, country_id, internship_type, study_level)"
        return GROUPED_FOUND.format(more="", found=found), list(params)
    sql = f"""
        WITH found (id, sector_id, country_id, internship_type, study_level) AS ({inner})
        SELECT 15, '', COUNT(*) FROM found
        UNION ALL
        SELECT 7, sector_id, COUNT(*) FROM found GROUP BY sector_id
        UNION ALL
        SELECT 11, country_id, COUNT(*) FROM found GROUP BY country_id
        UNION ALL
        SELECT 13, internship_type, COUNT(*) FROM found GROUP BY internship_type
        UNION ALL
        SELECT 14, study_level, COUNT(*) FROM found GROUP BY study_level
    """
    return sql, list(params)


def facet_counts(offers: QuerySet) -> tuple[int, dict[str, list[dict]]]:
    """The number of `offers` and {facet: [{"code", "label", "count"}]} over them, most frequent first: one query.
    The labels of the sectors and countries come from the reference tables held in memory."""
    try:
        sql, params = _facets_sql(offers)
    except EmptyResultSet:  # a filter that nothing can match (`.none()`): no query at all
        return _read_facets([])
    # One query, even on PostgreSQL: no `SET LOCAL jit = off` around it as the CV book has (a transaction and a
    # statement more); where its plans pass `jit_above_cost`, turn JIT off for the database instead.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _read_facets(cursor.fetchall())


def _read_facets(rows) -> tuple[int, dict[str, list[dict]]]:
    """The total and the facets from the rows of `_facets_sql`: (grouping, code, count)."""
    total, counts = 0, {facet: {} for facet in FACETS}
    for grouping, code, count in rows:
        facet = GROUPING_SETS[grouping]
        if facet == "total":
            total = count
        elif code is not None and code != "":
            counts[facet][code] = count
    return total, _labelled(counts)


def _labelled(counts: dict[str, dict[str, int]]) -> dict[str, list[dict]]:
    """{facet: [{"code", "label", "count"}]} from {facet: {code: count}}, most frequent first. The labels of the
    sectors and countries come from the reference tables held in memory."""
    labels = {"sector": tables.sector_names(), "country": tables.country_names()}
    facets = {}
    for facet, codes in counts.items():
        choices = dict(CHOICE_LABELS[facet].choices) if facet in CHOICE_LABELS else labels[facet]
        terms = [{"code": code, "label": str(choices.get(code, code)), "count": count} for code, count in codes.items()]
        facets[facet] = sorted(terms, key=lambda term: (-term["count"], term["code"]))
    return facets


def _ranked_facets_sql(offers: QuerySet, first: int) -> tuple[str, list]:
    """PostgreSQL: `_facets_sql` and the ids of the first `first` of `offers` in their order, in one statement.

    For a search ranked by relevance: the offers found are read once (their text entries, their targeting), each
    with its rank, then counted and their first `first` sorted among them. Read twice, as the count and the page of
    a search are, they cost two index scans of the entries and a sort of the found entries' whole text vectors (on
    disk past a few thousand). The last row holds the ids: (-1, NULL, NULL, ids)."""
    keys, sort = {}, []
    for number, term in enumerate(offers.query.order_by):
        name = f"order_{number}"
        if isinstance(term, str):
            keys[name], descending = F(term.lstrip("-")), term.startswith("-")
        else:
            keys[name], descending = term.expression, term.descending
        sort.append(f"{name} {'DESC' if descending else 'ASC'}")
    columns = ("pk", "sector_id", "country_id", "internship_type", "study_level")
    inner, params = offers.annotate(**keys).order_by().values(*columns, *keys).query.sql_with_params()
    found = ", ".join(["id", *columns[1:], *keys])
    sql = f"""
        WITH found ({found}) AS MATERIALIZED ({inner})
        {GROUPED_FOUND.format(more=", NULL", found="found")}
        UNION ALL
        SELECT -1, NULL, NULL, ARRAY(SELECT id FROM found ORDER BY {", ".join(sort)} LIMIT %s)
    """
    return sql, [*params, first]


def counted_with_first_ids(
    offers: QuerySet, ordering: str, first: int, *, only_sorted_with_count: bool = False
) -> tuple[int, dict[str, list[dict]], list | None]:
    """`facet_counts(offers)` and the ids of the first `first` of `offers`, in order.

    A search ranked by relevance on PostgreSQL is counted and sorted in one statement (`_ranked_facets_sql`); any
    other reads its first ids apart, in the order of an index (newest first, the start dates), which beats sorting
    every offer found; with `only_sorted_with_count` it reads none (the ids are then None). No ids are read when none
    is found."""
    if ordering == RELEVANCE and connection.vendor == "postgresql":
        try:
            sql, params = _ranked_facets_sql(offers, first)
        except EmptyResultSet:
            return (*_read_facets([]), [])
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        total, facets = _read_facets(row[:3] for row in rows if row[0] != -1)
        (ids,) = [row[3] for row in rows if row[0] == -1]
        return total, facets, ids if total else []
    total, facets = facet_counts(offers)
    if only_sorted_with_count:
        return total, facets, None
    return total, facets, list(offers.values_list("pk", flat=True)[:first]) if total else []


def _listed(offers: QuerySet) -> QuerySet:
    """`offers` with the columns a result shows and the joins of a list."""
    return offers.for_listing().only(*LISTED_FIELDS)


def _by_id(user, ids: list | None, *, indexed: bool = False) -> Callable[[], QuerySet] | None:
    """Where the results among `ids` are read again by primary key: what `user` may find (None without ids). Ids an
    index of the offers found (`indexed`: `cms_pages.offer_index`, whose sets hold the targeting) are read among the
    offers online, as the index read them."""
    if ids is None:
        return None
    return lambda: _listed(offer_index.listed() if indexed else searchable(user))


def _ordering(data: dict) -> str:
    """The ordering asked for; by default, relevance when there are words, newest first otherwise."""
    terms = words(data.get("q"))
    ordering = data.get("ordering") or (RELEVANCE if terms else NEWEST)
    return NEWEST if ordering == RELEVANCE and not terms else ordering


def matching_offers(user, data: dict) -> tuple[QuerySet, str]:
    """The live offers `user` may see (targeting applied) matching the search form's cleaned data, in order, and the
    ordering applied: relevance when there is a query and no other choice, newest first otherwise."""
    terms, ordering = words(data.get("q")), _ordering(data)
    offers = filter_offers(searchable(user), data)
    if terms:
        offers = _full_text(offers, terms, by_relevance=ordering == RELEVANCE)
    if ordering in ORDER_BY:
        offers = offers.order_by(*ORDER_BY[ordering])
    return offers, ordering


def search_offers(user, data: dict, *, with_facets: bool = True, generation: str | None = None) -> OfferSearch:
    """The offers of `matching_offers`, shaped for a page of results, with their number and the facets over them.

    For an audience many people share (`access.offers.audience_key`: the public, a programme's students), the number
    and the facets come from the cache when the same search was made since the offers last changed, and for the
    public the order of the first results too; the search's own query is then built only for a page past them (for
    the students, for the page asked for). A search ranked by relevance on PostgreSQL gets the order of its first
    results with its count, for anyone (`counted_with_first_ids`), and its pages among them are read by id.
    `generation`: the offers' generation the caller read already (`search_cache.kept_answer`), else read here."""
    audience = access.offers.audience_key(user) if with_facets else None
    if audience is not None:
        return _kept_search(user, data, audience, generation or search_cache.generation())
    offers, ordering = matching_offers(user, data)
    listed = _listed(offers)
    if not with_facets:
        return OfferSearch(query=lambda: listed, facets={}, ordering=ordering)
    # A search ranked by relevance gets its first ids with its count: its pages among them are read by id, not ranked
    # again (a ranked page sorts every offer found with its text).
    count, facets, ids = counted_with_first_ids(offers, ordering, FIRST_RESULTS_KEPT, only_sorted_with_count=True)
    return OfferSearch(
        query=lambda: listed,
        facets=facets,
        ordering=ordering,
        count=count,
        first_ids=ids,
        by_id=_by_id(user, ids),
    )


def _kept_search(user, data: dict, audience: str, generation: str) -> OfferSearch:
    """`search_offers` for an audience many people share: what the cache keeps of the search, computed and kept when
    it has none: by the offers held in memory (`indexed_search`), else by SQL. The order of its first results is kept
    as well (but for a programme's students' search by SQL), and each page of them is then read by id, however costly
    the ranking; a page past them is read with the search's own query."""
    criteria = {name: value for name, value in data.items() if value not in (None, "") and name != "q"}
    criteria.update(words=" ".join(words(data.get("q"))), ordering=_ordering(data), audience=audience)
    search_key = search_cache.key(get_language() or "fr", criteria, generation)
    found, offers = search_cache.kept(search_key), None
    if found is None:
        # The index of a generation no other request shares (the cache keeps nothing) would be read for this one only.
        found = indexed_search(user, data, audience, generation) if search_cache.shared(generation) else None
        if found is None:
            # A programme's students, fewer to make the same search, read their page with the search's own query.
            offers, ordering = matching_offers(user, data)
            count, facets, ids = counted_with_first_ids(
                offers, ordering, FIRST_RESULTS_KEPT, only_sorted_with_count=audience != access.offers.PUBLIC_AUDIENCE
            )
            found = {"count": count, "facets": facets, "ids": ids}
        search_cache.keep(search_key, found)
    return OfferSearch(
        # The search's own query, built once per request: the one just counted, if it was.
        query=lambda: _listed(offers if offers is not None else matching_offers(user, data)[0]),
        facets=found["facets"],
        ordering=criteria["ordering"],
        count=found["count"],
        first_ids=found["ids"],
        by_id=_by_id(user, found["ids"], indexed=found.get("indexed", False)),
        generation=generation if search_cache.shared(generation) else None,
    )


def indexed_search(user, data: dict, audience: str, generation: str) -> dict | None:
    """The search of `audience` (`access.offers.audience_key`) over the offers of `generation` held in memory
    (`cms_pages.offer_index`): {"count", "facets", "ids": the first `FIRST_RESULTS_KEPT` in order}, as the SQL path
    finds them; None for a search the index does not answer (a city). The words alone are asked of the search
    backend (the offers matching them, ranked when the search is), once per generation and set of words."""
    if any(value not in (None, "") for name, value in data.items() if name not in offer_index.CRITERIA):
        return None
    index = offer_index.current(generation)
    found = index.matching(data, index.audience(audience, lambda: access.offers.audience_entries(user)))
    terms, ordering = words(data.get("q")), _ordering(data)
    order = index.by_start if ordering == START_DATE else None
    if terms and found:
        ranked = ordering == RELEVANCE

        def matching_ids():
            # Every offer matching the words, online or not (the index holds those online): the backend's statement
            # alone, without a join to the offers online, which costs more than the offers it leaves out.
            matching = OfferPage.objects.all().search(" ".join(terms), operator="and", order_by_relevance=ranked)
            matching = matching.get_queryset() if ranked else matching.get_queryset().order_by()
            return matching.values_list("pk", flat=True)

        # The words find the same offers whatever the other criteria: asked once per generation (`WORDS_KEPT`).
        matched, numbers = index.matching_words((*terms, ranked), matching_ids)
        found &= matched
        if ranked:
            order = numbers
    total, counts = index.counts(found)
    first = index.first_ids(found, order, FIRST_RESULTS_KEPT)
    return {"count": total, "facets": _labelled(counts), "ids": first, "indexed": True}
