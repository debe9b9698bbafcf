"""The company workspace web pages: the offer tabs, the offer form, the lifecycle buttons, the moderation queue.

Each view parses the request, calls one service or one queryset and renders; the rules live in
`workflows.services` and `portal.access`, shared with the API (`api/offers.py`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from wagtail.models import Revision

from cms_pages.models import OfferPage, OrganisationPage
from cms_pages.search import CountedPaginator
from portal import access
from portal.exceptions import InvalidTransition, NotVisible
from portal.ids import within_range
from portal.reference.choices import OfferStatus
from workflows import review, services
from workflows import workspace as tabs
from workflows.forms import OfferForm, WorkspaceFilterForm
from workflows.models import Campaign

MODERATION_PAGE_SIZE = 10
RENEWABLE_TABS = ("current", "archived")


def _success_message(action: str) -> str:
    return {
        "submit": _("The offer was submitted for validation."),
        "approve": _("The offer was approved."),
        "request-changes": _("Changes were requested from the author."),
        "cancel": _("The offer was closed without a candidate."),
        "duplicate": _("The offer was duplicated as a new draft."),
        "unpublish": _("The offer was unpublished."),
        "republish": _("The offer was republished."),
        "fill": _("The offer was marked as filled."),
        "archive": _("The offer was archived."),
        "renew": _("The offer was sent for validation again."),
    }[action]


def _workspace_url(company_id: int, tab: str | None = None) -> str:
    url = reverse("offers:workspace", args=[company_id])
    return f"{url}?tab={tab}" if tab else url


def _company_workspace(user, company_id: int):
    """The company and what `user` may do in its workspace; 404 for anybody without a workspace there."""
    found = access.offers.company_workspace(user, OrganisationPage.objects.companies(), company_id)
    if found is None or not found[1].opens:
        raise Http404
    return found


@login_required
def home(request):
    """`/espace/`: the workspace of the user's company, else the hub's moderation queue, else their dashboard."""
    for space in access.spaces.company_spaces(request.user):
        if space.publishes:
            return redirect(_workspace_url(space.company.pk))
    if request.user.hub_roles.exists():
        return redirect("offers:moderation")
    return redirect("accounts:dashboard")


def _errors_to_form(form, error: ValidationError) -> None:
    """Put a service's ValidationError back on the form: known fields on the field, the rest on top."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, field_messages in error.message_dict.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


def _error_messages(request, error: Exception) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(getattr(error, "message", error)))


@login_required
def workspace(request, company_id: int):
    """« Gérer mes stages/candidatures spontanées »: the tabs with their counts, a filter per column, one page of
    offers with their buttons, or of spontaneous applications. Filters that cannot be read list nothing."""
    company, capabilities = _company_workspace(request.user, company_id)
    shown_tabs = tabs.tab_labels(spontaneous=capabilities.spontaneous)
    tab = request.GET.get("tab")
    if tab not in dict(shown_tabs):
        tab = "current"
    filter_form = WorkspaceFilterForm(request.GET, tab=tab)
    valid = filter_form.is_valid()
    filters = filter_form.filters() if valid else {"page_size": tabs.PAGE_SIZES[0]}
    counts = tabs.tab_counts(request.user, company, tab=tab, filters=filters)
    if tab == tabs.SPONTANEOUS:
        rows = tabs.spontaneous_rows(request.user, company, filters)
    else:
        rows = tabs.tab_rows(request.user, tabs.company_offers(request.user, company), tab, filters)
        rows = review.with_changes_requested(rows)
    if not valid:
        rows = rows.none()
    count = counts["shown"] if valid else 0
    page = CountedPaginator(rows, filters["page_size"], count=count).get_page(request.GET.get("page"))
    renewable = False
    if tab != tabs.SPONTANEOUS:
        for offer in page:
            offer.company = company
            offer.workspace_actions = tabs.row_actions(offer, capabilities)
        renewable = tab in RENEWABLE_TABS and any("renew" in offer.workspace_actions for offer in page)
    context = {
        "company": company,
        "capabilities": capabilities,
        "space": access.spaces.company_space(request.user, company, capabilities),
        "tab": tab,
        "tabs": [(key, label, counts[key]) for key, label in shown_tabs],
        "filter_form": filter_form,
        "page": page,
        "renewable": renewable,
        "campaigns": list(Campaign.objects.all()) if renewable else [],
    }
    return render(request, "workflows/workspace.html", context)


