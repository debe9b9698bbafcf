"""Numbers larger than any id are bad input: a URL with one is not found, a payload with one is refused."""

import pytest

from tests.factories import CompanyFactory, company_admin, student

TOO_LARGE = "99999999999999999999"  # beyond SQLite's 64-bit integers

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        f"/candidatures/{TOO_LARGE}/",
        f"/candidatures/postuler/{TOO_LARGE}/",
        f"/espace/offres/{TOO_LARGE}/modifier/",
        f"/espace/offres/{TOO_LARGE}/",
        f"/offres/numero/{TOO_LARGE}/",
        f"/api/v1/applications/{TOO_LARGE}",
        f"/api/v1/offers/{TOO_LARGE}",
        f"/api/v1/organisations/{TOO_LARGE}",
    ],
)
def test_a_url_with_a_number_larger_than_any_id_is_not_found(client, path):
    client.force_login(student())

    response = client.get(path, follow=True)

    assert response.status_code == 404


def test_a_payload_with_a_number_larger_than_any_id_is_refused_in_the_api_error_format(api_client):
    company = CompanyFactory()
    api_client.force_authenticate(company_admin(company))

    response = api_client.post(
        "/api/v1/offers", {"company": company.pk, "title": "Stage", "campaign": int(TOO_LARGE)}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"detail", "code", "errors"}


def test_a_filter_with_a_number_larger_than_any_id_is_refused(api_client):
    api_client.force_authenticate(student())

    response = api_client.get("/api/v1/applications", {"offer": TOO_LARGE})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["offer"]


def test_a_list_filtered_by_an_offer_number_larger_than_any_id_is_not_found(client):
    company = CompanyFactory()
    client.force_login(company_admin(company))

    response = client.get(f"/candidatures/entreprises/{company.pk}/", {"offer": TOO_LARGE})

    assert response.status_code == 404
