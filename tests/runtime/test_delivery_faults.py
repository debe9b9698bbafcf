"""E-mail delivery when things break, with the real processes: a consumer killed, the mail server down.

The notifications' claim, lease and redelivery (portal/notifications/tasks.py) run as in production, with their
timings shortened through the environment (see FAST_DELIVERY in conftest.py): a lost claim is taken over after
four seconds instead of ten minutes, a failed send retried after half a second instead of thirty.
"""

import time
from collections import Counter

import pytest

from portal.demo.documents import pdf_bytes
from portal.notifications.models import Notification
from tests.recruitment.files import upload
from tests.runtime.support import (
    FAST_DELIVERY,
    assert_answered,
    assert_every_notification_received_once,
    at_once,
    wait_until,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LEASE = float(FAST_DELIVERY["NOTIFICATION_SENDING_LEASE"])


def unsent(portal) -> int:
    return portal.database.notifications("sent_at is null")


def apply_then_write(portal, people, count: int) -> list[str]:
    """A student applies (one e-mail to the offer's author), then the company writes `count` messages to them at
    once (one e-mail each). Returns the messages' texts."""
    api, student = portal.api, people.students[0]
    applied = api.post(
        "applications",
        token=people.token(student),
        form={
            "offer": people.offers[0].pk,
            "message": "Bonjour",
            "cv": upload("cv.pdf", pdf_bytes("CV")),
            "motivation_letter": upload("lettre.pdf", pdf_bytes("Lettre")),
        },
    )
    assert_answered([applied], 201)
    application = applied.json()["id"]
    texts = [f"Message numéro {n} à l'étudiant." for n in range(count)]
    assert_answered(
        at_once(
            *[
                lambda text=text: api.post(
                    f"applications/{application}/messages", token=people.token(people.admin), json_body={"body": text}
                )
                for text in texts
            ]
        ),
        201,
    )
    return texts


def assert_each_message_received_once(sink, texts: list[str]) -> None:
    bodies = [mail.body for mail in sink.messages]
    received = Counter(text for text in texts for body in bodies if text in body)
    assert received == Counter(texts), {text: n for text, n in received.items() if n != 1}


def test_a_consumer_killed_in_the_middle_of_a_batch_leaves_no_email_lost_and_none_sent_twice(portal, people, sink):
    # Given a batch of sixty messages to a student being e-mailed, and the mail server that stops answering new
    # senders after the twentieth e-mail, so that the consumer's two threads are caught in the middle of a send
    sink.hold_from(20)
    texts = apply_then_write(portal, people, 60)
    wait_until(
        lambda: sink.held == portal.workers,
        timeout=60,
        message=lambda: f"The consumer's threads did not reach the mail server ({sink.held} waiting).\n{portal.logs()}",
        check=portal.check_alive,
    )
    before = len(sink.messages)

    # When the consumer is killed (SIGKILL), the mail server answers again and a new consumer starts
    portal.kill_consumer()
    killed_at = time.monotonic()
    sink.release()
    portal.start_consumer()

    # Then the new consumer sends what was still queued; the two sends cut short wait for their claim to lapse
    wait_until(
        lambda: (
            unsent(portal) == portal.workers and len(sink.messages) == portal.database.notifications() - portal.workers
        ),
        timeout=60,
        message=lambda: f"The queued e-mails were not sent ({len(sink.messages)} received).\n{portal.logs()}",
        check=portal.check_alive,
    )
    assert 20 <= before < 20 + portal.workers  # the kill did land in the middle of the batch

    # And once their claim has lapsed (it was taken before the kill), the redelivery, the periodic task's body run
    # now, sends them once
    time.sleep(max(0.0, killed_at + LEASE + 0.5 - time.monotonic()))
    portal.manage("redeliver_notifications")
    wait_until(
        lambda: unsent(portal) == 0,
        timeout=60,
        message=lambda: f"The lost sends were not redelivered.\n{portal.logs()}",
        check=portal.check_alive,
    )
    portal.stop_consumer()
    assert_each_message_received_once(sink, texts)
    assert_every_notification_received_once(portal, sink)
    # And the two sends that the kill cut short were attempted twice, every other once
    assert Counter(Notification.objects.values_list("attempts", flat=True)) == {
        1: len(texts) + 1 - portal.workers,
        2: portal.workers,
    }
    assert "Traceback" not in portal.web.output()


def test_emails_are_retried_while_the_mail_server_is_down_and_each_is_delivered_once(portal, people, sink):
    # Given a batch of thirty messages being e-mailed, and the mail server stopped after the tenth e-mail while
    # the consumer's two threads are talking to it
    sink.hold_from(10)
    texts = apply_then_write(portal, people, 30)
    wait_until(
        lambda: sink.held == portal.workers,
        timeout=60,
        message=lambda: f"The consumer's threads did not reach the mail server ({sink.held} waiting).\n{portal.logs()}",
        check=portal.check_alive,
    )
    sink.stop()
    sink.release()

    # When every e-mail left has failed and been tried again
    wait_until(
        lambda: portal.database.notifications("sent_at is null and attempts < 2") == 0,
        timeout=60,
        message=lambda: f"The failed sends were not retried.\n{portal.logs()}",
        check=portal.check_alive,
    )
    failed = unsent(portal)

    # And the mail server starts again
    sink.start()

    # Then the retries deliver every e-mail, once
    wait_until(
        lambda: unsent(portal) == 0,
        timeout=60,
        message=lambda: f"The retries did not deliver every e-mail.\n{portal.logs()}",
        check=portal.check_alive,
    )
    portal.stop_consumer()
    assert_each_message_received_once(sink, texts)
    assert_every_notification_received_once(portal, sink)
    retried = Notification.objects.filter(attempts__gte=2)
    assert retried.count() == failed > 0
    # (the server hung up on the two sends in progress, and refused the others)
    errors = {error.split(":")[0] for error in retried.values_list("last_error", flat=True)}
    assert errors <= {"ConnectionRefusedError", "SMTPServerDisconnected"} and "ConnectionRefusedError" in errors
    assert "Traceback" not in portal.web.output()
