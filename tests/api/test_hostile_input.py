"""Hostile input answers 4xx in the API's error format, never a 500, and nothing of it is stored."""

import json

import pytest
from django.test import Client

from cms_pages.models import OfferPage
from portal.reference.choices import OfferStatus
from tests.factories import CompanyFactory, OfferFactory, company_admin

pytestmark = pytest.mark.django_db

DEEP_JSON = "[" * 1500 + "]" * 1500
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def company():
    return CompanyFactory(title="Talos Health Solutions")


@pytest.fixture
def admin(company):
    return company_admin(company)


@pytest.fixture
def draft(company, admin):
    return OfferFactory(parent=company, author=admin, status=OfferStatus.DRAFT, title="Développeur web", places=2)


@pytest.fixture
def signed_in(api_client, admin):
    api_client.force_authenticate(admin)
    return api_client


def assert_refused(response, status=400, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"detail", "code", "errors"}
    if code:
        assert body["code"] == code


def offer_url(offer) -> str:
    return f"/api/v1/offers/{offer.pk}"


# JSON bodies


@pytest.mark.parametrize("path", ["/api/v1/registrations/companies", "/api/v1/auth/login", "/api/v1/offers"])
def test_json_nested_1500_deep_is_refused_before_it_is_parsed(signed_in, path):
    response = signed_in.post(path, DEEP_JSON, content_type=JSON)

    assert_refused(response, code="too_deep")


def test_json_nested_33_deep_is_refused_and_brackets_inside_texts_do_not_count(signed_in, draft):
    too_deep = signed_in.patch(offer_url(draft), '{"keywords": ' + "[" * 33 + "]" * 33 + "}", content_type=JSON)
    bracketed_title = "[" * 100 + " Développeur " + "}" * 100
    text = signed_in.patch(offer_url(draft), json.dumps({"title": bracketed_title}), content_type=JSON)

    assert_refused(too_deep, code="too_deep")
    assert text.status_code == 200
    assert text.json()["title"] == bracketed_title


@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity", "-Infinity"])
def test_json_number_that_is_not_finite_is_refused(signed_in, draft, number):
    body = '{"title": NUMBER, "remuneration": 100}'.replace("NUMBER", number)
    response = signed_in.patch(offer_url(draft), body, content_type=JSON)

    assert_refused(response, code="parse_error")
    draft.refresh_from_db()
    assert draft.title == "Développeur web"
    assert draft.remuneration is None


def test_json_text_with_a_nul_character_is_refused(signed_in, draft):
    response = signed_in.patch(offer_url(draft), json.dumps({"mission": "Du code\x00 et des tests"}), content_type=JSON)

    assert_refused(response, code="nul_character")


def test_json_key_with_a_nul_character_is_refused(signed_in, draft):
    response = signed_in.patch(offer_url(draft), json.dumps({"title\x00": "x"}), content_type=JSON)

    assert_refused(response, code="nul_character")


def test_body_over_the_upload_limit_answers_413(signed_in, draft, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000

    response = signed_in.patch(offer_url(draft), json.dumps({"mission": "x" * 20_000}), content_type=JSON)

    assert_refused(response, status=413, code="request_too_large")


# Forms that are not UTF-8


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"title=caf\xe9", FORM),
        (b"title=caf%E9", FORM),
        (b"title=caf%C3%A9", f"{FORM}; charset=latin-1"),
        (
            b'--B\r\nContent-Disposition: form-data; name="title"\r\n\r\ncaf\xe9\r\n--B--\r\n',
            "multipart/form-data; boundary=B",
        ),
    ],
    ids=["raw latin-1", "percent-encoded latin-1", "declared latin-1", "multipart latin-1"],
)
def test_form_that_is_not_utf8_is_refused_and_nothing_is_stored(signed_in, draft, body, content_type):
    response = signed_in.patch(offer_url(draft), body, content_type=content_type)

    assert_refused(response, code="not_utf8")
    draft.refresh_from_db()
    assert draft.title == "Développeur web"


def test_form_in_utf8_is_read(signed_in, draft):
    response = signed_in.patch(offer_url(draft), b"title=Caf%C3%A9+du+code", content_type=FORM)

    assert response.status_code == 200
    assert response.json()["title"] == "Café du code"


def test_form_field_with_a_nul_character_is_refused(signed_in, draft):
    response = signed_in.post(f"{offer_url(draft)}/submit", b"comment=a%00b", content_type=FORM)

    assert_refused(response, code="nul_character")
    draft.refresh_from_db()
    assert draft.status == OfferStatus.DRAFT


# Numbers beyond their columns


@pytest.mark.parametrize("field, value", [("places", 40000), ("duration_weeks", 70000), ("places", 32768)])
def test_offer_number_beyond_its_column_is_refused(signed_in, draft, field, value):
    before = getattr(draft, field)

    response = signed_in.patch(offer_url(draft), {field: value}, format="json")

    assert_refused(response)
    assert field in response.json()["errors"]
    assert getattr(OfferPage.objects.get(pk=draft.pk), field) == before


def test_offer_number_at_its_column_limit_is_kept(signed_in, draft):
    response = signed_in.patch(offer_url(draft), {"places": 32767}, format="json")

    assert response.status_code == 200
    assert OfferPage.objects.get(pk=draft.pk).places == 32767


def test_offer_city_longer_than_its_column_is_refused(signed_in, draft):
    response = signed_in.patch(offer_url(draft), {"city": "N" * 121}, format="json")

    assert_refused(response)
    assert "city" in response.json()["errors"]


