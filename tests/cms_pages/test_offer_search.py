"""The public offer search, as a visitor uses it on the search page (/offres/) and through GET /api/v1/offers.

Full text (title, mission, keywords, company name), filters, ordering, facet counts beside the results, bad and
hostile input, targeting, the offers that are not live, and the number of queries.

The full-text engines differ (SQLite FTS5; PostgreSQL full text in the portal's French configuration without accents,
`cms_pages` 0004, which stems words and drops stop words such as "et"): only what both do is asserted, with words
that neither stemming nor stop words change. Every search is made on the page and through the API, which must agree.
"""

import datetime
import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import factory
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone
from wagtail.models import PageViewRestriction
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from cms_pages import search as offer_search
from cms_pages.models import OfferPage
from portal.reference.choices import InternshipType, OfferStatus, StudyLevel
from portal.reference.models import Country, Sector
from tests.factories import (
    CompanyFactory,
    OfferFactory,
    ProgrammeFactory,
    SchoolFactory,
    company_admin,
    student,
)
from workflows import services

pytestmark = pytest.mark.django_db

SEARCH_PAGE = "/offres/"
SEARCH_API = "/api/v1/offers"
# The labels below are the interface's English source strings.
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
# Beyond any id a database gives a page (and beyond SQLite's 64-bit integers).
OUT_OF_RANGE_NUMBER = "99999999999999999999"

# A search with a query and a filter by a signed-in student, whatever the number of offers: the signed-in user with
# their student record, the offers matching the words (the count and the four facets in memory), one page of offers
# with their keywords; on the page, the site, the home page and the offer index first
# (tests/portal/test_query_counts.py pins each kind of client).
SEARCH_PAGE_MAX_QUERIES = 6
SEARCH_API_MAX_QUERIES = 3


# What a visitor sees of a search, on either surface


@dataclass
class Found:
    titles: list[str]  # the offers listed, in the order shown
    count: int  # the number of offers found, as announced
    facets: dict[str, list[tuple[str, int]]]  # facet → [(label, count)] as shown; a facet without a term is left out
    ordering: str


CARD_TITLE = re.compile(r'<h3 class="card__title"><a href="[^"]*">(?P<title>[^<]*)</a></h3>')
RESULT_COUNT = re.compile(r'<p class="result-count" role="status">\s*(?P<count>\d+) offers? found\s*</p>')
FACET_SECTION = re.compile(
    r'<section class="facet" aria-labelledby="facet-(?P<name>\w+)">(?P<body>.*?)</section>', re.S
)
FACET_TERM = re.compile(
    r'<a class="facet__link"(?P<current> aria-current="true")? href="(?P<href>[^"]*)"[^>]*>(?P<text>.*?)</a>\s*'
    r'<span class="facet__count">(?P<count>\d+)</span>',
    re.S,
)
HIDDEN_SPAN = re.compile(r"<span[^>]*>.*?</span>", re.S)


@dataclass
class FacetLink:
    label: str
    count: int
    href: str
    chosen: bool


def facet_links(body: str) -> dict[str, list[FacetLink]]:
    """The guided search of the page: each facet's terms, their counts and the links they lead to."""
    links = {}
    for section in FACET_SECTION.finditer(body):
        links[section["name"]] = [
            FacetLink(
                label=" ".join(html.unescape(HIDDEN_SPAN.sub("", term["text"])).split()),
                count=int(term["count"]),
                href=html.unescape(term["href"]),
                chosen=bool(term["current"]),
            )
            for term in FACET_TERM.finditer(section["body"])
        ]
    return links


def listed_titles(body: str) -> list[str]:
    return [html.unescape(match["title"]) for match in CARD_TITLE.finditer(body)]


def page_found(response) -> Found:
    assert response.status_code == 200
    body = response.content.decode()
    announced = RESULT_COUNT.search(body)
    assert announced is not None
    return Found(
        titles=listed_titles(body),
        count=int(announced["count"]),
        facets={name: [(link.label, link.count) for link in terms] for name, terms in facet_links(body).items()},
        ordering=response.context["ordering"],
    )


def api_found(response) -> Found:
    assert response.status_code == 200, response.content
    data = response.json()
    return Found(
        titles=[row["title"] for row in data["results"]],
        count=data["count"],
        facets={
            name: [(term["label"], term["count"]) for term in terms] for name, terms in data["facets"].items() if terms
        },
        ordering=data["ordering"],
    )


@pytest.fixture
def search(client):
    """Search as `user` (anonymous by default) on the page and through the API: both show the same offers, in the
    same order, with the same counts; what they show is returned."""

    def run(params=None, *, user=None) -> Found:
        if user is not None:
            client.force_login(user)
        on_the_page = page_found(client.get(SEARCH_PAGE, params or {}, **ENGLISH))
        through_the_api = api_found(client.get(SEARCH_API, params or {}, **ENGLISH))
        assert on_the_page == through_the_api
        return on_the_page

    return run


# Data


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def live_offer(company, title: str, *, author=None, **fields):
    """A live offer, as the hub's approval leaves it: published yesterday unless told otherwise."""
    fields.setdefault("first_published_at", days_ago(1))
    return OfferFactory(parent=company, author=author, title=title, live=True, status=OfferStatus.PUBLISHED, **fields)


def tagged_offer(company, title: str, keywords: list[str], **fields):
    offer = live_offer(company, title, **fields)
    offer.keywords.add(*keywords)
    offer.save()
    return offer


def sector_label(code: str) -> str:
    return Sector.objects.get(code=code).name_en


def country_label(code: str) -> str:
    return Country.objects.get(code=code).name_en


# Full text


def test_a_word_of_the_title_finds_the_offer(search, company):
    live_offer(company, "Stage Zephyrine")
    live_offer(company, "Stage comptable")

    found = search({"q": "zephyrine"})

    assert found.titles == ["Stage Zephyrine"]
    assert found.count == 1


def test_a_word_of_the_mission_finds_the_offer(search, company):
    live_offer(company, "Stage logistique", mission="Optimiser les tournées de la flotte de drones.")
    live_offer(company, "Stage comptable")

    found = search({"q": "drones"})

    assert found.titles == ["Stage logistique"]


