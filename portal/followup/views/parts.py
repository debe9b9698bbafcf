"""The parts of one internship: the agreement and its amendments, the logbook, the intermediate reviews, the
evaluations and the final grade. Each page reads through the selectors and acts through the services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.followup import downloads, pdfs, selectors, services
from portal.followup.choices import AmendmentStatus, Audience, InternshipStatus, Party
from portal.followup.forms import (
    AmendmentForm,
    ApprovalForm,
    CommentForm,
    EntryForm,
    EvaluationForm,
    GradeForm,
    ReviewForm,
    SignatureUndoForm,
)
from portal.followup.models import Signature
from portal.followup.views.common import act, internship_for, page_of
from portal.recruitment.uploads import marks_file_names

# The agreement


def _agreement_context(internship, roles, **forms) -> dict:
    signatures = list(selectors.signatures(internship))
    standing = {signature.party: signature for signature in signatures if signature.undone_at is None}
    amendments = list(selectors.amendments(internship))
    signable = internship.status in services.agreement.SIGNABLE
    amendable = internship.status in services.agreement.AMENDABLE
    return {
        "internship": internship,
        "roles": roles,
        "tab": "agreement",
        "parties": [(Party(party), standing.get(party)) for party in Party.values],
        "history": signatures,
        "amendments": [
            (amendment, {signature.party for signature in amendment.signatures.all()}) for amendment in amendments
        ],
        "pending": next((a for a in amendments if a.status == AmendmentStatus.PROPOSED), None),
        "to_sign": [party for party in roles.parties if party not in standing] if signable else [],
        "approval_form": forms.get("approval_form") or ApprovalForm(parties=roles.parties),
        "amendment_form": forms.get("amendment_form") or (AmendmentForm() if amendable and roles.parties else None),
        "may_undo": roles.may_undo_signatures,
        "signable": signable,
        "amendable": amendable,
    }


@login_required
def agreement(request, internship_id: int):
    """« Convention de stage »: the document, each party's signature, the amendments."""
    internship, roles = internship_for(request, internship_id)
    return render(request, "followup/agreement.html", _agreement_context(internship, roles))


@login_required
def agreement_pdf(request, internship_id: int):
    internship, _roles = internship_for(request, internship_id)
    content = pdfs.agreement_pdf(
        internship, selectors.signatures(internship).filter(undone_at__isnull=True), selectors.amendments(internship)
    )
    return downloads.pdf_response(content, f"convention-{internship.number}.pdf")


@marks_file_names
@login_required
@require_POST
def approve_agreement(request, internship_id: int):
    internship, roles = internship_for(request, internship_id)
    form = ApprovalForm(request.POST, request.FILES, parties=roles.parties)
    if form.is_valid():
        response = act(
            request,
            lambda: services.agreement.approve_agreement(
                internship, by=request.user, party=form.cleaned_data["party"] or None, scan=form.cleaned_data["scan"]
            ),
            success=_("Your signature is recorded."),
            target=page_of("agreement", internship),
            form=form,
        )
        if response is not None:
            return response
    return render(
        request, "followup/agreement.html", _agreement_context(internship, roles, approval_form=form), status=400
    )


@login_required
@require_POST
def undo_signature(request, internship_id: int):
    internship, _roles = internship_for(request, internship_id)
    form = SignatureUndoForm(request.POST)
    if not form.is_valid():
        raise Http404
    amendment = None
    if form.cleaned_data["amendment"]:
        amendment = get_object_or_404(internship.amendments.all(), pk=form.cleaned_data["amendment"])
    return act(
        request,
        lambda: services.agreement.undo_signature(
            internship, form.cleaned_data["party"], by=request.user, amendment=amendment
        ),
        success=_("The signature is undone; its party was asked to sign again."),
        target=page_of("agreement", internship),
    )


@login_required
def scan(request, internship_id: int, signature_id: int):
    internship, _roles = internship_for(request, internship_id)
    signature = Signature.objects.filter(internship=internship, pk=signature_id).exclude(scan="").first()
    if signature is None:
        raise Http404
    return downloads.scan_response(signature)


