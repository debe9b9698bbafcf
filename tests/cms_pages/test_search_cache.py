"""The public offer search kept between requests (`cms_pages.search_cache`): a repeated search reads only its page,
and every change of what the public may find is seen by the next search.

Each test reads a search once (it is kept), changes the offers the way the portal does, and reads it again.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from taggit.models import Tag
from wagtail.models import PageViewRestriction, Site

from cms_pages import search, search_cache
from cms_pages.models import OfferPage
from portal import access
from portal.accounts.models import Membership
from portal.demo.bulk import PageWriter
from portal.reference.choices import OfferStatus
from tests.factories import (
    OFFER_INPUT,
    CompanyFactory,
    OfferFactory,
    ProgrammeFactory,
    SchoolFactory,
    company_admin,
    hub_moderator,
    secondary_contact,
    student,
)
from workflows import offer_input, services

pytestmark = pytest.mark.django_db

SEARCH_API = "/api/v1/offers"


def live_offer(company, title: str, *, minutes_ago: int = 60, **fields) -> OfferPage:
    published = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    return OfferFactory(
        parent=company, title=title, live=True, status=OfferStatus.PUBLISHED, first_published_at=published, **fields
    )


def found(client, **params) -> dict:
    response = client.get(SEARCH_API, params)
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    return {
        "count": body["count"],
        "titles": [offer["title"] for offer in body["results"]],
        "sectors": {term["code"]: term["count"] for term in body["facets"]["sector"]},
    }


@pytest.fixture
def company():
    return CompanyFactory(title="Atelier Lumen")


def test_a_repeated_search_is_answered_without_a_query(api_client, company, django_assert_num_queries):
    for index in range(5):
        live_offer(company, f"Stage {index}", minutes_ago=index)
    first = api_client.get(SEARCH_API, {"sector": "62", "page_size": 2})

    with django_assert_num_queries(0):
        again = api_client.get(SEARCH_API, {"sector": "62", "page_size": 2})

    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"] == "application/json"
    assert again["Vary"] == first["Vary"]
    assert again.json()["count"] == 5


def test_a_kept_answer_is_shown_by_the_browsable_api_too(api_client, company):
    live_offer(company, "Stage de design")
    as_json = api_client.get(SEARCH_API, {"q": "design"}, HTTP_ACCEPT="application/json")

    browsed = api_client.get(SEARCH_API, {"q": "design"}, HTTP_ACCEPT="text/html")
    indented = api_client.get(SEARCH_API, {"q": "design"}, HTTP_ACCEPT="application/json; indent=2")

    assert browsed.status_code == 200 and browsed["Content-Type"].startswith("text/html")
    assert "Stage de design" in browsed.content.decode()
    assert indented.json() == as_json.json()
    assert indented.content.startswith(b'{\n  "count": 1')


def test_another_page_of_a_kept_search_reads_only_its_rows(api_client, company, django_assert_max_num_queries):
    for index in range(5):
        live_offer(company, f"Stage {index}", minutes_ago=index)
    first = api_client.get(SEARCH_API, {"sector": "62", "page_size": 2})

    with django_assert_max_num_queries(1) as captured:
        second = api_client.get(SEARCH_API, {"sector": "62", "page_size": 2, "page": 2})

    assert second.json()["count"] == first.json()["count"] == 5
    assert second.json()["facets"] == first.json()["facets"]
    assert [offer["title"] for offer in second.json()["results"]] == ["Stage 2", "Stage 3"]
    (statement,) = [query["sql"] for query in captured.captured_queries]
    shown = [offer["id"] for offer in second.json()["results"]]
    assert f'"page_ptr_id" IN ({shown[0]}, {shown[1]})' in statement


def test_an_answer_is_kept_for_its_own_address_and_language(api_client, company, settings):
    settings.ALLOWED_HOSTS = ["testserver", "portail.example"]
    live_offer(company, "Stage", minutes_ago=1)
    live_offer(company, "Stage suivant", minutes_ago=2)
    params = {"page_size": 1}
    french = api_client.get(SEARCH_API, params, HTTP_ACCEPT_LANGUAGE="fr").json()

    english = api_client.get(SEARCH_API, params, HTTP_ACCEPT_LANGUAGE="en").json()
    other_host = api_client.get(SEARCH_API, params, HTTP_ACCEPT_LANGUAGE="fr", HTTP_HOST="portail.example").json()

    assert english["results"][0]["sector_label"] != french["results"][0]["sector_label"]
    assert french["next"].startswith("http://testserver/")
    assert other_host["next"].startswith("http://portail.example/")


def test_the_kept_order_gives_every_page_as_the_search_itself(api_client, company, monkeypatch):
    """Pages within the ids kept come from them, in the kept order; the pages past them from the ranked query."""
    monkeypatch.setattr(search, "FIRST_RESULTS_KEPT", 4)
    for index in range(9):
        words = "robotique " * (1 + index % 3)
        live_offer(company, f"Stage {index}", minutes_ago=index, mission=f"Une mission de {words}.")
    expected, _ordering = search.matching_offers(AnonymousUser(), {"q": "robotique"})
    expected_titles = [offer.title for offer in expected]

    pages = [found(api_client, q="robotique", page_size=3, page=number)["titles"] for number in (1, 2, 3)]
    pages_again = [found(api_client, q="robotique", page_size=3, page=number)["titles"] for number in (1, 2, 3)]

    assert sum(pages, []) == expected_titles
    assert pages_again == pages
    assert len(expected_titles) == 9


def test_a_published_offer_is_found_by_the_next_search(api_client, company):
    live_offer(company, "Stage en ligne")
    approved = OfferFactory(parent=company, title="Stage approuvé", status=OfferStatus.PUBLISHED)
    assert found(api_client)["count"] == 1

    approved.save_revision().publish()

    assert found(api_client) == {"count": 2, "titles": ["Stage approuvé", "Stage en ligne"], "sectors": {"62": 2}}


def test_an_unpublished_offer_leaves_the_next_search(api_client, company):
    admin = company_admin(company)
    live_offer(company, "Stage en ligne", minutes_ago=1)
    leaving = live_offer(company, "Stage retiré", minutes_ago=2)
    assert found(api_client)["count"] == 2

    services.unpublish_offer(leaving, by=admin)

    assert found(api_client) == {"count": 1, "titles": ["Stage en ligne"], "sectors": {"62": 1}}


def test_a_change_published_moves_the_offer_between_facets(api_client, company):
    offer = live_offer(company, "Stage juridique")
    assert found(api_client)["sectors"] == {"62": 1}

    offer.sector_id = "69"
    offer.save_revision().publish()

    assert found(api_client)["sectors"] == {"69": 1}
    assert found(api_client, sector="62")["count"] == 0


def test_a_view_restriction_hides_the_offers_beneath_it_from_the_next_search(api_client, company):
    live_offer(company, "Stage public")
    hidden = CompanyFactory(title="Société discrète")
    live_offer(hidden, "Stage réservé")
    assert found(api_client)["count"] == 2

    restriction = PageViewRestriction.objects.create(
        page=hidden, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    assert found(api_client)["titles"] == ["Stage public"]

    restriction.delete()
    assert found(api_client)["count"] == 2


def test_a_deleted_offer_leaves_the_next_search(api_client, company):
    live_offer(company, "Stage gardé")
    gone = live_offer(company, "Stage supprimé")
    assert found(api_client)["count"] == 2

    gone.delete()

    assert found(api_client)["titles"] == ["Stage gardé"]


def test_offers_written_in_bulk_are_found_by_the_next_search(api_client, company):
    live_offer(company, "Stage existant")
    assert found(api_client)["count"] == 1
    offer = OfferPage(
        title="Stage écrit en bloc",
        slug="stage-ecrit-en-bloc",
        live=True,
        status=OfferStatus.PUBLISHED,
        first_published_at=timezone.now(),
        internship_type="insertion",
        study_level="master",
        mission="Une mission.",
        profile_sought="Un profil.",
        duration_weeks=12,
        start_date=datetime.date(2027, 2, 1),
        city="Namur",
        country_id="BE",
        sector_id="62",
        company=company,
        locale=company.locale,
    )

    PageWriter(OfferPage).write([(company, offer)], user_of=lambda page: None)

    assert found(api_client)["count"] == 2


def test_a_targeted_offer_is_counted_for_its_students_never_kept_for_the_public(client, api_client, company):
    live_offer(company, "Stage pour tous")
    targeted = live_offer(company, "Stage pour la France")
    targeted.target_countries.set(["FR"])
    targeted.save_revision().publish()
    french = student(ProgrammeFactory(organisation=SchoolFactory(country_id="FR")))
    assert found(api_client)["count"] == 1

    client.force_login(french)

    assert found(client)["count"] == 2
    assert found(api_client)["count"] == 1


def test_the_facets_are_kept_in_each_language(api_client, company):
    live_offer(company, "Stage")

    french = api_client.get(SEARCH_API, HTTP_ACCEPT_LANGUAGE="fr").json()["facets"]["sector"]
    english = api_client.get(SEARCH_API, HTTP_ACCEPT_LANGUAGE="en").json()["facets"]["sector"]

    assert french[0]["code"] == english[0]["code"] == "62"
    assert french[0]["label"] != english[0]["label"]


def test_a_change_forgets_the_kept_searches_at_once_and_again_at_its_commit(django_capture_on_commit_callbacks):
    before = search_cache.generation()

    with django_capture_on_commit_callbacks(execute=True):
        search_cache.offers_changed()
        during = search_cache.generation()

    assert len({before, during, search_cache.generation()}) == 3


def test_an_answer_computed_while_the_offers_changed_is_never_found():
    """The API's answer is kept under the generation read before its search: one made while an offer changed is
    stale, and left behind."""
    address, public = "http://testserver/api/v1/offers?sector=62", access.offers.PUBLIC_AUDIENCE
    first = search_cache.kept_answer(address, "fr", public)
    assert first.found is None

    search_cache.offers_changed()  # while the first search was read
    first.keep({"count": 1})

    second = search_cache.kept_answer(address, "fr", public)
    assert second.found is None
    second.keep({"count": 2})
    assert search_cache.kept_answer(address, "fr", public).found == {"count": 2}
    assert search_cache.kept_answer(address, "en", public).found is None
    assert search_cache.kept_answer(address, "fr", "students:1:2").found is None


def test_an_offer_renewed_online_shows_its_new_status_in_the_next_search(api_client, company):
    """A renewed offer stays online while its new version is moderated: its status is written on its row alone."""
    admin = company_admin(company)
    offer = live_offer(company, "Stage renouvelé")
    offer.save_revision().publish()
    assert api_client.get(SEARCH_API).json()["results"][0]["status"] == OfferStatus.PUBLISHED

    services.renew_offer(OfferPage.objects.get(pk=offer.pk), by=admin)

    (shown,) = api_client.get(SEARCH_API).json()["results"]
    assert shown["title"] == "Stage renouvelé"
    assert shown["status"] == OfferPage.objects.get(pk=offer.pk).status != OfferStatus.PUBLISHED


def test_a_keyword_renamed_is_shown_by_the_next_search(api_client, company):
    offer = live_offer(company, "Stage de données")
    offer.keywords.add("donnees")
    offer.save_revision().publish()
    assert api_client.get(SEARCH_API).json()["results"][0]["keywords"] == ["donnees"]

    tag = Tag.objects.get(name="donnees")
    tag.name = "données"
    tag.save()

    assert api_client.get(SEARCH_API).json()["results"][0]["keywords"] == ["données"]


def test_the_site_s_address_changed_is_shown_by_the_next_search(api_client, company):
    live_offer(company, "Stage comptable")
    before = api_client.get(SEARCH_API).json()["results"][0]["url"]

    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "stages.example.org", 443
    site.save()

    after = api_client.get(SEARCH_API).json()["results"][0]["url"]
    assert "stages.example.org" not in before
    assert after.startswith("https://stages.example.org/") and after.endswith("/stage-comptable/")


def test_a_cache_that_keeps_nothing_answers_every_search_afresh(api_client, company, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    live_offer(company, "Stage en ligne")
    assert found(api_client)["count"] == 1

    live_offer(company, "Stage suivant")

    assert found(api_client)["count"] == 2


def test_an_address_with_parameters_of_no_meaning_is_answered_but_not_kept(
    api_client, company, django_assert_num_queries
):
    live_offer(company, "Stage en ligne")
    api_client.get(SEARCH_API, {"sector": "62", "utm_source": "lettre"})
    api_client.get(SEARCH_API, {"sector": "62", "page": 1})

    # Answered again from the search's counts, kept, and its rows, held (`api.offers.SUMMARIES`): no query.
    with django_assert_num_queries(0):
        answered = api_client.get(SEARCH_API, {"sector": "62", "utm_source": "lettre"})
    with django_assert_num_queries(0):  # the search's own parameters: kept
        api_client.get(SEARCH_API, {"sector": "62", "page": 1})

    assert answered.json()["count"] == 1
    # The answer itself is kept for the search's own parameters only.
    address = "http://testserver/api/v1/offers?sector=62"
    assert search_cache.kept_answer(f"{address}&page=1", "fr", "public").found is not None
    assert search_cache.kept_answer(f"{address}&utm_source=lettre", "fr", "public").found is None


def test_drafts_and_their_moderation_keep_the_kept_searches_until_the_publication(
    api_client, company, django_assert_num_queries
):
    """A draft written (new keywords with it), changed, sent to moderation and approved by its company shows the
    public nothing: the kept searches stay; the hub's approval publishes it, and the next search finds it."""
    author = secondary_contact(company, can_create_offers=True)
    admin, moderator = company_admin(company), hub_moderator(company.reference_hub)
    live_offer(company, "Stage en ligne")
    before = found(api_client)

    offer = services.create_offer(company, offer_input.validate(OFFER_INPUT), by=author)
    offer = services.update_offer(offer, offer_input.validate({"places": 3}, partial=True), by=author, submit=True)
    services.approve_offer(OfferPage.objects.get(pk=offer.pk), by=admin)
    assert OfferPage.objects.get(pk=offer.pk).status == OfferStatus.AWAITING_HUB_VALIDATION

    with django_assert_num_queries(0):
        assert found(api_client) == before

    services.approve_offer(OfferPage.objects.get(pk=offer.pk), by=moderator)

    assert found(api_client)["titles"] == [OFFER_INPUT["title"], "Stage en ligne"]