def test_a_keyword_finds_the_offer(search, company):
    tagged_offer(company, "Stage innovation", ["blockchain"])
    tagged_offer(company, "Stage comptable", ["fiscalité"])

    found = search({"q": "blockchain"})

    assert found.titles == ["Stage innovation"]


def test_the_company_name_finds_its_offers(search, company):
    quixotia = CompanyFactory(title="Quixotia Labs")
    live_offer(quixotia, "Stage marketing", first_published_at=days_ago(2))
    live_offer(quixotia, "Stage vente", first_published_at=days_ago(1))
    live_offer(company, "Stage comptable")

    found = search({"q": "quixotia"})

    assert sorted(found.titles) == ["Stage marketing", "Stage vente"]


def test_every_word_of_the_query_is_required(search, company):
    live_offer(company, "Stage python", mission="Analyser des données climatiques.")
    live_offer(company, "Stage python web", mission="Construire des sites.")
    live_offer(company, "Stage climat", mission="Mesurer des données climatiques.")

    found = search({"q": "python climatiques"})

    assert found.titles == ["Stage python"]


def test_an_accented_word_finds_the_offer(search, company):
    live_offer(company, "Développeur mobile", mission="Écrire une application pour téléphone.")
    live_offer(company, "Stage comptable", mission="Tenir les comptes.")

    found = search({"q": "développeur"})

    assert found.titles == ["Développeur mobile"]


def test_a_query_matching_nothing_finds_no_offer_and_no_facet(search, company):
    live_offer(company, "Stage comptable")

    found = search({"q": "introuvablissime"})

    assert found.titles == []
    assert found.count == 0
    assert found.facets == {}


def test_api_answers_every_facet_empty_when_nothing_matches(client, company):
    live_offer(company, "Stage comptable")

    response = client.get(SEARCH_API, {"q": "introuvablissime"})

    assert response.status_code == 200
    assert response.json()["results"] == []
    assert response.json()["facets"] == {"sector": [], "country": [], "internship_type": [], "level": []}


def test_search_page_suggests_a_way_out_when_nothing_matches(client, company):
    live_offer(company, "Stage comptable")

    response = client.get(SEARCH_PAGE, {"q": "introuvablissime"}, **ENGLISH)

    assert response.status_code == 200
    body = response.content.decode()
    assert "0 offers found" in body
    assert (
        '<p class="empty-state">No offer matches these criteria. Remove a criterion or try other keywords.</p>' in body
    )
    assert f'<a class="button button--secondary" href="{SEARCH_PAGE}">See every offer</a>' in body
    assert "No criterion to suggest." in body
    assert 'value="introuvablissime"' in body  # the query stays in the field, to be corrected


# Filters


def test_sector_filter_keeps_the_offers_of_that_sector(search, company):
    live_offer(company, "Stage informatique", sector_id="62")
    live_offer(company, "Stage juridique", sector_id="69")

    found = search({"sector": "69"})

    assert found.titles == ["Stage juridique"]


def test_country_filter_keeps_the_offers_in_that_country(search, company):
    live_offer(company, "Stage à Namur", country_id="BE")
    live_offer(company, "Stage à Lille", country_id="FR", city="Lille")

    found = search({"country": "FR"})

    assert found.titles == ["Stage à Lille"]


def test_city_filter_ignores_case(search, company):
    live_offer(company, "Stage à Namur", city="Namur")
    live_offer(company, "Stage à Liège", city="Liège")

    found = search({"city": "namur"})

    assert found.titles == ["Stage à Namur"]


def test_city_filter_reads_wildcards_as_plain_characters(search, company):
    live_offer(company, "Stage à Namur", city="Namur")

    found = search({"city": "%"})

    assert found.titles == []


def test_internship_type_filter_keeps_the_offers_of_that_type(search, company):
    live_offer(company, "Stage découverte", internship_type=InternshipType.DISCOVERY)
    live_offer(company, "Stage d'insertion", internship_type=InternshipType.INSERTION)

    found = search({"internship_type": "discovery"})

    assert found.titles == ["Stage découverte"]


def test_level_filter_keeps_the_offers_of_that_study_level(search, company):
    live_offer(company, "Stage de bachelier", study_level=StudyLevel.BACHELOR)
    live_offer(company, "Stage de master", study_level=StudyLevel.MASTER)

    found = search({"level": "bachelor"})

    assert found.titles == ["Stage de bachelier"]


def test_organisation_filter_keeps_the_offers_of_that_company(search, company):
    other = CompanyFactory(title="Quixotia Labs")
    live_offer(company, "Stage chez Talos")
    live_offer(other, "Stage chez Quixotia")

    found = search({"organisation": other.pk})

    assert found.titles == ["Stage chez Quixotia"]


def start_dates_offers(company):
    live_offer(company, "Stage de janvier", start_date=datetime.date(2027, 1, 15))
    live_offer(company, "Stage de février", start_date=datetime.date(2027, 2, 1))
    live_offer(company, "Stage de mars", start_date=datetime.date(2027, 3, 1))


def test_start_after_keeps_the_offers_starting_that_day_or_later(search, company):
    start_dates_offers(company)

    found = search({"start_after": "2027-02-01", "ordering": "start_date"})

    assert found.titles == ["Stage de février", "Stage de mars"]


def test_start_before_keeps_the_offers_starting_that_day_or_earlier(search, company):
    start_dates_offers(company)

    found = search({"start_before": "2027-02-01", "ordering": "start_date"})

    assert found.titles == ["Stage de janvier", "Stage de février"]


def test_start_after_and_start_before_keep_the_offers_between(search, company):
    start_dates_offers(company)

    found = search({"start_after": "2027-01-20", "start_before": "2027-02-20"})

    assert found.titles == ["Stage de février"]


