"""Reading one offer before deciding on it: what it says, what changed since its published version, who did what
in its moderation, and the comment of the latest request for changes.

Everything is read from what Wagtail already records (the page, its revisions, its log entries, the workflow's
tasks) in a constant number of queries, for the review page and the API alike.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.models import PageLogEntry, Revision

from cms_pages.models import OfferPage
from portal.reference.choices import OfferStatus
from workflows.models import CompanyAdminApprovalTask

PUBLISH = "wagtail.publish"
REJECT = "wagtail.workflow.reject"
APPROVE = "wagtail.workflow.approve"

# The log entries that make an offer's moderation history, and what each is called there.
HISTORY_ACTIONS = {
    "portal.offer.create": ("created", pgettext_lazy("offer history", "Created")),
    "portal.offer.duplicate": ("duplicated", pgettext_lazy("offer history", "Created as a copy")),
    "portal.offer.edit": ("edited", pgettext_lazy("offer history", "Edited")),
    "portal.offer.submit": ("submitted", pgettext_lazy("offer history", "Submitted for validation")),
    "portal.offer.renew": ("renewed", pgettext_lazy("offer history", "Renewed and sent for validation")),
    APPROVE: ("approved", pgettext_lazy("offer history", "Approved")),
    REJECT: ("changes_requested", pgettext_lazy("offer history", "Changes requested")),
    PUBLISH: ("published", pgettext_lazy("offer history", "Published")),
    "portal.offer.unpublish": ("unpublished", pgettext_lazy("offer history", "Unpublished")),
    "portal.offer.republish": ("republished", pgettext_lazy("offer history", "Republished")),
    "portal.offer.fill": ("filled", pgettext_lazy("offer history", "Marked as filled")),
    "portal.offer.archive": ("archived", pgettext_lazy("offer history", "Archived")),
    "portal.offer.cancel": ("cancelled", pgettext_lazy("offer history", "Closed without a candidate")),
}
STEP_LABELS = {
    "company": pgettext_lazy("moderation step", "company validation"),
    "hub": pgettext_lazy("moderation step", "reference hub validation"),
}
# Events after which a request for changes is answered (the offer went back to moderation).
ANSWERS = frozenset({"submitted", "renewed", "republished", "approved", "published"})


def _name(person) -> str:
    """How a moderator or an author is named on the offer: their full name, else their e-mail address."""
    if person is None:
        return ""
    return person.get_full_name() or person.email


@dataclass(frozen=True)
class HistoryEntry:
    """One step of an offer's moderation: who, when, which action, what was said."""

    action: str
    label: str
    at: datetime.datetime
    by: object | None = None
    comment: str = ""
    step: str | None = None
    moderated: bool | None = None

    @property
    def step_label(self) -> str:
        return STEP_LABELS.get(self.step, "") if self.step else ""

    @property
    def by_name(self) -> str:
        return _name(self.by)


@dataclass(frozen=True)
class ModerationComment:
    """What the moderator asked to change, shown on the offer until it is submitted again."""

    text: str
    by: object | None
    at: datetime.datetime

    @property
    def by_name(self) -> str:
        return _name(self.by)


@dataclass(frozen=True)
class Change:
    """One field whose proposed value differs from the published one."""

    field: str
    label: str
    before: str
    after: str


def offers_for_review() -> QuerySet:
    """The offers with what the review page shows joined in."""
    return OfferPage.objects.select_related(
        "company", "company__reference_hub", "author", "campaign", "country", "sector"
    ).prefetch_related("keywords", "target_countries", "target_organisations", "target_programmes__organisation")


def moderation_history(offer: OfferPage) -> list[HistoryEntry]:
    """The offer's moderation history, oldest first, in two queries."""
    entries = list(
        PageLogEntry.objects.filter(page_id=offer.pk, action__in=HISTORY_ACTIONS)
        .select_related("user")
        .order_by("timestamp", "pk")
    )
    company_tasks = set(CompanyAdminApprovalTask.objects.values_list("pk", flat=True)) if entries else set()
    history = []
    for entry in entries:
        action, label = HISTORY_ACTIONS[entry.action]
        data = entry.data or {}
        step = None
        if entry.action in (APPROVE, REJECT):
            task = ((data.get("workflow") or {}).get("task") or {}).get("id")
            step = "company" if task in company_tasks else "hub"
        history.append(
            HistoryEntry(
                action=action,
                label=str(label),
                at=entry.timestamp,
                by=entry.user,
                comment=str(data.get("comment") or ""),
                step=step,
                moderated=data.get("moderated") if action == "republished" else None,
            )
        )
    return history


