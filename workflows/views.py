"""The company workspace web pages: the offer tabs, the offer form, the lifecycle buttons, the moderation queue.

Each view parses the request, calls one service or one queryset and renders; the rules live in
`workflows.services` and `portal.access`, shared with the API (`api/offers.py`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
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
from portal import access
from portal.exceptions import InvalidTransition, NotVisible
from portal.ids import within_range
from portal.reference.choices import OfferStatus
from workflows import services
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


class _CountedPaginator(Paginator):
    """A paginator told the number of rows (counted with the tab counts) instead of counting them again."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count


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
    if not valid:
        rows = rows.none()
    count = counts["shown"] if valid else 0
    page = _CountedPaginator(rows, filters["page_size"], count=count).get_page(request.GET.get("page"))
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


@login_required
def offer_create(request, company_id: int):
    """« + Diffuser une offre »: the offer form; the offer is saved as a draft of the company."""
    company = get_object_or_404(OrganisationPage.objects.companies(), pk=company_id)
    if not access.offers.can_create(request.user, company):
        raise PermissionDenied
    current = Campaign.current()
    form = OfferForm(request.POST or None, initial={"campaign": current.pk if current else None})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_offer(company, form.offer_data(), by=request.user)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("The offer was saved as a draft."))
            return redirect(_workspace_url(company.pk, "to_validate"))
    return render(request, "workflows/offer_form.html", {"company": company, "form": form, "offer": None})


@login_required
def offer_edit(request, offer_id: int):
    """« ♻ Renouveler/éditer »: a draft is edited in place; any other offer is renewed and moderated again."""
    offer = get_object_or_404(OfferPage.objects.select_related("company"), pk=offer_id)
    if not access.offers.visible(request.user, offer):
        raise Http404
    action = "edit" if offer.status == OfferStatus.DRAFT else "renew"
    try:
        services.check(offer, action, request.user)
    except NotVisible as error:
        raise Http404 from error
    except InvalidTransition as error:
        messages.error(request, error.message)
        return redirect(_workspace_url(offer.company_id))
    form = OfferForm(request.POST or None, initial=OfferForm.initial_for(offer))
    if request.method == "POST" and form.is_valid():
        data = form.offer_data()
        try:
            if action == "edit":
                services.update_offer(offer, data, by=request.user)
            else:
                campaign = form.cleaned_data.get("campaign")
                services.renew_offer(offer, by=request.user, data=data, campaign=campaign)
        except ValidationError as error:
            _errors_to_form(form, error)
        except InvalidTransition as error:
            messages.error(request, error.message)
            return redirect(_workspace_url(offer.company_id))
        else:
            if action == "edit":
                messages.success(request, _("The offer was saved as a draft."))
            else:
                messages.success(request, _("The offer was sent for validation again."))
            return redirect(_workspace_url(offer.company_id, "to_validate"))
    context = {"company": offer.company, "form": form, "offer": offer, "renewing": action == "renew"}
    return render(request, "workflows/offer_form.html", context)


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
