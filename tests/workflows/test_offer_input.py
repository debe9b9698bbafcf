"""One schema for every offer write: the web form and the API refuse the same input with the same messages."""

import datetime
import json

import pytest

from cms_pages.models import OfferPage
from portal.reference.choices import OfferStatus
from tests.factories import CompanyFactory, OfferFactory, company_admin
from workflows import offer_input

pytestmark = pytest.mark.django_db

WEB_FORM = {
    "title": "Stagiaire en qualité agro-industrie",
    "internship_type": "insertion",
    "mission": "Suivre la qualité de la production.",
    "profile_sought": "",
    "study_level": "master",
    "duration_weeks": "16",
    "places": "2",
    "sector": "10",
    "keywords": "qualité, agroalimentaire",
    "remuneration": "",
    "start_date": "2027-02-01",
    "end_date": "",
    "city": "Clapiers",
    "country": "FR",
    "campaign": "",
}
API_BODY = {
    "title": "Stagiaire en qualité agro-industrie",
    "internship_type": "insertion",
    "mission": "Suivre la qualité de la production.",
    "study_level": "master",
    "duration_weeks": 16,
    "places": 2,
    "sector": "10",
    "keywords": ["qualité", "agroalimentaire"],
    "start_date": "2027-02-01",
    "city": "Clapiers",
    "country": "FR",
}

# (field, as typed in the web form, as sent to the API): each refused by both with the same messages.
BAD_INPUTS = [
    ("title", "", ""),
    ("title", "   ", "   "),
    ("title", "T" * 256, "T" * 256),
    ("mission", "\x07\x08", "\x07\x08"),
    ("internship_type", "holiday", "holiday"),
    ("study_level", "phd", "phd"),
    ("duration_weeks", "0", 0),
    ("duration_weeks", "70000", 70000),
    ("duration_weeks", "2.5", 2.5),
    ("duration_weeks", "seize", "seize"),
    ("places", "32768", 32768),
    ("places", "0", 0),
    ("start_date", "2027-02-30", "2027-02-30"),
    ("start_date", "01/02/2027", "01/02/2027"),
    ("end_date", "2027-01-31", "2027-01-31"),
    ("city", "C" * 121, "C" * 121),
    ("country", "XX", "XX"),
    ("sector", "ZZ", "ZZ"),
    ("remuneration", "-1", "-1"),
    ("remuneration", "1000000", "1000000"),
    ("remuneration", "12.345", "12.345"),
    ("remuneration", "NaN", "NaN"),
    ("campaign", "999999", 999999),
    ("campaign", "99999999999999999999999", 99999999999999999999999),
    ("keywords", "k" * 101, ["k" * 101]),
    ("target_countries", ["XX"], ["XX"]),
    ("target_organisations", ["999999"], [999999]),
    ("target_organisations", ["abc"], ["abc"]),
    ("target_programmes", ["999999"], [999999]),
]


@pytest.fixture
def company():
    return CompanyFactory()


@pytest.fixture
def admin(company):
    return company_admin(company)


