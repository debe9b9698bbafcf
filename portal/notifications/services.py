"""Enqueueing notifications: a row first, then a Huey task once the transaction commits."""

from django.db import transaction

from portal.notifications.models import Notification


def notify(kind: str, recipient, *, key: str, **payload) -> Notification:
    """Record a notification for `recipient` and send its e-mail after the current transaction commits.

    `key` makes the call idempotent: notifying twice with the same key records and sends once.
    """
    from portal.notifications.tasks import deliver_notification

    notification, created = Notification.objects.get_or_create(
        key=key, defaults={"kind": kind, "recipient": recipient, "payload": payload}
    )
    if created:
        transaction.on_commit(lambda: deliver_notification(notification.pk))
    return notification
