"""The company workspace: its tabs, their counts and rows, shaped to a constant number of queries.

The tabs are those of the guide: offers to validate, current offers, spontaneous applications (for the people
who read them) and archived offers. Each offer row shows what « Gérer mes stages » lists (N°, date, title,
country, city, targeted or open, applications, status, visits, author) and can be filtered by each of them.
"""

from __future__ import annotations

from django.db.models import BooleanField, CharField, Count, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _
from wagtail.models import Revision

from cms_pages.models import OfferPage, OrganisationPage
from portal import access
from portal.recruitment.models import Application
from portal.reference.choices import ApplicationStatus
from portal.reference.choices import OfferStatus as S

TABS = {
    "to_validate": (_("Offers to validate"), (S.DRAFT, S.AWAITING_COMPANY_VALIDATION, S.AWAITING_HUB_VALIDATION)),
    "current": (_("Current offers"), (S.PUBLISHED, S.UNPUBLISHED, S.FILLED)),
    "archived": (_("Archived offers"), (S.CANCELLED, S.ARCHIVED)),
}
SPONTANEOUS = "spontaneous"
SPONTANEOUS_LABEL = _("Spontaneous applications")
# The order of the tab bar: the spontaneous applications sit between the current and the archived offers.
TAB_ORDER = ("to_validate", "current", SPONTANEOUS, "archived")
TARGETED, OPEN = "targeted", "open"
TARGETING = [(TARGETED, _("Targeted offer")), (OPEN, _("Open offer"))]
PAGE_SIZES = (5, 10, 25)


def tab_labels(*, spontaneous: bool) -> list[tuple[str, str]]:
    """[(tab, label)] of the tab bar; the spontaneous applications only for the people who receive them."""
    labels = {**{tab: label for tab, (label, _statuses) in TABS.items()}, SPONTANEOUS: SPONTANEOUS_LABEL}
    return [(tab, labels[tab]) for tab in TAB_ORDER if tab != SPONTANEOUS or spontaneous]


def company_offers(user, company) -> QuerySet:
    """The offers of `company` in `user`'s lists: those they work on, and their colleagues' published offers."""
    return OfferPage.objects.filter(access.offers.company_lists_q(user), company=company)


def worked_on_offers(user, company) -> QuerySet:
    """The offers of `company` that `user` works on (theirs, or every one for its administrators): those whose
    applications they may list."""
    return OfferPage.objects.filter(access.offers.workspace_q(user), company=company)


def spontaneous_applications(user, company) -> QuerySet:
    """The spontaneous applications to `company` that `user` receives, newest first."""
    return Application.objects.filter(access.applications.company_q(user), company=company, offer__isnull=True)


def _count(rows: QuerySet) -> Coalesce:
    """The number of `rows` (filtered on `company=OuterRef("pk")`), as a subquery of the company's row."""
    return Coalesce(Subquery(rows.order_by().values("company").annotate(n=Count("pk")).values("n")[:1]), 0)