def test_combined_filters_keep_the_offers_meeting_every_criterion(search, company):
    wanted = {"sector_id": "62", "country_id": "FR", "city": "Lille", "study_level": StudyLevel.MASTER}
    live_offer(company, "Stage data à Lille", mission="Entrepôt de données.", **wanted)
    live_offer(company, "Stage web à Lille", mission="Sites vitrines.", **wanted)  # not the query
    live_offer(company, "Stage data juridique", mission="Entrepôt de données.", **{**wanted, "sector_id": "69"})
    live_offer(company, "Stage data à Namur", mission="Entrepôt de données.", **{**wanted, "country_id": "BE"})
    live_offer(company, "Stage data à Paris", mission="Entrepôt de données.", **{**wanted, "city": "Paris"})
    live_offer(company, "Stage data bachelier", mission="Entrepôt de données.", **{**wanted, "study_level": "bachelor"})

    found = search({"q": "entrepôt", "sector": "62", "country": "FR", "city": "Lille", "level": "master"})

    assert found.titles == ["Stage data à Lille"]
    assert found.facets == {
        "sector": [(sector_label("62"), 1)],
        "country": [(country_label("FR"), 1)],
        "internship_type": [("Insertion", 1)],
        "level": [("Master", 1)],
    }


# Ordering


def ordering_offers(company):
    """Three offers whose order of creation, of publication and of start all differ."""
    for title, published, start in (
        ("Stage publié en premier", days_ago(30), datetime.date(2027, 3, 1)),
        ("Stage publié hier", days_ago(1), datetime.date(2027, 4, 1)),
        ("Stage publié ensuite", days_ago(20), datetime.date(2027, 2, 1)),
    ):
        live_offer(company, title, first_published_at=published, start_date=start)


def test_without_a_query_the_newest_offers_come_first(search, company):
    ordering_offers(company)

    found = search()

    assert found.titles == ["Stage publié hier", "Stage publié ensuite", "Stage publié en premier"]
    assert found.ordering == "newest"


def test_start_date_ordering_puts_the_earliest_start_first(search, company):
    ordering_offers(company)

    found = search({"ordering": "start_date"})

    assert found.titles == ["Stage publié ensuite", "Stage publié en premier", "Stage publié hier"]
    assert found.ordering == "start_date"


def relevance_offers(company):
    """The best match for "kotlin" was published long ago and starts later; a passing mention of it yesterday."""
    tagged_offer(
        company,
        "Stage Kotlin",
        ["kotlin"],
        mission="Écrire en Kotlin une application Kotlin.",
        first_published_at=days_ago(30),
        start_date=datetime.date(2027, 3, 1),
    )
    live_offer(
        company,
        "Stage web",
        mission=(
            "Construire les pages du portail en JavaScript, soigner leurs feuilles de style, mesurer leur vitesse, "
            "écrire leurs tests, et parfois relire un module kotlin."
        ),
        first_published_at=days_ago(1),
        start_date=datetime.date(2027, 2, 1),
    )
    live_offer(company, "Stage comptable", first_published_at=days_ago(2))


def test_a_query_lists_the_best_match_first(search, company):
    relevance_offers(company)

    found = search({"q": "kotlin"})

    assert found.titles == ["Stage Kotlin", "Stage web"]
    assert found.ordering == "relevance"


def test_relevance_ordering_can_be_chosen_with_a_query(search, company):
    relevance_offers(company)

    found = search({"q": "kotlin", "ordering": "relevance"})

    assert found.titles == ["Stage Kotlin", "Stage web"]


def test_newest_ordering_applies_to_a_query(search, company):
    relevance_offers(company)

    found = search({"q": "kotlin", "ordering": "newest"})

    assert found.titles == ["Stage web", "Stage Kotlin"]
    assert found.ordering == "newest"


def test_start_date_ordering_applies_to_a_query(search, company):
    relevance_offers(company)

    found = search({"q": "kotlin", "ordering": "start_date"})

    assert found.titles == ["Stage web", "Stage Kotlin"]
    assert found.ordering == "start_date"


def test_relevance_ordering_without_a_query_falls_back_to_newest(search, company):
    relevance_offers(company)

    found = search({"ordering": "relevance"})

    assert found.titles == ["Stage web", "Stage comptable", "Stage Kotlin"]
    assert found.ordering == "newest"


# Facets


def facet_offers(company):
    """Six offers: three in sector 62, two in 70, one in 69; four in Belgium, two in France; three urgent."""
    for title, sector, country, kind, level in (
        ("Stage A", "62", "BE", InternshipType.INSERTION, StudyLevel.MASTER),
        ("Stage B", "62", "BE", InternshipType.INSERTION, StudyLevel.MASTER),
        ("Stage C", "62", "FR", InternshipType.DISCOVERY, StudyLevel.BACHELOR),
        ("Stage D", "70", "BE", InternshipType.INSERTION, StudyLevel.BACHELOR),
        ("Stage E", "70", "FR", InternshipType.DISCOVERY, StudyLevel.MASTER),
        ("Stage F", "69", "BE", InternshipType.INSERTION, StudyLevel.ENGINEER),
    ):
        live_offer(
            company,
            title,
            sector_id=sector,
            country_id=country,
            internship_type=kind,
            study_level=level,
            mission=f"Mission {'urgente' if title in ('Stage A', 'Stage D', 'Stage E') else 'ordinaire'}.",
        )


def by_frequency(terms: list[tuple[str, int]]) -> dict[str, int]:
    """The terms of a facet as {label: count}, once checked that they come most frequent first."""
    counts = [count for _label, count in terms]
    assert counts == sorted(counts, reverse=True), terms
    return dict(terms)


def test_facets_count_the_results_most_frequent_first(search, company):
    facet_offers(company)

    found = search()

    assert found.count == 6
    assert found.facets == {
        "sector": [(sector_label("62"), 3), (sector_label("70"), 2), (sector_label("69"), 1)],
        "country": [(country_label("BE"), 4), (country_label("FR"), 2)],
        "internship_type": [("Insertion", 4), ("Discovery", 2)],
        "level": [("Master", 3), ("Bachelor", 2), ("Engineering degree", 1)],
    }


