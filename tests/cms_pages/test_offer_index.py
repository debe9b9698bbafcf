"""The live offers held in memory for the searches many people make (`cms_pages.offer_index`).

A search of the public or of a programme's students is answered by the index: it must find what the SQL search finds
(`cms_pages.search.matching_offers` and `counted_with_first_ids`), for every audience and every criterion: the
total, each facet and the order of the first results. The index is read in two queries whatever the number of
offers, once per process and generation of the offers, and read again when they change.
"""

import datetime
import itertools
from array import array

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from wagtail.models import PageViewRestriction

from cms_pages import offer_index, search, search_cache
from cms_pages.forms import OfferSearchForm
from cms_pages.models import OfferPage
from portal import access
from portal.accounts.selectors import person_for_request
from portal.reference.choices import InternshipType, OfferStatus, StudyLevel
from portal.reference.models import Country
from tests.factories import CompanyFactory, OfferFactory, ProgrammeFactory, SchoolFactory, company_admin, student

pytestmark = pytest.mark.django_db

START = datetime.date(2027, 1, 4)
SECTORS = ["62", "69", "70"]
COUNTRIES = ["BE", "FR", "TN"]


def live_offer(company, number: int, **fields) -> OfferPage:
    """The offer `number` of the catalogue: its criteria spread over the values, its start a week after the
    previous one's every third offer, published an hour after the previous (two at the same time)."""
    published = timezone.now() - datetime.timedelta(hours=100 - (number if number != 7 else 6))
    fields = {
        "title": f"Stage {'assistant ' if number % 3 == 0 else ''}{number}",
        "mission": "Assister l'équipe." if number % 4 == 0 else "Développer une application.",
        "sector_id": SECTORS[number % 3],
        "country_id": COUNTRIES[number % 2 + (number % 5 == 0)],
        "internship_type": InternshipType.values[number % len(InternshipType.values)],
        "study_level": StudyLevel.values[number % len(StudyLevel.values)],
        "start_date": START + datetime.timedelta(weeks=number // 3),
        "first_published_at": published,
        **fields,
    }
    return OfferFactory(parent=company, live=True, status=OfferStatus.PUBLISHED, **fields)


@pytest.fixture
def catalogue():
    """Three dozen offers of two companies, some targeted to a country, a school, a programme or several at once,
    drafts, and the offers of a company under a view restriction."""
    first, second, private = CompanyFactory(), CompanyFactory(), CompanyFactory()
    belgian, french = SchoolFactory(country_id="BE"), SchoolFactory(country_id="FR")
    programmes = {
        "belgian": ProgrammeFactory(organisation=belgian),
        "belgian other": ProgrammeFactory(organisation=belgian),
        "french": ProgrammeFactory(organisation=french),
    }
    offers = [live_offer(first if number % 2 else second, number) for number in range(36)]
    belgium, france, tunisia = (Country.objects.get(code=code) for code in COUNTRIES)
    offers[1].target_countries.add(france)
    offers[2].target_organisations.add(belgian)
    offers[3].target_programmes.add(programmes["belgian"])
    offers[4].target_countries.add(belgium, tunisia)
    offers[4].target_programmes.add(programmes["french"])  # a list that admits nobody with the country's
    offers[5].target_countries.add(france)
    offers[5].target_organisations.add(french)
    offers[6].target_organisations.add(belgian, french)
    offers[6].target_programmes.add(programmes["belgian other"], programmes["french"])
    for offer in offers[1:7]:
        offer.save()
    OfferFactory(parent=first, title="Stage assistant brouillon", live=False, status=OfferStatus.DRAFT)
    live_offer(private, 90, title="Stage assistant réservé")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    return {"companies": (first, second), "schools": (belgian, french), "programmes": programmes, "offers": offers}


def audiences(catalogue) -> dict:
    return {
        "public": AnonymousUser(),
        "belgian": student(catalogue["programmes"]["belgian"]),
        "belgian other": student(catalogue["programmes"]["belgian other"]),
        "french": student(catalogue["programmes"]["french"]),
    }


def criteria(catalogue) -> list[dict]:
    first, _second = catalogue["companies"]
    later = START + datetime.timedelta(weeks=3)
    return [
        {},
        {"sector": "62"},
        {"country": "FR"},
        {"internship_type": InternshipType.values[1]},
        {"level": StudyLevel.values[2]},
        {"sector": "69", "country": "BE", "level": StudyLevel.values[0]},
        {"sector": "70", "country": "TN"},
        {"organisation": str(first.pk)},
        {"organisation": "999999"},
        {"start_after": later.isoformat()},
        {"start_before": later.isoformat()},
        {"start_after": START.isoformat(), "start_before": later.isoformat()},
        {"start_after": "2030-01-01"},
        {"ordering": "start_date"},
        {"ordering": "start_date", "sector": "62"},
        {"q": "assistant", "ordering": "newest"},
        {"q": "assistant", "ordering": "start_date", "country": "FR"},
        {"q": "assistant"},
        {"q": "assistant application"},
        {"q": "introuvable"},
    ]


def cleaned(params: dict) -> dict:
    form = OfferSearchForm(params)
    assert form.is_valid(), form.errors
    return form.cleaned_data


def by_sql(user, data: dict) -> dict:
    offers, ordering = search.matching_offers(user, data)
    count, facets, ids = search.counted_with_first_ids(offers, ordering, search.FIRST_RESULTS_KEPT)
    return {"count": count, "facets": facets, "ids": ids, "ordering": ordering}


def test_the_index_finds_what_the_sql_search_finds_for_every_audience_and_criterion(catalogue, subtests):
    generation = search_cache.generation()
    people = audiences(catalogue)
    for (name, user), params in itertools.product(people.items(), criteria(catalogue)):
        with subtests.test(audience=name, params=params):
            data = cleaned(params)
            expected = by_sql(user, data)
            found = search.indexed_search(user, data, access.offers.audience_key(user), generation)
            assert found["count"] == expected["count"]
            assert found["facets"] == expected["facets"]
            if expected["ordering"] == search.RELEVANCE:
                # Offers ranked alike come in either order.
                assert sorted(found["ids"]) == sorted(expected["ids"])
            else:
                assert found["ids"] == expected["ids"]
    # The catalogue tells the audiences apart: each finds offers the public does not.
    public = search.indexed_search(people["public"], cleaned({}), "public", generation)
    for name in ("belgian", "belgian other", "french"):
        theirs = search.indexed_search(people[name], cleaned({}), access.offers.audience_key(people[name]), generation)
        assert theirs["count"] > public["count"] == 36 - 6


def test_a_search_by_city_is_left_to_sql(catalogue):
    assert search.indexed_search(AnonymousUser(), cleaned({"city": "namur"}), "public", "any") is None


def test_the_index_is_read_in_two_queries_whatever_the_number_of_offers(catalogue, django_assert_num_queries):
    with django_assert_num_queries(2):
        small = offer_index.OfferIndex.read("small")
    for number in range(36, 80):
        offer = live_offer(catalogue["companies"][0], number)
        offer.target_countries.add(Country.objects.get(code="BE"))
        offer.save()
    with django_assert_num_queries(2):
        large = offer_index.OfferIndex.read("large")
    assert (small.size, large.size) == (36, 80)
    assert len(large.holding["target_countries"]["BE"]) == 44 + 1  # the new ones, and offer 4


def test_each_process_reads_the_index_once_per_generation(catalogue, django_assert_num_queries):
    offer_index.forget()
    with django_assert_num_queries(2):
        index = offer_index.current("one")
    with django_assert_num_queries(0):
        assert offer_index.current("one") is index
    with django_assert_num_queries(2):
        assert offer_index.current("two") is not index


def test_a_change_of_the_offers_is_found_by_the_next_search(catalogue, client):
    company = catalogue["companies"][0]
    before = client.get("/api/v1/offers", {"sector": "62"}).json()
    added = live_offer(company, 40, sector_id="62", first_published_at=timezone.now())
    after = client.get("/api/v1/offers", {"sector": "62"}).json()
    assert after["count"] == before["count"] + 1
    assert after["results"][0]["id"] == added.pk
    # Targeted to a school, it leaves the public's search, and stays in its students'.
    added.target_organisations.add(catalogue["schools"][0])
    added.save()
    assert client.get("/api/v1/offers", {"sector": "62"}).json()["count"] == before["count"]
    client.force_login(student(catalogue["programmes"]["belgian"]))
    assert client.get("/api/v1/offers", {"sector": "62"}).json()["results"][0]["id"] == added.pk


def test_a_students_audience_reads_their_schools_country_with_them(catalogue, django_assert_num_queries):
    user = student(catalogue["programmes"]["french"])
    read = person_for_request(user.pk)
    with django_assert_num_queries(0):
        entries = access.offers.audience_entries(read)
    programme = catalogue["programmes"]["french"]
    assert entries == {
        "target_countries": "FR",
        "target_organisations": programme.organisation_id,
        "target_programmes": programme.pk,
    }
    # A person read otherwise: their school's country in one query.
    with django_assert_num_queries(1):
        assert access.offers.audience_entries(user) == entries
    assert access.offers.audience_entries(AnonymousUser()) == {}


def test_a_company_member_is_answered_by_sql_with_their_own_lists(catalogue, client):
    """Their own company's offers are theirs whatever its targeting: no audience shared, so no index."""
    company = catalogue["companies"][1]
    member = company_admin(company)
    assert access.offers.audience_key(member) is None
    client.force_login(member)
    found = client.get("/api/v1/offers", {"organisation": company.pk}).json()
    targeted = [offer for offer in catalogue["offers"] if offer.is_targeted and offer.company_id == company.pk]
    assert targeted and found["count"] == 18


def test_the_audiences_and_words_kept_are_bounded(catalogue, monkeypatch):
    monkeypatch.setattr(offer_index, "AUDIENCES_KEPT", 2)
    monkeypatch.setattr(offer_index, "WORDS_KEPT", 2)
    index = offer_index.OfferIndex.read("bounded")
    asked = []

    def entries(name):
        return lambda: asked.append(name) or {}

    def ids(name):
        return lambda: asked.append(name) or [index.ids[0]]

    for name in ("a", "b", "a", "c", "a", "b"):
        index.audience(name, entries(name))
        index.matching_words((name, True), ids(f"{name} words"))
    # "b" left when "c" came (the least recently used), and was read again.
    assert asked == ["a", "a words", "b", "b words", "c", "c words", "b", "b words"]
    assert list(index.audiences) == ["a", "b"]
    assert list(index.words) == [("a", True), ("b", True)]
    assert index.matching_words(("a", True), ids("not asked")) == (1, array("i", [0]))


def test_words_are_asked_of_the_search_backend_once_per_generation(catalogue, django_assert_num_queries):
    generation, public = search_cache.generation(), AnonymousUser()
    first = search.indexed_search(public, cleaned({"q": "assistant"}), "public", generation)
    # The same words with other criteria: counted in memory, without asking the backend again.
    with django_assert_num_queries(0):
        narrower = search.indexed_search(public, cleaned({"q": "assistant", "country": "FR"}), "public", generation)
    assert 0 < narrower["count"] == by_sql(public, cleaned({"q": "assistant", "country": "FR"}))["count"]
    assert narrower["count"] < first["count"]
    # Ordered otherwise than by relevance, they are asked once more (unranked), then kept too.
    with django_assert_num_queries(1):
        search.indexed_search(public, cleaned({"q": "assistant", "ordering": "newest"}), "public", generation)
    with django_assert_num_queries(0):
        search.indexed_search(public, cleaned({"q": "assistant", "ordering": "start_date"}), "public", generation)
    # The offers change: the next search reads them, and asks the backend for the words again.
    live_offer(catalogue["companies"][0], 60, title="Stage assistant nouveau", first_published_at=timezone.now())
    with django_assert_num_queries(3):  # the offers, their target lists, the words
        after = search.indexed_search(public, cleaned({"q": "assistant"}), "public", search_cache.generation())
    assert after["count"] == first["count"] + 1


def test_the_sets_of_positions():
    assert offer_index.mask_of([0, 3, 9], 10) == 0b1000001001
    members = offer_index.Members(0b1000001001)
    assert members.first(2) == [0, 3]
    assert members.first(10) == [0, 3, 9]
    assert 9 in members and 4 not in members and 10 not in members and 500 not in members
    assert offer_index.Members(0).first(5) == []
    # Bits far apart over many bytes, and bits packed in a few: the same positions as a bit-by-bit reading.
    for positions in ([1, 8, 15, 16, 4_000, 49_999], list(range(3, 400, 2))):
        mask = offer_index.mask_of(positions, 50_000)
        members = offer_index.Members(mask)
        assert members.first(len(positions) + 5) == positions
        assert members.first(4) == positions[:4]
        assert [bit for bit in range(50_001) if bit in members] == positions