def _saved_message(published: bool) -> str:
    return _("The offer was submitted for validation.") if published else _("The offer was saved as a draft.")


@login_required
def offer_create(request, company_id: int):
    """« + Diffuser une offre »: the offer form; « Enregistrer le brouillon » saves a draft of the company,
    « Publier » saves it and submits it for validation in one step."""
    company = get_object_or_404(OrganisationPage.objects.companies(), pk=company_id)
    capabilities = access.offers.workspace(request.user, company)
    if not capabilities.can_create:
        raise PermissionDenied
    current = Campaign.current()
    form = OfferForm(request.POST or None, initial={"campaign": current.pk if current else None})
    publish = "publish" in request.POST
    if request.method == "POST" and form.is_valid():
        try:
            services.create_offer(company, form.cleaned_data, by=request.user, submit=publish)
        except ValidationError as error:
            _errors_to_form(form, error)
        except InvalidTransition as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _saved_message(publish))
            return redirect(_workspace_url(company.pk, "to_validate"))
    context = {"company": company, "form": form, "offer": None, "may_publish": capabilities.may_publish()}
    return render(request, "workflows/offer_form.html", context)


@login_required
def offer_edit(request, offer_id: int):
    """« ♻ Renouveler/éditer »: a draft is edited in place (and, with « Publier », submitted in the same step); any
    other offer is renewed and moderated again."""
    offer = get_object_or_404(OfferPage.objects.select_related("company"), pk=offer_id)
    if not access.offers.visible(request.user, offer):
        raise Http404
    action = "edit" if offer.status == OfferStatus.DRAFT else "renew"
    try:
        services.check(offer, action, request.user)
    except NotVisible as error:
        raise Http404 from error
    except (InvalidTransition, PermissionDenied):
        # Read it instead: the review page says what the person may do with it.
        messages.error(
            request,
            _("You cannot edit this offer while it is “%(status)s”.") % {"status": offer.get_status_display()},
        )
        return redirect("offers:offer_detail", offer_id=offer.pk)
    may_publish = action == "edit" and access.offers.workspace(request.user, offer.company).may_publish(offer)
    form = OfferForm(request.POST or None, initial=OfferForm.initial_for(offer))
    publish = action == "edit" and "publish" in request.POST
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "edit":
                services.update_offer(offer, data, by=request.user, submit=publish)
            else:
                services.renew_offer(offer, by=request.user, data=data, campaign=data.get("campaign"))
        except ValidationError as error:
            _errors_to_form(form, error)
        except InvalidTransition as error:
            if not publish:
                messages.error(request, error.message)
                return redirect(_workspace_url(offer.company_id))
            # Saving and submitting go together: neither was done, the form shows why.
            form.add_error(None, error.message)
        else:
            if action == "edit":
                messages.success(request, _saved_message(publish))
            else:
                messages.success(request, _("The offer was sent for validation again."))
            return redirect(_workspace_url(offer.company_id, "to_validate"))
    context = {
        "company": offer.company,
        "form": form,
        "offer": offer,
        "renewing": action == "renew",
        "may_publish": may_publish,
    }
    return render(request, "workflows/offer_form.html", context)


def offer_detail(request, offer_id: int):
    """The review page: every field of the offer, its author, status and campaign, what changed since its published
    version, its moderation history, and the buttons the person may use. Those who do not work on the offer read
    its public page when they may see it (as `GET /api/v1/offers/{id}` answers them), anybody else a 404 (or the
    sign-in page, for a visitor)."""
    offer = review.offers_for_review().filter(pk=offer_id).first()
    if offer is None or not access.offers.visible(request.user, offer):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    if not access.offers.in_workspace(request.user, offer):
        return redirect(offer.url)
    capabilities = access.offers.workspace(request.user, offer.company)
    proposed = review.proposed_version(offer)
    history = review.moderation_history(offer)
    context = {
        "offer": offer,
        "version": proposed,
        "company": offer.company,
        "capabilities": capabilities,
        "actions": capabilities.actions(offer),
        "changes": review.changes_since_published(offer, proposed),
        "history": history,
        "moderation_comment": review.pending_comment(offer, history),
        "tab": next((key for key, (_label, statuses) in tabs.TABS.items() if offer.status in statuses), None),
        # A hub moderator who sends an offer back no longer sees it (a draft is the company's): back to the queue.
        "after_changes": reverse("offers:moderation")
        if offer.status == OfferStatus.AWAITING_HUB_VALIDATION and not capabilities.admin
        else request.get_full_path(),
    }
    return render(request, "workflows/offer_detail.html", context)


