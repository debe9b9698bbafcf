"""Reminders, on a frozen clock: whoever has an open step that is due is reminded at most once every 7 days per step,
the programme head after the third reminder; nothing for a done step; the same reminder never goes out twice, be
it from a retried task or from two consumers at once (a real race on PostgreSQL)."""

import datetime
import threading
from collections import Counter

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from freezegun import freeze_time

from portal.followup import services, tasks
from portal.followup.models import InternshipStep
from portal.followup.services import reminders
from portal.notifications.models import Notification
from tests.followup.fixtures import active, build_world

T0 = datetime.datetime(2027, 1, 4, 8, 0, tzinfo=datetime.UTC)
# The default steps of the "before" phase and who acts on each (portal/followup/migrations/0002).
BEFORE = {
    "1": "student",
    "2": "academic_tutor",
    "3": "programme_head",
    "4": "company_tutor",
    "5": "company_tutor",
    "6": "programme_head",
}


def internship_starting_in(world, days: int, length: int = 90):
    """An active internship starting `days` after the frozen day: only its "before" steps are due."""
    return active(world, days_before_today=-days, days_after_today=days + length)


def reminded(kind: str = "followup_reminder") -> Counter:
    """{(step code, recipient e-mail): number of reminders} recorded so far."""
    rows = Notification.objects.filter(kind=kind).select_related("recipient")
    return Counter((row.payload["step_code"], row.recipient.email) for row in rows)


def run(on_commit, now) -> int:
    with freeze_time(now), on_commit():
        return reminders.remind_due_steps()


@pytest.mark.django_db
def test_each_due_step_is_reminded_to_its_actor_once_every_seven_days(world, on_commit):
    with freeze_time(T0):
        internship_starting_in(world, 30)
    people = {name: getattr(world, name).email for name in set(BEFORE.values())}

    first = run(on_commit, T0)
    same_day = run(on_commit, T0 + datetime.timedelta(hours=5))
    six_days = run(on_commit, T0 + datetime.timedelta(days=6, hours=23))

    assert first == len(BEFORE) and same_day == 0 and six_days == 0
    assert reminded() == Counter({(code, people[actor]): 1 for code, actor in BEFORE.items()})
    assert sorted(m.to[0] for m in mail.outbox) == sorted(people[actor] for actor in BEFORE.values())

    again = run(on_commit, T0 + datetime.timedelta(days=7))

    assert again == len(BEFORE)
    assert set(reminded().values()) == {2}
    # the steps of the internship's own days are not due yet: the internship starts in a month
    assert not Notification.objects.filter(kind="followup_reminder", payload__step_code__in=["7", "12"]).exists()


@pytest.mark.django_db
def test_after_the_third_reminder_the_programme_head_is_told(world, on_commit):
    with freeze_time(T0):
        internship_starting_in(world, 60)

    for week in range(3):
        run(on_commit, T0 + datetime.timedelta(days=7 * week))
    assert not Notification.objects.filter(kind="followup_escalation").exists()

    run(on_commit, T0 + datetime.timedelta(days=21))

    escalations = reminded("followup_escalation")
    # the steps whose actor is not the programme head themselves
    assert escalations == Counter(
        {(code, world.programme_head.email): 1 for code, actor in BEFORE.items() if actor != "programme_head"}
    )
    assert set(reminded().values()) == {4}
    escalation = Notification.objects.filter(kind="followup_escalation", payload__step_code="5").get()
    assert (
        escalation.payload["reminder"] == 4 and world.company_tutor.get_full_name() in escalation.payload["actor_names"]
    )


@pytest.mark.django_db
def test_a_done_step_is_never_reminded(world, on_commit):
    with freeze_time(T0):
        internship = internship_starting_in(world, 30)
        services.steps.validate_step(internship, "5", by=world.company_tutor)
        internship.steps.filter(code="4").update(done_at=timezone.now())

    run(on_commit, T0)
    run(on_commit, T0 + datetime.timedelta(days=7))

    assert {code for code, _email in reminded()} == set(BEFORE) - {"4", "5"}


