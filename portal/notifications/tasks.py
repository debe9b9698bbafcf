"""Huey tasks that deliver notifications.

A delivery claims its notification row before sending, in one conditional statement committed at once: the
claim counts the attempt and marks the row as being sent, so that the counter survives a failed send and a
second consumer (a duplicate task, a redelivery) leaves the notification alone. The e-mail goes out outside any
transaction, then the row records that it was sent, or the error, in one statement. Notifications recorded
together are delivered by batches (`deliver_notifications`), one task and one read for several e-mails, each
claimed and recorded as above.

Each consumer thread keeps its connection to the mail server from one e-mail to the next (opening one, with its
greeting, TLS and login, costs more than sending a short e-mail): a connection left idle is closed rather than
reused, and one the server dropped is opened again at once for the e-mail at hand.
"""

import contextlib
import datetime
import logging
import smtplib
import threading
import time

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import F, Q
from django.dispatch import receiver
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_shutdown

from portal.notifications import signals
from portal.notifications.emails import build_email
from portal.notifications.models import Notification

logger = logging.getLogger(__name__)

# Failures worth a retry: the mail server or the network (ConnectionError and socket timeouts are OSErrors).
# Anything else (a template error, a missing payload entry) is a bug that a retry would not fix.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)
RETRIES = 6  # with the default delay, after 30 s, 1, 2, 4, 8 and 16 min: about half an hour in all
MAX_ATTEMPTS = RETRIES + 1
SMTP_TIMEOUT = 60  # seconds per SMTP operation, unless settings.EMAIL_TIMEOUT says otherwise
REDELIVERY_WINDOW = datetime.timedelta(days=2)
# A connection to the mail server unused for longer is closed rather than reused: servers drop idle clients
# (Postfix after 300 s), and a send on a dropped connection fails before it is noticed.
SMTP_IDLE_REUSE = 30  # seconds
# Notifications recorded together (`notify_many`) are delivered by tasks of this many: fewer tasks to queue and
# run, while the consumers' threads still share a large campaign.
DELIVERY_BATCH = 20


def sending_lease() -> datetime.timedelta:
    """How long a claim keeps other consumers away; far longer than a send can take with SMTP_TIMEOUT."""
    return datetime.timedelta(seconds=settings.NOTIFICATION_SENDING_LEASE)


def stalled_after() -> datetime.timedelta:
    """How long after its creation a notification never tried is taken as having lost its task."""
    return datetime.timedelta(seconds=settings.NOTIFICATION_STALLED_AFTER)


def retries_over_after() -> datetime.timedelta:
    """How long after its creation a failed delivery has had all its retries (the delays double: 63 first
    delays in all), with the same margin as above. A failed delivery with attempts left after that lost its retry."""
    return datetime.timedelta(seconds=settings.NOTIFICATION_RETRY_DELAY * (2**RETRIES - 1)) + stalled_after()


def _claim(notification_id: int) -> bool:
    """Count an attempt and mark the notification as being sent, unless it is sent or being sent already."""
    now = timezone.now()
    # One conditional UPDATE checks "not sent, not being sent" under the row lock (PostgreSQL) or the database
    # write lock (SQLite), and commits at once (autocommit): of two consumers, one claims.
    claimed = (
        Notification.objects.filter(pk=notification_id, sent_at__isnull=True)
        .exclude(sending_since__gt=now - sending_lease())
        .update(attempts=F("attempts") + 1, sending_since=now)
    )
    return claimed == 1


class _MailConnection(threading.local):
    """The connection to the mail server of this thread, kept from one e-mail to the next."""

    backend = None
    config: tuple = ()
    last_used = 0.0


_mail = _MailConnection()


def _mail_settings() -> tuple:
    """What the connection depends on: a change (in tests) opens a new one."""
    return (
        settings.EMAIL_BACKEND,
        getattr(settings, "EMAIL_HOST", None),
        getattr(settings, "EMAIL_PORT", None),
        getattr(settings, "EMAIL_HOST_USER", None),
        getattr(settings, "EMAIL_USE_TLS", None),
        getattr(settings, "EMAIL_USE_SSL", None),
        getattr(settings, "EMAIL_TIMEOUT", None),
    )


def close_mail_connection() -> None:
    """Close this thread's connection to the mail server, if open; the next e-mail opens a new one."""
    backend, _mail.backend = _mail.backend, None
    if backend is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):  # QUIT on a dropped connection
            backend.close()


def _mail_backend():
    """This thread's e-mail backend, its connection open, and whether it was open already (reused)."""
    current = _mail_settings()
    if _mail.backend is not None and (_mail.config != current or time.monotonic() - _mail.last_used > SMTP_IDLE_REUSE):
        close_mail_connection()
    if _mail.backend is None:
        _mail.backend = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or SMTP_TIMEOUT)
        _mail.config = current
    backend = _mail.backend
    try:
        opened = backend.open()  # False when open already (None from a backend without connections)
    except BaseException:
        close_mail_connection()
        raise
    return backend, opened is False


def _send(message) -> None:
    """Send `message` over this thread's connection; if the server dropped it, once more over a new one."""
    for last_try in (False, True):
        backend, reused = _mail_backend()
        message.connection = backend
        try:
            message.send()
        except smtplib.SMTPServerDisconnected:
            close_mail_connection()
            # Dropped before this e-mail went through (the server closed it while idle, or restarted):
            # a new connection is tried at once. A new connection that fails is a failure (retried later).
            if last_try or not reused:
                raise
            logger.info("The mail server dropped the connection: opening a new one.")
        except BaseException:
            close_mail_connection()  # in an unknown state: not reused
            raise
        else:
            _mail.last_used = time.monotonic()
            return


