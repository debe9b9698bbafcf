"""Huey tasks of the offer lifecycle: visit counts and the campaign calendar."""

from django.db.models import F
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from cms_pages.models import OfferPage
from workflows import campaigns


@db_task(retries=3, retry_delay=10)
def count_offer_visit(offer_id: int) -> None:
    """Add one visit to the offer; safe under concurrency (F() update)."""
    OfferPage.objects.filter(pk=offer_id).update(visits=F("visits") + 1)


@db_periodic_task(crontab(hour="7", minute="0"))
def remind_campaigns_ending() -> int:
    """Every morning: warn the companies whose campaign ends within two weeks."""
    return campaigns.warn_campaigns_ending()


@db_periodic_task(crontab(hour="0", minute="30"))
def archive_ended_campaigns() -> int:
    """Every night: archive the offers of the campaigns that ended and were not renewed."""
    return campaigns.close_ended_campaigns()
