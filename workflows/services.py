"""The offer lifecycle: what company users, administrators and hub moderators do to an offer.

The transition table (`workflows.lifecycle`) and the access rules (`portal.access.offers`) decide which
action is allowed to whom from which status; each action is atomic, logged in Wagtail's audit log with its actor,
and sends its notifications once the transaction commits.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.log_actions import log
from wagtail.models import TaskState, WorkflowState

from cms_pages.models import OfferPage, OrganisationPage
from cms_pages.search_cache import offers_changed
from portal import access
from portal.accounts.selectors import company_admins, hub_moderators
from portal.exceptions import InvalidTransition
from portal.markup import clean_plain_text
from portal.notifications.services import notify_many
from portal.reference.choices import OfferStatus
from workflows import lifecycle, review
from workflows.models import Campaign, CompanyAdminApprovalTask, HubApprovalTask

S = OfferStatus
ACTIONS = lifecycle.ACTIONS


def check(offer: OfferPage, action: str, user) -> None:
    """404 outside the offer's audience, 403 without the right, 409 when the status does not allow it."""
    access.offers.require_action(user, action, offer)


# Offer data: validated by `workflows.offer_input.OfferInput` (model instances and clean values) before it comes here.


def _apply(offer: OfferPage, data: dict) -> None:
    for field, value in data.items():
        if field in ("keywords", "target_countries", "target_organisations", "target_programmes"):
            getattr(offer, field).set(value)
        else:
            setattr(offer, field, value)


