"""Lost deliveries found again, with the configured timings: the claims that lapsed, the tasks that never came."""

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
