"""Wagtail's read API (v2), the OpenAPI schema of v1, and the Wagtail admin."""

import pytest

from cms_pages.models import OrganisationIndexPage
from portal.reference.choices import OfferStatus
from portal.reference.models import Country
from tests.factories import (
    CompanyFactory,
    OfferFactory,
    ProgrammeFactory,
    SchoolFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OFFERS = "/api/v2/pages/?type=cms_pages.OfferPage&fields=mission,city,country_code,status"


def live_offer(**fields):
    return OfferFactory(live=True, status=OfferStatus.PUBLISHED, **fields)


def targeted_offer(**fields):
    offer = live_offer(**fields)
    offer.target_countries.add(Country.objects.get(code="FR"))
    offer.save()
    return offer


def titles(response) -> list[str]:
    return [item["title"] for item in response.json()["items"]]


# Pages


def test_pages_endpoint_lists_the_live_pages(api_client):
    response = api_client.get("/api/v2/pages/")

    assert response.status_code == 200
    assert set(titles(response)) >= {"Portail des stages", "Organisations", "Offres de stage", "Guides"}
    assert response.json()["meta"]["total_count"] == len(response.json()["items"])


def test_pages_endpoint_returns_a_live_offer_with_the_requested_fields(api_client):
    offer = live_offer(title="Stage développeur web", mission="Construire le portail.", city="Namur")

    response = api_client.get(OFFERS)

    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["id"] == offer.pk
    assert item["title"] == "Stage développeur web"
    assert item["mission"] == "Construire le portail."
    assert item["city"] == "Namur"
    assert item["country_code"] == "BE"
    assert item["status"] == "published"
    assert item["meta"]["type"] == "cms_pages.OfferPage"


def test_pages_endpoint_never_shows_a_draft_offer(api_client):
    draft = OfferFactory(title="Stage encore en brouillon")

    listing = api_client.get(OFFERS)
    everything = api_client.get("/api/v2/pages/")
    detail = api_client.get(f"/api/v2/pages/{draft.pk}/")

    assert listing.json()["items"] == []
    assert "Stage encore en brouillon" not in titles(everything)
    assert detail.status_code == 404


def test_pages_endpoint_hides_a_targeted_offer_from_the_listings(api_client):
    live_offer(title="Stage public")
    targeted_offer(title="Stage réservé")

    by_type = api_client.get(OFFERS)
    everything = api_client.get("/api/v2/pages/")

    assert titles(by_type) == ["Stage public"]
    assert "Stage réservé" not in titles(everything)
    assert "Stage public" in titles(everything)


def test_pages_endpoint_hides_offers_targeting_a_school_or_a_programme(api_client):
    school_offer = live_offer(title="Stage pour une école")
    school_offer.target_organisations.add(SchoolFactory())
    school_offer.save()
    programme_offer = live_offer(title="Stage pour une filière")
    programme_offer.target_programmes.add(ProgrammeFactory())
    programme_offer.save()

    response = api_client.get(OFFERS)

    assert response.json()["items"] == []


@pytest.mark.parametrize(
    "listing",
    [OFFERS, "/api/v2/pages/?search=Stage", f"{OFFERS}&search=Stage", f"{OFFERS}&search=Stage&order=-title"],
)
def test_pages_endpoint_hides_every_kind_of_targeted_offer_with_or_without_a_search(api_client, listing):
    live_offer(title="Stage public")
    targeted_offer(title="Stage pour un pays")
    for title, field_name, entry in [
        ("Stage pour une école", "target_organisations", SchoolFactory()),
        ("Stage pour une filière", "target_programmes", ProgrammeFactory()),
    ]:
        offer = live_offer(title=title)
        getattr(offer, field_name).add(entry)
        offer.save()  # the lists of a page are written with it

    response = api_client.get(listing)

    assert response.status_code == 200
    assert titles(response) == ["Stage public"]
    assert response.json()["meta"]["total_count"] == 1


def test_pages_endpoint_detail_of_a_targeted_offer_is_not_found(api_client):
    offer = targeted_offer()

    response = api_client.get(f"/api/v2/pages/{offer.pk}/")

    assert response.status_code == 404


def test_pages_endpoint_finds_no_targeted_offer_by_its_path(api_client):
    offer = targeted_offer()

    response = api_client.get(f"/api/v2/pages/find/?html_path={offer.url}")

    assert response.status_code == 404


def test_pages_endpoint_detail_of_a_public_offer_is_served(api_client):
    offer = live_offer(title="Stage public")

    response = api_client.get(f"/api/v2/pages/{offer.pk}/")

    assert response.status_code == 200
    assert response.json()["title"] == "Stage public"
    assert response.json()["company"]["id"] == offer.company_id


def test_pages_endpoint_returns_organisations_with_their_programmes_and_keywords(api_client):
    school = SchoolFactory(title="Haute École de Namur", city="Namur")
    school.keywords.add("numérique", "gestion")
    school.save()
    programme = ProgrammeFactory(organisation=school, name="Informatique de gestion", year=2)
    CompanyFactory(title="Acme Informatique")

    response = api_client.get(
        "/api/v2/pages/?type=cms_pages.OrganisationPage&fields=kind,city,keyword_list,programmes"
        "&title=Haute École de Namur"
    )

    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["kind"] == "school"
    assert item["city"] == "Namur"
    assert item["keyword_list"] == ["gestion", "numérique"]
    assert item["programmes"] == [
        {
            "id": programme.pk,
            "meta": {"type": "cms_pages.Programme"},
            "name": "Informatique de gestion",
            "level": "master",
            "year": 2,
        }
    ]


def test_pages_endpoint_filters_organisations_by_kind(api_client):
    CompanyFactory(title="Acme Informatique")
    SchoolFactory(title="Haute École de Namur")

    response = api_client.get("/api/v2/pages/?type=cms_pages.OrganisationPage&fields=kind&kind=school")

    assert response.status_code == 200
    assert titles(response) == ["Haute École de Namur"]


# Images and documents


def test_images_endpoint_answers(api_client):
    response = api_client.get("/api/v2/images/")

    assert response.status_code == 200
    assert response.json()["items"] == []


def test_documents_endpoint_answers(api_client):
    response = api_client.get("/api/v2/documents/")

    assert response.status_code == 200
    assert response.json()["items"] == []


# The v1 schema and its documentation


def test_schema_describes_the_v1_api(api_client):
    response = api_client.get("/api/v1/schema/?format=json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me" in schema["paths"]
    assert "/api/v1/registrations/companies" in schema["paths"]


def test_schema_documentation_is_an_html_page(client):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    # Its script (a file of its own, for the content security policy) reads the schema.
    script = client.get("/api/v1/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()


# The Wagtail admin


def test_admin_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_dashboard_opens_for_a_superuser(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.get("/admin/")

    assert response.status_code == 200


def test_admin_explorer_lists_the_organisations(client):
    company = CompanyFactory(title="Acme Informatique")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.get(f"/admin/pages/{OrganisationIndexPage.objects.get().pk}/")

    assert response.status_code == 200
    assert company.title in response.content.decode()