def pending_comment(offer: OfferPage, history: list[HistoryEntry]) -> ModerationComment | None:
    """The comment of the latest request for changes, while the offer waits for its author to submit it again."""
    if offer.status != OfferStatus.DRAFT:
        return None
    for entry in reversed(history):
        if entry.action == "changes_requested":
            return ModerationComment(text=entry.comment, by=entry.by, at=entry.at)
        if entry.action in ANSWERS:
            return None
    return None


def changes_requested_q() -> Q:
    """Drafts sent back to their author with a comment (the marker in the workspace's rows)."""
    return Q(status=OfferStatus.DRAFT) & Q(
        Exists(PageLogEntry.objects.filter(page_id=OuterRef("pk"), action=REJECT)),
    )


def with_changes_requested(rows: QuerySet) -> QuerySet:
    """`rows` annotated with `changes_requested` (in the same query)."""
    return rows.annotate(changes_requested=ExpressionWrapper(changes_requested_q(), output_field=BooleanField()))


def last_published_revision_id(offer: OfferPage) -> int | None:
    """The revision the offer was last published with (Wagtail forgets it on the page when it is unpublished)."""
    if offer.live and offer.live_revision_id:
        return offer.live_revision_id
    return (
        PageLogEntry.objects.filter(page_id=offer.pk, action=PUBLISH, revision__isnull=False)
        .order_by("-timestamp", "-pk")
        .values_list("revision_id", flat=True)
        .first()
    )


def proposed_version(offer: OfferPage) -> OfferPage:
    """The version awaiting a decision: the latest revision when it differs from what the page holds."""
    if not offer.has_unpublished_changes or not offer.latest_revision_id:
        return offer
    revision = Revision.objects.filter(pk=offer.latest_revision_id).first()
    if revision is None:
        return offer
    version = offer.with_content_json(revision.content)
    for relation in ("company", "author", "campaign"):
        setattr(version, relation, getattr(offer, relation))
    for relation in ("country", "sector"):
        if getattr(version, f"{relation}_id") == getattr(offer, f"{relation}_id"):
            setattr(version, relation, getattr(offer, relation))
    return version


def _date(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _shown(version: OfferPage) -> dict[str, tuple[str, str]]:
    """{field: (label, value as the review page shows it)} for every field the offer form edits."""
    return {
        "title": (_("Title"), version.title),
        "internship_type": (_("Internship type"), version.get_internship_type_display()),
        "mission": (_("Mission"), version.mission),
        "profile_sought": (_("Profile sought"), version.profile_sought),
        "study_level": (_("Study level"), version.get_study_level_display()),
        "duration_weeks": (_("Duration (weeks)"), str(version.duration_weeks)),
        "start_date": (_("Start date"), _date(version.start_date)),
        "end_date": (_("End date"), _date(version.end_date)),
        "city": (_("City"), version.city),
        "country": (_("Country"), str(version.country) if version.country_id else ""),
        "sector": (_("Sector"), str(version.sector) if version.sector_id else ""),
        "keywords": (_("Keywords"), ", ".join(version.keyword_list)),
        "remuneration": (
            _("Monthly remuneration"),
            "" if version.remuneration is None else f"{version.remuneration} €",
        ),
        "places": (_("Number of places"), str(version.places)),
        "target_countries": (
            _("Target countries"),
            ", ".join(sorted(str(country) for country in version.target_countries.all())),
        ),
        "target_organisations": (
            _("Target training organisations"),
            ", ".join(sorted(school.title for school in version.target_organisations.all())),
        ),
        "target_programmes": (
            _("Target programmes"),
            ", ".join(sorted(str(programme) for programme in version.target_programmes.all())),
        ),
    }


def changes_since_published(offer: OfferPage, proposed: OfferPage) -> list[Change]:
    """What the version awaiting a decision changes in the published one (field, before, after); empty when the
    offer was never published or nothing changed."""
    if proposed is offer and offer.live:
        return []
    published_id = last_published_revision_id(offer)
    if published_id is None or published_id == offer.latest_revision_id:
        return []
    if offer.live:
        published = offer
    else:
        revision = Revision.objects.filter(pk=published_id).first()
        if revision is None:
            return []
        published = offer.with_content_json(revision.content)
    before, after = _shown(published), _shown(proposed)
    return [
        Change(field=field, label=str(label), before=before[field][1], after=after[field][1])
        for field, (label, _value) in after.items()
        if before[field][1] != after[field][1]
    ]
