"""The web pages of applications: apply, follow, read and answer, export.

Views parse the request, call one service or one queryset and render; the rules live in
`portal.recruitment.services` and `portal.accounts.permissions`, shared with the API
(`api/applications.py`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms_pages.models import OfferPage, OrganisationPage
from portal import access
from portal.exceptions import NotVisible, PortalError
from portal.recruitment import downloads, exports, selectors, services
from portal.recruitment.forms import ApplyForm, CloseForm, CompanyFilterForm, MessageForm, StatusForm, WithdrawForm
from portal.recruitment.lifecycle import COMPANY_TRANSITIONS
from portal.recruitment.models import Application
from portal.recruitment.uploads import marks_file_names
from portal.reference.choices import ApplicationStatus
from workflows.workspace import worked_on_offers

PAGE_SIZE = 20
COMPANY_TABS = ("offers", "spontaneous")


@login_required
def index(request):
    """« Mes candidatures » for a student; the followed students' applications for school staff."""
    user = request.user
    if access.organisations.is_student(user):
        return mine(request)
    if user.school_roles.exists():
        return redirect("recruitment:followed")
    membership = user.memberships.order_by("organisation__title").first()
    if membership is not None:
        return redirect("recruitment:company", company_id=membership.organisation_id)
    raise Http404


def _status_filter(request) -> str:
    status = request.GET.get("status", "")
    return status if status in ApplicationStatus.values else ""


def mine(request):
    """« Mes candidatures »: each application with its offer, the date sent and where it stands."""
    status = _status_filter(request)
    applications = Application.objects.filter(student=request.user).for_listing()
    if status:
        applications = applications.filter(status=status)
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "recruitment/mine.html",
        {"page": page, "status": status, "statuses": ApplicationStatus.choices},
    )


@login_required
def followed(request):
    """The applications of the students the school staff member follows (read only)."""
    status = _status_filter(request)
    applications = selectors.followed_by(request.user).for_listing()
    if status:
        applications = applications.filter(status=status)
    applications = applications.matching(request.GET.get("q", ""))
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "recruitment/followed.html",
        {"page": page, "status": status, "statuses": ApplicationStatus.choices, "q": request.GET.get("q", "")},
    )


def _company_list(request, company_id: int):
    """The company, the caller's scope there, the filters and the filtered applications (404 outside)."""
    company = get_object_or_404(OrganisationPage.objects.companies(), pk=company_id)
    space = access.spaces.company_space(request.user, company)
    if not space.member:
        raise Http404
    tab = request.GET.get("tab", "offers")
    if tab not in COMPANY_TABS or (tab == "spontaneous" and not space.spontaneous):
        tab = "offers"
    filters = CompanyFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    if "offer" in filters.errors:
        raise Http404
    received = selectors.received_by(request.user).filter(company=company)
    counts = received.counts()
    applications = received.spontaneous() if tab == "spontaneous" else received.to_offers()
    offer = None
    if data.get("offer") and tab == "offers":
        in_scope = worked_on_offers(request.user, company)
        offer = in_scope.filter(pk=data["offer"]).first()
        if offer is None:
            raise Http404
        applications = applications.filter(offer=offer)
    if data.get("status"):
        applications = applications.filter(status=data["status"])
    applications = applications.matching(data.get("q", "")).for_listing()
    return company, space, tab, filters, offer, counts, applications


@login_required
def company(request, company_id: int):
    """« Consulter les réponses à mes offres »: the applications received. The spontaneous applications are a tab of
    the offer workspace, where their former address leads."""
    company, space, tab, filters, offer, counts, applications = _company_list(request, company_id)
    if tab == "spontaneous":
        params = request.GET.copy()
        params.pop("offer", None)
        return redirect(f"{reverse('offers:workspace', args=[company.pk])}?{params.urlencode()}")
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    for application in page:
        application.settable = COMPANY_TRANSITIONS[application.status]
    tabs = [("offers", _("Responses to my offers"), counts["offers"])]
    context = {
        "company": company,
        "company_admin": space.spontaneous,
        "space": space,
        "tab": tab,
        "tabs": tabs,
        "filters": filters,
        "offer": offer,
        "page": page,
        "export_query": request.GET.urlencode(),
    }
    return render(request, "recruitment/company.html", context)


@login_required
def company_export(request, company_id: int, fmt: str):
    """The list as it is filtered on the page, as a CSV or an XLSX file."""
    if fmt not in exports.FORMATS:
        raise Http404
    company, _scope, tab, _filters, offer, _counts, applications = _company_list(request, company_id)
    label = f"candidatures-{offer.number}" if offer else f"candidatures-{tab}"
    return exports.response(applications, fmt, label=label)


