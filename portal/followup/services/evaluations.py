"""The evaluations and the final grade.

Just before the end, the company tutor evaluates the intern (a grade 1–5 per criterion of the internship's form,
and a comment); the programme head sees it beside the grade they record. Once the final grade is recorded, the
student is invited by e-mail to evaluate the internship; that evaluation is confidential: the programme head of
the programme alone reads it (`access.followup.require_confidential_reader`), and no e-mail carries its content.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import access
from portal.exceptions import AlreadyDone, InvalidTransition, PortalError
from portal.followup import selectors
from portal.followup.choices import Audience, InternshipStatus, StepEvent
from portal.followup.errors import NotTheActor
from portal.followup.models import Evaluation, Internship
from portal.followup.services.common import clean_text, locked, require_status, tell
from portal.followup.services.steps import complete_event

MIN_SCORE, MAX_SCORE = 1, 5
MAX_GRADE = Decimal(20)


def opens_on(internship: Internship) -> datetime.date:
    """The company tutor evaluates "just before the end": from this day on."""
    return internship.end_date - datetime.timedelta(days=settings.FOLLOWUP_EVALUATION_OPENS_DAYS_BEFORE_END)


def check_scores(internship: Internship, audience: str, scores) -> dict[str, int]:
    """Every criterion of the internship's form, and only those, graded with a whole number from 1 to 5."""
    if not isinstance(scores, dict):
        raise PortalError(_("Grade each criterion from 1 to 5."), field="scores")
    codes = [criterion["code"] for criterion in internship.evaluation_criteria.get(audience, [])]
    unknown = sorted(set(scores) - set(codes))
    if unknown:
        raise PortalError(_("Unknown criteria: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}, field="scores")
    cleaned = {}
    for code in codes:
        value = scores.get(code)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not MIN_SCORE <= value <= MAX_SCORE:
            raise PortalError(
                _("Grade “%(code)s” with a whole number from 1 to 5.") % {"code": code}, field=f"scores.{code}"
            )
        cleaned[code] = value
    return cleaned


def _record(internship: Internship, audience: str, *, by, scores, comment: str) -> Evaluation:
    try:
        with transaction.atomic():
            return Evaluation.objects.create(
                internship=internship, audience=audience, scores=scores, comment=comment, sent_by=by
            )
    except IntegrityError as error:
        raise AlreadyDone(_("This evaluation has already been sent.")) from error


@transaction.atomic
def send_company_evaluation(internship: Internship, *, by, scores, comment: str = "") -> Evaluation:
    """The company tutor sends their evaluation of the intern, once, from a little before the end.

    Refusals: anybody but the company tutor (403), sent already or too early or the follow-up not running (409),
    a criterion missing, unknown or out of 1–5 (400). The programme head is told."""
    roles = access.followup.require_roles(by, internship)
    if not roles.company_tutor:
        raise NotTheActor(_("The intern is evaluated by their company tutor."))
    internship = locked(internship)
    if internship.evaluations.filter(audience=Audience.COMPANY).exists():
        raise AlreadyDone(_("This evaluation has already been sent."))
    require_status(internship, InternshipStatus.ACTIVE)
    if timezone.localdate() < opens_on(internship):
        raise InvalidTransition(
            _("The evaluation opens on %(date)s, shortly before the end of the internship.")
            % {"date": opens_on(internship).isoformat()}
        )
    scores = check_scores(internship, Audience.COMPANY, scores)
    comment = clean_text(comment, field="comment")
    evaluation = _record(internship, Audience.COMPANY, by=by, scores=scores, comment=comment)
    complete_event(internship, StepEvent.COMPANY_EVALUATION_SENT, by=by)
    return evaluation


def parse_grade(value) -> Decimal:
    try:
        grade = Decimal(str(value).replace(",", ".")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise PortalError(_("Give a grade out of 20, e.g. 15.5."), field="grade") from None
    if not grade.is_finite() or not Decimal(0) <= grade <= MAX_GRADE:
        raise PortalError(_("The grade lies between 0 and 20."), field="grade")
    return grade


@transaction.atomic
def record_grade(internship: Internship, *, by, grade) -> Internship:
    """The programme head records the final grade (out of 20), having seen the company's evaluation; the
    internship is `completed` and the student is invited to evaluate it.

    Refusals: anybody but the programme head (403), recorded already, no company evaluation yet or the follow-up
    not running (409), a grade outside 0–20 (400)."""
    access.followup.require_roles(by, internship, lambda roles: roles.programme_head)
    internship = locked(internship)
    if internship.grade_recorded_at:
        raise AlreadyDone(_("The final grade is already recorded."))
    require_status(internship, InternshipStatus.ACTIVE)
    grade = parse_grade(grade)
    if not internship.evaluations.filter(audience=Audience.COMPANY).exists():
        raise InvalidTransition(_("The final grade takes the company tutor's evaluation into account: it is not sent."))
    internship.final_grade, internship.grade_recorded_at, internship.grade_recorded_by = grade, timezone.now(), by
    internship.status = InternshipStatus.COMPLETED
    internship.save(update_fields=["final_grade", "grade_recorded_at", "grade_recorded_by", "status", "updated_at"])
    complete_event(internship, StepEvent.GRADE_RECORDED, by=by)
    tell(
        "evaluation_invitation",
        [internship.student],
        key=f"evaluation_invitation:{internship.pk}",
        internship=internship,
        page="evaluations",
    )
    return internship


@transaction.atomic
def send_student_evaluation(internship: Internship, *, by, scores, comment: str = "") -> Evaluation:
    """The student evaluates the internship once the final grade is recorded; confidential (programme head only).

    Refusals: anybody but the student (403), sent already or before the final grade (409), bad scores (400)."""
    roles = access.followup.require_roles(by, internship)
    if not roles.student:
        raise NotTheActor(_("The internship is evaluated by its student."))
    internship = locked(internship)
    if internship.evaluations.filter(audience=Audience.STUDENT).exists():
        raise AlreadyDone(_("This evaluation has already been sent."))
    if internship.status != InternshipStatus.COMPLETED:
        raise InvalidTransition(_("You evaluate the internship once your final grade is recorded."))
    scores = check_scores(internship, Audience.STUDENT, scores)
    comment = clean_text(comment, field="comment")
    evaluation = _record(internship, Audience.STUDENT, by=by, scores=scores, comment=comment)
    complete_event(internship, StepEvent.STUDENT_EVALUATION_SENT, by=by)
    # The programme head learns that it was sent; its content stays in the portal, behind their access rule.
    tell(
        "student_evaluation_sent",
        selectors.programme_heads(internship),
        key=f"student_evaluation_sent:{internship.pk}",
        internship=internship,
        page="evaluations",
    )
    return evaluation
