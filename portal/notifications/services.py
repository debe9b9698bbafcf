"""Enqueueing notifications (a row first, then a Huey task once the transaction commits), and reading them."""

import threading
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.exceptions import NotVisible
from portal.notifications import signals
from portal.notifications.models import Kind, Notification

_state = threading.local()


@contextmanager
def without_notifications():
    """Record and send nothing inside the block (demo data, imports of past events)."""
    previous = getattr(_state, "muted", False)
    _state.muted = True
    try:
        yield
    finally:
        _state.muted = previous


def _announce_on_commit(notifications: list[Notification]) -> None:
    """Once the transaction commits, the delivery tasks (listening to `signals.recorded`) are enqueued."""
    # Robust: the data is committed whatever happens to the queue; a lost delivery is picked up again by
    # `redeliver_stalled_notifications`.
    ids = [notification.pk for notification in notifications]
    transaction.on_commit(lambda: signals.recorded.send(sender=Notification, notification_ids=ids), robust=True)


def notify(kind: str, recipient, *, key: str, **payload) -> Notification | None:
    """Record a notification for `recipient` and send its e-mail after the current transaction commits.

    `key` makes the call idempotent: notifying twice with the same key records and sends once.
    The payload is stored as JSON (strings, numbers, lists), and shown to the recipient in the API.
    """
    return _record(kind, key=key, recipient=recipient, payload=payload)


def notify_address(kind: str, address: str, /, *, key: str, **payload) -> Notification | None:
    """Like `notify`, for a recipient who has no account: an e-mail address (a team's mailbox).

    The e-mail is written in the portal's language and never listed in anybody's notifications; its delivery is
    the same (once per key, claimed, retried).
    """
    if not address:
        raise ValueError("A notification to an address needs the address.")
    return _record(kind, key=key, recipient_email=address, payload=payload)


def _record(kind: str, *, key: str, payload: dict, **recipient) -> Notification | None:
    if kind not in Kind.values:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    if getattr(_state, "muted", False):
        return None
    notification, created = Notification.objects.get_or_create(
        key=key, defaults={"kind": kind, "payload": payload, **recipient}
    )
    if created:
        _announce_on_commit([notification])
    return notification


def notify_many(kind: str, recipients: Iterable, *, key: str, **payload) -> list[Notification]:
    """Notify each distinct active recipient once, under the key `f"{key}:{recipient.pk}"`.

    Inactive users are skipped; a recipient listed twice is notified once. Idempotent like `notify`: returns the
    notification of each recipient, in their order, whether recorded now or before. Recorded in bulk (the keys
    already there in one query, the others in one insert), whatever the number of recipients, and each new one
    sent after the current transaction commits.
    """
    if kind not in Kind.values:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    if getattr(_state, "muted", False):
        return []
    by_key = {}
    for recipient in recipients:
        if recipient.is_active:
            by_key.setdefault(f"{key}:{recipient.pk}", recipient)
    if not by_key:
        return []
    recorded = {notification.key: notification for notification in Notification.objects.filter(key__in=by_key)}
    new = [
        Notification(key=recipient_key, kind=kind, payload=payload, recipient=recipient)
        for recipient_key, recipient in by_key.items()
        if recipient_key not in recorded
    ]
    if new:
        try:
            # A savepoint: should another transaction record one of these keys meanwhile, the insert fails alone
            # and each is recorded in turn, as `notify` does.
            with transaction.atomic():
                Notification.objects.bulk_create(new)
        except IntegrityError:
            for notification in new:
                recorded[notification.key] = _record(
                    kind, key=notification.key, recipient=notification.recipient, payload=payload
                )
        else:
            recorded.update((notification.key, notification) for notification in new)
            _announce_on_commit(new)
    return [recorded[recipient_key] for recipient_key in by_key]


def mark_read(notification: Notification, *, by) -> Notification:
    """Mark the notification read by its recipient; reading it again keeps the first time."""
    if notification.recipient_id != by.pk:
        raise NotVisible()
    if notification.read_at is None:
        # Conditional, so that two simultaneous calls keep the same, first, time.
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
        notification.refresh_from_db(fields=["read_at"])
    return notification


def mark_all_read(user) -> int:
    """Mark every unread notification of `user` read. Returns how many were unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