@pytest.mark.django_db
def test_a_step_becomes_due_when_its_phase_starts_or_its_date_passes(world, on_commit):
    with freeze_time(T0):
        internship = internship_starting_in(world, 3, length=20)
        internship.steps.filter(phase="before").update(done_at=timezone.now())

    run(on_commit, T0)
    assert reminded() == Counter()

    run(on_commit, T0 + datetime.timedelta(days=3))  # the internship starts: the "during" steps are due
    during = {code for code, _email in reminded()}
    assert during == {"7", "8", "9", "10", "11", "11bis"}

    run(on_commit, T0 + datetime.timedelta(days=16))  # a week before the end: the company tutor's evaluation
    assert ("12", world.company_tutor.email) in reminded()
    assert not any(code == "13" for code, _email in reminded())  # the final grade: from the end on


@pytest.mark.django_db
def test_the_remind_command_runs_the_job_once(world, on_commit):
    with freeze_time(T0):
        internship_starting_in(world, 30)

    with freeze_time(T0), on_commit():
        call_command("remind", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with freeze_time(T0), on_commit():
        call_command("remind", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert sum(reminded().values()) == len(BEFORE)


@pytest.mark.django_db
def test_a_retried_run_holding_a_stale_step_sends_nothing(world, on_commit):
    """The claim is a conditional update: a run that read the step before another one reminded it sends nothing."""
    with freeze_time(T0):
        internship_starting_in(world, 30)
    stale = list(InternshipStep.objects.filter(code="5").select_related("internship"))

    with freeze_time(T0), on_commit():
        assert reminders.remind_due_steps() == len(BEFORE)
        assert reminders._remind(stale[0], timezone.now()) == 0

    assert reminded()[("5", world.company_tutor.email)] == 1
    assert InternshipStep.objects.get(code="5").reminders_sent == 1


@pytest.mark.django_db
def test_the_tutors_are_told_once_a_week_when_the_logbook_stays_empty(world, on_commit):
    with freeze_time(T0):
        internship = active(world, days_before_today=10, days_after_today=60)

    with freeze_time(T0), on_commit():
        first = reminders.warn_silent_logbooks()
        again = reminders.warn_silent_logbooks()
    assert (first, again) == (2, 0)
    with freeze_time(T0 + datetime.timedelta(days=1)):
        services.logbook.write_entry(internship, by=world.student, date=timezone.localdate(), text="Enfin")
    with freeze_time(T0 + datetime.timedelta(days=5)), on_commit():
        assert reminders.warn_silent_logbooks() == 0
    with freeze_time(T0 + datetime.timedelta(days=8)), on_commit():
        assert reminders.warn_silent_logbooks() == 2

    warned = Notification.objects.filter(kind="journal_missing")
    assert sorted(n.recipient.email for n in warned) == sorted(
        [world.company_tutor.email, world.academic_tutor.email] * 2
    )


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_consumers_running_at_once_send_each_reminder_once():
    with freeze_time(T0):
        world = build_world()
        internship_starting_in(world, 30)
    mail.outbox.clear()
    start = threading.Barrier(2, timeout=60)
    results, errors = [], []

    def consume():
        try:
            start.wait()
            results.append(reminders.remind_due_steps(now=T0))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=consume) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sorted(results) == [0, len(BEFORE)] or sum(results) == len(BEFORE)
    assert sum(reminded().values()) == len(BEFORE) and set(reminded().values()) == {1}
    assert len(mail.outbox) == len(BEFORE)
    assert set(InternshipStep.objects.filter(phase="before").values_list("reminders_sent", flat=True)) == {1}


@pytest.mark.django_db
def test_the_periodic_tasks_run_the_same_jobs(world, on_commit):
    with freeze_time(T0):
        internship_starting_in(world, 30)

    with freeze_time(T0), on_commit():
        reminded_now = tasks.remind_pending_steps.call_local()
        warned_now = tasks.warn_silent_logbooks.call_local()

    assert reminded_now == len(BEFORE) and warned_now == 0