def test_facets_count_only_the_filtered_results(search, company):
    facet_offers(company)

    found = search({"country": "FR"})

    assert sorted(found.titles) == ["Stage C", "Stage E"]
    assert {name: by_frequency(terms) for name, terms in found.facets.items()} == {
        "sector": {sector_label("62"): 1, sector_label("70"): 1},
        "country": {country_label("FR"): 2},
        "internship_type": {"Discovery": 2},
        "level": {"Bachelor": 1, "Master": 1},
    }


def test_facets_count_only_the_offers_matching_the_query(search, company):
    facet_offers(company)

    found = search({"q": "urgente"})

    assert sorted(found.titles) == ["Stage A", "Stage D", "Stage E"]
    assert found.facets == {
        "sector": [(sector_label("70"), 2), (sector_label("62"), 1)],
        "country": [(country_label("BE"), 2), (country_label("FR"), 1)],
        "internship_type": [("Insertion", 2), ("Discovery", 1)],
        "level": [("Master", 2), ("Bachelor", 1)],
    }


def test_api_facet_terms_carry_the_stable_code_the_label_and_the_count(client, company):
    facet_offers(company)

    response = client.get(SEARCH_API, **ENGLISH)

    assert response.status_code == 200
    assert response.json()["facets"] == {
        "sector": [
            {"code": "62", "label": sector_label("62"), "count": 3},
            {"code": "70", "label": sector_label("70"), "count": 2},
            {"code": "69", "label": sector_label("69"), "count": 1},
        ],
        "country": [
            {"code": "BE", "label": country_label("BE"), "count": 4},
            {"code": "FR", "label": country_label("FR"), "count": 2},
        ],
        "internship_type": [
            {"code": "insertion", "label": "Insertion", "count": 4},
            {"code": "discovery", "label": "Discovery", "count": 2},
        ],
        "level": [
            {"code": "master", "label": "Master", "count": 3},
            {"code": "bachelor", "label": "Bachelor", "count": 2},
            {"code": "engineer", "label": "Engineering degree", "count": 1},
        ],
    }


def link_to(links: list[FacetLink], label: str) -> FacetLink:
    (link,) = [link for link in links if link.label == label]
    return link


def test_a_facet_term_links_to_the_search_narrowed_by_it(client, company):
    facet_offers(company)

    response = client.get(SEARCH_PAGE, {"q": "urgente"}, **ENGLISH)

    assert response.status_code == 200
    link = link_to(facet_links(response.content.decode())["sector"], sector_label("70"))
    assert not link.chosen
    assert parse_qs(urlsplit(link.href).query) == {"q": ["urgente"], "sector": ["70"]}
    narrowed = page_found(client.get(SEARCH_PAGE + link.href, **ENGLISH))
    assert sorted(narrowed.titles) == ["Stage D", "Stage E"]


def test_each_facet_term_links_to_as_many_offers_as_it_counts(client, company):
    facet_offers(company)

    response = client.get(SEARCH_PAGE, {"q": "urgente"}, **ENGLISH)

    assert response.status_code == 200
    links = facet_links(response.content.decode())
    assert list(links) == ["sector", "country", "internship_type", "level"]
    for name, terms in links.items():
        for link in terms:
            criteria = parse_qs(urlsplit(link.href).query)
            assert set(criteria) == {"q", name}
            assert criteria["q"] == ["urgente"]
            assert page_found(client.get(SEARCH_PAGE + link.href, **ENGLISH)).count == link.count


def test_a_chosen_facet_term_links_back_to_the_search_without_it(client, company):
    facet_offers(company)

    response = client.get(SEARCH_PAGE, {"q": "urgente", "sector": "70"}, **ENGLISH)

    assert response.status_code == 200
    (link,) = facet_links(response.content.decode())["sector"]
    assert (link.label, link.count, link.chosen) == (sector_label("70"), 2, True)
    assert parse_qs(urlsplit(link.href).query) == {"q": ["urgente"]}
    widened = page_found(client.get(SEARCH_PAGE + link.href, **ENGLISH))
    assert sorted(widened.titles) == ["Stage A", "Stage D", "Stage E"]


def test_facet_links_lead_back_to_the_first_page_of_results(client, company):
    facet_offers(company)

    response = client.get(SEARCH_PAGE, {"q": "urgente", "page": "2"}, **ENGLISH)

    assert response.status_code == 200
    links = facet_links(response.content.decode())
    hrefs = [link.href for terms in links.values() for link in terms]
    assert len(hrefs) == 8
    assert all("page" not in parse_qs(urlsplit(href).query) for href in hrefs)


# Bad input

BAD_INPUT = {
    "unknown sector": ({"sector": "ZZ"}, "sector"),
    "unknown country": ({"country": "ZZ"}, "country"),
    "impossible date": ({"start_after": "2027-02-30"}, "start_after"),
    "not a date": ({"start_before": "demain"}, "start_before"),
    "dates reversed": ({"start_after": "2027-03-01", "start_before": "2027-02-01"}, "start_before"),
    "unknown ordering": ({"ordering": "price"}, "ordering"),
    "unknown level": ({"level": "phd"}, "level"),
    "unknown internship type": ({"internship_type": "summer"}, "internship_type"),
    "company not a number": ({"organisation": "acme"}, "organisation"),
}


def test_api_refuses_bad_input_naming_the_field(client, company, subtests):
    live_offer(company, "Stage comptable")

    for case, (params, field) in BAD_INPUT.items():
        with subtests.test(case):
            response = client.get(SEARCH_API, params, **ENGLISH)

            assert response.status_code == 400
            body = response.json()
            assert set(body) == {"detail", "code", "errors"}
            assert body["code"] == "invalid"
            assert list(body["errors"]) == [field]
            assert body["errors"][field] and all(isinstance(text, str) and text for text in body["errors"][field])


def test_a_country_added_to_the_reference_data_is_offered_and_searched_at_once(client, company):
    """The search form's countries are held in memory: a country added through the model is read again."""
    client.get(SEARCH_API, {"country": "BE"})  # the reference tables are read
    Country.objects.create(code="XK", name_fr="Kosovo", name_en="Kosovo")
    live_offer(company, "Stage à Pristina", country_id="XK")

    page = client.get(SEARCH_PAGE, **ENGLISH).content.decode()
    found = client.get(SEARCH_API, {"country": "XK"}, **ENGLISH)

    assert '<option value="XK">Kosovo</option>' in page
    assert [row["title"] for row in found.json()["results"]] == ["Stage à Pristina"]


