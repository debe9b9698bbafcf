"""« Publier » beside « Enregistrer le brouillon »: save the offer and submit it for validation in one step, on the
web form and through the API (`submit: true`), all or nothing."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from wagtail.models import Workflow

from cms_pages.models import OfferPage
from portal.accounts.models import Membership
from portal.accounts.services import set_contact_rights
from portal.reference.choices import OfferStatus
from tests.factories import CompanyFactory, company_admin, hub_moderator, secondary_contact
from workflows import offer_input, services

S = OfferStatus
pytestmark = pytest.mark.django_db

FORM = {
    "title": "Stagiaire en qualité agro-industrie",
    "internship_type": "insertion",
    "mission": "Suivre la qualité de la production.",
    "profile_sought": "Étudiant en agronomie, rigoureux.",
    "study_level": "master",
    "duration_weeks": "16",
    "places": "2",
    "sector": "10",
    "keywords": "qualité, agroalimentaire",
    "remuneration": "600.00",
    "start_date": "2027-02-01",
    "end_date": "2027-05-28",
    "city": "Clapiers",
    "country": "FR",
    "campaign": "",
}
BODY = {
    "title": "Stagiaire en qualité agro-industrie",
    "internship_type": "insertion",
    "mission": "Suivre la qualité de la production.",
    "study_level": "master",
    "duration_weeks": 16,
    "start_date": "2027-02-01",
    "city": "Clapiers",
    "country": "FR",
    "sector": "10",
}


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def people():
    company = CompanyFactory(title="Talos Health Solutions")
    return {
        "company": company,
        "admin": company_admin(company, email="admin@talos.example", language="en"),
        "author": secondary_contact(company, can_create_offers=True, email="author@talos.example", language="en"),
        "moderator": hub_moderator(company.reference_hub, email="moderator@hub.example"),
    }


def new_offer_url(people) -> str:
    return f"/espace/entreprises/{people['company'].pk}/offres/nouvelle/"


def notices(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def publish(client, on_commit, user, url, data):
    client.force_login(user)
    mail.outbox.clear()
    with on_commit():
        return client.post(url, {**data, "publish": "1"})


def draft_of(people, author="author", **changes) -> OfferPage:
    data = offer_input.validate({**BODY, **changes})
    return services.create_offer(people["company"], data, by=people[author])


def changes_requested(people) -> OfferPage:
    """A contact's offer that the administrator sent back with a comment: a draft again."""
    offer = draft_of(people)
    services.submit_offer(offer, by=people["author"])
    services.request_changes(offer, by=people["admin"], comment="Précisez la mission.")
    offer.refresh_from_db()
    assert offer.status == S.DRAFT
    return offer


# The web form


def test_the_form_offers_publish_beside_save_the_draft(client, people):
    client.force_login(people["author"])

    page = client.get(new_offer_url(people)).content.decode()

    assert 'name="publish"' in page
    assert "Save the draft" in page


def test_a_contact_publishes_a_new_offer_in_one_step_and_the_administrator_is_told(client, on_commit, people):
    response = publish(client, on_commit, people["author"], new_offer_url(people), FORM)

    assert response.status_code == 302
    assert notices(response) == ["The offer was submitted for validation."]
    offer = OfferPage.objects.get()
    assert (offer.status, offer.author) == (S.AWAITING_COMPANY_VALIDATION, people["author"])
    assert recipients() == ["admin@talos.example"]


def test_an_administrator_publishing_skips_the_company_step(client, on_commit, people):
    response = publish(client, on_commit, people["admin"], new_offer_url(people), FORM)

    assert response.status_code == 302
    assert OfferPage.objects.get().status == S.AWAITING_HUB_VALIDATION
    assert recipients() == ["moderator@hub.example"]


def test_saving_the_draft_does_not_submit_it(client, on_commit, people):
    client.force_login(people["author"])

    with on_commit():
        response = client.post(new_offer_url(people), FORM)

    assert notices(response) == ["The offer was saved as a draft."]
    assert OfferPage.objects.get().status == S.DRAFT
    assert mail.outbox == []


def test_a_draft_is_edited_and_published_in_one_step(client, on_commit, people):
    offer = draft_of(people)

    response = publish(client, on_commit, people["author"], f"/espace/offres/{offer.pk}/modifier/", FORM)

    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.status, offer.places) == (S.AWAITING_COMPANY_VALIDATION, 2)


def test_an_offer_sent_back_is_revised_and_published_in_one_step(client, on_commit, people):
    offer = changes_requested(people)

    response = publish(
        client,
        on_commit,
        people["author"],
        f"/espace/offres/{offer.pk}/modifier/",
        {**FORM, "mission": "Suivre la qualité et rédiger les rapports."},
    )

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == S.AWAITING_COMPANY_VALIDATION
    assert offer.get_latest_revision_as_object().mission == "Suivre la qualité et rédiger les rapports."
    assert offer.current_workflow_state.status == "in_progress"
    assert recipients() == ["admin@talos.example"]


