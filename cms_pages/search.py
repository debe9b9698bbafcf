"""The public offer search: full text, filters, ordering and facet counts.

One function serves the search page (`OfferIndexPage`) and `GET /offers`, so that both list the same
offers in the same order with the same counts. The full-text part goes through Wagtail's search
backend (the database backend: SQLite FTS5 or PostgreSQL full text); targeting and filters are plain
SQL on the result, and the facets are counted over the filtered results, a query per facet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.utils.translation import get_language, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from cms_pages.models import OfferPage
from portal import access
from portal.ids import within_range
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
FACETS = {
    "sector": "sector",
    "country": "country",
    "internship_type": "internship_type",
    "level": "study_level",
}
CHOICE_LABELS = {"internship_type": InternshipType, "level": StudyLevel}
ORDER_BY = {
    NEWEST: ("-first_published_at", "-pk"),
    START_DATE: ("start_date", "pk"),
}


@dataclass
class OfferSearch:
    """The offers found, in order, and the facet counts over them."""

    offers: QuerySet
    facets: dict[str, list[dict]]
    ordering: str


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


def facet_counts(offers: QuerySet) -> dict[str, list[dict]]:
    """{facet: [{"code", "label", "count"}]} over `offers`, most frequent first: one query per facet."""
    english = (get_language() or "fr").startswith("en")
    name = "name_en" if english else "name_fr"
    found = OfferPage.objects.filter(pk__in=offers.order_by().values("pk")).order_by()
    facets = {}
    for facet, field in FACETS.items():
        if facet in CHOICE_LABELS:
            rows = found.values(field).annotate(count=Count("pk")).order_by("-count", field)
            labels = dict(CHOICE_LABELS[facet].choices)
            facets[facet] = [
                {"code": row[field], "label": str(labels.get(row[field], row[field])), "count": row["count"]}
                for row in rows
            ]
        else:
            rows = found.values(field, f"{field}__{name}").annotate(count=Count("pk")).order_by("-count", field)
            facets[facet] = [
                {"code": row[field], "label": row[f"{field}__{name}"], "count": row["count"]} for row in rows
            ]
    return facets


def search_offers(user, data: dict, *, with_facets: bool = True) -> OfferSearch:
    """The live offers `user` may see (targeting applied) matching the search form's cleaned data.

    Ordering: relevance when there is a query and no other choice, newest first otherwise.
    """
    terms = words(data.get("q"))
    ordering = data.get("ordering") or (RELEVANCE if terms else NEWEST)
    if ordering == RELEVANCE and not terms:
        ordering = NEWEST
    offers = filter_offers(searchable(user), data)
    if terms:
        offers = _full_text(offers, terms, by_relevance=ordering == RELEVANCE)
    if ordering in ORDER_BY:
        offers = offers.order_by(*ORDER_BY[ordering])
    facets = facet_counts(offers) if with_facets else {}
    return OfferSearch(offers=offers.for_listing(), facets=facets, ordering=ordering)
