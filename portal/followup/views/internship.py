"""One internship's page: its steps before / during / after with the buttons of their actors, the agreement to the
follow-up, the label and its certificate, the company tutor's links."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from portal.accounts.models import User
from portal.followup import downloads, pdfs, selectors, services
from portal.followup.choices import InternshipStatus, LabelState
from portal.followup.forms import AgreeForm, ReasonForm
from portal.followup.services.steps import OPEN_FOR_STEPS
from portal.followup.views.common import act, internship_for, page_of


def step_rows(internship, roles) -> list[tuple]:
    """(step, may the reader validate it now) for each step, in order."""
    running = internship.status in OPEN_FOR_STEPS
    return [
        (step, running and not step.event and not step.done_at and roles.is_actor(step.actor))
        for step in selectors.steps(internship)
    ]


@login_required
def detail(request, internship_id: int):
    internship, roles = internship_for(request, internship_id)
    rows = step_rows(internship, roles)
    proposed = internship.status == InternshipStatus.PROPOSED
    context = {
        "internship": internship,
        "roles": roles,
        "tab": "detail",
        "phases": [
            (code, label, [row for row in rows if row[0].phase == code]) for code, label, _steps in internship.phases
        ],
        "student_may_agree": proposed and roles.student and not internship.student_agreed_at,
        "head_may_agree": proposed and roles.programme_head and not internship.school_agreed_at,
        "agree_form": AgreeForm(tutors=selectors.academic_tutor_candidates(internship)),
        "cancel_form": ReasonForm() if roles.may_cancel and internship.is_open else None,
        "may_award": roles.programme_head and internship.label == LabelState.ELIGIBLE,
        "links": services.links.active_links(internship) if roles.may_manage_tutor_links else None,
        "may_send_link": roles.may_manage_tutor_links and internship.status in services.links.LINK_STATUSES,
    }
    return render(request, "followup/detail.html", context)


@login_required
@require_POST
def agree(request, internship_id: int):
    internship, _roles = internship_for(request, internship_id)
    form = AgreeForm(request.POST, tutors=selectors.academic_tutor_candidates(internship))
    tutor = None
    if form.is_valid() and form.cleaned_data["academic_tutor"]:
        tutor = User.objects.filter(pk=form.cleaned_data["academic_tutor"]).first()
    return act(
        request,
        lambda: services.internships.agree(internship, by=request.user, academic_tutor=tutor),
        success=_("Your agreement is recorded."),
        target=page_of("detail", internship),
    )


@login_required
@require_POST
def cancel(request, internship_id: int):
    internship, _roles = internship_for(request, internship_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return act(
        request,
        lambda: services.internships.cancel(internship, by=request.user, reason=reason),
        success=_("The follow-up is cancelled; everybody was told."),
        target=page_of("detail", internship),
    )


@login_required
@require_POST
def validate_step(request, internship_id: int, code: str):
    internship, _roles = internship_for(request, internship_id)
    return act(
        request,
        lambda: services.steps.validate_step(internship, code, by=request.user),
        success=_("The step is validated; the next person was told."),
        target=page_of("detail", internship, "steps"),
    )


@login_required
@require_POST
def award(request, internship_id: int):
    internship, _roles = internship_for(request, internship_id)
    return act(
        request,
        lambda: services.steps.award_label(internship, by=request.user),
        success=_("The quality label is awarded."),
        target=page_of("detail", internship),
    )


@login_required
def certificate(request, internship_id: int):
    internship, _roles = internship_for(request, internship_id)
    if internship.label != LabelState.AWARDED:
        raise Http404
    return downloads.pdf_response(pdfs.certificate_pdf(internship), f"label-{internship.number}.pdf")


@login_required
@require_POST
def send_link(request, internship_id: int):
    internship, _roles = internship_for(request, internship_id)
    return act(
        request,
        lambda: services.links.send_link(internship, by=request.user),
        success=_("A new link was e-mailed to the company tutor."),
        target=page_of("detail", internship, "links"),
    )


@login_required
@require_POST
def revoke_links(request, internship_id: int):
    internship, _roles = internship_for(request, internship_id)
    count = services.links.revoke_links(internship, by=request.user)
    messages.success(request, ngettext("%(count)s link revoked.", "%(count)s links revoked.", count) % {"count": count})
    return redirect(page_of("detail", internship, "links"))
