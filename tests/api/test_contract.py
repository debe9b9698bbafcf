"""The API keeps its contract: lists paginated as documented, `url` fields that open their page, a company's
people shown to the company side only, and every operation's errors declared in the OpenAPI document."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from portal.recruitment import services as recruitment
from portal.reference.choices import OfferStatus
from tests.factories import (
    CompanyFactory,
    HubFactory,
    OfferFactory,
    ProgrammeFactory,
    SchoolFactory,
    company_admin,
    hub_moderator,
    secondary_contact,
    student,
)
from tests.recruitment.files import cv, letter
from workflows.models import Campaign

pytestmark = pytest.mark.django_db

PAGINATED = {"count", "next", "previous", "results"}


@pytest.fixture
def schema(api_client):
    return api_client.get("/api/v1/schema/?format=json").json()


@pytest.fixture
def hub():
    return HubFactory(title="Pôle Wallonie")


@pytest.fixture
def company(hub):
    return CompanyFactory(title="Talos Health Solutions", reference_hub=hub)


@pytest.fixture
def admin(company):
    return company_admin(company, first_name="Aurélie", last_name="Hogge")


@pytest.fixture
def author(company):
    return secondary_contact(company, can_create_offers=True, first_name="Valentin", last_name="Bouquet")


@pytest.fixture
def offer(company, author):
    return OfferFactory(
        parent=company,
        author=author,
        live=True,
        status=OfferStatus.PUBLISHED,
        first_published_at=timezone.now() - datetime.timedelta(days=1),
    )


@pytest.fixture
def applicant():
    return student(ProgrammeFactory())


@pytest.fixture
def application(offer, applicant, admin, on_commit):
    with on_commit():
        applied = recruitment.apply(applicant, offer=offer, message="Bonjour", cv=cv(), motivation_letter=letter())
        recruitment.send_message(applied, "Êtes-vous disponible mardi ?", by=admin)
    return applied


def response_schema(schema, path: str, method: str = "get", status: str = "200") -> dict:
    content = schema["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
    if "$ref" in content:
        return schema["components"]["schemas"][content["$ref"].rsplit("/", 1)[1]]
    return content


# Lists: paginated, and documented so


@pytest.mark.parametrize(
    "path, caller",
    [
        ("/api/v1/applications", "applicant"),
        ("/api/v1/applications/{application}/messages", "applicant"),
        ("/api/v1/campaigns", "applicant"),
        ("/api/v1/moderation/offers", "admin"),
        ("/api/v1/companies/{company}/contacts", "admin"),
        ("/api/v1/offers/{offer}/applications", "admin"),
        ("/api/v1/notifications", "applicant"),
        ("/api/v1/organisations", "applicant"),
    ],
)
def test_list_answers_a_page_and_the_schema_describes_one(
    api_client, schema, request, company, admin, application, path, caller
):
    Campaign.objects.create(name="2027", starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2027, 8, 31))
    OfferFactory(parent=company, author=admin, status=OfferStatus.AWAITING_COMPANY_VALIDATION)
    api_client.force_authenticate(request.getfixturevalue(caller))
    template = {
        "/api/v1/applications/{application}/messages": "/api/v1/applications/{application_id}/messages",
        "/api/v1/companies/{company}/contacts": "/api/v1/companies/{company_id}/contacts",
        "/api/v1/offers/{offer}/applications": "/api/v1/offers/{offer_id}/applications",
    }.get(path, path)

    response = api_client.get(
        path.format(application=application.pk, company=application.company_id, offer=application.offer_id)
    )

    assert response.status_code == 200
    assert set(response.json()) >= PAGINATED
    assert response.json()["count"] == len(response.json()["results"]) >= 1
    documented = response_schema(schema, template)
    assert documented["type"] == "object"
    assert set(documented["properties"]) >= PAGINATED
    assert documented["properties"]["results"]["type"] == "array"


def test_moderation_queue_lists_what_awaits_the_admin(api_client, company, admin):
    awaiting = OfferFactory(parent=company, author=admin, status=OfferStatus.AWAITING_COMPANY_VALIDATION)
    api_client.force_authenticate(admin)

    body = api_client.get("/api/v1/moderation/offers").json()

    assert body["count"] == 1
    assert [offer["id"] for offer in body["results"]] == [awaiting.pk]


def test_lookup_is_documented_as_what_it_answers(api_client, schema, company):
    body = api_client.get("/api/v1/registrations/companies/lookup", {"q": "talos"}).json()

    documented = response_schema(schema, "/api/v1/registrations/companies/lookup")
    assert set(body) == set(documented["properties"]) == {"count", "registered", "results"}


def test_offer_search_is_documented_with_its_facets_and_ordering(api_client, schema, offer):
    body = api_client.get("/api/v1/offers").json()

    documented = response_schema(schema, "/api/v1/offers")
    assert set(body) == set(documented["properties"]) == PAGINATED | {"facets", "ordering"}
    assert set(documented["properties"]["results"]["items"]["$ref"].split("/")[-1:]) == {"OfferSummary"}
    summary = schema["components"]["schemas"]["OfferSummary"]["properties"]
    assert {"internship_type_label", "study_level_label", "country_label", "sector_label"} <= set(summary)


def test_workspace_tab_is_documented_with_its_tabs(api_client, schema, company, admin):
    api_client.force_authenticate(admin)

    body = api_client.get(f"/api/v1/companies/{company.pk}/offers").json()

    documented = response_schema(schema, "/api/v1/companies/{company_id}/offers")
    assert set(body) == set(documented["properties"]) == PAGINATED | {"tabs", "tab"}


def test_every_operation_declares_its_errors_in_the_error_format(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            declared = operation["responses"]
            for status in ("400", "401", "403", "404"):
                error = declared[status]["content"]["application/json"]["schema"]
                assert error == {"$ref": "#/components/schemas/Error"}, (method, path, status)
            if method in ("post", "patch", "delete"):
                assert {"409", "413", "415"} <= set(declared), (method, path)
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {"detail", "code", "errors"}


def test_ids_in_paths_are_documented_as_whole_numbers(schema):
    offer_id = next(
        parameter
        for parameter in schema["paths"]["/api/v1/offers/{offer_id}"]["get"]["parameters"]
        if parameter["name"] == "offer_id"
    )
    action = next(
        parameter
        for parameter in schema["paths"]["/api/v1/offers/{offer_id}/{action}"]["post"]["parameters"]
        if parameter["name"] == "action"
    )

    assert offer_id["schema"] == {"type": "integer", "minimum": 1, "maximum": 10**18 - 1}
    assert "request-changes" in action["schema"]["enum"]


# `url` fields open their page


def opens(client, url: str) -> int:
    return client.get(urlsplit(url).path).status_code


def test_every_url_of_the_organisations_opens_its_page(api_client, client, company):
    SchoolFactory(title="Haute École de Namur")

    urls = [item["url"] for item in api_client.get("/api/v1/organisations").json()["results"]]

    assert len(urls) == 3
    assert all(urlsplit(url).path.startswith("/organisations/") for url in urls)
    assert {url: opens(client, url) for url in urls} == dict.fromkeys(urls, 200)


def test_organisation_detail_url_opens_its_page(api_client, client, company):
    url = api_client.get(f"/api/v1/organisations/{company.pk}").json()["url"]

    assert opens(client, url) == 200


def test_every_url_of_the_offers_opens_its_page(api_client, client, company, admin, offer):
    api_client.force_authenticate(admin)

    urls = [
        api_client.get("/api/v1/offers").json()["results"][0]["url"],
        api_client.get(f"/api/v1/offers/{offer.pk}").json()["url"],
        api_client.get(f"/api/v1/companies/{company.pk}/offers").json()["results"][0]["url"],
    ]

    assert {url: opens(client, url) for url in urls} == dict.fromkeys(urls, 200)


def test_company_registration_answers_the_url_of_its_page(api_client, client, hub, on_commit):
    payload = {
        "name": "Acme Informatique",
        "city": "Namur",
        "country": "BE",
        "sector": "62",
        "reference_hub": hub.pk,
        "accept_terms": True,
        "admin": {"email": "aurelie@acme.example", "first_name": "Aurélie", "last_name": "Hogge"},
    }
    with on_commit():
        response = api_client.post("/api/v1/registrations/companies", payload, format="json")

    assert response.status_code == 201, response.json()
    assert opens(client, response.json()["url"]) == 200


def test_company_update_answers_the_url_of_its_page(api_client, client, company, admin):
    api_client.force_authenticate(admin)

    url = api_client.patch(f"/api/v1/companies/{company.pk}", {"city": "Namur"}, format="json").json()["url"]

    assert opens(client, url) == 200


# The company's people


def test_anonymous_offer_detail_names_the_company_not_its_author(api_client, offer):
    body = api_client.get(f"/api/v1/offers/{offer.pk}").json()

    assert body["company_name"] == "Talos Health Solutions"
    assert body["author"] is None
    assert "Bouquet" not in str(body)


def test_student_offer_detail_does_not_show_the_author(api_client, offer, applicant):
    api_client.force_authenticate(applicant)

    body = api_client.get(f"/api/v1/offers/{offer.pk}").json()

    assert body["author"] is None
    assert "Bouquet" not in str(body)


@pytest.mark.parametrize("reader", ["admin", "author"])
def test_company_side_offer_detail_shows_the_author(api_client, request, offer, author, reader):
    api_client.force_authenticate(request.getfixturevalue(reader))

    body = api_client.get(f"/api/v1/offers/{offer.pk}").json()

    assert body["author"] == {"id": author.pk, "name": "Valentin Bouquet"}


def test_hub_moderator_sees_the_author_of_an_offer_awaiting_their_decision(api_client, hub, company, author):
    OfferFactory(parent=company, author=author, status=OfferStatus.AWAITING_HUB_VALIDATION)
    api_client.force_authenticate(hub_moderator(hub))

    [row] = api_client.get("/api/v1/moderation/offers").json()["results"]

    assert row["author"] == {"id": author.pk, "name": "Valentin Bouquet"}
