"""Lost deliveries found again: the claims that lapsed, the retries that never came, with the configured timings."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from portal.notifications.models import Notification
from portal.notifications.tasks import deliver_notification, redeliver_stalled_notifications
from tests.factories import UserFactory

PUBLISHED = {
    "offer_title": "Stagiaire en qualité agro-industrie",
    "offer_number": "00042",
    "company": "Talos Health Solutions",
    "offer_url": "https://stages.example/offres/stagiaire-qualite/",
}


def failed(key: str, *, age: datetime.timedelta, attempts: int = 2) -> Notification:
    """A notification created `age` ago whose last send failed; no send in progress, no retry on its way."""
    notification = Notification.objects.create(
        key=key,
        kind="offer_published",
        recipient=UserFactory(),
        payload=PUBLISHED,
        attempts=attempts,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - age)
    return notification


@pytest.mark.django_db
def test_a_failed_delivery_whose_retry_never_came_is_enqueued_again_once_its_retries_are_overdue():
    # Given two failed deliveries: one whose six retries (30 s doubling: 31.5 min) should have run long ago,
    # and one still within them
    overdue = failed("overdue", age=datetime.timedelta(hours=1))
    retrying = failed("retrying", age=datetime.timedelta(minutes=20))

    # When the periodic redelivery runs
    count = redeliver_stalled_notifications.call_local()

    # Then only the one whose retry was lost (the queue restarted without its schedule) is sent again
    assert count == 1
    assert [message.to for message in mail.outbox] == [[overdue.recipient.email]]
    overdue.refresh_from_db()
    retrying.refresh_from_db()
    assert overdue.sent_at is not None and overdue.attempts == 3
    assert retrying.sent_at is None and retrying.attempts == 2


@pytest.mark.django_db
def test_the_retries_span_follows_the_configured_retry_delay(settings):
    # Given a failed delivery created 17 minutes ago, within the 31.5 min of retries of the default delay
    lost = failed("lost-retry", age=datetime.timedelta(minutes=17))
    assert redeliver_stalled_notifications.call_local() == 0

    # When retries start after one second instead of thirty (63 s of retries, then the 15 min margin)
    settings.NOTIFICATION_RETRY_DELAY = 1
    count = redeliver_stalled_notifications.call_local()

    # Then the redelivery sends it
    assert count == 1
    lost.refresh_from_db()
    assert lost.sent_at is not None


@pytest.mark.django_db
def test_a_claim_is_taken_over_once_the_configured_lease_is_over(settings):
    # Given a send that a consumer started ten seconds ago, and a lease of five seconds instead of ten minutes
    notification = Notification.objects.create(
        key="claimed",
        kind="offer_published",
        recipient=UserFactory(),
        payload=PUBLISHED,
        attempts=1,
        sending_since=timezone.now() - datetime.timedelta(seconds=10),
    )
    assert deliver_notification.call_local(notification.pk) is False  # the default lease keeps it
    settings.NOTIFICATION_SENDING_LEASE = 5

    # When the redelivery runs with that lease
    count = redeliver_stalled_notifications.call_local()

    # Then the lapsed claim is taken over and the e-mail sent
    assert count == 1
    notification.refresh_from_db()
    assert notification.sent_at is not None and notification.attempts == 2 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_notification_never_tried_is_enqueued_again_after_the_configured_delay(settings):
    # Given a notification whose task never reached the queue, and 30 s instead of 15 min to notice it
    settings.NOTIFICATION_STALLED_AFTER = 30
    never_tried = Notification.objects.create(
        key="never-tried", kind="offer_published", recipient=UserFactory(), payload=PUBLISHED
    )
    assert redeliver_stalled_notifications.call_local() == 0  # just created: its task may be on its way

    # When a minute has passed and the redelivery runs
    Notification.objects.filter(pk=never_tried.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=1))
    count = redeliver_stalled_notifications.call_local()

    # Then it is sent
    assert count == 1
    never_tried.refresh_from_db()
    assert never_tried.sent_at is not None
