"""Huey tasks of the CV book: the weekly digest of matching offers, one task per student."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from portal.cvbook import selectors, services


@db_periodic_task(crontab(day_of_week="1", hour="7", minute="30"))
def send_weekly_digests() -> int:
    """Every Monday morning: a digest for each student with a visible profile, spread over the consumers. Returns how
    many were enqueued."""
    profile_ids = list(selectors.digest_profiles().order_by("pk").values_list("pk", flat=True))
    for profile_id in profile_ids:
        send_profile_digest(profile_id)
    return len(profile_ids)


@db_task(retries=3, retry_delay=60)
def send_profile_digest(profile_id: int) -> int:
    """The student's new matching offers, each e-mailed once ever (safe to run twice). Returns how many."""
    return services.send_digest(profile_id)
