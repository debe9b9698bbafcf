"""A company's expertise domains in the API: registration, `PATCH /companies/{id}` and the public presentation."""

import pytest

from cms_pages.models import MAX_EXPERTISE_LENGTH, OrganisationPage
from tests.api.test_registrations import payload
from tests.factories import CompanyFactory, HubFactory, SchoolFactory, company_admin, secondary_contact

pytestmark = pytest.mark.django_db

DOMAINS = "Logiciels médicaux, dispositifs connectés"
REGISTER = "/api/v1/registrations/companies"


def test_a_company_registers_with_its_expertise_domains_shown_in_its_presentation(api_client, on_commit):
    with on_commit():
        response = api_client.post(REGISTER, payload(HubFactory(), expertise_domains=DOMAINS), format="json")

    assert response.status_code == 201
    shown = api_client.get(f"/api/v1/organisations/{response.json()['id']}").json()
    assert shown["expertise_domains"] == DOMAINS


def test_a_registration_with_expertise_domains_too_long_is_refused_and_writes_nothing(api_client):
    too_long = "x" * (MAX_EXPERTISE_LENGTH + 1)

    response = api_client.post(REGISTER, payload(HubFactory(), expertise_domains=too_long), format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "expertise_domains" in response.json()["errors"]
    assert not OrganisationPage.objects.companies().exists()


def test_the_administrator_changes_the_expertise_domains(api_client):
    company = CompanyFactory(expertise_domains="Ancien domaine")
    api_client.force_authenticate(company_admin(company))

    response = api_client.patch(f"/api/v1/companies/{company.pk}", {"expertise_domains": DOMAINS}, format="json")

    assert response.status_code == 200 and response.json()["expertise_domains"] == DOMAINS
    company.refresh_from_db()
    assert company.expertise_domains == DOMAINS


def test_expertise_domains_too_long_are_refused_by_patch(api_client):
    company = CompanyFactory(expertise_domains="Ancien domaine")
    api_client.force_authenticate(company_admin(company))

    response = api_client.patch(
        f"/api/v1/companies/{company.pk}", {"expertise_domains": "x" * (MAX_EXPERTISE_LENGTH + 1)}, format="json"
    )

    assert response.status_code == 400 and "expertise_domains" in response.json()["errors"]
    company.refresh_from_db()
    assert company.expertise_domains == "Ancien domaine"


def test_a_secondary_contact_cannot_change_the_expertise_domains(api_client):
    company = CompanyFactory(expertise_domains="Ancien domaine")
    api_client.force_authenticate(secondary_contact(company, can_create_offers=True))

    response = api_client.patch(f"/api/v1/companies/{company.pk}", {"expertise_domains": DOMAINS}, format="json")

    assert response.status_code == 403
    company.refresh_from_db()
    assert company.expertise_domains == "Ancien domaine"


def test_the_directory_lists_the_expertise_domains(api_client):
    company = CompanyFactory(expertise_domains=DOMAINS)
    SchoolFactory()

    response = api_client.get("/api/v1/organisations", {"kind": "company"})

    [shown] = response.json()["results"]
    assert shown["id"] == company.pk and shown["expertise_domains"] == DOMAINS
