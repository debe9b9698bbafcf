"""A company's expertise domains (« domaines d'expertise », guide 000 §3): the wizard and the company data form."""

import pytest

from cms_pages.models import MAX_EXPERTISE_LENGTH, OrganisationPage
from tests.accounts.test_registration_wizard import URL, activity, contacts, identity, terms
from tests.factories import CompanyFactory, HubFactory, company_admin

pytestmark = pytest.mark.django_db

DOMAINS = "Logiciels médicaux, dispositifs connectés, conformité RGPD"


def edit(client, company, **fields):
    data = {"name": company.title, "country": "BE", "sector": "62", **fields}
    return client.post(f"/comptes/entreprises/{company.pk}/donnees/", data)


def test_the_wizard_records_the_expertise_domains_of_the_company(client, on_commit):
    hub = HubFactory()
    client.post(URL, identity())
    client.post(URL, contacts())

    client.post(URL, activity(hub, **{"activity-expertise_domains": f"  {DOMAINS}  "}))
    with on_commit():
        done = client.post(URL, terms())

    assert done.status_code == 302
    assert OrganisationPage.objects.get(title="Talos Health Solutions").expertise_domains == DOMAINS


def test_the_wizard_asks_for_the_expertise_domains_at_the_activity_step(client):
    hub = HubFactory()
    client.post(URL, identity())

    response = client.post(URL, contacts())

    assert response.context["wizard"]["steps"].current == "activity"
    assert 'name="activity-expertise_domains"' in response.content.decode()
    assert hub.title in response.content.decode()


def test_the_wizard_refuses_expertise_domains_longer_than_the_field_at_their_step(client):
    hub = HubFactory()
    client.post(URL, identity())
    client.post(URL, contacts())

    response = client.post(URL, activity(hub, **{"activity-expertise_domains": "x" * (MAX_EXPERTISE_LENGTH + 1)}))

    assert response.status_code == 200
    assert response.context["form"].errors["expertise_domains"]
    assert response.context["wizard"]["steps"].current == "activity"


def test_the_administrator_changes_the_expertise_domains_in_the_company_data(client):
    company = CompanyFactory(expertise_domains="Ancien domaine")
    client.force_login(company_admin(company))

    form = client.get(f"/comptes/entreprises/{company.pk}/donnees/")
    response = edit(client, company, expertise_domains=DOMAINS)

    assert "Ancien domaine" in form.content.decode()
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.expertise_domains == DOMAINS
    assert OrganisationPage.objects.get(pk=company.pk).get_latest_revision_as_object().expertise_domains == DOMAINS


def test_the_company_data_form_refuses_expertise_domains_too_long(client):
    company = CompanyFactory(expertise_domains="Ancien domaine")
    client.force_login(company_admin(company))

    response = edit(client, company, expertise_domains="x" * (MAX_EXPERTISE_LENGTH + 1))

    assert response.status_code == 200 and response.context["form"].errors["expertise_domains"]
    company.refresh_from_db()
    assert company.expertise_domains == "Ancien domaine"
