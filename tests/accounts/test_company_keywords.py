"""A company keyword longer than a tag holds is a form error or a 400 on every entry point, never a 500."""

import pytest
from django.core.exceptions import ValidationError

from portal.accounts import services
from tests.accounts.test_registration_wizard import URL, activity, contacts, identity
from tests.factories import CompanyFactory, HubFactory, company_admin

pytestmark = pytest.mark.django_db

TOO_LONG = "k" * (services.MAX_KEYWORD_LENGTH + 1)


def test_the_company_form_refuses_a_keyword_too_long_and_keeps_the_keywords(client):
    company = CompanyFactory(title="Talos")
    company.keywords.set(["santé"])
    client.force_login(company_admin(company))

    response = client.post(
        f"/comptes/entreprises/{company.pk}/donnees/",
        {"name": "Talos", "country": "BE", "sector": "72", "keywords": f"IA, {TOO_LONG}"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["keywords"]
    company.refresh_from_db()
    assert company.keyword_list == ["santé"]


def test_the_wizard_refuses_a_keyword_too_long_at_its_step(client):
    hub = HubFactory()
    client.post(URL, identity())
    client.post(URL, contacts())

    response = client.post(URL, activity(hub, **{"activity-keywords": f"santé, {TOO_LONG}"}))

    assert response.status_code == 200
    assert response.context["form"].errors["keywords"]
    assert response.context["wizard"]["steps"].current == "activity"


def test_the_api_refuses_a_keyword_too_long(api_client):
    company = CompanyFactory(title="Talos")
    api_client.force_authenticate(company_admin(company))

    response = api_client.patch(f"/api/v1/companies/{company.pk}", {"keywords": [TOO_LONG]}, format="json")

    assert response.status_code == 400
    assert "keywords" in str(response.data["errors"])


def test_the_service_refuses_a_keyword_too_long_whoever_calls_it():
    company = CompanyFactory(title="Talos")

    with pytest.raises(ValidationError) as refused:
        services.update_company(company, {"keywords": ["IA", TOO_LONG]}, by=company_admin(company))

    assert "keywords" in refused.value.message_dict
    assert company.keyword_list == []
