"""The API's side of reading an offer before deciding: the comment of the latest request for changes, the
moderation history, and republishing an unpublished offer."""

import pytest
from django.core import mail

from cms_pages.models import OfferPage
from portal.reference.choices import OfferStatus
from tests.factories import CompanyFactory, company_admin, hub_moderator, secondary_contact, student
from workflows import offer_input, services

S = OfferStatus
OFFER = {
    "title": "Stagiaire développeur web",
    "internship_type": "insertion",
    "mission": "Développer une application web.",
    "study_level": "master",
    "duration_weeks": 12,
    "start_date": "2027-02-01",
    "city": "Namur",
    "country": "BE",
    "sector": "62",
}


@pytest.fixture
def people():
    company = CompanyFactory()
    return {
        "company": company,
        "admin": company_admin(company, email="admin@company.example", first_name="Aurélie", last_name="Hogge"),
        "author": secondary_contact(company, can_create_offers=True, email="author@company.example"),
        "moderator": hub_moderator(company.reference_hub, email="moderator@hub.example"),
    }


def fresh(offer):
    return OfferPage.objects.get(pk=offer.pk)


def submitted(people):
    offer = services.create_offer(people["company"], offer_input.validate(OFFER), by=people["author"])
    services.submit_offer(offer, by=people["author"])
    return fresh(offer)


def unpublished(people):
    offer = submitted(people)
    services.approve_offer(offer, by=people["admin"])
    services.approve_offer(fresh(offer), by=people["moderator"])
    services.unpublish_offer(fresh(offer), by=people["admin"])
    return fresh(offer)


def detail(api_client, user, offer):
    api_client.force_authenticate(user)
    return api_client.get(f"/api/v1/offers/{offer.pk}")


@pytest.mark.django_db
def test_the_comment_of_a_request_for_changes_is_in_the_offer_until_it_is_submitted_again(api_client, people):
    offer = submitted(people)
    api_client.force_authenticate(people["admin"])
    sent_back = api_client.post(
        f"/api/v1/offers/{offer.pk}/request-changes", {"comment": "Précisez la durée."}, format="json"
    )
    assert sent_back.status_code == 200

    body = detail(api_client, people["author"], offer).json()

    assert body["moderation_comment"]["text"] == "Précisez la durée."
    assert body["moderation_comment"]["by"] == {"id": people["admin"].pk, "name": "Aurélie Hogge"}
    assert body["moderation_comment"]["at"]
    assert sent_back.json()["moderation_comment"]["text"] == "Précisez la durée."

    services.submit_offer(fresh(offer), by=people["author"])
    assert detail(api_client, people["author"], offer).json()["moderation_comment"] is None


@pytest.mark.django_db
def test_offer_detail_lists_the_moderation_history(api_client, people):
    offer = submitted(people)
    services.request_changes(offer, by=people["admin"], comment="Ajoutez le profil.")
    services.submit_offer(fresh(offer), by=people["author"])
    services.approve_offer(fresh(offer), by=people["admin"])

    history = detail(api_client, people["admin"], offer).json()["moderation_history"]

    assert [(entry["action"], entry["step"], entry["by"]["id"], entry["comment"]) for entry in history] == [
        ("created", None, people["author"].pk, ""),
        ("submitted", None, people["author"].pk, ""),
        ("changes_requested", "company", people["admin"].pk, "Ajoutez le profil."),
        ("submitted", None, people["author"].pk, ""),
        ("approved", "company", people["admin"].pk, ""),
    ]
    assert all(entry["label"] and entry["at"] for entry in history)


@pytest.mark.django_db
def test_readers_outside_the_company_see_no_moderation_of_a_live_offer(api_client, people):
    offer = unpublished(people)
    services.republish_offer(offer, by=people["admin"])

    body = detail(api_client, student(), offer).json()

    assert body["moderation_history"] == []
    assert body["moderation_comment"] is None


@pytest.mark.django_db
def test_owner_republishes_an_unpublished_offer_through_the_api(api_client, on_commit, people):
    offer = unpublished(people)
    api_client.force_authenticate(people["author"])
    assert "republish" in detail(api_client, people["author"], offer).json()["actions"]
    mail.outbox.clear()

    with on_commit():
        response = api_client.post(f"/api/v1/offers/{offer.pk}/republish", {}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "published"
    assert response.json()["live"] is True
    assert response.json()["moderation_history"][-1]["action"] == "republished"
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "admin@company.example",
        "author@company.example",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (lambda people: people["moderator"], 403),
        (lambda people: secondary_contact(people["company"], can_create_offers=True), 404),
        (lambda people: company_admin(CompanyFactory()), 404),
        (lambda people: hub_moderator(CompanyFactory().reference_hub), 404),
    ],
    ids=["hub-moderator", "colleague", "other-company", "other-hub"],
)
def test_republishing_is_refused_to_people_who_do_not_own_the_offer(api_client, people, who, expected):
    offer = unpublished(people)
    api_client.force_authenticate(who(people))

    response = api_client.post(f"/api/v1/offers/{offer.pk}/republish", {}, format="json")

    assert response.status_code == expected
    assert fresh(offer).status == S.UNPUBLISHED


@pytest.mark.django_db
def test_republishing_a_published_offer_is_a_conflict(api_client, people):
    offer = unpublished(people)
    services.republish_offer(offer, by=people["admin"])
    api_client.force_authenticate(people["admin"])

    response = api_client.post(f"/api/v1/offers/{offer.pk}/republish", {}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