def test_offer_created_with_a_number_beyond_its_column_is_refused(signed_in, company):
    payload = {
        "company": company.pk,
        "title": "Analyste",
        "internship_type": "insertion",
        "mission": "Analyser.",
        "study_level": "master",
        "duration_weeks": 70000,
        "start_date": "2027-02-01",
        "city": "Namur",
        "country": "BE",
        "sector": "62",
        "places": 1,
    }

    response = signed_in.post("/api/v1/offers", payload, format="json")

    assert_refused(response)
    assert "duration_weeks" in response.json()["errors"]
    assert not OfferPage.objects.filter(title="Analyste").exists()


# Query strings


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/registrations/companies/lookup",
        "/api/v1/organisations",
        "/api/v1/offers",
    ],
)
def test_nul_character_in_a_search_is_refused(api_client, path):
    response = api_client.get(path, {"q": "Tal\x00os"})

    assert_refused(response)
    assert "q" in response.json()["errors"]


def test_nul_character_in_the_workspace_search_is_refused(signed_in, company):
    response = signed_in.get(f"/api/v1/companies/{company.pk}/offers", {"q": "Dév\x00"})

    assert_refused(response)
    assert "q" in response.json()["errors"]


def test_workspace_search_longer_than_a_title_is_refused(signed_in, company):
    response = signed_in.get(f"/api/v1/companies/{company.pk}/offers", {"q": "x" * 256})

    assert_refused(response)


@pytest.mark.parametrize("query", ["x" * 201, " ".join(["mot"] * 2000)], ids=["201 characters", "2000 words"])
def test_company_lookup_longer_than_200_characters_is_refused(api_client, company, query):
    response = api_client.get("/api/v1/registrations/companies/lookup", {"q": query})

    assert_refused(response)


def test_company_lookup_still_finds_a_company(api_client, company):
    response = api_client.get("/api/v1/registrations/companies/lookup", {"q": "talos"})

    assert response.status_code == 200
    assert response.json()["registered"] is True


# Wagtail's read API (v2)


def assert_v2_refused(response, status=400):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["message"] == body["detail"]
    assert set(body) >= {"message", "detail", "code", "errors"}


@pytest.mark.parametrize("endpoint", ["pages", "images", "documents"])
def test_v2_offset_beyond_any_listing_is_refused(api_client, endpoint):
    response = api_client.get(f"/api/v2/{endpoint}/", {"offset": "99999999999999999999"})

    assert_v2_refused(response)


def test_v2_offset_within_bounds_answers_an_empty_page(api_client):
    response = api_client.get("/api/v2/pages/", {"offset": "1000000"})

    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    "search", [" ".join(["mot"] * 2000), " ".join(["mot"] * 13), "x" * 201], ids=["2000 words", "13 words", "201 chars"]
)
def test_v2_search_beyond_its_bounds_is_refused(api_client, search):
    response = api_client.get("/api/v2/pages/", {"search": search})

    assert_v2_refused(response)


@pytest.mark.parametrize("parameter", ["search", "title", "site", "html_path"])
def test_v2_nul_character_in_the_query_is_refused(api_client, parameter):
    path = "/api/v2/pages/find/" if parameter == "html_path" else "/api/v2/pages/"

    response = api_client.get(path, {parameter: "Guides\x00"})

    assert_v2_refused(response)


@pytest.mark.parametrize("search", ['"', 'dév"eloppeur', "NEAR(", "a:b", "*", "(", "^x"])
def test_v2_search_with_punctuation_answers_a_listing(api_client, search):
    response = api_client.get("/api/v2/pages/", {"search": search})

    assert response.status_code == 200
    assert "items" in response.json()


def test_v2_search_finds_a_page_by_its_words_despite_the_punctuation(api_client, company):
    OfferFactory(parent=company, title="Développeur Python", live=True, status=OfferStatus.PUBLISHED)

    response = api_client.get("/api/v2/pages/", {"search": '"Python" (développeur)'})

    assert response.status_code == 200
    assert "Développeur Python" in [item["title"] for item in response.json()["items"]]


def test_v2_unknown_search_operator_is_refused(api_client):
    response = api_client.get("/api/v2/pages/", {"search": "stage", "search_operator": "xor"})

    assert_v2_refused(response)


def test_v2_not_found_answers_in_both_formats(api_client):
    response = api_client.get("/api/v2/pages/999999/")

    assert_v2_refused(response, status=404)
    assert response.json()["code"] == "not_found"


# Paths without their slash, or unknown


@pytest.mark.parametrize(
    "method, path",
    [
        ("post", "/api/v2/pages"),
        ("post", "/api"),
        ("put", "/api/v1"),
        ("post", "/api/v1/offer"),
        ("patch", "/api/v1/offers/1/applications/x"),
        ("delete", "/api/v1/nothing"),
        ("post", "/api/v1/offers/"),
        ("get", "/api/v1/offers/"),
        ("get", "/api/v1/offers/-1"),
    ],
)
def test_api_path_that_matches_no_route_answers_404_in_the_api_format_with_debug_on(settings, method, path):
    settings.DEBUG = True

    client = Client()
    response = client.get(path) if method == "get" else getattr(client, method)(path, "{}", content_type=JSON)

    assert response.status_code == 404
    assert response.json() == {"detail": response.json()["detail"], "code": "not_found", "errors": {}}


def test_api_documents_answer_with_and_without_their_slash(api_client):
    for path in ("/api/v1/schema/", "/api/v1/schema", "/api/v1/docs/", "/api/v1/docs"):
        assert api_client.get(path).status_code == 200, path