def test_a_renewed_live_offer_sent_back_is_revised_and_published_keeping_the_approved_version_online(
    client, on_commit, people
):
    offer = draft_of(people, author="admin")
    services.submit_offer(offer, by=people["admin"])
    services.approve_offer(offer, by=people["moderator"])
    services.renew_offer(OfferPage.objects.get(pk=offer.pk), by=people["admin"])
    services.request_changes(OfferPage.objects.get(pk=offer.pk), by=people["moderator"], comment="Les dates ?")

    response = publish(
        client,
        on_commit,
        people["admin"],
        f"/espace/offres/{offer.pk}/modifier/",
        {**FORM, "mission": "Mission revue pour la nouvelle campagne."},
    )

    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.status, offer.live) == (S.AWAITING_HUB_VALIDATION, True)
    assert offer.mission == "Suivre la qualité de la production."
    assert offer.get_latest_revision_as_object().mission == "Mission revue pour la nouvelle campagne."
    assert recipients() == ["moderator@hub.example"]


def test_publishing_when_submitting_fails_saves_nothing(client, on_commit, people):
    Workflow.objects.update(active=False)

    response = publish(client, on_commit, people["author"], new_offer_url(people), FORM)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["No moderation workflow is active."]
    assert 'value="Clapiers"' in response.content.decode()
    assert not OfferPage.objects.exists()
    assert mail.outbox == []


def test_publishing_an_edited_draft_when_submitting_fails_keeps_the_draft_as_it_was(client, on_commit, people):
    offer = draft_of(people)
    Workflow.objects.update(active=False)

    response = publish(
        client, on_commit, people["author"], f"/espace/offres/{offer.pk}/modifier/", {**FORM, "city": "Namur"}
    )

    assert response.status_code == 200
    offer.refresh_from_db()
    assert (offer.status, offer.city) == (S.DRAFT, "Clapiers")


def test_the_renewal_form_has_no_draft_to_save(client, people):
    offer = draft_of(people, author="admin")
    services.submit_offer(offer, by=people["admin"])
    services.approve_offer(offer, by=people["moderator"])
    client.force_login(people["admin"])

    page = client.get(f"/espace/offres/{offer.pk}/modifier/").content.decode()

    assert "Send for validation again" in page
    assert 'name="publish"' not in page and "Save the draft" not in page


# The API


def test_api_creates_and_submits_in_one_call(api_client, on_commit, people):
    api_client.force_authenticate(people["author"])

    with on_commit():
        response = api_client.post(
            "/api/v1/offers", {**BODY, "company": people["company"].pk, "submit": True}, format="json"
        )

    assert response.status_code == 201, response.json()
    assert response.json()["status"] == S.AWAITING_COMPANY_VALIDATION
    assert recipients() == ["admin@talos.example"]


def test_api_without_submit_keeps_a_draft(api_client, people):
    api_client.force_authenticate(people["admin"])

    response = api_client.post("/api/v1/offers", {**BODY, "company": people["company"].pk}, format="json")

    assert response.json()["status"] == S.DRAFT


def test_api_revises_an_offer_sent_back_and_submits_it_in_one_call(api_client, on_commit, people):
    offer = changes_requested(people)
    api_client.force_authenticate(people["author"])
    mail.outbox.clear()

    with on_commit():
        response = api_client.patch(
            f"/api/v1/offers/{offer.pk}", {"mission": "Mission précisée.", "submit": True}, format="json"
        )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == S.AWAITING_COMPANY_VALIDATION
    assert response.json()["mission"] == "Mission précisée."
    assert recipients() == ["admin@talos.example"]


def test_api_submit_that_fails_writes_nothing(api_client, people):
    offer = draft_of(people)
    Workflow.objects.update(active=False)
    api_client.force_authenticate(people["author"])

    created = api_client.post(
        "/api/v1/offers", {**BODY, "company": people["company"].pk, "submit": True}, format="json"
    )
    changed = api_client.patch(f"/api/v1/offers/{offer.pk}", {"city": "Namur", "submit": True}, format="json")

    assert (created.status_code, changed.status_code) == (409, 409)
    assert created.json()["code"] == changed.json()["code"] == "invalid_transition"
    assert list(OfferPage.objects.values_list("pk", "status", "city")) == [(offer.pk, S.DRAFT, "Clapiers")]


def test_api_change_and_submit_by_a_contact_who_lost_the_right_is_refused_as_a_whole(api_client, people):
    offer = draft_of(people)
    membership = Membership.objects.get(user=people["author"], organisation=people["company"])
    set_contact_rights(membership, can_create_offers=False, by=people["admin"])
    api_client.force_authenticate(people["author"])

    response = api_client.patch(f"/api/v1/offers/{offer.pk}", {"city": "Namur", "submit": True}, format="json")

    assert response.status_code == 403
    offer.refresh_from_db()
    assert (offer.status, offer.city) == (S.DRAFT, "Clapiers")


def test_a_revision_saved_as_a_draft_then_submitted_is_the_version_moderated(client, on_commit, people):
    offer = draft_of(people, author="admin")
    services.submit_offer(offer, by=people["admin"])
    services.approve_offer(offer, by=people["moderator"])
    services.renew_offer(OfferPage.objects.get(pk=offer.pk), by=people["admin"])
    services.request_changes(OfferPage.objects.get(pk=offer.pk), by=people["moderator"], comment="Les dates ?")
    client.force_login(people["admin"])
    client.post(f"/espace/offres/{offer.pk}/modifier/", {**FORM, "mission": "Mission revue, enregistrée d'abord."})

    with on_commit():
        client.post(f"/espace/offres/{offer.pk}/action/submit/")

    offer.refresh_from_db()
    assert (offer.status, offer.mission) == (S.AWAITING_HUB_VALIDATION, "Suivre la qualité de la production.")
    assert offer.get_latest_revision_as_object().mission == "Mission revue, enregistrée d'abord."