@login_required
@require_POST
def propose_amendment(request, internship_id: int):
    internship, roles = internship_for(request, internship_id)
    form = AmendmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        tutor = None
        if data["company_tutor"]:
            tutor = services.internships.Tutor(
                data["company_tutor"], data["company_tutor_first_name"], data["company_tutor_last_name"]
            )
        response = act(
            request,
            lambda: services.agreement.propose_amendment(
                internship,
                by=request.user,
                reason=data["reason"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                company_tutor=tutor,
                mission=data["mission"],
            ),
            success=_("The amendment is proposed; the three parties are asked to approve it."),
            target=page_of("agreement", internship, "amendments"),
            form=form,
        )
        if response is not None:
            return response
    return render(
        request, "followup/agreement.html", _agreement_context(internship, roles, amendment_form=form), status=400
    )


@marks_file_names
@login_required
@require_POST
def approve_amendment(request, internship_id: int, amendment_id: int):
    internship, roles = internship_for(request, internship_id)
    amendment = get_object_or_404(internship.amendments.all(), pk=amendment_id)
    form = ApprovalForm(request.POST, request.FILES, parties=roles.parties)
    party = form.cleaned_data["party"] if form.is_valid() else None
    scan_file = form.cleaned_data.get("scan") if form.is_valid() else None
    return act(
        request,
        lambda: services.agreement.approve_amendment(amendment, by=request.user, party=party or None, scan=scan_file),
        success=_("Your approval of the amendment is recorded."),
        target=page_of("agreement", internship, "amendments"),
    )


@login_required
@require_POST
def withdraw_amendment(request, internship_id: int, amendment_id: int):
    internship, _roles = internship_for(request, internship_id)
    amendment = get_object_or_404(internship.amendments.all(), pk=amendment_id)
    return act(
        request,
        lambda: services.agreement.withdraw_amendment(amendment, by=request.user),
        success=_("The amendment is withdrawn."),
        target=page_of("agreement", internship, "amendments"),
    )


@login_required
def amendment_pdf(request, internship_id: int, amendment_id: int):
    internship, _roles = internship_for(request, internship_id)
    amendment = get_object_or_404(selectors.amendments(internship), pk=amendment_id)
    amendment.internship = internship
    content = pdfs.amendment_pdf(amendment, amendment.signatures.all())
    return downloads.pdf_response(content, f"avenant-{internship.number}-{amendment.number}.pdf")


# The logbook


@login_required
def journal(request, internship_id: int):
    """« Journal de stage »: the student's dated entries, the tutors' comments."""
    internship, roles = internship_for(request, internship_id)
    form = EntryForm(request.POST or None) if roles.student else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            response = act(
                request,
                lambda: services.logbook.write_entry(
                    internship, by=request.user, date=form.cleaned_data["date"], text=form.cleaned_data["text"]
                ),
                success=_("Your entry is in the logbook; your tutors can read it."),
                target=page_of("journal", internship),
                form=form,
            )
            if response is not None:
                return response
    context = {
        "internship": internship,
        "roles": roles,
        "tab": "journal",
        "entries": selectors.journal(internship),
        "form": form if internship.status == InternshipStatus.ACTIVE else None,
        "comment_form": CommentForm() if roles.tutor else None,
    }
    return render(request, "followup/journal.html", context, status=400 if form is not None and form.errors else 200)


@login_required
@require_POST
def comment(request, internship_id: int, entry_id: int):
    internship, _roles = internship_for(request, internship_id)
    entry = get_object_or_404(internship.journal.all(), pk=entry_id)
    form = CommentForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    return act(
        request,
        lambda: services.logbook.comment_entry(entry, by=request.user, text=text),
        success=_("Your comment is added; the student was told."),
        target=page_of("journal", internship, f"entry-{entry.pk}"),
    )


# The intermediate reviews


@login_required
def reviews(request, internship_id: int):
    """« Bilans intermédiaires »: the student's reviews, each validated by both tutors."""
    internship, roles = internship_for(request, internship_id)
    form = ReviewForm(request.POST or None) if roles.student else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            response = act(
                request,
                lambda: services.logbook.write_review(internship, by=request.user, text=form.cleaned_data["text"]),
                success=_("Your review is sent; both tutors are asked to validate it."),
                target=page_of("reviews", internship),
                form=form,
            )
            if response is not None:
                return response
    context = {
        "internship": internship,
        "roles": roles,
        "tab": "reviews",
        "reviews": selectors.reviews(internship),
        "form": form if internship.status == InternshipStatus.ACTIVE else None,
    }
    return render(request, "followup/reviews_of.html", context, status=400 if form is not None and form.errors else 200)


@login_required
@require_POST
def validate_review(request, internship_id: int, review_id: int):
    internship, _roles = internship_for(request, internship_id)
    return act(
        request,
        lambda: services.logbook.validate_review(services.logbook.review_of(internship, review_id), by=request.user),
        success=_("Your validation of the review is recorded."),
        target=page_of("reviews", internship, f"review-{review_id}"),
    )


# The evaluations and the final grade


def _evaluations_context(internship, roles, **forms) -> dict:
    sent = selectors.sent_evaluations(internship)
    company_evaluation = selectors.company_evaluation(internship) if roles.reads_company_evaluation else None
    context = {
        "internship": internship,
        "roles": roles,
        "tab": "evaluations",
        "sent": sent,
        "company_evaluation": company_evaluation,
        "company_criteria": internship.criteria(Audience.COMPANY),
        "opens_on": services.evaluations.opens_on(internship),
        "company_form": None,
        "grade_form": None,
        "student_form": None,
        "student_evaluation": None,
    }
    if roles.company_tutor and Audience.COMPANY not in sent and internship.status == InternshipStatus.ACTIVE:
        context["company_form"] = forms.get("company_form") or EvaluationForm(
            criteria=internship.criteria(Audience.COMPANY)
        )
    if roles.programme_head and Audience.COMPANY in sent and not internship.grade_recorded_at:
        context["grade_form"] = forms.get("grade_form") or GradeForm()
    if roles.student and Audience.STUDENT not in sent and internship.status == InternshipStatus.COMPLETED:
        context["student_form"] = forms.get("student_form") or EvaluationForm(
            criteria=internship.criteria(Audience.STUDENT)
        )
    if roles.reads_student_evaluation:
        context["student_evaluation"] = selectors.evaluation(internship, Audience.STUDENT)
        context["student_criteria"] = internship.criteria(Audience.STUDENT)
    return context


@login_required
def evaluations(request, internship_id: int):
    """The company tutor's evaluation, the final grade, the student's confidential evaluation."""
    internship, roles = internship_for(request, internship_id)
    return render(request, "followup/evaluations_of.html", _evaluations_context(internship, roles))


def _send_evaluation(request, internship_id: int, audience: str):
    internship, roles = internship_for(request, internship_id)
    form = EvaluationForm(request.POST, criteria=internship.criteria(audience))
    send = (
        services.evaluations.send_company_evaluation
        if audience == Audience.COMPANY
        else services.evaluations.send_student_evaluation
    )
    if form.is_valid():
        response = act(
            request,
            lambda: send(internship, by=request.user, scores=form.scores(), comment=form.cleaned_data["comment"]),
            success=_("Your evaluation is sent."),
            target=page_of("evaluations", internship),
            form=form,
        )
        if response is not None:
            return response
    key = "company_form" if audience == Audience.COMPANY else "student_form"
    return render(
        request, "followup/evaluations_of.html", _evaluations_context(internship, roles, **{key: form}), status=400
    )


@login_required
@require_POST
def company_evaluation(request, internship_id: int):
    return _send_evaluation(request, internship_id, Audience.COMPANY)


@login_required
@require_POST
def student_evaluation(request, internship_id: int):
    return _send_evaluation(request, internship_id, Audience.STUDENT)


@login_required
@require_POST
def grade(request, internship_id: int):
    internship, roles = internship_for(request, internship_id)
    form = GradeForm(request.POST)
    if form.is_valid():
        response = act(
            request,
            lambda: services.evaluations.record_grade(internship, by=request.user, grade=form.cleaned_data["grade"]),
            success=_("The final grade is recorded; the student is invited to evaluate the internship."),
            target=page_of("evaluations", internship),
            form=form,
        )
        if response is not None:
            return response
    return render(
        request, "followup/evaluations_of.html", _evaluations_context(internship, roles, grade_form=form), status=400
    )