def test_changes_to_an_offer_online_kept_as_a_draft_keep_the_kept_searches(
    api_client, company, django_assert_num_queries
):
    """A renewed offer sent back for changes stays online; the changes wait in a revision, and the public still
    finds the approved version."""
    admin, moderator = company_admin(company), hub_moderator(company.reference_hub)
    offer = live_offer(company, "Stage en ligne")
    offer.save_revision().publish()
    services.renew_offer(OfferPage.objects.get(pk=offer.pk), by=admin)
    services.request_changes(OfferPage.objects.get(pk=offer.pk), by=moderator, comment="Précisez la mission.")
    before = found(api_client)

    changed = offer_input.validate({"title": "Stage changé"}, partial=True)
    services.update_offer(OfferPage.objects.get(pk=offer.pk), changed, by=admin)

    with django_assert_num_queries(0):
        assert found(api_client) == before
    assert before["titles"] == ["Stage en ligne"]
    assert OfferPage.objects.get(pk=offer.pk).has_unpublished_changes


def test_a_new_keyword_keeps_the_kept_searches_a_renamed_one_forgets_them(api_client, company):
    live_offer(company, "Stage en ligne")
    found(api_client)
    before = search_cache.generation()

    tag = Tag.objects.create(name="nouveau")
    assert search_cache.generation() == before

    tag.name = "renommé"
    tag.save()
    assert search_cache.generation() != before


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_the_students_of_one_programme_share_their_kept_searches(api_client, company, django_assert_num_queries):
    """An offer targeted to a programme: its students find it, the search kept for them all; the public and the
    students of another programme of the same school do not."""
    programme = ProgrammeFactory(organisation=SchoolFactory(country_id="FR"))
    neighbours = ProgrammeFactory(organisation=programme.organisation)
    live_offer(company, "Stage pour tous", minutes_ago=2)
    reserved = live_offer(company, "Stage du programme", minutes_ago=1)
    reserved.target_programmes.add(programme)
    reserved.save_revision().publish()
    first, second, other = student(programme), student(programme), student(neighbours)

    second_reader = token_client(second)

    assert found(token_client(first))["titles"] == ["Stage du programme", "Stage pour tous"]
    with django_assert_num_queries(1):  # the person with their token: the answer was kept for the programme
        shared = found(second_reader)
    assert shared["titles"] == ["Stage du programme", "Stage pour tous"]
    assert found(token_client(other))["titles"] == ["Stage pour tous"]
    assert found(api_client)["titles"] == ["Stage pour tous"]

    # On the search page too (a session): the count and the facets kept for the programme, the page read afresh.
    page = Client()
    page.force_login(second)
    response = page.get("/offres/")
    assert response.context["offers"].paginator.count == 2
    assert found(second_reader, page=1)["count"] == 2


