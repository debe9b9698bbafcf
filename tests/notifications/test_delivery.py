"""Delivering notifications: once, retried on SMTP failures, in the recipient's language."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.utils import utcnow

from portal.notifications.models import Notification
from portal.notifications.services import notify, notify_many
from portal.notifications.tasks import (
    DELIVERY_BATCH,
    deliver_notification,
    deliver_notifications,
    redeliver_stalled_notifications,
)
from tests.factories import CompanyFactory, UserFactory, company_admin
from tests.notifications.backends import FlakyBackend

PUBLISHED = {
    "offer_title": "Stagiaire en qualité agro-industrie",
    "offer_number": "00042",
    "company": "Talos Health Solutions",
    "offer_url": "https://stages.example/offres/stagiaire-qualite/",
}


@pytest.fixture
def flaky(settings):
    """Send through FlakyBackend; nothing left in Huey's schedule from another test."""
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.failures_left = 0
    FlakyBackend.attempts = 0
    HUEY.storage.flush_schedule()
    yield FlakyBackend
    FlakyBackend.failures_left = 0
    HUEY.storage.flush_schedule()


def scheduled_delays() -> list[float]:
    """In seconds from now, when the tasks Huey scheduled (the retries) are due."""
    now = utcnow()
    return sorted((task.eta - now).total_seconds() for task in HUEY.scheduled())


def run_scheduled_tasks() -> int:
    """Run what Huey scheduled, and what those tasks schedule, as the consumer would over the next day."""
    later = utcnow() + datetime.timedelta(days=1)
    ran = 0
    while tasks := HUEY.read_schedule(later):
        for task in tasks:
            HUEY.execute(task, later)
            ran += 1
        assert ran < 50, "tasks keep rescheduling themselves"
    return ran


def published(recipient, key="offer_published:1") -> Notification:
    return notify("offer_published", recipient, key=key, **PUBLISHED)


@pytest.mark.django_db
def test_smtp_failures_are_retried_until_the_mail_is_delivered_once(flaky, on_commit):
    user = UserFactory(language="en")
    flaky.failures_left = 2

    with on_commit():
        notification = published(user)
    notification.refresh_from_db()
    assert notification.sent_at is None and notification.attempts == 1
    assert "SMTPServerDisconnected" in notification.last_error
    assert mail.outbox == []

    ran = run_scheduled_tasks()

    notification.refresh_from_db()
    assert ran == 2
    assert notification.attempts == 3 and flaky.attempts == 3
    assert notification.sent_at is not None and notification.sending_since is None
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert notification.subject == mail.outbox[0].subject
    assert HUEY.scheduled() == []


@pytest.mark.django_db
def test_retries_back_off_exponentially(flaky, on_commit):
    flaky.failures_left = 2
    with on_commit():
        published(UserFactory())

    first = scheduled_delays()
    [task] = HUEY.read_schedule(utcnow() + datetime.timedelta(days=1))
    HUEY.execute(task, utcnow() + datetime.timedelta(days=1))
    second = scheduled_delays()

    assert len(first) == 1 and 25 <= first[0] <= 30
    assert len(second) == 1 and 55 <= second[0] <= 60


@pytest.mark.django_db
def test_delivery_gives_up_after_its_retries_and_keeps_the_error(flaky, on_commit):
    flaky.failures_left = 100
    with on_commit():
        notification = published(UserFactory())

    run_scheduled_tasks()

    notification.refresh_from_db()
    assert notification.attempts == 7  # the first attempt and six retries
    assert notification.sent_at is None and notification.sending_since is None
    assert notification.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_template_error_is_recorded_and_not_retried(flaky):
    notification = Notification.objects.create(key="broken", kind="no_such_kind", recipient=UserFactory())

    deliver_notification(notification.pk)  # immediate mode: Huey runs it and logs the error

    notification.refresh_from_db()
    assert notification.attempts == 1 and notification.sent_at is None
    assert notification.last_error.startswith("TemplateDoesNotExist")
    assert notification.sending_since is None
    assert HUEY.scheduled() == []
    assert flaky.attempts == 0


