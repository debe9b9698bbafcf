"""Notifications to an address without an account (a team's mailbox): recorded, claimed and retried like the others."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from huey.contrib.djhuey import HUEY

from portal.notifications.models import Notification
from portal.notifications.services import notify_address
from portal.notifications.tasks import deliver_notification
from tests.factories import UserFactory
from tests.notifications.backends import FlakyBackend
from tests.notifications.test_delivery import run_scheduled_tasks

TEAM = "stages@pole.example"
MESSAGE = {
    "team": "Cellule stages du pôle",
    "hub": "",
    "name": "Aurélie Hogge",
    "email": "aurelie@talos.example",
    "reply_to": "aurelie@talos.example",
    "account": "",
    "subject": "Accès administrateur perdu",
    "message": "Bonjour,\nnous avons perdu l'accès <administrateur> de Talos & Cie.",
}


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.failures_left = 0
    FlakyBackend.attempts = 0
    HUEY.storage.flush_schedule()
    yield FlakyBackend
    FlakyBackend.failures_left = 0
    HUEY.storage.flush_schedule()


def write_to_the_team(key="contact_message:1", **changes):
    return notify_address("contact_message", TEAM, key=key, **{**MESSAGE, **changes})


@pytest.mark.django_db
def test_a_message_to_an_address_is_mailed_once_with_the_writer_as_reply_to(on_commit):
    with on_commit():
        first = write_to_the_team()
        second = write_to_the_team()

    assert first.pk == second.pk and Notification.objects.count() == 1
    [message] = mail.outbox
    assert message.to == [TEAM]
    assert message.reply_to == ["aurelie@talos.example"]
    assert "Accès administrateur perdu" in message.subject
    assert "Aurélie Hogge (aurelie@talos.example)" in message.body
    assert "nous avons perdu l'accès <administrateur> de Talos & Cie." in message.body
    first.refresh_from_db()
    assert first.sent_at is not None and first.recipient is None and first.recipient_email == TEAM


@pytest.mark.django_db
def test_the_html_of_a_message_to_an_address_escapes_what_the_writer_typed(on_commit):
    with on_commit():
        write_to_the_team(message="<script>alert(1)</script>\nDeux lignes", name="<b>Eve</b>")

    [(html, mimetype)] = mail.outbox[0].alternatives
    assert mimetype == "text/html"
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;<br>Deux lignes" in html
    assert "<b>Eve</b>" not in html and "&lt;b&gt;Eve&lt;/b&gt;" in html


@pytest.mark.django_db
def test_a_message_to_an_address_is_written_in_the_portal_language(settings, on_commit):
    settings.LANGUAGE_CODE = "en"
    with on_commit():
        write_to_the_team()

    [(html, _mimetype)] = mail.outbox[0].alternatives
    assert '<html lang="en">' in html
    assert mail.outbox[0].body.startswith("Hello Cellule stages du pôle,")


@pytest.mark.django_db
def test_a_failed_delivery_to_an_address_is_retried_and_sent_once(flaky, on_commit):
    flaky.failures_left = 2

    with on_commit():
        notification = write_to_the_team()
    run_scheduled_tasks()
    deliver_notification.call_local(notification.pk)  # a late duplicate of the task sends nothing more

    notification.refresh_from_db()
    assert notification.attempts == 3 and notification.sent_at is not None
    assert [message.to for message in mail.outbox] == [[TEAM]]


@pytest.mark.django_db
def test_messages_to_an_address_are_in_nobody_s_notifications(client, on_commit):
    user = UserFactory()
    with on_commit():
        write_to_the_team()
    client.force_login(user)

    assert client.get("/api/v1/notifications").json()["count"] == 0
    assert Notification.objects.for_user(user).count() == 0


@pytest.mark.django_db
def test_a_notification_goes_to_a_user_or_to_an_address_never_both_nor_neither():
    user = UserFactory()

    for recipient in ({"recipient": user, "recipient_email": TEAM}, {"recipient": None, "recipient_email": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Notification.objects.create(
                key=f"both-or-none:{recipient['recipient_email']}", kind="contact_message", **recipient
            )


def test_a_notification_to_an_address_needs_the_address():
    with pytest.raises(ValueError, match="address"):
        notify_address("contact_message", "", key="contact_message:none", **MESSAGE)
