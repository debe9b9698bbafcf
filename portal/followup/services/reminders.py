"""Reminders: whoever has an open step that is due is reminded, at most once every 7 days per step; after the
third reminder the programme head is told as well. Tutors learn when a week passes without a logbook entry.

Safe to run twice at once (two consumers, a retried task): each reminder is claimed by one conditional update of
its step (`reminders_sent` still n, last reminder older than the interval) before anything is sent, and its
notification carries a unique key; of two runs, one claims it, the other sends nothing.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from portal.followup import selectors
from portal.followup.choices import Actor
from portal.followup.models import Internship, InternshipStep
from portal.followup.services.common import tell

ESCALATE_AFTER = 3


def interval() -> datetime.timedelta:
    return datetime.timedelta(days=settings.FOLLOWUP_REMINDER_INTERVAL_DAYS)


def _claim(step: InternshipStep, now: datetime.datetime) -> bool:
    """Count the reminder, unless the step was done, or reminded by another run, meanwhile."""
    return bool(
        InternshipStep.objects.filter(pk=step.pk, done_at__isnull=True, reminders_sent=step.reminders_sent)
        .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - interval()))
        .update(reminders_sent=F("reminders_sent") + 1, last_reminded_at=now)
    )


def _remind(step: InternshipStep, now: datetime.datetime) -> int:
    internship = step.internship
    with transaction.atomic():
        if not _claim(step, now):
            return 0
        number = step.reminders_sent + 1
        details = {
            "step_code": step.code,
            "step_title_fr": step.title_fr,
            "step_title_en": step.title_en,
            "due_date": step.due_date.isoformat() if step.due_date else "",
            "reminder": number,
        }
        actors = selectors.actor_users(internship, step.actor)
        sent = len(
            tell(
                "followup_reminder",
                actors,
                key=f"followup_reminder:{step.pk}:{number}",
                internship=internship,
                **details,
            )
        )
        if number > ESCALATE_AFTER and step.actor != Actor.PROGRAMME_HEAD:
            names = ", ".join(person.get_full_name() or person.email for person in actors)
            sent += len(
                tell(
                    "followup_escalation",
                    selectors.programme_heads(internship),
                    key=f"followup_escalation:{step.pk}:{number}",
                    internship=internship,
                    actor=step.actor,
                    actor_names=names,
                    **details,
                )
            )
    return sent


def remind_due_steps(now: datetime.datetime | None = None) -> int:
    """Remind the actor of every open step that is due and was not reminded in the last 7 days. Returns how many
    notifications were recorded."""
    now = now or timezone.now()
    due = selectors.due_steps(timezone.localdate(now)).filter(
        Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - interval())
    )
    return sum(_remind(step, now) for step in due)


def warn_silent_logbooks(now: datetime.datetime | None = None) -> int:
    """Tell both tutors of every internship under way whose logbook has had no entry for a week, at most once a
    week (claimed by a conditional update, like the reminders). Returns how many notifications were recorded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    silence = datetime.timedelta(days=settings.FOLLOWUP_LOGBOOK_SILENCE_DAYS)
    sent = 0
    for internship in selectors.silent_logbooks(today, days=silence.days):
        since = internship.last_entry or internship.start_date
        week = (today - since).days // silence.days
        with transaction.atomic():
            claimed = (
                Internship.objects.filter(pk=internship.pk)
                .filter(Q(logbook_warned_at__isnull=True) | Q(logbook_warned_at__lte=now - silence))
                .update(logbook_warned_at=now)
            )
            if claimed:
                sent += len(
                    tell(
                        "journal_missing",
                        [internship.company_tutor, internship.academic_tutor],
                        key=f"journal_missing:{internship.pk}:{since.isoformat()}:{week}",
                        internship=internship,
                        page="journal",
                        since=since.isoformat(),
                    )
                )
    return sent