def _apply_page(request, *, offer=None, company=None):
    if not access.organisations.is_student(request.user):
        raise PermissionDenied(_("Applications are sent from a student account."))
    existing = services.active_application(request.user, offer=offer, company=company)
    if existing is not None:
        messages.info(request, _("You have already applied: here is your application."))
        return redirect("recruitment:detail", application_id=existing.pk)
    form = ApplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.apply(
                request.user,
                offer=offer,
                company=company,
                message=form.cleaned_data["message"],
                cv=form.cleaned_data["cv"],
                motivation_letter=form.cleaned_data["motivation_letter"],
                others=form.cleaned_data["documents"],
            )
        except NotVisible as error:
            raise Http404 from error
        except PortalError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Your application was sent. You will be told of each change of its status."))
            return redirect("recruitment:detail", application_id=application.pk)
    return render(request, "recruitment/apply.html", {"form": form, "offer": offer, "company": company})


@marks_file_names
@login_required
def apply(request, offer_id: int):
    """« Postuler »: the application form of an offer the student may see."""
    offer = get_object_or_404(OfferPage.objects.select_related("company"), pk=offer_id)
    if not access.offers.visible(request.user, offer):
        raise Http404
    if not offer.live:
        messages.error(request, _("This offer no longer accepts applications."))
        return redirect("/")
    return _apply_page(request, offer=offer)


@marks_file_names
@login_required
def apply_spontaneously(request, company_id: int):
    """A spontaneous application to a company, received by its administrators."""
    company = get_object_or_404(OrganisationPage.objects.companies().live(), pk=company_id)
    return _apply_page(request, company=company)


def _application(request, application_id: int) -> Application:
    application = Application.objects.for_listing().filter(pk=application_id).first()
    if application is None:
        raise Http404
    return application


@login_required
def detail(request, application_id: int):
    """One application: the message, the documents, the history; the company answers, the student may withdraw."""
    application = _application(request, application_id)
    try:
        application = services.open_application(application, by=request.user)
    except NotVisible as error:
        raise Http404 from error
    standing = access.applications.standing(request.user, application)
    manager, own = standing.company_side, standing.own
    reads_messages = access.applications.can_read_messages(request.user, application)
    settable = standing.settable(application.status)
    context = {
        "application": application,
        "manager": manager,
        "own": own,
        "events": application.events.select_related("by"),
        "reads_messages": reads_messages,
        "messages_sent": application.messages.select_related("sender") if reads_messages else [],
        "status_form": StatusForm(statuses=settable) if manager and settable else None,
        "message_form": MessageForm() if manager else None,
        "withdraw_form": WithdrawForm() if own and ApplicationStatus.CANCELLED in settable else None,
        "close_form": CloseForm()
        if standing.school_closer and not manager and not own and ApplicationStatus.CANCELLED in settable
        else None,
    }
    return render(request, "recruitment/detail.html", context)


def _refusal(request, error: Exception, application_id: int):
    if isinstance(error, NotVisible):
        raise Http404 from error
    messages.error(request, str(getattr(error, "message", error)))
    return redirect("recruitment:detail", application_id=application_id)


@login_required
@require_POST
def change_status(request, application_id: int):
    application = _application(request, application_id)
    form = StatusForm(request.POST, statuses=ApplicationStatus.values)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect("recruitment:detail", application_id=application.pk)
    try:
        services.change_status(
            application, form.cleaned_data["status"], by=request.user, comment=form.cleaned_data["comment"]
        )
    except PortalError as error:
        return _refusal(request, error, application.pk)
    messages.success(
        request,
        _("The application is now “%(status)s”; the student was told.")
        % {"status": ApplicationStatus(form.cleaned_data["status"]).label},
    )
    return redirect("recruitment:detail", application_id=application.pk)


@login_required
@require_POST
def withdraw(request, application_id: int):
    application = _application(request, application_id)
    form = WithdrawForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        services.withdraw(application, by=request.user, comment=comment)
    except PortalError as error:
        return _refusal(request, error, application.pk)
    messages.success(request, _("Your application was withdrawn."))
    return redirect("recruitment:detail", application_id=application.pk)


@login_required
@require_POST
def close(request, application_id: int):
    """The programme head or academic tutor closes an application of their student (« annulée par l'établissement »)."""
    application = _application(request, application_id)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the school closes this application."))
        return redirect("recruitment:detail", application_id=application.pk)
    try:
        services.change_status(application, ApplicationStatus.CANCELLED, by=request.user, **form.cleaned_data)
    except PortalError as error:
        return _refusal(request, error, application.pk)
    messages.success(request, _("The application is closed; the student and the company were told."))
    return redirect("recruitment:detail", application_id=application.pk)


@login_required
@require_POST
def send_message(request, application_id: int):
    """« Contactez l'étudiant »."""
    application = _application(request, application_id)
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a message."))
        return redirect(reverse("recruitment:detail", args=[application.pk]) + "#contact")
    try:
        services.send_message(application, form.cleaned_data["body"], by=request.user)
    except PortalError as error:
        return _refusal(request, error, application.pk)
    messages.success(request, _("Your message was sent to the student by e-mail."))
    return redirect(reverse("recruitment:detail", args=[application.pk]) + "#contact")


@login_required
def document(request, application_id: int, document_id: int):
    """A CV, letter or other document, for the application's readers only, always as a download."""
    application = _application(request, application_id)
    try:
        found = services.document_for(application, document_id, by=request.user)
    except NotVisible as error:
        raise Http404 from error
    return downloads.document_response(found)