def test_a_kept_search_of_a_programme_s_students_follows_the_offers(company):
    programme = ProgrammeFactory(organisation=SchoolFactory(country_id="FR"))
    reader = token_client(student(programme))
    live_offer(company, "Stage pour tous")
    assert found(reader)["count"] == 1

    added = live_offer(company, "Stage du programme", minutes_ago=1)
    added.target_programmes.add(programme)
    added.save_revision().publish()

    assert found(reader)["titles"] == ["Stage du programme", "Stage pour tous"]


@pytest.mark.parametrize("first", ["the company's contact", "their fellow student"])
def test_a_student_who_is_a_company_s_contact_has_searches_of_their_own(company, first):
    """A colleague's offer targeted elsewhere is in a contact's lists: never in what their programme finds."""
    programme = ProgrammeFactory(organisation=SchoolFactory(country_id="FR"))
    contact, fellow = student(programme), student(programme)
    Membership.objects.create(user=contact, organisation=company, role=Membership.Role.SECONDARY)
    live_offer(company, "Stage pour tous", minutes_ago=2)
    elsewhere = live_offer(company, "Stage pour la Tunisie", minutes_ago=1)
    elsewhere.target_countries.set(["TN"])
    elsewhere.save_revision().publish()
    readers = {"the company's contact": token_client(contact), "their fellow student": token_client(fellow)}
    expected = {"the company's contact": 2, "their fellow student": 1}

    for name in sorted(readers, key=lambda name: name != first):
        assert found(readers[name])["count"] == expected[name]