@pytest.fixture(autouse=True)
def _english(client, api_client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.mark.parametrize(
    ("field", "typed", "sent"), BAD_INPUTS, ids=[f"{field}={str(typed)[:12]!r}" for field, typed, _ in BAD_INPUTS]
)
def test_web_form_and_api_refuse_the_same_input_with_the_same_messages(
    client, api_client, company, admin, field, typed, sent
):
    client.force_login(admin)
    api_client.force_authenticate(admin)

    web = client.post(f"/espace/entreprises/{company.pk}/offres/nouvelle/", {**WEB_FORM, field: typed})
    api = api_client.post("/api/v1/offers", {**API_BODY, "company": company.pk, field: sent}, format="json")

    assert web.status_code == 200
    assert api.status_code == 400, api.json()
    web_errors = {name: list(messages) for name, messages in web.context["form"].errors.items()}
    assert web_errors == api.json()["errors"]
    assert list(web_errors) == [field] and web_errors[field]
    assert not OfferPage.objects.exists()


def test_the_form_shows_the_schemas_limits(client, company, admin):
    client.force_login(admin)

    response = client.get(f"/espace/entreprises/{company.pk}/offres/nouvelle/")

    fields = response.context["form"].fields
    assert (fields["title"].required, fields["title"].widget.attrs["maxlength"]) == (True, "255")
    assert (fields["city"].required, fields["city"].widget.attrs["maxlength"]) == (True, "120")
    assert (fields["places"].widget.attrs["min"], fields["places"].widget.attrs["max"]) == ("1", "32767")
    assert fields["places"].required and not fields["end_date"].required and not fields["keywords"].required
    assert 'maxlength="255"' in response.content.decode()


def test_api_refuses_a_field_the_schema_does_not_know(api_client, company, admin):
    api_client.force_authenticate(admin)

    response = api_client.post(
        "/api/v1/offers", {**API_BODY, "company": company.pk, "salary": 900, "status": "published"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"salary": ["Unknown field."], "status": ["Unknown field."]}
    assert not OfferPage.objects.exists()


@pytest.fixture
def draft(company, admin):
    return OfferFactory(
        parent=company,
        author=admin,
        status=OfferStatus.DRAFT,
        title="Développeur web",
        start_date=datetime.date(2027, 2, 1),
        end_date=None,
    )


def test_a_partial_change_may_leave_a_required_field_out_but_not_empty_it(api_client, draft, admin):
    api_client.force_authenticate(admin)

    kept = api_client.patch(f"/api/v1/offers/{draft.pk}", {"city": "Namur"}, format="json")
    emptied = api_client.patch(f"/api/v1/offers/{draft.pk}", {"title": "", "mission": None}, format="json")

    assert kept.status_code == 200 and kept.json()["title"] == "Développeur web"
    assert emptied.status_code == 400
    assert emptied.json()["errors"] == {"title": ["This field is required."], "mission": ["This field is required."]}
    assert OfferPage.objects.get(pk=draft.pk).title == "Développeur web"


def test_a_partial_change_of_the_end_date_is_checked_against_the_stored_start(api_client, draft, admin):
    api_client.force_authenticate(admin)

    response = api_client.patch(f"/api/v1/offers/{draft.pk}", {"end_date": "2027-01-15"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"end_date": ["The end date must not be before the start date."]}
    assert OfferPage.objects.get(pk=draft.pk).end_date is None


def test_texts_lose_the_control_characters_pasted_text_carries_on_both_ways_in(client, api_client, company, admin):
    client.force_login(admin)
    api_client.force_authenticate(admin)
    title = "Stagiaire\x07 data\x1b "
    mission = "Première ligne\r\nSeconde\x0c ligne"

    client.post(f"/espace/entreprises/{company.pk}/offres/nouvelle/", {**WEB_FORM, "title": title, "mission": mission})
    api_client.post(
        "/api/v1/offers",
        json.dumps({**API_BODY, "company": company.pk, "title": title, "mission": mission}),
        content_type="application/json",
    )

    stored = list(OfferPage.objects.values_list("title", "mission"))
    assert stored == [("Stagiaire data", "Première ligne\nSeconde ligne")] * 2


def test_keywords_are_read_alike_from_the_form_and_the_api(client, api_client, company, admin):
    client.force_login(admin)
    api_client.force_authenticate(admin)

    client.post(f"/espace/entreprises/{company.pk}/offres/nouvelle/", {**WEB_FORM, "keywords": " data ,, SQL, data "})
    api_client.post(
        "/api/v1/offers", {**API_BODY, "company": company.pk, "keywords": [" data ", "", "SQL", "data"]}, format="json"
    )

    assert [offer.keyword_list for offer in OfferPage.objects.order_by("pk")] == [["SQL", "data"], ["SQL", "data"]]


def test_the_schema_hands_the_services_records_and_clean_values():
    data = offer_input.validate({**API_BODY, "remuneration": "600.5", "target_countries": ["FR", "BE", "FR"]})

    assert data["country"].code == "FR" and data["sector"].code == "10"
    assert str(data["remuneration"]) == "600.50"
    assert sorted(country.code for country in data["target_countries"]) == ["BE", "FR"]
    assert data["keywords"] == ["agroalimentaire", "qualité"]