def _next_or(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@require_POST
def offer_action(request, offer_id: int, action: str):
    """One lifecycle button (✘ cancel, 📄 duplicate, submit, approve, request changes, unpublish, filled, archive)."""
    if action not in services.PERFORMERS:
        raise Http404
    offer = get_object_or_404(OfferPage.objects.select_related("company"), pk=offer_id)
    back = _next_or(request, _workspace_url(offer.company_id))
    try:
        result = services.perform(offer, action, by=request.user, comment=request.POST.get("comment", ""))
    except NotVisible as error:
        raise Http404 from error
    except (InvalidTransition, ValidationError) as error:
        _error_messages(request, error)
        return redirect(back)
    messages.success(request, _success_message(action))
    if action == "duplicate":
        return redirect("offers:offer_edit", offer_id=result.pk)
    return redirect(back)


@login_required
@require_POST
def bulk_renew(request, company_id: int):
    """Renew the ticked offers for a campaign at once, all or nothing."""
    company, _capabilities = _company_workspace(request.user, company_id)
    back = _next_or(request, _workspace_url(company.pk))
    try:
        ids = {int(value) for value in request.POST.getlist("offers")}
    except ValueError:
        ids = set()
    if not ids:
        messages.error(request, _("Tick the offers to renew."))
        return redirect(back)
    offers = list(OfferPage.objects.filter(access.offers.workspace_q(request.user), company=company, pk__in=ids))
    if len(offers) != len(ids):
        raise Http404
    campaign = None
    campaign_id = request.POST.get("campaign", "")
    if campaign_id:
        campaign = (
            Campaign.objects.filter(pk=campaign_id).first()
            if campaign_id.isdigit() and within_range(int(campaign_id))
            else None
        )
        if campaign is None:
            messages.error(request, _("Unknown campaign."))
            return redirect(back)
    try:
        renewed = services.bulk_renew(company, offers, by=request.user, campaign=campaign)
    except NotVisible as error:
        raise Http404 from error
    except (InvalidTransition, ValidationError) as error:
        _error_messages(request, error)
        return redirect(back)
    messages.success(
        request,
        ngettext(
            "%(count)d offer was sent for validation again.",
            "%(count)d offers were sent for validation again.",
            len(renewed),
        )
        % {"count": len(renewed)},
    )
    return redirect(back)


def _with_proposed_content(offers: list[OfferPage]) -> list[OfferPage]:
    """The version awaiting a decision of each offer (a renewed live offer keeps its old content online)."""
    revision_ids = [offer.latest_revision_id for offer in offers if offer.has_unpublished_changes]
    revisions = Revision.objects.filter(pk__in=revision_ids).in_bulk() if revision_ids else {}
    proposed = []
    for offer in offers:
        revision = revisions.get(offer.latest_revision_id)
        version = offer.with_content_json(revision.content) if revision else offer
        for relation in ("company", "author", "country", "sector"):
            if getattr(version, f"{relation}_id") == getattr(offer, f"{relation}_id"):
                setattr(version, relation, getattr(offer, relation))
        proposed.append(version)
    return proposed


@login_required
def moderation(request):
    """The offers awaiting the user's decision: company validations (administrators), hub validations (moderators)."""
    offers = (
        OfferPage.objects.filter(access.offers.awaiting_decision_q(request.user))
        .select_related("company", "author", "country", "sector")
        .order_by("latest_revision_created_at", "pk")
    )
    page = Paginator(offers, MODERATION_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "offers": _with_proposed_content(list(page))}
    return render(request, "workflows/moderation.html", context)