@on_shutdown()
def _close_mail_connection_at_shutdown() -> None:
    """Each consumer thread says goodbye to the mail server (QUIT) when the consumer stops."""
    close_mail_connection()


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _deliver(notification: Notification) -> bool:
    """Claim the notification just read, send its e-mail and record it. Returns whether this call sent it."""
    if notification.sent_at is not None or not _claim(notification.pk):
        logger.info("Notification %s is sent or being sent: not sending it.", notification.pk)
        return False
    try:
        message = build_email(notification)
        _send(message)
    except Exception as error:
        Notification.objects.filter(pk=notification.pk).update(last_error=_describe(error), sending_since=None)
        raise
    Notification.objects.filter(pk=notification.pk).update(
        sent_at=timezone.now(), subject=message.subject[:255], sending_since=None
    )
    return True


def _for_delivery():
    return Notification.objects.select_related("recipient")


def send_notification(notification_id: int) -> bool:
    """Send the notification's e-mail unless it was sent. Returns whether this call sent it."""
    # Read first (the payload and the recipient do not change), then claim: a notification sent already costs
    # one statement, one to deliver three (this read, the claim, the record of the send).
    notification = _for_delivery().filter(pk=notification_id).first()
    if notification is None:  # its recipient was deleted meanwhile
        logger.info("Notification %s is gone: not sending it.", notification_id)
        return False
    return _deliver(notification)


@db_task(retries=RETRIES, retry_delay=settings.NOTIFICATION_RETRY_DELAY, retry_backoff=2, context=True)
def deliver_notification(notification_id: int, task=None) -> bool:
    """Send the notification's e-mail once. Safe to run twice, or in two consumers: it is sent once.

    An SMTP or connection failure raises, and Huey retries with an exponential back-off; every attempt is
    counted in `attempts` and the last failure kept in `last_error`. Any other error raises without retry.
    """
    try:
        return send_notification(notification_id)
    except TRANSIENT_ERRORS:
        raise
    except Exception:
        if task is not None:
            task.retries = 0
        raise


def _retry_later(notification_id: int) -> None:
    """Its first attempt failed in a batch: the next ones come as `deliver_notification`'s retries would."""
    delay = deliver_notification.task_class.default_retry_delay
    deliver_notification.schedule(args=(notification_id,), delay=delay, retries=RETRIES - 1, retry_delay=delay * 2)


@db_task()
def deliver_notifications(notification_ids: list[int]) -> None:
    """Send the e-mails of notifications recorded together, one after the other over this thread's connection:
    one task and one read for the batch, then each claimed, sent and recorded as `deliver_notification` does, so
    that each is sent once, whoever else delivers it. Safe to run twice.

    On a failure the batch stops, and raises: the notification that failed is retried as `deliver_notification`
    would retry it (an SMTP or connection failure; with the same delays and attempts) or not at all (any other
    error), and each of the others not sent yet gets a `deliver_notification` of its own.
    """
    notifications = _for_delivery().in_bulk(notification_ids)
    for position, notification_id in enumerate(notification_ids):
        notification = notifications.get(notification_id)
        if notification is None:  # gone
            continue
        try:
            _deliver(notification)
        except Exception as error:
            if isinstance(error, TRANSIENT_ERRORS):
                _retry_later(notification_id)
            for other in notification_ids[position + 1 :]:
                deliver_notification(other)
            raise


@receiver(signals.recorded, dispatch_uid="deliver-recorded-notification")
def deliver_once_committed(sender, notification_ids: list[int], **kwargs) -> None:
    """Notifications were recorded and committed: their e-mails go out through the queue."""
    if len(notification_ids) == 1:
        deliver_notification(notification_ids[0])
        return
    for start in range(0, len(notification_ids), DELIVERY_BATCH):
        deliver_notifications(notification_ids[start : start + DELIVERY_BATCH])


@db_periodic_task(crontab(minute="*/15"))
def redeliver_stalled_notifications() -> int:
    """Every quarter of an hour: enqueue again the recent deliveries that were lost. Returns how many.

    Lost means never tried (the queue was unreachable when the transaction committed), left in the middle of a
    send (the consumer died), or failed with a retry that never came (the queue lost its schedule: Redis restarted
    without persistence, a consumer died between a failure and its retry). Failed deliveries are left to their
    own retries while those may still run. `manage.py redeliver_notifications` runs this at once.
    """
    now = timezone.now()
    stalled = (
        Notification.objects.filter(
            sent_at__isnull=True, created_at__gte=now - REDELIVERY_WINDOW, attempts__lt=MAX_ATTEMPTS
        )
        .filter(
            Q(attempts=0, created_at__lt=now - stalled_after())
            | Q(sending_since__lt=now - sending_lease())
            | Q(attempts__gt=0, sending_since__isnull=True, created_at__lt=now - retries_over_after())
        )
        .order_by("pk")
    )
    ids = list(stalled.values_list("pk", flat=True)[:500])
    for notification_id in ids:
        deliver_notification(notification_id)
    return len(ids)