def _unique_slug(parent: OrganisationPage, title: str) -> str:
    base = slugify(title)[:60] or "offre"
    taken = set(parent.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _log(offer: OfferPage, action: str, by, **data) -> None:
    log(instance=offer, action=f"portal.offer.{action}", user=by, data=data or None)


def _set_status(offer: OfferPage, status: str) -> None:
    # A revision carries content only: the status is written on the page row itself, without a signal. The public's
    # kept searches show the status of the offers online, and are told; an offer offline is in none of them (it left
    # them by its unpublication, and enters them by its publication, each of which tells them too).
    OfferPage.objects.filter(pk=offer.pk).update(status=status)
    offer.status = status
    if offer.live:
        offers_changed()


@transaction.atomic
def create_offer(company: OrganisationPage, data: dict, *, by, submit: bool = False) -> OfferPage:
    """A company administrator or an allowed secondary contact writes a new offer from `OfferInput`'s validated
    data: a draft, or, with `submit` (« Publier »), a draft sent to moderation at once — both or neither."""
    if not access.offers.can_create(by, company):
        raise PermissionDenied
    data = dict(data)
    campaign = data.pop("campaign", None) or Campaign.current()
    offer = OfferPage(
        title=data["title"],
        slug=_unique_slug(company, data["title"]),
        author=by,
        company=company,
        status=S.DRAFT,
        live=False,
        campaign=campaign,
    )
    _apply(offer, {k: v for k, v in data.items() if k != "title"})
    company.add_child(instance=offer)
    offer.save_revision(user=by, log_action=False)
    access.offers.grant_author(by, offer)
    _log(offer, "create", by)
    if submit:
        submit_offer(offer, by=by)
    return offer


@transaction.atomic
def update_offer(offer: OfferPage, data: dict, *, by, submit: bool = False) -> OfferPage:
    """Change a draft with `OfferInput`'s validated data (a partial change keeps the fields left out); with `submit`
    (« Publier »), send it to moderation in the same step — both or neither. A published offer is changed by
    renewing it (through moderation again)."""
    check(offer, "edit", by)
    if offer.live:
        # A live offer sent back for changes: the approved version stays online, the changes wait in a revision.
        offer = offer.get_latest_revision_as_object()
        _apply(offer, data)
    else:
        _apply(offer, data)
        offer.save()
    offer.save_revision(user=by, log_action=False)
    _log(offer, "edit", by)
    if submit:
        # The version just saved is the one moderated (for a live offer, the revision, not what is online).
        submit_offer(offer, by=by)
    return offer


def _status_of_workflow(state: WorkflowState | None) -> str:
    if state is None:
        return S.DRAFT
    if state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        return S.DRAFT
    if state.status == WorkflowState.STATUS_APPROVED:
        return S.PUBLISHED
    task = state.current_task_state.task.specific if state.current_task_state else None
    if isinstance(task, CompanyAdminApprovalTask):
        return S.AWAITING_COMPANY_VALIDATION
    if isinstance(task, HubApprovalTask):
        return S.AWAITING_HUB_VALIDATION
    return S.DRAFT


def sync_with_workflow(offer: OfferPage, *, by) -> None:
    """Derive the status from the offer's workflow state (used when moderation starts elsewhere)."""
    state = offer.current_workflow_state or offer.workflow_states.order_by("-created_at").first()
    _enter(offer, _status_of_workflow(state), by=by)


def _start_moderation(offer: OfferPage, *, by) -> None:
    workflow = offer.get_workflow()
    if workflow is None:
        raise InvalidTransition(_("No moderation workflow is active."))
    current = offer.current_workflow_state
    if current is not None and current.status == WorkflowState.STATUS_NEEDS_CHANGES:
        current.resume(user=by)
    elif current is None or current.status != WorkflowState.STATUS_IN_PROGRESS:
        workflow.start(offer, by)
    offer.refresh_from_db()
    sync_with_workflow(offer, by=by)


@transaction.atomic
def submit_offer(offer: OfferPage, *, by, comment: str = "") -> OfferPage:
    """Send a draft to moderation: the company administrator first (skipped when they wrote it), then the hub."""
    check(offer, "submit", by)
    # What is moderated is the version last saved: for a live offer, its pending changes, not what is online.
    version = offer.get_latest_revision_as_object() if offer.live and offer.has_unpublished_changes else offer
    version.save_revision(user=by, log_action=False)
    _log(offer, "submit", by, comment=comment)
    _start_moderation(offer, by=by)
    return offer


def _pending_task_state(offer: OfferPage) -> TaskState:
    state = offer.current_workflow_state
    if state is None or state.current_task_state is None:
        raise InvalidTransition(_("The offer is not awaiting moderation."))
    return state.current_task_state.specific


@transaction.atomic
def approve_offer(offer: OfferPage, *, by, comment: str = "") -> OfferPage:
    """Approve the current moderation step; the hub's approval publishes the offer."""
    check(offer, "approve", by)
    task_state = _pending_task_state(offer)
    task_state.task.specific.on_action(task_state, by, "approve", comment=comment)
    offer.refresh_from_db()
    return offer


@transaction.atomic
def request_changes(offer: OfferPage, *, by, comment: str = "") -> OfferPage:
    """Send the offer back to its author with a comment; it returns to draft until submitted again."""
    check(offer, "request-changes", by)
    if not comment.strip():
        raise ValidationError({"comment": [_("Say what should change.")]})
    task_state = _pending_task_state(offer)
    task_state.task.specific.on_action(task_state, by, "reject", comment=comment.strip())
    offer.refresh_from_db()
    return offer


def after_task_action(offer: OfferPage, task_state: TaskState, action_name: str, *, by, comment: str = "") -> None:
    """Called by the approval tasks after any approve / reject, from the workspace, the API or the admin."""
    offer.refresh_from_db()
    state = task_state.workflow_state
    state.refresh_from_db()
    if action_name == "reject":
        _enter(offer, S.DRAFT, by=by, comment=comment)
    elif state.status == WorkflowState.STATUS_IN_PROGRESS:
        _enter(offer, _status_of_workflow(state), by=by, comment=comment)
    # When the last step approves, `publish_approved_offer` (the workflow's finish action) takes over.


def publish_approved_offer(workflow_state: WorkflowState, user=None) -> None:
    """The workflow's finish action: publish the approved revision, whoever approved it.

    Access was decided by the approval task; hub moderators hold no Wagtail page permission.
    """
    obj = workflow_state.content_object.specific
    obj.get_latest_revision().publish(user=user, skip_permission_checks=True)
    if isinstance(obj, OfferPage):
        obj.refresh_from_db()
        _enter(obj, S.PUBLISHED, by=user)


def _enter(offer: OfferPage, status: str, *, by, comment: str = "") -> None:
    """Record the offer's new status and tell the people concerned."""
    previous = offer.status
    _set_status(offer, status)
    if status == previous:
        return
    _notify_status(offer, status, by=by, comment=comment, previous=previous)


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _author_and_admins(offer):
    people = list(company_admins(offer.company))
    if offer.author and offer.author.is_active and offer.author not in people:
        people.append(offer.author)
    return people


def _notify_status(offer: OfferPage, status: str, *, by, comment: str, previous: str) -> None:
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    common = {
        "offer_id": offer.pk,
        "offer_title": offer.title,
        "offer_number": offer.number,
        "company": offer.company.title,
        "workspace_url": _absolute(reverse("offers:workspace", args=[offer.company_id])),
    }
    if status == S.AWAITING_COMPANY_VALIDATION:
        author = offer.author.get_full_name() if offer.author else ""
        recipients = [u for u in company_admins(offer.company) if u != by]
        notify_many(
            "offer_to_validate", recipients, key=f"offer_to_validate:{offer.pk}:{stamp}", author=author, **common
        )
    elif status == S.AWAITING_HUB_VALIDATION:
        hub = offer.company.reference_hub
        if previous == S.AWAITING_COMPANY_VALIDATION:
            notify_many("offer_approved", _author_and_admins(offer), key=f"offer_approved:{offer.pk}:{stamp}", **common)
        if hub is not None:
            notify_many(
                "offer_to_moderate",
                hub_moderators(hub),
                key=f"offer_to_moderate:{offer.pk}:{stamp}",
                hub=hub.title,
                **common,
            )
    elif status == S.DRAFT and previous in (S.AWAITING_COMPANY_VALIDATION, S.AWAITING_HUB_VALIDATION):
        notify_many(
            "offer_changes_requested",
            _author_and_admins(offer),
            key=f"offer_changes_requested:{offer.pk}:{stamp}",
            comment=comment,
            by=by.get_full_name() if by else "",
            **common,
        )
    elif status == S.PUBLISHED and previous != S.PUBLISHED:
        notify_many(
            "offer_published",
            _author_and_admins(offer),
            key=f"offer_published:{offer.pk}:{stamp}",
            offer_url=offer.get_full_url() or "",
            **common,
        )


def _cancel_moderation(offer: OfferPage, *, by) -> None:
    state = offer.current_workflow_state
    if state is not None and state.status in (WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES):
        state.cancel(user=by)


def _take_offline(offer: OfferPage, *, by) -> None:
    if offer.live:
        # Access was decided by `check`; company users hold no Wagtail page permission.
        UnpublishPageAction(offer, user=by).execute(skip_permission_checks=True)
        offer.refresh_from_db()


@transaction.atomic
def cancel_offer(offer: OfferPage, *, by, comment: str = "") -> OfferPage:
    """Close the offer without a candidate (✘)."""
    check(offer, "cancel", by)
    _cancel_moderation(offer, by=by)
    _take_offline(offer, by=by)
    _enter(offer, S.CANCELLED, by=by)
    _log(offer, "cancel", by, comment=comment)
    return offer


@transaction.atomic
def unpublish_offer(offer: OfferPage, *, by, comment: str = "") -> OfferPage:
    """Take a published offer offline; it can be renewed later."""
    check(offer, "unpublish", by)
    _take_offline(offer, by=by)
    _enter(offer, S.UNPUBLISHED, by=by)
    _log(offer, "unpublish", by, comment=comment)
    return offer


def unchanged_since_approval(offer: OfferPage) -> bool:
    """Is the offer's latest version the one that was approved and published?"""
    published = review.last_published_revision_id(offer)
    return published is not None and published == offer.latest_revision_id


@transaction.atomic
def republish_offer(offer: OfferPage, *, by, comment: str = "") -> OfferPage:
    """Put an unpublished offer back online: at once when nothing changed since its approval (the hub approved
    exactly this version), through moderation again when it was edited since."""
    check(offer, "republish", by)
    if unchanged_since_approval(offer):
        # Access was decided by `check`; company users hold no Wagtail page permission.
        offer.get_latest_revision().publish(user=by, log_action=False, skip_permission_checks=True)
        offer.refresh_from_db()
        _log(offer, "republish", by, comment=comment, moderated=False)
        _enter(offer, S.PUBLISHED, by=by)
        return offer
    _log(offer, "republish", by, comment=comment, moderated=True)
    _start_moderation(offer, by=by)
    return offer


@transaction.atomic
def fill_offer(offer: OfferPage, *, by, comment: str = "") -> OfferPage:
    """Mark the offer as filled (« pourvue »): it leaves the public list."""
    check(offer, "fill", by)
    _take_offline(offer, by=by)
    _enter(offer, S.FILLED, by=by)
    _log(offer, "fill", by, comment=comment)
    return offer


def fill_by_acceptances(offer: OfferPage, *, by) -> OfferPage:
    """Accepted applications took every place: the offer becomes filled and leaves the public list.

    An offer online while a new version is moderated is filled too, its moderation cancelled. No
    permission check here: the caller accepted an application, which its own service checked.
    """
    if not offer.live and offer.status not in lifecycle.TRANSITIONS["fill"]:
        return offer
    _cancel_moderation(offer, by=by)
    _take_offline(offer, by=by)
    _enter(offer, S.FILLED, by=by)
    _log(offer, "fill", by, comment="")
    return offer


@transaction.atomic
def archive_offer(offer: OfferPage, *, by, comment: str = "") -> OfferPage:
    """Put the offer in the archive tab; it can still be renewed or duplicated."""
    check(offer, "archive", by)
    _take_offline(offer, by=by)
    _enter(offer, S.ARCHIVED, by=by)
    _log(offer, "archive", by, comment=comment)
    return offer


def archive_for_campaign_end(offer: OfferPage) -> None:
    """The end of a campaign archives the offers that were not renewed (no actor: the portal does it)."""
    _cancel_moderation(offer, by=None)
    _take_offline(offer, by=None)
    _set_status(offer, S.ARCHIVED)
    _log(offer, "archive", None, reason="campaign_ended")


@transaction.atomic
def renew_offer(
    offer: OfferPage, *, by, data: dict | None = None, campaign: Campaign | None = None, comment: str = ""
) -> OfferPage:
    """Renew/edit (♻): apply the changes (`OfferInput`'s validated data), attach the offer to the new campaign, and
    moderate it again.

    A live offer stays online with its approved content until the new version is approved.
    """
    check(offer, "renew", by)
    if data:
        _apply(offer, {field: value for field, value in data.items() if field != "campaign"})
    target = campaign or Campaign.current()
    if target is not None:
        # The campaign is the page's own, like its status: a live offer is renewed at once.
        OfferPage.objects.filter(pk=offer.pk).update(campaign=target)
        offer.campaign = target
    offer.save_revision(user=by, log_action=False)
    _log(offer, "renew", by, comment=comment, campaign=target.name if target else None)
    _start_moderation(offer, by=by)
    return offer


@transaction.atomic
def duplicate_offer(offer: OfferPage, *, by, comment: str = "") -> OfferPage:
    """Copy the offer (📄) as a new draft of the same company, targeting included."""
    check(offer, "duplicate", by)
    if not access.offers.can_create(by, offer.company):
        raise PermissionDenied
    source = offer.get_latest_revision_as_object() if offer.has_unpublished_changes else offer
    copy = source.copy(
        to=offer.company,
        update_attrs={
            "title": _("%(title)s (copy)") % {"title": source.title},
            "slug": _unique_slug(offer.company, source.title),
            "live": False,
            "author": by,
            "status": S.DRAFT,
            "visits": 0,
        },
        keep_live=False,
        user=by,
        log_action=None,
        copy_revisions=False,
        process_child_object=None,
    ).specific
    copy.target_countries.set(source.target_countries.all())
    copy.target_organisations.set(source.target_organisations.all())
    copy.target_programmes.set(source.target_programmes.all())
    copy.keywords.set([tag.name for tag in source.keywords.all()])
    copy.save()
    copy.save_revision(user=by, log_action=False)
    access.offers.grant_author(by, copy)
    _log(copy, "duplicate", by, source=offer.pk)
    return copy


PERFORMERS = {
    "submit": submit_offer,
    "approve": approve_offer,
    "request-changes": request_changes,
    "cancel": cancel_offer,
    "renew": renew_offer,
    "duplicate": duplicate_offer,
    "unpublish": unpublish_offer,
    "republish": republish_offer,
    "fill": fill_offer,
    "archive": archive_offer,
}


MAX_COMMENT_LENGTH = 5000


def clean_comment(comment) -> str:
    """A lifecycle action's comment as it is kept and e-mailed (plain text, without the control characters pasted
    text may carry); ValidationError(comment) when it is not text or too long."""
    if not isinstance(comment, str):
        raise ValidationError({"comment": [_("Write the comment as plain text.")]})
    comment = clean_plain_text(comment)
    if len(comment) > MAX_COMMENT_LENGTH:
        raise ValidationError({"comment": [_("At most %(max)s characters.") % {"max": MAX_COMMENT_LENGTH}]})
    return comment


def perform(offer: OfferPage, action: str, *, by, comment: str = "") -> OfferPage:
    """Take `action` on `offer` (the API's and the workspace's single entry point)."""
    if action not in PERFORMERS:
        raise ValidationError({"action": [_("Unknown action.")]})
    return PERFORMERS[action](offer, by=by, comment=clean_comment(comment))


@transaction.atomic
def bulk_renew(company: OrganisationPage, offers, *, by, campaign: Campaign | None = None) -> list[OfferPage]:
    """Renew several offers of a company for the new campaign at once; all or nothing."""
    renewed = []
    for offer in offers:
        if offer.company_id != company.pk:
            raise PermissionDenied
        renewed.append(renew_offer(offer, by=by, campaign=campaign))
    return renewed