def test_the_forms_of_the_search_share_fields_but_not_what_each_was_given(client, company):
    """Each search form shares its class's fields (no copy per form): what one form was given, its errors included,
    is not in the next one's page."""
    live_offer(company, "Stage comptable")

    refused = client.get(SEARCH_PAGE, {"sector": "62", "country": "ZZ", "level": "bachelor"}, **ENGLISH)
    later = client.get(SEARCH_PAGE, **ENGLISH).content.decode()

    assert '<option value="62" selected>' in refused.content.decode()
    assert "is not one of the available choices" in refused.content.decode()
    assert re.findall(r'<option value="[^"]+" selected>', later) == []  # the language's option has attributes first
    assert "is not one of the available choices" not in later


def test_search_page_shows_the_error_beside_the_field(client, company, subtests):
    live_offer(company, "Stage comptable")

    for case, (params, field) in BAD_INPUT.items():
        if field == "organisation":
            continue  # the company is chosen by a link, not typed in: its field is hidden
        with subtests.test(case):
            response = client.get(SEARCH_PAGE, params, **ENGLISH)

            assert response.status_code == 200
            form = response.context["form"]
            assert list(form.errors) == [field]
            errors = re.search(
                rf'<ul class="errorlist" id="id_{field}_error">(?P<items>.*?)</ul>', response.content.decode(), re.S
            )
            assert errors is not None
            shown = [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", errors["items"])]
            assert shown == form.errors[field]


def test_search_page_lists_no_offer_when_a_criterion_cannot_be_read(client, company, subtests):
    live_offer(company, "Stage comptable")

    for case, (params, field) in BAD_INPUT.items():
        with subtests.test(case):
            response = client.get(SEARCH_PAGE, params, **ENGLISH)

            assert response.status_code == 200
            assert list(response.context["form"].errors) == [field]
            assert response.context["offers"].paginator.count == 0
            assert list(response.context["offers"]) == []
            assert response.context["facets"] == []
            content = response.content.decode()
            assert "Stage comptable" not in content
            assert "Some criteria cannot be read: correct them to see the offers." in content
            assert "No offer is listed until the criteria are corrected." in content


def test_api_refuses_a_query_longer_than_200_characters(client, company):
    live_offer(company, "Stage comptable")

    response = client.get(SEARCH_API, {"q": "stage " * 40})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["q"]


HOSTILE_QUERIES = [
    '"développeur',
    'l\'offre "exacte"',
    "(développeur OR admin",
    "c++",
    "AND",
    "développeur AND NOT",
    "NEAR(développeur",
    "NEAR(",
    "*",
    "dév*",
    "title:développeur",
    "^développeur -web +mobile",
    "'; DROP TABLE cms_pages_offerpage; --",
    "' OR 1=1 --",
    "\\",
    "%_%",
    "<script>alert(1)</script>",
    " ".join(["mot"] * 30),
]


def test_api_answers_a_hostile_query_with_a_list(client, company, subtests):
    live_offer(company, "Développeur C++", mission="Du code (beaucoup).")

    for query in HOSTILE_QUERIES:
        with subtests.test(query=query):
            response = client.get(SEARCH_API, {"q": query})

            assert response.status_code == 200
            assert response.json()["count"] == len(response.json()["results"])
            assert set(response.json()["facets"]) == {"sector", "country", "internship_type", "level"}


def test_search_page_answers_a_hostile_query_and_keeps_it_in_the_field(client, company, subtests):
    live_offer(company, "Développeur C++", mission="Du code (beaucoup).")

    for query in HOSTILE_QUERIES:
        with subtests.test(query=query):
            response = client.get(SEARCH_PAGE, {"q": query}, **ENGLISH)

            assert response.status_code == 200
            body = response.content.decode()
            assert RESULT_COUNT.search(body) is not None
            field = re.search(r'<input type="search" name="q" value="(?P<value>[^"]*)"', body)
            assert field is not None
            assert html.unescape(field["value"]) == query
            assert "<script>alert(1)</script>" not in body


def test_punctuation_around_the_words_does_not_prevent_finding(search, company, subtests):
    live_offer(company, "Développeur C++", mission="Du code (beaucoup).")
    live_offer(company, "Stage comptable", mission="Tenir les comptes.")

    for query in ['"développeur"', "(développeur)", "développeur*", "développeur, c++ !"]:
        with subtests.test(query=query):
            found = search({"q": query})

            assert found.titles == ["Développeur C++"]


def test_a_query_written_as_sql_leaves_the_offers_in_place(search, company):
    live_offer(company, "Stage comptable")

    search({"q": "'; DELETE FROM cms_pages_offerpage; --"})

    assert search().titles == ["Stage comptable"]


def test_api_refuses_a_null_character_in_the_query(client, company):
    live_offer(company, "Stage comptable")

    response = client.get(SEARCH_API, {"q": "stage\x00"}, **ENGLISH)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["q"]


def test_search_page_shows_an_error_for_a_null_character_in_the_query(client, company):
    live_offer(company, "Stage comptable")

    response = client.get(SEARCH_PAGE, {"q": "stage\x00"}, **ENGLISH)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["q"]
    assert 'id="id_q_error"' in response.content.decode()


def test_a_company_number_beyond_any_id_finds_no_offer(client, company):
    live_offer(company, "Stage comptable")

    page = client.get(SEARCH_PAGE, {"organisation": OUT_OF_RANGE_NUMBER})
    api = client.get(SEARCH_API, {"organisation": OUT_OF_RANGE_NUMBER})

    assert (page.status_code, api.status_code) == (200, 200)
    assert page.context["offers"].paginator.count == api.json()["count"] == 0


def test_an_offer_number_beyond_any_id_is_not_found(client):
    by_number = client.get(f"{SEARCH_PAGE}numero/{OUT_OF_RANGE_NUMBER}/")
    detail = client.get(f"{SEARCH_API}/{OUT_OF_RANGE_NUMBER}", follow=True)

    assert (by_number.status_code, detail.status_code) == (404, 404)


# Targeting: who may find and read an offer kept for some students

RESERVED = "Stage réservé"


def reserved_offer(company):
    """A targeted offer in sector 70, beside two public offers in sector 62."""
    live_offer(company, "Stage public ancien", sector_id="62", first_published_at=days_ago(3))
    live_offer(company, "Stage public récent", sector_id="62", first_published_at=days_ago(2))
    return live_offer(company, RESERVED, sector_id="70", first_published_at=days_ago(1))


def for_french_schools(company):
    """Targets France: a student of a French school is in, one of a Belgian school is not."""
    offer = reserved_offer(company)
    offer.target_countries.add(Country.objects.get(code="FR"))
    offer.save()
    insider = student(ProgrammeFactory(organisation=SchoolFactory(country_id="FR")))
    outsider = student(ProgrammeFactory(organisation=SchoolFactory(country_id="BE")))
    return offer, insider, outsider


def for_one_school(company):
    """Targets a school: its student is in, a student of another school of the same country is not."""
    school = SchoolFactory(country_id="BE")
    offer = reserved_offer(company)
    offer.target_organisations.add(school)
    offer.save()
    insider = student(ProgrammeFactory(organisation=school))
    outsider = student(ProgrammeFactory(organisation=SchoolFactory(country_id="BE")))
    return offer, insider, outsider


def for_one_programme(company):
    """Targets a programme: its student is in, a student of another programme of the same school is not."""
    school = SchoolFactory(country_id="BE")
    programme = ProgrammeFactory(organisation=school)
    offer = reserved_offer(company)
    offer.target_programmes.add(programme)
    offer.save()
    insider = student(programme)
    outsider = student(ProgrammeFactory(organisation=school))
    return offer, insider, outsider


def for_a_country_school_and_programme(company):
    """Targets France, a French school and one of its programmes: a student of its other programme is not in."""
    school = SchoolFactory(country_id="FR")
    programme = ProgrammeFactory(organisation=school)
    offer = reserved_offer(company)
    offer.target_countries.add(Country.objects.get(code="FR"))
    offer.target_organisations.add(school)
    offer.target_programmes.add(programme)
    offer.save()
    insider = student(programme)
    outsider = student(ProgrammeFactory(organisation=school))
    return offer, insider, outsider


TARGETINGS = [
    pytest.param(for_french_schools, id="by-country"),
    pytest.param(for_one_school, id="by-school"),
    pytest.param(for_one_programme, id="by-programme"),
    pytest.param(for_a_country_school_and_programme, id="combined"),
]

PUBLIC_ONLY = ["Stage public récent", "Stage public ancien"]


@pytest.mark.parametrize("targeting", TARGETINGS)
def test_a_targeted_offer_is_listed_and_counted_for_a_student_of_its_audience(search, company, targeting):
    _offer, insider, _outsider = targeting(company)

    found = search(user=insider)

    assert found.titles == [RESERVED, *PUBLIC_ONLY]
    assert found.facets["sector"] == [(sector_label("62"), 2), (sector_label("70"), 1)]


@pytest.mark.parametrize("targeting", TARGETINGS)
def test_a_targeted_offer_can_be_read_by_a_student_of_its_audience(client, company, targeting):
    offer, insider, _outsider = targeting(company)
    client.force_login(insider)

    page = client.get(offer.url)
    detail = client.get(f"{SEARCH_API}/{offer.pk}")
    by_number = client.get(f"{SEARCH_PAGE}numero/{offer.pk}/")

    assert page.status_code == 200
    assert f"<h1>{RESERVED}</h1>" in page.content.decode()
    assert detail.status_code == 200
    assert detail.json()["title"] == RESERVED
    assert by_number.status_code == 302
    assert by_number["Location"] == offer.url


@pytest.mark.parametrize("targeting", TARGETINGS)
def test_a_targeted_offer_is_neither_listed_nor_counted_for_a_student_outside_its_audience(search, company, targeting):
    _offer, _insider, outsider = targeting(company)

    found = search(user=outsider)

    assert found.titles == PUBLIC_ONLY
    assert found.count == 2
    assert found.facets["sector"] == [(sector_label("62"), 2)]


@pytest.mark.parametrize("targeting", TARGETINGS)
def test_a_targeted_offer_is_not_found_by_a_student_outside_its_audience(client, company, targeting):
    offer, _insider, outsider = targeting(company)
    client.force_login(outsider)

    assert client.get(offer.url).status_code == 404
    assert client.get(f"{SEARCH_API}/{offer.pk}").status_code == 404
    assert client.get(f"{SEARCH_PAGE}numero/{offer.pk}/").status_code == 404


@pytest.mark.parametrize("targeting", TARGETINGS)
def test_a_targeted_offer_is_neither_listed_nor_counted_for_an_anonymous_visitor(search, company, targeting):
    targeting(company)

    found = search()

    assert found.titles == PUBLIC_ONLY
    assert found.facets["sector"] == [(sector_label("62"), 2)]


@pytest.mark.parametrize("targeting", TARGETINGS)
def test_a_targeted_offer_is_not_found_by_an_anonymous_visitor(client, company, targeting):
    offer, _insider, _outsider = targeting(company)

    assert client.get(offer.url).status_code == 404
    detail = client.get(f"{SEARCH_API}/{offer.pk}")
    assert detail.status_code == 404
    assert detail.json()["code"] == "not_found"
    assert RESERVED not in detail.content.decode()
    assert client.get(f"{SEARCH_PAGE}numero/{offer.pk}/").status_code == 404


def test_a_student_must_match_every_target_list(search, company):
    french_school = SchoolFactory(country_id="FR")
    offer = reserved_offer(company)
    offer.target_countries.add(Country.objects.get(code="BE"))  # the school is in France
    offer.target_organisations.add(french_school)
    offer.save()
    of_the_school = student(ProgrammeFactory(organisation=french_school))
    of_belgium = student(ProgrammeFactory(organisation=SchoolFactory(country_id="BE")))

    assert search(user=of_the_school).titles == PUBLIC_ONLY
    assert search(user=of_belgium).titles == PUBLIC_ONLY


def test_a_target_list_admits_any_of_its_entries(search, company):
    offer = reserved_offer(company)
    offer.target_countries.add(*Country.objects.filter(code__in=["FR", "TN"]))
    offer.save()
    of_france = student(ProgrammeFactory(organisation=SchoolFactory(country_id="FR")))
    of_tunisia = student(ProgrammeFactory(organisation=SchoolFactory(country_id="TN")))

    assert search(user=of_france).titles == [RESERVED, *PUBLIC_ONLY]
    assert search(user=of_tunisia).titles == [RESERVED, *PUBLIC_ONLY]


def offer_for_french_schools_by(company, author):
    offer = live_offer(company, RESERVED, author=author, sector_id="70", first_published_at=days_ago(1))
    offer.target_countries.add(Country.objects.get(code="FR"))
    offer.save()
    live_offer(company, "Stage public ancien", sector_id="62", first_published_at=days_ago(3))
    live_offer(company, "Stage public récent", sector_id="62", first_published_at=days_ago(2))
    return offer


COMPANY_PEOPLE = ["administrator", "author"]


def company_person(role: str, company, author):
    return company_admin(company) if role == "administrator" else author


@pytest.mark.parametrize("role", COMPANY_PEOPLE)
def test_the_company_people_find_their_targeted_offer(search, company, author, role):
    offer_for_french_schools_by(company, author)

    found = search(user=company_person(role, company, author))

    assert found.titles == [RESERVED, *PUBLIC_ONLY]
    assert found.facets["sector"] == [(sector_label("62"), 2), (sector_label("70"), 1)]


@pytest.mark.parametrize("role", COMPANY_PEOPLE)
def test_the_company_people_can_read_their_targeted_offer(client, company, author, role):
    offer = offer_for_french_schools_by(company, author)
    client.force_login(company_person(role, company, author))

    page = client.get(offer.url)
    detail = client.get(f"{SEARCH_API}/{offer.pk}")
    by_number = client.get(f"{SEARCH_PAGE}numero/{offer.pk}/")

    assert page.status_code == 200
    assert detail.status_code == 200
    assert detail.json()["target_countries"] == ["FR"]
    assert by_number.status_code == 302
    assert by_number["Location"] == offer.url


# Only live offers are listed


def test_only_live_offers_are_listed(search, company):
    admin = company_admin(company)
    live_offer(company, "Stage en ligne")
    OfferFactory(parent=company, title="Stage en brouillon")
    services.unpublish_offer(live_offer(company, "Stage retiré"), by=admin)
    services.fill_offer(live_offer(company, "Stage pourvu"), by=admin)
    services.cancel_offer(live_offer(company, "Stage annulé"), by=admin)

    found = search()

    assert found.titles == ["Stage en ligne"]
    assert found.count == 1
    assert [count for _label, count in found.facets["sector"]] == [1]


@pytest.mark.parametrize("restricted", ["company", "offer"])
def test_the_offers_of_a_private_section_are_neither_listed_nor_counted(search, company, restricted):
    """An editor's view restriction (a password) on a company's page or on an offer keeps the offers under it out of
    the search; the offers around it stay."""
    live_offer(company, "Stage public")
    private_company = CompanyFactory(title="Société discrète")
    private_offer = live_offer(private_company, "Stage réservé")
    page = private_company if restricted == "company" else private_offer
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret")

    found = search()

    assert found.titles == ["Stage public"]
    assert found.count == 1


# Queries


def live_offers_indexed_at_once(settings, count: int, **fields) -> list:
    """`count` live offers, written to the search index in one go as `manage.py update_index` does, rather than one
    by one as each is saved: the same index, built faster."""
    backends = settings.WAGTAILSEARCH_BACKENDS
    settings.WAGTAILSEARCH_BACKENDS = {name: {**params, "AUTO_UPDATE": False} for name, params in backends.items()}
    offers = OfferFactory.create_batch(count, live=True, status=OfferStatus.PUBLISHED, **fields)
    settings.WAGTAILSEARCH_BACKENDS = backends
    get_search_backend().add_bulk(OfferPage, offers)
    return offers


def test_search_makes_as_many_queries_for_200_offers_as_for_10(
    client, company, settings, django_assert_max_num_queries
):
    reader = student(ProgrammeFactory(organisation=SchoolFactory(country_id="BE")))
    client.force_login(reader)
    params = {"q": "application", "sector": "62"}
    for index in range(10):
        tagged_offer(company, f"Stage {index}", [f"mot{index % 3}"], mission="Une application mobile.")
    live_offer(company, "Stage juridique", sector_id="69", mission="Une application du droit.")  # not in sector 62
    # Warm the site root paths cache and the offers' index for every measure with another search: what a programme's
    # students find is kept for them, and each measure below reads it afresh once (the page), then kept (the API).
    client.get(SEARCH_PAGE, {**params, "ordering": "start_date"})

    with django_assert_max_num_queries(SEARCH_PAGE_MAX_QUERIES) as page_with_10:
        page = client.get(SEARCH_PAGE, params)
    with django_assert_max_num_queries(SEARCH_API_MAX_QUERIES) as api_with_10:
        api = client.get(SEARCH_API, params)
    assert page.context["offers"].paginator.count == api.json()["count"] == 10

    live_offers_indexed_at_once(
        settings,
        190,
        parent=company,
        first_published_at=timezone.now(),
        mission="Une application web.",
        internship_type=factory.Iterator(InternshipType.values),
        study_level=factory.Iterator(StudyLevel.values),
        country_id=factory.Iterator(["BE", "FR", "TN"]),
    )
    # The offers changed: the first search after it reads them into this process's index (two queries, whatever
    # their number: `test_offer_index.py`), as the first search had.
    client.get(SEARCH_PAGE, {**params, "ordering": "start_date"})

    with django_assert_max_num_queries(SEARCH_PAGE_MAX_QUERIES) as page_with_200:
        page = client.get(SEARCH_PAGE, params)
    with django_assert_max_num_queries(SEARCH_API_MAX_QUERIES) as api_with_200:
        api = client.get(SEARCH_API, params)
    assert page.context["offers"].paginator.count == api.json()["count"] == 200
    assert len(listed_titles(page.content.decode())) == len(api.json()["results"]) == 20
    assert sum(term["count"] for term in api.json()["facets"]["country"]) == 200
    assert len(page_with_200) == len(page_with_10)
    assert len(api_with_200) == len(api_with_10)


def test_a_renamed_company_is_found_by_its_new_name(client, company):
    live_offer(company, "Stage comptable")
    company.title = "Quantora Analytics"
    company.save_revision().publish()

    found = client.get(SEARCH_API, {"q": "Quantora"}).json()

    assert [row["title"] for row in found["results"]] == ["Stage comptable"]


def test_words_are_found_without_their_accents(client, company):
    live_offer(company, "Développeur d'applications", mission="Intégrer les évolutions demandées.")

    found = client.get(SEARCH_API, {"q": "developpeur integrer"}).json()

    assert [row["title"] for row in found["results"]] == ["Développeur d'applications"]


@pytest.mark.parametrize("reader", ["anonymous", "student"])
def test_a_page_of_results_takes_its_countries_and_sectors_from_memory(
    client, company, reader, django_assert_max_num_queries
):
    """The reference tables are held by the process: the statements of a search join neither, and the results and
    the cards still name the country and the sector in the reader's language."""
    if reader == "student":
        client.force_login(student(ProgrammeFactory(organisation=SchoolFactory(country_id="FR"))))
    live_offer(company, "Stage juridique", country_id="TN", sector_id="69")
    # The process reads the reference tables and the site's root paths once.
    client.get(SEARCH_API, {"ordering": "start_date"})
    client.get(SEARCH_PAGE, {"ordering": "start_date"})
    tunisia, legal = Country.objects.get(code="TN"), Sector.objects.get(code="69")

    with django_assert_max_num_queries(SEARCH_API_MAX_QUERIES) as api_statements:
        (shown,) = client.get(SEARCH_API, {"q": "juridique"}).json()["results"]
    with django_assert_max_num_queries(SEARCH_PAGE_MAX_QUERIES) as page_statements:
        card = client.get(SEARCH_PAGE, {"q": "juridique", "ordering": "newest"}).content.decode()

    assert (shown["country_label"], shown["sector_label"]) == (tunisia.label, legal.label)
    assert "Stage juridique" in card and f", {tunisia.label}</span>" in card
    statements = [query["sql"] for query in [*api_statements.captured_queries, *page_statements.captured_queries]]
    assert not [sql for sql in statements if '"reference_country"' in sql or '"reference_sector"' in sql]


@pytest.mark.postgresql_only
def test_the_planner_knows_how_many_offers_a_common_word_matches(company):
    """PostgreSQL plans a search by the number of offers its words match. The search's expression, `title || body`,
    has statistics of its own (its GIN index is partial, so the planner reads none of the index's): without them a
    word found in every offer was planned as 0.5 % of the entries, and the search tested its targeting offer by offer.
    The portal's connections read an index's pages at the cost of memory, not of a spinning disk."""
    for number in range(40):
        live_offer(company, f"Stage assistant {number}", mission="Assister l'équipe commerciale.")
    for number in range(40):
        live_offer(company, f"Stage comptable {number}", mission="Tenir la comptabilité.")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {IndexEntry._meta.db_table}")
        offers, _ordering = offer_search.matching_offers(AnonymousUser(), {"q": "assistant"})
        sql, params = offer_search._facets_sql(offers)
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        [[[plan]]] = cursor.fetchall()
        cursor.execute("SHOW random_page_cost")
        [[random_page_cost]] = cursor.fetchall()

    def entries_scans(node):
        if node.get("Relation Name") == IndexEntry._meta.db_table:
            yield node
        for child in node.get("Plans", []):
            yield from entries_scans(child)

    [scan] = entries_scans(plan["Plan"])
    assert 20 <= scan["Plan Rows"] <= 80  # 40 offers match
    assert float(random_page_cost) == 1.1


@pytest.mark.postgresql_only
def test_a_search_by_relevance_is_counted_and_sorted_in_one_statement(company, django_assert_num_queries):
    """On PostgreSQL a new search ranked by relevance reads the offers it finds once: their total, their facets and
    the ids of its first results in the ranked order (ties newest created first), as the ranked query gives them."""
    for number in range(6):
        words = "robotique " * (1 + number % 3)
        live_offer(company, f"Stage {number}", mission=f"Une mission de {words}.", sector_id="62" if number else "71")
    live_offer(company, "Stage comptable", mission="Tenir la comptabilité.")
    offers, ordering = offer_search.matching_offers(AnonymousUser(), {"q": "robotique"})
    expected_ids = list(offers.values_list("pk", flat=True))
    expected_total, expected_facets = offer_search.facet_counts(offers)

    with django_assert_num_queries(1):
        total, facets, first_ids = offer_search.counted_with_first_ids(offers, ordering, 4)

    assert ordering == offer_search.RELEVANCE
    assert (total, facets) == (expected_total, expected_facets) == (6, facets)
    assert {term["code"]: term["count"] for term in facets["sector"]} == {"62": 5, "71": 1}
    assert first_ids == expected_ids[:4]
    # The ranks differ (one, two or three times the word) and tie within each group: the order is not the pages'.
    assert first_ids != sorted(first_ids, reverse=True)


@pytest.mark.postgresql_only
def test_a_search_by_relevance_that_finds_nothing_reads_no_ids(company, django_assert_num_queries):
    live_offer(company, "Stage comptable")
    offers, ordering = offer_search.matching_offers(AnonymousUser(), {"q": "robotique"})

    with django_assert_num_queries(1):
        found = offer_search.counted_with_first_ids(offers, ordering, 4)

    assert found == (0, {facet: [] for facet in offer_search.FACETS}, [])
