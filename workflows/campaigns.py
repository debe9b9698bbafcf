"""The campaign calendar: companies warned before their campaign ends, unrenewed offers archived after it.

Each function is safe to run again (the campaign records when it was done) and is run by the periodic tasks
of `workflows/tasks.py`.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cms_pages.models import OfferPage
from portal.accounts.models import Membership
from portal.notifications.services import notify_many
from portal.reference.choices import OfferStatus
from workflows import services
from workflows.models import Campaign

# Company administrators are warned this many days before their campaign ends.
CAMPAIGN_WARNING_DAYS = 14
# Offers in these statuses are archived when their campaign ends without being renewed.
ARCHIVED_AT_CAMPAIGN_END = (OfferStatus.PUBLISHED, OfferStatus.UNPUBLISHED, OfferStatus.FILLED, OfferStatus.CANCELLED)


def _admins_by_company(company_ids):
    admins = defaultdict(list)
    memberships = Membership.objects.filter(
        organisation_id__in=company_ids, role=Membership.Role.ADMIN, user__is_active=True
    ).select_related("user")
    for membership in memberships:
        admins[membership.organisation_id].append(membership.user)
    return admins


def _workspace_url(company_id: int) -> str:
    return f"{settings.SITE_URL}{reverse('offers:workspace', args=[company_id])}"


def warn_campaigns_ending(today: datetime.date | None = None) -> int:
    """Tell company administrators, once per campaign, that their offers must be renewed or closed soon.

    Returns how many companies were told.
    """
    today = today or timezone.localdate()
    told = 0
    campaigns = Campaign.objects.filter(
        ending_notice_sent_at__isnull=True,
        ends_on__gte=today,
        ends_on__lte=today + datetime.timedelta(days=CAMPAIGN_WARNING_DAYS),
    )
    for campaign in campaigns:
        with transaction.atomic():
            counts = defaultdict(int)
            for company_id in OfferPage.objects.filter(
                campaign=campaign, status__in=ARCHIVED_AT_CAMPAIGN_END
            ).values_list("company_id", flat=True):
                counts[company_id] += 1
            admins = _admins_by_company(counts)
            for company_id, count in counts.items():
                notify_many(
                    "campaign_ending",
                    admins[company_id],
                    key=f"campaign_ending:{campaign.pk}:{company_id}",
                    campaign=campaign.name,
                    ends_on=campaign.ends_on.isoformat(),
                    offer_count=count,
                    workspace_url=_workspace_url(company_id),
                )
                told += 1
            campaign.ending_notice_sent_at = timezone.now()
            campaign.save(update_fields=["ending_notice_sent_at"])
    return told


def close_ended_campaigns(today: datetime.date | None = None) -> int:
    """Archive the offers of ended campaigns that were not renewed, and tell each company. Returns the count."""
    today = today or timezone.localdate()
    archived = 0
    for campaign in Campaign.objects.filter(closed_at__isnull=True, ends_on__lt=today):
        with transaction.atomic():
            titles = defaultdict(list)
            offers = OfferPage.objects.filter(campaign=campaign, status__in=ARCHIVED_AT_CAMPAIGN_END).order_by("pk")
            for offer in offers:
                services.archive_for_campaign_end(offer)
                titles[offer.company_id].append(offer.title)
                archived += 1
            admins = _admins_by_company(titles)
            for company_id, company_titles in titles.items():
                notify_many(
                    "offers_archived",
                    admins[company_id],
                    key=f"offers_archived:{campaign.pk}:{company_id}",
                    campaign=campaign.name,
                    offer_count=len(company_titles),
                    offer_titles=company_titles,
                )
            campaign.closed_at = timezone.now()
            campaign.save(update_fields=["closed_at"])
    return archived
