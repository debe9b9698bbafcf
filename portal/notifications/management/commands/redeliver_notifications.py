"""`manage.py redeliver_notifications`: enqueue again, now, the deliveries that were lost."""

from django.core.management.base import BaseCommand

from portal.notifications.tasks import redeliver_stalled_notifications


class Command(BaseCommand):
    help = (
        "Enqueue again the recent e-mails whose delivery was lost (a consumer died while sending, or the queue "
        "was down when they were recorded): what the consumer does by itself every quarter of an hour."
    )

    def handle(self, *args, **options):
        # The periodic task's own body, run here: the deliveries go to the queue, and a consumer sends them.
        count = redeliver_stalled_notifications.call_local()
        self.stdout.write(f"{count} notification(s) enqueued again.")
