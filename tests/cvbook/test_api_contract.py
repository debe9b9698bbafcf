"""The CV book as an outside client sees it: API.md's paths and payloads, with token authentication, and every
path in the OpenAPI schema."""

import datetime

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.factories import PASSWORD
from tests.recruitment.files import cv, letter
from tests.recruitment.fixtures import published_offer

CONTRACT_PATHS = (
    "/api/v1/profiles/me:",
    "/api/v1/profiles/me/documents:",
    "/api/v1/profiles/me/matching-offers:",
    "/api/v1/cvbook:",
    "/api/v1/cvbook/{profile_id}:",
    "/api/v1/offers/{offer_id}/matching-profiles:",
)


def signed_in(email: str) -> APIClient:
    """A client holding the token `POST /auth/login` gives for `email`."""
    client = APIClient()
    response = client.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.data
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    return client


@pytest.mark.django_db
def test_an_outside_client_follows_the_contract_of_the_cv_book(ines, admin, company):
    offer = published_offer(
        company,
        admin,
        title="Développeur web",
        mission="Une API REST en Python.",
        sector_id="62",
        country_id="TN",
        study_level="master",
        start_date=datetime.date(2027, 3, 1),
    )
    student = signed_in(ines.email)

    # PUT /profiles/me with API.md's payload, then the documents
    written = student.put(
        "/api/v1/profiles/me",
        {
            "visible": True,
            "title": "Demande de PFE",
            "summary": "Étudiante en génie logiciel.",
            "sector": "62",
            "country": "TN",
            "study_level": "master",
            "keywords": ["Python", "API REST"],
            "available_from": "2027-02-01",
        },
        format="json",
    )
    assert written.status_code == 200, written.data
    documents = student.post(
        "/api/v1/profiles/me/documents", {"cv": cv(), "motivation_letter": letter()}, format="multipart"
    )
    assert documents.status_code == 201
    assert student.get("/api/v1/profiles/me").data["visible"] is True

    # GET /cvbook with the facets format of the offer search, and a CV-book entry's fields
    company_side = signed_in(admin.email)
    found = company_side.get("/api/v1/cvbook", {"q": "python", "sector": "62", "country": "TN", "level": "master"})
    assert found.status_code == 200
    assert set(found.data) >= {"count", "next", "previous", "results", "facets"}
    assert set(found.data["facets"]) == {"sector", "country", "level", "keywords"}
    assert found.data["facets"]["sector"][0] == {
        "code": "62",
        "label": found.data["facets"]["sector"][0]["label"],
        "count": 1,
    }
    [entry] = found.data["results"]
    assert set(entry) >= {
        "id",
        "title",
        "student",
        "sector",
        "country",
        "study_level",
        "keywords",
        "documents",
        "updated_at",
    }
    assert set(entry["student"]) == {"name"}
    detail = company_side.get(f"/api/v1/cvbook/{entry['id']}")
    assert detail.status_code == 200 and detail.data["summary"] == "Étudiante en génie logiciel."

    # Matching, both ways: {"results": [{"profile" | "offer", "score", "reasons": [{"code", "label"}]}]}
    profiles = company_side.get(f"/api/v1/offers/{offer.pk}/matching-profiles").data["results"]
    offers = student.get("/api/v1/profiles/me/matching-offers").data["results"]
    assert [set(row) for row in profiles] == [{"profile", "score", "reasons"}]
    assert [set(row) for row in offers] == [{"offer", "score", "reasons"}]
    assert profiles[0]["score"] == offers[0]["score"] and 0 < offers[0]["score"] <= 1
    assert {reason["code"] for reason in offers[0]["reasons"]} == {
        "keywords",
        "sector",
        "level",
        "country",
        "availability",
    }


@pytest.mark.django_db
def test_the_openapi_schema_describes_the_cv_book(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = target.read_text()
    for path in CONTRACT_PATHS:
        assert path in schema
    assert "CvbookFacets:" in schema and "MatchingOffer:" in schema and "MatchingProfile:" in schema