@pytest.mark.django_db
def test_delivering_twice_sends_once():
    notification = Notification.objects.create(
        key="offer_published:2", kind="offer_published", recipient=UserFactory(), payload=PUBLISHED
    )

    first = deliver_notification.call_local(notification.pk)
    second = deliver_notification.call_local(notification.pk)
    deliver_notification(notification.pk)  # through the queue as well

    notification.refresh_from_db()
    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1
    assert notification.attempts == 1 and notification.sent_at is not None


@pytest.mark.django_db
def test_a_notification_being_sent_by_another_consumer_is_left_alone():
    notification = Notification.objects.create(
        key="offer_published:3",
        kind="offer_published",
        recipient=UserFactory(),
        payload=PUBLISHED,
        attempts=1,
        sending_since=timezone.now() - datetime.timedelta(seconds=20),
    )

    sent = deliver_notification.call_local(notification.pk)

    notification.refresh_from_db()
    assert sent is False and mail.outbox == []
    assert notification.attempts == 1 and notification.sent_at is None


@pytest.mark.django_db
def test_a_send_interrupted_long_ago_is_taken_over():
    notification = Notification.objects.create(
        key="offer_published:4",
        kind="offer_published",
        recipient=UserFactory(),
        payload=PUBLISHED,
        attempts=1,
        sending_since=timezone.now() - datetime.timedelta(hours=1),
    )

    sent = deliver_notification.call_local(notification.pk)

    notification.refresh_from_db()
    assert sent is True and len(mail.outbox) == 1
    assert notification.attempts == 2 and notification.sending_since is None


@pytest.mark.django_db
def test_delivering_a_deleted_notification_sends_nothing():
    assert deliver_notification.call_local(123456) is False
    assert mail.outbox == []


@pytest.mark.django_db
def test_notifying_twice_with_the_same_key_records_and_sends_once(on_commit):
    user = UserFactory()

    with on_commit():
        first = published(user, key="offer_published:5")
        second = published(user, key="offer_published:5")

    assert first.pk == second.pk
    assert Notification.objects.filter(key="offer_published:5").count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_notifying_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="offer_publihsed"):
        notify("offer_publihsed", UserFactory(), key="typo", **PUBLISHED)

    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_notify_many_notifies_each_distinct_active_recipient_once(on_commit):
    alice, bob = UserFactory(), UserFactory()
    gone = UserFactory(is_active=False)

    with on_commit():
        notifications = notify_many("offer_published", [alice, bob, alice, gone], key="offer_published:6", **PUBLISHED)
    with on_commit():
        again = notify_many("offer_published", [alice, bob], key="offer_published:6", **PUBLISHED)

    assert sorted(n.key for n in notifications) == sorted(
        [f"offer_published:6:{alice.pk}", f"offer_published:6:{bob.pk}"]
    )
    assert {n.pk for n in again} == {n.pk for n in notifications}
    assert Notification.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email])


@pytest.mark.django_db
def test_many_notifications_are_delivered_in_batches_each_once(on_commit, django_assert_num_queries):
    # Given more people than a batch holds, notified at once
    people = UserFactory.create_batch(DELIVERY_BATCH + 5)
    with on_commit():
        notifications = notify_many("offer_published", people, key="offer_published:8", **PUBLISHED)

    # Then each received one e-mail
    assert sorted(m.to[0] for m in mail.outbox) == sorted(person.email for person in people)
    assert not Notification.objects.filter(sent_at__isnull=True).exists()

    # And a batch delivered again sends nothing, in one statement
    with django_assert_num_queries(1):
        deliver_notifications.call_local([n.pk for n in notifications[:DELIVERY_BATCH]])
    assert len(mail.outbox) == len(people)


@pytest.mark.django_db
def test_a_batch_reads_once_then_claims_and_records_each_mail(django_assert_num_queries):
    notifications = [published(UserFactory(), key=f"offer_published:batch:{n}") for n in range(DELIVERY_BATCH)]

    with django_assert_num_queries(1 + 2 * DELIVERY_BATCH):
        deliver_notifications.call_local([n.pk for n in notifications])

    assert len(mail.outbox) == DELIVERY_BATCH


