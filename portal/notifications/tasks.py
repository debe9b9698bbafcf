"""Huey tasks that deliver notifications."""

from django.db import transaction
from django.utils import timezone
from huey.contrib.djhuey import db_task

from portal.notifications.emails import build_email
from portal.notifications.models import Notification


@db_task(retries=5, retry_delay=60)
def deliver_notification(notification_id: int) -> bool:
    """Send the notification's e-mail once. Safe to run twice: a sent notification is not sent again.

    An SMTP failure raises, and Huey retries the task later.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None or notification.sent_at is not None:
            return False
        notification.attempts += 1
        message = build_email(notification)
        message.send()
        notification.subject = message.subject[:255]
        notification.sent_at = timezone.now()
        notification.save(update_fields=["attempts", "subject", "sent_at"])
    return True
