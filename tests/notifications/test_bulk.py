"""Notifying many people at once (a campaign's end, an offer's administrators): recorded in bulk, sent once each."""

import threading
import time

import pytest
from django.core import mail
from django.db import connection, transaction

from portal.notifications.models import Notification
from portal.notifications.services import notify, notify_many, without_notifications
from tests.factories import UserFactory

ENDING = {
    "campaign": "2026-2027",
    "ends_on": "2027-06-30",
    "offer_count": 3,
    "workspace_url": "https://stages.example/espace/1/",
}


def record(recipients, key="campaign_ending:1:1"):
    """notify_many as a campaign calls it; returns its notifications (nothing sent: the commit is not run)."""
    return notify_many("campaign_ending", recipients, key=key, **ENDING)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 50])
def test_recording_takes_the_same_few_queries_for_3_or_50_recipients(
    count, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    # Given `count` people to tell of a campaign's end
    people = UserFactory.create_batch(count)

    # When they are notified in one transaction
    # (the keys recorded already, then a savepoint around one insert)
    with django_capture_on_commit_callbacks(execute=False) as callbacks, django_assert_max_num_queries(4):
        notifications = record(people)

    # Then each has one notification, and their deliveries wait for the commit
    assert [n.recipient_id for n in notifications] == [person.pk for person in people]
    assert all(n.pk is not None for n in notifications)
    assert Notification.objects.filter(key__startswith="campaign_ending:1:1:").count() == count
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_notifying_the_same_people_again_records_nothing_and_sends_nothing(
    django_assert_num_queries, django_capture_on_commit_callbacks, on_commit
):
    # Given 20 people notified, and their e-mails sent
    people = UserFactory.create_batch(20)
    with on_commit():
        first = record(people)
    assert len(mail.outbox) == 20

    # When they are notified again under the same key, with one more person
    newcomer = UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = record([*people, newcomer])

    # Then the 20 get back their notifications, only the newcomer's is recorded and sent
    assert [n.pk for n in again[:20]] == [n.pk for n in first]
    assert again[20].recipient_id == newcomer.pk
    assert len(callbacks) == 1
    assert len(mail.outbox) == 21 and mail.outbox[-1].to == [newcomer.email]
    assert Notification.objects.count() == 21

    # And once all are recorded, one query says so
    with django_assert_num_queries(1):
        assert len(record([*people, newcomer])) == 21


@pytest.mark.django_db
def test_inactive_people_and_repeated_people_are_notified_at_most_once(on_commit):
    # Given a list naming one person twice, and a person whose account was closed
    alice, bob = UserFactory(), UserFactory()
    gone = UserFactory(is_active=False)

    # When the list is notified
    with on_commit():
        notifications = record([alice, gone, bob, alice])

    # Then alice and bob get one e-mail each, in the order they were listed
    assert [n.recipient_id for n in notifications] == [alice.pk, bob.pk]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email])
    assert not Notification.objects.filter(recipient=gone).exists()


@pytest.mark.django_db
def test_a_notification_recorded_one_by_one_is_not_recorded_again_in_bulk(on_commit):
    # Given a person notified alone under the key notify_many gives them
    alice, bob = UserFactory(), UserFactory()
    with on_commit():
        alone = notify("campaign_ending", alice, key=f"campaign_ending:1:1:{alice.pk}", **ENDING)

    # When the whole list is notified
    with on_commit():
        notifications = record([alice, bob])

    # Then alice keeps her one notification and one e-mail
    assert notifications[0].pk == alone.pk
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email])


@pytest.mark.django_db
def test_nobody_is_notified_when_notifications_are_muted(django_assert_num_queries):
    people = UserFactory.create_batch(3)

    with without_notifications(), django_assert_num_queries(0):
        assert record(people) == []

    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_an_unknown_kind_is_refused_before_anything_is_recorded():
    with pytest.raises(ValueError, match="campaign_endign"):
        notify_many("campaign_endign", [UserFactory()], key="typo", **ENDING)

    assert not Notification.objects.exists()


def waiting_for_a_lock() -> bool:
    """Whether a session of this database waits for a row lock (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_transactions_notifying_the_same_person_at_once_record_and_send_once():
    # Given alice and bob being notified in a transaction not committed yet
    alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
    first_recorded = threading.Event()
    errors, results = [], {}

    def first():
        try:
            with transaction.atomic():
                results["first"] = record([alice, bob])
                first_recorded.set()
                # Commits once the second transaction waits on bob's key, inserted here.
                deadline = time.monotonic() + 30
                while not waiting_for_a_lock() and time.monotonic() < deadline:
                    time.sleep(0.02)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            first_recorded.set()
            connection.close()

    def second():
        try:
            first_recorded.wait(30)
            with transaction.atomic():
                results["second"] = record([bob, carol])
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    # When bob and carol are notified under the same key in another transaction meanwhile
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then bob has one notification, the same in both answers, and each person one e-mail
    assert errors == [] and not any(thread.is_alive() for thread in threads)
    assert results["first"][1].pk == results["second"][0].pk
    assert Notification.objects.filter(recipient=bob).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email, carol.email])
