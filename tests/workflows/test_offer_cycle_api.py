"""The moderated offer lifecycle through the API, with the e-mails each step sends."""

import pytest
from django.core import mail
from wagtail.models import PageLogEntry

from cms_pages.models import OfferPage
from tests.factories import (
    OFFER_INPUT,
    CompanyFactory,
    ProgrammeFactory,
    company_admin,
    hub_moderator,
    secondary_contact,
)


def recipients(kind_fragment=None):
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.fixture
def people():
    company = CompanyFactory(title="Talos Health Solutions")
    return {
        "company": company,
        "admin": company_admin(company, email="admin@talos.example", language="fr"),
        "author": secondary_contact(company, can_create_offers=True, email="author@talos.example", language="en"),
        "moderator": hub_moderator(company.reference_hub, email="moderator@hub.example"),
    }


def act(api_client, on_commit, user, path, data=None):
    api_client.force_authenticate(user)
    mail.outbox.clear()
    with on_commit():
        return api_client.post(path, data or {}, format="json")


@pytest.mark.django_db
def test_secondary_contact_offer_goes_through_admin_and_hub_to_publication(api_client, on_commit, people, client):
    created = act(
        api_client, on_commit, people["author"], "/api/v1/offers", {**OFFER_INPUT, "company": people["company"].pk}
    )
    assert created.status_code == 201, created.json()
    offer_id = created.json()["id"]
    assert created.json()["status"] == "draft"

    submitted = act(api_client, on_commit, people["author"], f"/api/v1/offers/{offer_id}/submit")
    assert submitted.json()["status"] == "awaiting_company_validation"
    assert recipients() == ["admin@talos.example"]
    assert "valider" in mail.outbox[0].subject.lower()  # French for the French administrator

    approved = act(api_client, on_commit, people["admin"], f"/api/v1/offers/{offer_id}/approve")
    assert approved.json()["status"] == "awaiting_hub_validation"
    assert "moderator@hub.example" in recipients()
    assert "author@talos.example" in recipients()

    published = act(api_client, on_commit, people["moderator"], f"/api/v1/offers/{offer_id}/approve")
    assert published.json()["status"] == "published"
    assert published.json()["live"] is True
    assert set(recipients()) == {"admin@talos.example", "author@talos.example"}
    english = next(m for m in mail.outbox if m.to == ["author@talos.example"])
    assert "published" in english.subject.lower()

    offer = OfferPage.objects.get(pk=offer_id)
    assert client.get(offer.url).status_code == 200
    pages = client.get("/api/v2/pages/", {"type": "cms_pages.OfferPage", "fields": "status"}).json()["items"]
    assert offer_id in [item["id"] for item in pages]
    logged = set(PageLogEntry.objects.filter(page_id=offer_id).values_list("action", "user__email"))
    assert ("portal.offer.submit", "author@talos.example") in logged
    assert ("wagtail.publish", "moderator@hub.example") in logged


@pytest.mark.django_db
def test_admin_offer_skips_the_company_step_and_the_lifecycle_continues(api_client, on_commit, people):
    programme = ProgrammeFactory()
    created = act(
        api_client,
        on_commit,
        people["admin"],
        "/api/v1/offers",
        {
            **OFFER_INPUT,
            "company": people["company"].pk,
            "target_programmes": [programme.pk],
            "target_countries": ["FR"],
        },
    )
    offer_id = created.json()["id"]

    submitted = act(api_client, on_commit, people["admin"], f"/api/v1/offers/{offer_id}/submit")
    assert submitted.json()["status"] == "awaiting_hub_validation"
    assert recipients() == ["moderator@hub.example"]

    act(api_client, on_commit, people["moderator"], f"/api/v1/offers/{offer_id}/approve")
    renewed = act(api_client, on_commit, people["admin"], f"/api/v1/offers/{offer_id}/renew")
    assert renewed.json()["status"] == "awaiting_hub_validation"
    assert renewed.json()["live"] is True  # the approved version stays online meanwhile
    republished = act(api_client, on_commit, people["moderator"], f"/api/v1/offers/{offer_id}/approve")
    assert republished.json()["status"] == "published"

    duplicated = act(api_client, on_commit, people["admin"], f"/api/v1/offers/{offer_id}/duplicate")
    assert duplicated.status_code == 201
    assert duplicated.json()["status"] == "draft" and duplicated.json()["id"] != offer_id
    assert duplicated.json()["keywords"] == ["agroalimentaire", "qualité"]
    assert duplicated.json()["target_programmes"] == [programme.pk]
    assert duplicated.json()["target_countries"] == ["FR"]

    filled = act(api_client, on_commit, people["admin"], f"/api/v1/offers/{offer_id}/fill")
    assert filled.json()["status"] == "filled" and filled.json()["live"] is False
    archived = act(api_client, on_commit, people["admin"], f"/api/v1/offers/{offer_id}/archive")
    assert archived.json()["status"] == "archived"
    cancelled = act(api_client, on_commit, people["admin"], f"/api/v1/offers/{duplicated.json()['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"


@pytest.mark.django_db
def test_request_changes_returns_the_offer_to_its_author_with_the_comment(api_client, on_commit, people):
    offer_id = act(
        api_client, on_commit, people["author"], "/api/v1/offers", {**OFFER_INPUT, "company": people["company"].pk}
    ).json()["id"]
    act(api_client, on_commit, people["author"], f"/api/v1/offers/{offer_id}/submit")

    returned = act(
        api_client,
        on_commit,
        people["admin"],
        f"/api/v1/offers/{offer_id}/request-changes",
        {"comment": "Précisez la rémunération."},
    )

    assert returned.json()["status"] == "draft"
    to_author = next(m for m in mail.outbox if m.to == ["author@talos.example"])
    assert "Précisez la rémunération." in to_author.body
    edited = api_client.patch(f"/api/v1/offers/{offer_id}", {"remuneration": "700.00"}, format="json")
    assert edited.status_code == 200, edited.json()
    resubmitted = act(api_client, on_commit, people["author"], f"/api/v1/offers/{offer_id}/submit")
    assert resubmitted.json()["status"] == "awaiting_company_validation"


@pytest.mark.django_db
def test_illegal_transition_answers_409_and_changes_nothing(api_client, on_commit, people):
    offer_id = act(
        api_client, on_commit, people["admin"], "/api/v1/offers", {**OFFER_INPUT, "company": people["company"].pk}
    ).json()["id"]

    response = act(api_client, on_commit, people["admin"], f"/api/v1/offers/{offer_id}/fill")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert OfferPage.objects.get(pk=offer_id).status == "draft"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end_date": "2027-01-01"}, "end_date"),
        ({"title": ""}, "title"),
        ({"target_programmes": [999999]}, "target_programmes"),
        ({"country": "XX"}, "country"),
        ({"internship_type": "holiday"}, "internship_type"),
        ({"places": 0}, "places"),
    ],
)
@pytest.mark.django_db
def test_bad_offer_gets_a_field_error_and_writes_nothing(api_client, people, change, field):
    api_client.force_authenticate(people["admin"])
    before = OfferPage.objects.count()

    response = api_client.post(
        "/api/v1/offers", {**OFFER_INPUT, "company": people["company"].pk, **change}, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert OfferPage.objects.count() == before
