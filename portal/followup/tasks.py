"""Huey tasks of the follow-up: the reminders of due steps and the warnings of silent logbooks."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from portal.followup.services import reminders


@db_periodic_task(crontab(hour="8", minute="0"))
def remind_pending_steps() -> int:
    """Every morning: remind whoever has an open step that is due (at most once every 7 days per step), the
    programme head after the third reminder. Safe to run twice at once: each reminder goes out once."""
    return reminders.remind_due_steps()


@db_periodic_task(crontab(hour="8", minute="15"))
def warn_silent_logbooks() -> int:
    """Every morning: tell both tutors of an internship whose logbook has had no entry for a week."""
    return reminders.warn_silent_logbooks()
