"""`POST /api/v1/contact/messages`: writing to the portal team, as the contact page's form does."""

import pytest
from django.core import mail

from cms_pages.models import ContactPage, ContactTeam
from portal.notifications.models import Notification
from tests.factories import CompanyFactory, HubFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/contact/messages"


def message(**fields):
    data = {
        "name": "Aurélie Hogge",
        "email": "aurelie@talos.example",
        "subject": "Accès administrateur perdu",
        "message": "Bonjour,\nnous avons perdu l'accès administrateur de Talos.",
    }
    data.update(fields)
    return data


def test_a_message_goes_to_the_portal_team(api_client, on_commit):
    with on_commit():
        response = api_client.post(URL, message(), format="json")

    assert response.status_code == 202 and response.json() == {"team": "cellule Stages des Pôles"}
    [sent] = mail.outbox
    assert sent.to == ["stages@uwe.be"] and sent.reply_to == ["aurelie@talos.example"]
    assert "nous avons perdu l'accès administrateur de Talos." in sent.body


def test_a_message_about_a_hub_goes_to_its_team(api_client, on_commit):
    hub = HubFactory(title="Pôle BioWin")
    ContactTeam.objects.create(
        page=ContactPage.objects.get(), hub=hub, name="Cellule BioWin", email="stages@biowin.example"
    )

    with on_commit():
        response = api_client.post(URL, message(hub=hub.pk), format="json")

    assert response.status_code == 202 and response.json() == {"team": "Cellule BioWin"}
    assert [sent.to for sent in mail.outbox] == [["stages@biowin.example"]]


def test_a_hub_without_a_team_of_its_own_is_answered_by_the_portal_team(api_client, on_commit):
    hub = HubFactory(title="Pôle Condroz")

    with on_commit():
        response = api_client.post(URL, message(hub=hub.pk), format="json")

    assert response.status_code == 202
    [sent] = mail.outbox
    assert sent.to == ["stages@uwe.be"] and "Pôle Condroz" in sent.body


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "pas-une-adresse"}, "email"),
        ({"message": ""}, "message"),
        ({"message": "x" * 5001}, "message"),
        ({"subject": "Bonjour\r\nBcc: victime@example.test"}, "subject"),
        ({"name": "   "}, "name"),
        ({"hub": 10**19}, "hub"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_nothing_is_sent(api_client, fields, field):
    response = api_client.post(URL, message(**fields), format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and field in response.json()["errors"]
    assert mail.outbox == [] and not Notification.objects.exists()


@pytest.mark.parametrize("not_a_hub", ["company", "unknown"])
def test_a_hub_that_is_not_a_live_hub_is_refused(api_client, not_a_hub):
    hub = CompanyFactory().pk if not_a_hub == "company" else 987654

    response = api_client.post(URL, message(hub=hub), format="json")

    assert response.status_code == 400 and "hub" in response.json()["errors"]
    assert mail.outbox == []


def test_a_signed_in_writer_is_named_in_the_message(api_client, on_commit):
    user = UserFactory(email="valentin@talos.example")
    api_client.force_authenticate(user)

    with on_commit():
        api_client.post(URL, message(), format="json")

    assert "valentin@talos.example" in mail.outbox[0].body


def test_an_address_sending_too_many_messages_waits_and_the_page_counts_with_the_api(api_client, client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "contact": "3/hour"},
    }

    statuses = [api_client.post(URL, message(subject=f"Question {n}"), format="json").status_code for n in range(2)]
    from_the_page = client.post("/contact/", {**message(subject="Question 3"), "hub": "", "website": ""}).status_code
    refused = api_client.post(URL, message(subject="Question 4"), format="json")

    assert statuses == [202, 202] and from_the_page == 302
    assert refused.status_code == 429 and refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert api_client.post(URL, message(), format="json", REMOTE_ADDR="192.0.2.9").status_code == 202


def test_invalid_input_does_not_count_against_the_rate(api_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "contact": "1/hour"},
    }

    for _attempt in range(3):
        assert api_client.post(URL, message(email="faux"), format="json").status_code == 400

    assert api_client.post(URL, message(), format="json").status_code == 202


def test_without_a_contact_page_online_there_is_nobody_to_write_to(api_client):
    ContactPage.objects.get().unpublish()

    response = api_client.post(URL, message(), format="json")

    assert response.status_code == 404
    assert mail.outbox == []
