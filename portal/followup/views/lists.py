"""« Suivre mes stagiaires »: the global follow-up dashboard, the lists of the menu (label, agreements, logbooks,
intermediate reviews, evaluations), its CSV export, and starting or recording an internship."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms_pages.models import OrganisationPage
from portal import access
from portal.accounts.models import User
from portal.followup import exports, selectors, services
from portal.followup.choices import Party
from portal.followup.forms import RecordForm, StartForm
from portal.followup.views.common import act, dashboard_filters, paginate
from portal.recruitment.models import Application

# The pages of the menu's « Suivre mes stagiaires »: (name, title, what each row shows).
SECTIONS = {
    "dashboard": gettext_lazy("Overall follow-up of the interns"),
    "label": gettext_lazy("The quality label"),
    "agreements": gettext_lazy("Internship agreements"),
    "logbooks": gettext_lazy("Internship logbooks"),
    "reviews": gettext_lazy("Intermediate reviews"),
    "evaluations": gettext_lazy("Internship evaluations"),
}


def _section(request, section: str):
    form, filters = dashboard_filters(request)
    internships = selectors.dashboard(request.user, filters)
    if section == "logbooks":
        internships = internships.with_logbook()
    elif section == "reviews":
        internships = internships.with_reviews()
    elif section == "evaluations":
        internships = internships.with_evaluations()
    company = None
    if filters.company:
        company = OrganisationPage.objects.companies().filter(pk=filters.company).first()
    context = {
        "section": section,
        "title": SECTIONS[section],
        "sections": SECTIONS,
        "form": form,
        "page": paginate(request, internships),
        "company": company,
        "query": request.GET.urlencode(),
        "space": access.spaces.followup_space(request.user),
        "parties": Party.choices,
    }
    if section == "dashboard":
        context["to_start"] = selectors.accepted_to_start(request.user, company)[:50]
    return render(request, f"followup/{section}.html", context)


@login_required
def dashboard(request):
    """« Suivi global des stagiaires »: each internship in the person's scope as the three-column grid of its steps."""
    return _section(request, "dashboard")


@login_required
def label(request):
    """« Le label »: what it takes, and where each internship stands."""
    return _section(request, "label")


@login_required
def agreements(request):
    """« Conventions de stage »: who has signed each agreement."""
    return _section(request, "agreements")


@login_required
def logbooks(request):
    """« Journaux de stage »: the entries of each internship."""
    return _section(request, "logbooks")


@login_required
def reviews(request):
    """« Bilans intermédiaires »: written and validated reviews of each internship."""
    return _section(request, "reviews")


@login_required
def evaluations(request):
    """« Évaluations de stage »: which evaluations were sent, the final grade recorded."""
    return _section(request, "evaluations")


@login_required
def export(request):
    """The dashboard as it is filtered, as a CSV file (never an evaluation's content)."""
    _form, filters = dashboard_filters(request)
    response = HttpResponse(
        exports.dashboard_csv(selectors.dashboard(request.user, filters)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="suivi-stages-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


@login_required
def start(request, application_id: int):
    """The company side starts the follow-up of an accepted application: the tutor and the dates."""
    application = get_object_or_404(Application.objects.for_listing(), pk=application_id)
    if not access.applications.can_read(request.user, application):
        raise Http404
    access.applications.require_manager(request.user, application)
    offer = application.offer
    form = StartForm(
        request.POST or None,
        initial={
            "start_date": getattr(offer, "start_date", None),
            "end_date": getattr(offer, "end_date", None),
            "mission": getattr(offer, "mission", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def run():
            return services.internships.start(
                application,
                company_tutor=services.internships.Tutor(
                    data["company_tutor"], data["company_tutor_first_name"], data["company_tutor_last_name"]
                ),
                start_date=data["start_date"],
                end_date=data["end_date"],
                mission=data["mission"],
                by=request.user,
            )

        response = act(
            request,
            run,
            success=_(
                "The internship is recorded: the student and the programme head are asked to agree to its follow-up."
            ),
            target=lambda internship: reverse("followup:detail", args=[internship.pk]),
            form=form,
        )
        if response is not None:
            return response
    return render(request, "followup/start.html", {"form": form, "application": application})


@login_required
def record(request):
    """School staff record an internship their student found outside the portal."""
    students = selectors.followed_students(request.user)
    if not access.spaces.followup_space(request.user).records:
        raise Http404
    companies = OrganisationPage.objects.companies().live().order_by("title")
    form = RecordForm(request.POST or None, students=students, companies=companies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def run():
            return services.internships.record(
                get_object_or_404(User, pk=data["student"]),
                company=companies.filter(pk=data["company"]).first(),
                company_tutor=services.internships.Tutor(
                    data["company_tutor"], data["company_tutor_first_name"], data["company_tutor_last_name"]
                ),
                start_date=data["start_date"],
                end_date=data["end_date"],
                title=data["title"],
                mission=data["mission"],
                by=request.user,
            )

        response = act(
            request,
            run,
            success=_(
                "The internship is recorded: the student and the programme head are asked to agree to its follow-up."
            ),
            target=lambda internship: reverse("followup:detail", args=[internship.pk]),
            form=form,
        )
        if response is not None:
            return response
    return render(request, "followup/record.html", {"form": form})