def _created_at() -> Subquery:
    """When the offer was written: its first revision."""
    revisions = Revision.objects.filter(
        base_content_type__app_label="wagtailcore",
        base_content_type__model="page",
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    return Subquery(revisions.order_by("created_at", "pk").values("created_at")[:1])


def _dated(offers: QuerySet) -> QuerySet:
    """`listed_on`: the date the list shows, that of the publication, else that of the creation."""
    return offers.annotate(listed_on=Coalesce("first_published_at", _created_at()))


def _filtered_offers(offers: QuerySet, filters: dict) -> QuerySet:
    """Narrow dated offers by the filters of a tab (an empty filter does not narrow)."""
    if filters.get("number"):
        offers = offers.filter(pk=filters["number"])
    if filters.get("date_from"):
        offers = offers.filter(listed_on__date__gte=filters["date_from"])
    if filters.get("date_to"):
        offers = offers.filter(listed_on__date__lte=filters["date_to"])
    if filters.get("q"):
        offers = offers.filter(title__icontains=filters["q"])
    if filters.get("country"):
        offers = offers.filter(country=filters["country"])
    if filters.get("city"):
        offers = offers.filter(city__icontains=filters["city"].strip())
    if filters.get("targeting") == OPEN:
        offers = offers.filter(access.offers.untargeted_q())
    elif filters.get("targeting") == TARGETED:
        offers = offers.exclude(access.offers.untargeted_q())
    if filters.get("status"):
        offers = offers.filter(status=filters["status"])
    for word in (filters.get("author") or "").split():
        offers = offers.filter(
            Q(author__first_name__icontains=word)
            | Q(author__last_name__icontains=word)
            | Q(author__email__icontains=word)
        )
    return offers


def _filtered_applications(applications: QuerySet, filters: dict) -> QuerySet:
    if filters.get("date_from"):
        applications = applications.filter(created_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        applications = applications.filter(created_at__date__lte=filters["date_to"])
    if filters.get("status"):
        applications = applications.filter(status=filters["status"])
    return applications.matching(filters.get("q") or "")


def tab_counts(user, company, *, tab: str = "current", filters: dict | None = None) -> dict[str, int]:
    """{tab: number of rows} for every tab, and `shown`: the rows of `tab` its filters keep, in one query."""
    offers = OfferPage.objects.filter(access.offers.company_lists_q(user), company=OuterRef("pk"))
    spontaneous = Application.objects.filter(
        access.applications.company_q(user), company=OuterRef("pk"), offer__isnull=True
    )
    if tab == SPONTANEOUS:
        shown = _filtered_applications(spontaneous, filters or {})
    else:
        shown = _filtered_offers(_dated(offers.filter(status__in=TABS[tab][1])), filters or {})
    counts = {name: _count(offers.filter(status__in=statuses)) for name, (_label, statuses) in TABS.items()}
    return (
        OrganisationPage.objects.filter(pk=company.pk)
        .annotate(**counts, spontaneous=_count(spontaneous), shown=_count(shown))
        .values(*TABS, SPONTANEOUS, "shown")
        .get()
    )


def _received(user, **conditions) -> QuerySet:
    """The applications to the outer offer that `user` receives."""
    return Application.objects.filter(access.applications.company_q(user), offer=OuterRef("pk"), **conditions)


def _application_count(applications: QuerySet) -> Coalesce:
    return Coalesce(Subquery(applications.order_by().values("offer").annotate(n=Count("pk")).values("n")[:1]), 0)


def tab_rows(user, offers: QuerySet, tab: str, filters: dict | None = None) -> QuerySet:
    """The rows of one offer tab, filtered, with what each row shows joined in: the applications `user` receives
    (all of them, the new ones), whether the offer is targeted, its country, author and campaign."""
    rows = _filtered_offers(_dated(offers.filter(status__in=TABS[tab][1])), filters or {})
    return (
        rows.select_related("author", "campaign", "country")
        .annotate(
            application_count=_application_count(_received(user)),
            new_application_count=_application_count(_received(user, status=ApplicationStatus.PENDING)),
            targeted=ExpressionWrapper(~access.offers.untargeted_q(), output_field=BooleanField()),
        )
        .order_by("-pk")
    )


def spontaneous_rows(user, company, filters: dict | None = None) -> QuerySet:
    """The rows of the spontaneous applications' tab, filtered, with their candidate and school joined in."""
    applications = _filtered_applications(spontaneous_applications(user, company), filters or {})
    return applications.select_related("student", "student__student__school").order_by("-created_at", "-pk")


def row_actions(offer: OfferPage, capabilities: access.offers.Workspace) -> list[str]:
    """The buttons of one row (cancel ✘, renew/edit ♻, duplicate 📄, unpublish, filled, …)."""
    return capabilities.actions(offer)
