"""Delivering over a real SMTP server (aiosmtpd): one connection per consumer thread, opened again when dropped."""

import socket
import threading

import pytest
from aiosmtpd.controller import Controller

from portal.notifications import tasks
from portal.notifications.models import Notification
from portal.notifications.services import notify_many
from portal.notifications.tasks import close_mail_connection, deliver_notification, send_notification
from tests.factories import UserFactory

ENDING = {
    "campaign": "2026-2027",
    "ends_on": "2027-06-30",
    "offer_count": 3,
    "workspace_url": "https://stages.example/espace/1/",
}


class MailServer:
    """An SMTP server on a local port that notes, for each message, its recipients and the client connection
    (address and port) it came through. `restart()` drops every connection, as a server restarting does."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.received: list[tuple[tuple[str, ...], tuple]] = []
        self._lock = threading.Lock()
        self._controller = None

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.received.append((tuple(envelope.rcpt_tos), session.peer))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, ready_timeout=10)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def recipients(self) -> list[str]:
        return [address for to, _ in self.received for address in to]

    @property
    def connections(self) -> int:
        return len({peer for _, peer in self.received})


@pytest.fixture
def smtp_server(settings):
    server = MailServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    close_mail_connection()
    yield server
    close_mail_connection()
    server.stop()


def recorded(count: int) -> list[Notification]:
    """`count` notifications of a campaign's end, recorded and committed, not sent yet."""
    return notify_many("campaign_ending", UserFactory.create_batch(count), key="campaign_ending:1:1", **ENDING)


@pytest.mark.django_db
def test_two_deliveries_of_one_thread_share_one_connection(smtp_server):
    # Given two notifications to send
    first, second = recorded(2)

    # When one consumer thread delivers both
    sent = [send_notification(first.pk), send_notification(second.pk)]

    # Then both e-mails reached the server, through one connection
    assert sent == [True, True]
    assert smtp_server.recipients == [first.recipient.email, second.recipient.email]
    assert smtp_server.connections == 1


@pytest.mark.django_db
def test_a_campaign_goes_out_over_one_connection_each_recipient_once(smtp_server, on_commit):
    # Given 30 people told of a campaign's end, their deliveries run as the transaction commits
    people = UserFactory.create_batch(30)
    with on_commit():
        notify_many("campaign_ending", people, key="campaign_ending:2:1", **ENDING)

    # Then each received one e-mail, all over one connection, and each notification says it was sent
    assert sorted(smtp_server.recipients) == sorted(person.email for person in people)
    assert smtp_server.connections == 1
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_connection_the_server_dropped_is_opened_again_for_the_next_mail(smtp_server):
    # Given a delivery that left its connection open, and the server restarting since, dropping it
    first, second = recorded(2)
    assert send_notification(first.pk) is True
    smtp_server.restart()

    # When the next notification is delivered
    sent = send_notification(second.pk)

    # Then it goes through a new connection, at the first attempt, with no error kept
    second.refresh_from_db()
    assert sent is True
    assert smtp_server.recipients == [first.recipient.email, second.recipient.email]
    assert smtp_server.connections == 2
    assert second.attempts == 1 and second.sent_at is not None and second.last_error == ""


@pytest.mark.django_db
def test_a_connection_left_idle_is_not_reused(smtp_server, monkeypatch):
    # Given connections to be taken as idle at once
    monkeypatch.setattr(tasks, "SMTP_IDLE_REUSE", -1)
    first, second = recorded(2)

    # When two notifications are delivered one after the other
    send_notification(first.pk)
    send_notification(second.pk)

    # Then each went through a connection of its own
    assert smtp_server.connections == 2


@pytest.mark.django_db
def test_a_server_that_stays_down_fails_the_delivery_which_is_retried_later(smtp_server):
    # Given a delivery that left its connection open, and the server gone since
    first, second = recorded(2)
    send_notification(first.pk)
    smtp_server.stop()

    # When the next notification is delivered
    with pytest.raises(OSError):  # refused: smtplib's errors and the socket's are both OSErrors
        send_notification(second.pk)

    # Then its attempt and error are kept for the retry, and the claim is released
    second.refresh_from_db()
    assert second.sent_at is None and second.sending_since is None
    assert second.attempts == 1 and second.last_error


@pytest.mark.django_db
def test_delivering_twice_sends_one_mail(smtp_server):
    # Given a notification
    [notification] = recorded(1)

    # When its delivery runs twice (a duplicate task, a redelivery), and once more through the queue
    sent = [deliver_notification.call_local(notification.pk), deliver_notification.call_local(notification.pk)]
    deliver_notification(notification.pk)

    # Then the server received one e-mail
    assert sent == [True, False]
    assert smtp_server.recipients == [notification.recipient.email]


@pytest.mark.django_db
def test_a_delivery_takes_three_statements_and_a_delivered_one_takes_one(smtp_server, django_assert_num_queries):
    [notification] = recorded(1)

    with django_assert_num_queries(3):  # the read, the claim, the record of the send
        assert send_notification(notification.pk) is True
    with django_assert_num_queries(1):
        assert send_notification(notification.pk) is False