@pytest.mark.postgresql_only
@pytest.mark.parametrize("reader", ["student", "contact"])
def test_a_signed_in_search_by_relevance_reads_its_pages_by_id_in_the_ranked_order(company, reader, monkeypatch):
    """On PostgreSQL a search ranked by relevance gets its first ids in the ranked order with its count: a programme's
    student (whose search is counted by the offers' index and kept for the programme) and a company's contact
    (counted afresh, by SQL) read each page among them by id, and the pages past them from the ranked query."""
    monkeypatch.setattr(search, "FIRST_RESULTS_KEPT", 4)
    for index in range(9):
        words = "robotique " * (1 + index % 3)
        live_offer(company, f"Stage {index}", minutes_ago=index, mission=f"Une mission de {words}.")
    person = student() if reader == "student" else secondary_contact(company)
    client = token_client(person)
    expected, _ordering = search.matching_offers(AnonymousUser(), {"q": "robotique"})
    expected_titles = [offer.title for offer in expected]

    with CaptureQueriesContext(connection) as read:
        pages = [found(client, q="robotique", page_size=3, page=number)["titles"] for number in (1, 2, 3)]

    assert sum(pages, []) == expected_titles
    assert len(expected_titles) == 9
    ranked = [query["sql"] for query in read.captured_queries if "ts_rank" in query["sql"]]
    # The count sorted the ids of the first four: page 1 is read by id; pages 2 and 3 reach past them.
    if reader == "student":
        # The words asked of the search backend, ranked; the count in memory (`cms_pages.offer_index`).
        assert "GROUPING" not in ranked[0] and "LIMIT" not in ranked[0]
    else:
        assert "GROUPING" in ranked[0] and "LIMIT 4" in ranked[0]
    ranked_pages = [sql for sql in ranked[1:] if "GROUPING" not in sql]
    assert [sql.rsplit("LIMIT", 1)[1].strip() for sql in ranked_pages] == ["3 OFFSET 3", "3 OFFSET 6"]
