"""`manage.py remind`: run the follow-up's reminders once, as the periodic task does every morning."""

from django.core.management.base import BaseCommand

from portal.followup.services import reminders


class Command(BaseCommand):
    help = (
        "Remind whoever has an open follow-up step that is due (at most once every 7 days per step, the programme "
        "head after the third reminder) and warn the tutors of silent logbooks. Safe to run at any time."
    )

    def handle(self, *args, **options):
        steps = reminders.remind_due_steps()
        logbooks = reminders.warn_silent_logbooks()
        self.stdout.write(f"{steps} step reminder(s), {logbooks} logbook warning(s) recorded.")