@pytest.mark.django_db
def test_a_failed_mail_of_a_batch_is_retried_as_alone_and_the_rest_of_the_batch_goes_out(flaky, on_commit):
    # Given the mail server hanging up on the next send
    people = UserFactory.create_batch(3)
    flaky.failures_left = 1

    # When three people are notified at once
    with on_commit():
        notify_many("offer_published", people, key="offer_published:9", **PUBLISHED)

    # Then the first e-mail failed and waits for its retry, as a delivery alone would; the others went out
    first = Notification.objects.get(recipient=people[0])
    assert first.attempts == 1 and first.sent_at is None and "SMTPServerDisconnected" in first.last_error
    assert sorted(m.to[0] for m in mail.outbox) == sorted(person.email for person in people[1:])
    assert [round(delay / 5) * 5 for delay in scheduled_delays()] == [30]

    # And its retry sends it, once
    run_scheduled_tasks()
    first.refresh_from_db()
    assert first.sent_at is not None and first.attempts == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(person.email for person in people)


@pytest.mark.django_db
def test_a_batch_whose_server_stays_down_gives_each_mail_the_attempts_of_a_delivery_alone(flaky, on_commit):
    flaky.failures_left = 100

    with on_commit():
        notify_many("offer_published", UserFactory.create_batch(3), key="offer_published:10", **PUBLISHED)
    run_scheduled_tasks()

    assert list(Notification.objects.values_list("attempts", flat=True)) == [7, 7, 7]
    assert mail.outbox == []


@pytest.mark.django_db
def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        published(UserFactory())

    assert len(callbacks) == 1  # enqueued on commit only
    assert mail.outbox == []


@pytest.mark.django_db
def test_campaign_ending_goes_to_each_administrator_in_their_language(on_commit):
    company = CompanyFactory(title="Talos Health Solutions")
    french = company_admin(company, language="fr", first_name="Aurélie")
    english = company_admin(company, language="en", first_name="Valentin")

    with on_commit():
        notify_many(
            "campaign_ending",
            [french, english],
            key="campaign_ending:1:1",
            campaign="2026-2027",
            ends_on="2026-11-25",
            offer_count=3,
            workspace_url="https://stages.example/espace/1/",
        )

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {french.email, english.email}
    fr, en = by_recipient[french.email], by_recipient[english.email]
    assert "Bonjour Aurélie" in fr.body and "25 novembre 2026" in fr.body
    assert "Hello Valentin" in en.body and "Nov. 25, 2026" in en.body
    assert "2026-2027" in en.subject and "Nov. 25, 2026" in en.subject
    assert "3 offers of your company will be archived" in en.body
    for message, language in ((fr, "fr"), (en, "en")):
        assert "https://stages.example/espace/1/" in message.body
        [(html, mimetype)] = message.alternatives
        assert mimetype == "text/html"
        assert f'<html lang="{language}">' in html
        assert 'href="https://stages.example/espace/1/"' in html


@pytest.mark.django_db
def test_changes_requested_goes_to_author_and_admins_in_their_language_with_the_comment(on_commit):
    company = CompanyFactory(title="Talos Health Solutions")
    admin = company_admin(company, language="fr", first_name="Aurélie")
    author = UserFactory(language="en", first_name="Valentin")

    with on_commit():
        notify_many(
            "offer_changes_requested",
            [admin, author],
            key="offer_changes_requested:7:1",
            offer_title="Stagiaire en qualité",
            offer_number="00007",
            company=company.title,
            comment="Précisez la rémunération <avant> & le lieu.",
            by="Hana Trabelsi",
            workspace_url="https://stages.example/espace/1/",
        )

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {admin.email, author.email}
    fr, en = by_recipient[admin.email], by_recipient[author.email]
    assert en.subject == "Changes requested on the offer Stagiaire en qualité"
    assert "Hana Trabelsi requested changes to the offer “Stagiaire en qualité” (No. 00007)" in en.body
    assert "Bonjour Aurélie" in fr.body and "Hello Valentin" in en.body
    for message, language in ((fr, "fr"), (en, "en")):
        assert "Précisez la rémunération <avant> & le lieu." in message.body  # plain text, as written
        [(html, mimetype)] = message.alternatives
        assert mimetype == "text/html" and f'<html lang="{language}">' in html
        assert "Précisez la rémunération &lt;avant&gt; &amp; le lieu." in html  # escaped in HTML


