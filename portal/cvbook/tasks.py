"""Huey task of the CV book: the weekly digest of matching offers."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from portal.cvbook import services


@db_periodic_task(crontab(day_of_week="1", hour="7", minute="30"))
def send_weekly_digests() -> int:
    """Every Monday morning: each student with a visible profile receives the new offers that match it (each offer
    once, ever). Returns how many students were written to."""
    return services.send_matching_digests()
