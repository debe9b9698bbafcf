"""The company workspace: its tabs, their counts and rows, shaped to a constant number of queries."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cms_pages.models import OfferPage
from portal import access
from portal.reference.choices import ApplicationStatus
from portal.reference.choices import OfferStatus as S

TABS = {
    "to_validate": (_("Offers to validate"), (S.DRAFT, S.AWAITING_COMPANY_VALIDATION, S.AWAITING_HUB_VALIDATION)),
    "current": (_("Current offers"), (S.PUBLISHED, S.UNPUBLISHED, S.FILLED)),
    "archived": (_("Archived offers"), (S.CANCELLED, S.ARCHIVED)),
}
PAGE_SIZES = (5, 10, 25)


def company_offers(user, company) -> QuerySet:
    """The offers of `company` in `user`'s scope."""
    return OfferPage.objects.filter(access.offers.workspace_q(user), company=company)


def tab_counts(offers: QuerySet) -> dict[str, int]:
    """{tab: number of offers}, in one query."""
    return offers.order_by().aggregate(
        **{tab: Count("pk", filter=Q(status__in=statuses)) for tab, (_label, statuses) in TABS.items()}
    )


def tab_rows(offers: QuerySet, tab: str, *, title: str = "", status: str = "") -> QuerySet:
    """The rows of one tab, filtered by title and status, with what each row shows joined in."""
    rows = offers.filter(status__in=TABS[tab][1])
    if title:
        rows = rows.filter(title__icontains=title)
    if status:
        rows = rows.filter(status=status)
    return (
        rows.select_related("author", "campaign")
        .annotate(
            application_count=Count("applications", distinct=True),
            new_application_count=Count(
                "applications", filter=Q(applications__status=ApplicationStatus.PENDING), distinct=True
            ),
        )
        .order_by("-pk")
    )


def row_actions(offer: OfferPage, capabilities: access.offers.Workspace) -> list[str]:
    """The buttons of one row (cancel ✘, renew/edit ♻, duplicate 📄, unpublish, filled, …)."""
    return capabilities.actions(offer)