KINDS = {
    "offer_to_validate": {
        "offer_title": "Stage data",
        "offer_number": "00011",
        "company": "Talos",
        "author": "Valentin Bouquet",
        "workspace_url": "https://stages.example/espace/1/",
    },
    "offer_to_moderate": {
        "offer_title": "Stage data",
        "offer_number": "00011",
        "company": "Talos",
        "hub": "Pôle Wallonie",
        "workspace_url": "https://stages.example/espace/1/",
    },
    "offer_approved": {"offer_title": "Stage data", "offer_number": "00011", "company": "Talos"},
    "offer_changes_requested": {
        "offer_title": "Stage data",
        "offer_number": "00011",
        "company": "Talos",
        "comment": "Ajoutez les dates.",
        "by": "Aurélie Hogge",
        "workspace_url": "https://stages.example/espace/1/",
    },
    "offer_published": {
        "offer_title": "Stage data",
        "offer_number": "00011",
        "company": "Talos",
        "offer_url": "https://stages.example/offres/stage-data/",
    },
    "campaign_ending": {
        "campaign": "2026-2027",
        "ends_on": "2027-06-30",
        "offer_count": 1,
        "workspace_url": "https://stages.example/espace/1/",
    },
    "offers_archived": {"campaign": "2026-2027", "offer_count": 2, "offer_titles": ["Stage data", "Stage web"]},
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.django_db
def test_each_offer_and_campaign_mail_shows_its_payload_and_links(kind, on_commit):
    user = UserFactory(language="en", first_name="Leïla")
    payload = KINDS[kind]

    with on_commit():
        notification = notify(kind, user, key=f"{kind}:1", **payload)

    [message] = mail.outbox
    [(html, _)] = message.alternatives
    assert message.subject and "\n" not in message.subject
    assert message.body.startswith(f"Hello {user.get_full_name()},")
    for value in payload.values():
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            if kind == "campaign_ending" and text == "2027-06-30":
                text = "June 30, 2027"
            assert str(text) in message.body, (kind, text)
            if str(text).startswith("https://"):
                assert f'href="{text}"' in html
    notification.refresh_from_db()
    assert notification.title == message.subject


@pytest.mark.django_db
def test_the_title_is_readable_before_the_mail_is_sent():
    notification = published(UserFactory(language="en"))  # the transaction has not committed: nothing sent

    assert notification.sent_at is None and mail.outbox == []
    assert notification.title == "Your offer is published: Stagiaire en qualité agro-industrie"


@pytest.mark.django_db
def test_the_title_is_the_subject_of_the_mail_in_the_recipients_language(on_commit):
    with on_commit():
        notification = published(UserFactory(language="fr"))

    assert notification.title == mail.outbox[0].subject


@pytest.mark.django_db
def test_the_account_mails_still_work(on_commit):
    user = UserFactory(language="en")

    with on_commit():
        notify("password_reset", user, key="password_reset:1")
        notify("account_access", user, key="account_access:1", company="Talos", role="admin")
        notify("student_confirmation", user, key="student_confirmation:1")

    assert sorted(m.subject for m in mail.outbox) == [
        "Choose a new password for the internship portal",
        "Confirm your e-mail address on the internship portal",
        "Your access to the internship portal for Talos",
    ]
    assert all("/comptes/" in m.body for m in mail.outbox)


@pytest.mark.django_db
def test_lost_deliveries_are_enqueued_again_and_sent():
    user = UserFactory()
    lost = published(user, key="lost")  # committed, but its task never reached the queue
    fresh = published(user, key="fresh")
    exhausted = published(user, key="exhausted")
    sent = published(user, key="sent")
    old = timezone.now() - datetime.timedelta(hours=1)
    Notification.objects.filter(pk__in=[lost.pk, exhausted.pk, sent.pk]).update(created_at=old)
    Notification.objects.filter(pk=exhausted.pk).update(attempts=7, last_error="SMTPServerDisconnected")
    Notification.objects.filter(pk=sent.pk).update(attempts=1, sent_at=old)

    count = redeliver_stalled_notifications.call_local()

    assert count == 1
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=lost.pk).sent_at is not None
    assert Notification.objects.get(pk=fresh.pk).sent_at is None
    assert Notification.objects.get(pk=exhausted.pk).sent_at is None
