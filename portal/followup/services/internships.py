"""Internships: started from an accepted application by the company side, or recorded by school staff for a
student whose internship was found elsewhere; followed once the student and the programme head agree.

The follow-up is opt-in: a recorded internship is `proposed` until the student and the programme head have both
agreed, the programme head naming the academic tutor; it is then `active`. An unknown company tutor is invited as
a contact of the company (a set-password link by e-mail).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms_pages.models import OrganisationPage
from portal import access
from portal.accounts import services as accounts
from portal.accounts.models import Student, User
from portal.exceptions import AlreadyDone, InvalidTransition, NotVisible, PortalError
from portal.followup import selectors
from portal.followup.choices import Audience, InternshipStatus
from portal.followup.models import AgreementTemplate, EvaluationForm, Internship
from portal.followup.services.common import check_dates, clean_text, locked, require_status, tell
from portal.followup.services.steps import announce_next, copy_steps
from portal.recruitment.models import Application
from portal.reference.choices import ApplicationStatus


@dataclass
class Tutor:
    """The company tutor as the company side names them: an e-mail, and a name for somebody new."""

    email: str
    first_name: str = ""
    last_name: str = ""


def contact_for(company: OrganisationPage, tutor: Tutor, *, language: str = "fr") -> User:
    """The tutor's account, made a contact of the company (invited by e-mail if they are new to the portal)."""
    try:
        return accounts.ensure_company_contact(
            company,
            accounts.ContactData(
                email=tutor.email, first_name=tutor.first_name, last_name=tutor.last_name, language=language
            ),
        )
    except ValidationError as error:
        messages = [message for messages in error.message_dict.values() for message in messages]
        raise PortalError(messages[0], field="company_tutor") from error


def _evaluation_criteria(school_id: int, programme_id: int | None) -> dict:
    criteria = {}
    for audience in Audience.values:
        form = EvaluationForm.objects.filter(audience=audience).for_scope(school_id, programme_id)
        criteria[audience] = form.criteria() if form else []
    return criteria


def _create(*, student: Student, company, tutor: User, start_date, end_date, title, mission, by, **links) -> Internship:
    template = AgreementTemplate.objects.for_scope(student.school_id, student.programme_id)
    internship = Internship.objects.create(
        student=student.user,
        school=student.school,
        programme=student.programme,
        company=company,
        company_tutor=tutor,
        start_date=start_date,
        end_date=end_date,
        title=title,
        mission=mission,
        created_by=by,
        evaluation_criteria=_evaluation_criteria(student.school_id, student.programme_id),
        agreement_title=template.title if template else "",
        agreement_text=template.body if template else "",
        **links,
    )
    copy_steps(internship)
    tell(
        "internship_proposed",
        [student.user, *selectors.programme_heads(internship)],
        key=f"internship_proposed:{internship.pk}",
        internship=internship,
        exclude=by,
    )
    return internship


def _check(start_date: datetime.date | None, end_date: datetime.date | None, tutor: Tutor) -> None:
    if not (tutor.email or "").strip():
        raise PortalError(_("Give the company tutor's e-mail address."), field="company_tutor")
    check_dates(start_date, end_date)


def start(
    application: Application,
    *,
    company_tutor: Tutor,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    mission: str = "",
    by,
) -> Internship:
    """The company side starts the internship of an accepted application (status `proposed`).

    Refusals: outside the application's readers (404), not its company side (403), an application that is not
    accepted or whose internship exists already (409), missing or inconsistent data (400). Nothing is written
    when refused.
    """
    access.applications.require_manager(by, application)
    if application.status != ApplicationStatus.ACCEPTED:
        raise InvalidTransition(_("An internship starts from an accepted application."))
    _check(start_date, end_date, company_tutor)
    mission = clean_text(mission, field="mission")
    student = Student.objects.select_related("school", "programme").filter(user_id=application.student_id).first()
    if student is None:
        raise InvalidTransition(_("This application's author is no longer a student."))
    offer = application.offer if application.offer_id else None
    try:
        with transaction.atomic():
            Application.objects.select_for_update().get(pk=application.pk)
            if Internship.objects.filter(application=application).exists():
                raise AlreadyDone(_("The internship of this application is already recorded."))
            tutor = contact_for(application.company, company_tutor, language=by.language)
            return _create(
                student=student,
                company=application.company,
                tutor=tutor,
                start_date=start_date,
                end_date=end_date,
                title=offer.title if offer else _("Internship at %(company)s") % {"company": application.company},
                mission=mission or (offer.mission if offer else ""),
                by=by,
                application=application,
                offer=offer,
            )
    except IntegrityError as error:  # a simultaneous start of the same application landed first
        raise AlreadyDone(_("The internship of this application is already recorded.")) from error


def record(
    student_user: User,
    *,
    company: OrganisationPage,
    company_tutor: Tutor,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    title: str,
    mission: str = "",
    by,
) -> Internship:
    """School staff record the internship a student they follow found outside the portal (status `proposed`).

    Refusals: a student they do not follow (404), not a company (400), missing or inconsistent data (400)."""
    student = Student.objects.select_related("school", "programme").filter(user=student_user).first()
    if student is None or not access.followup.may_record_for(by, student):
        raise NotVisible
    if not (company and company.is_company):
        raise PortalError(_("Choose a company of the portal."), field="company")
    _check(start_date, end_date, company_tutor)
    title = clean_text(title, field="title", required=True, max_length=255)
    mission = clean_text(mission, field="mission")
    with transaction.atomic():
        tutor = contact_for(company, company_tutor, language=by.language)
        return _create(
            student=student,
            company=company,
            tutor=tutor,
            start_date=start_date,
            end_date=end_date,
            title=title,
            mission=mission,
            by=by,
        )


@transaction.atomic
def agree(internship: Internship, *, by, academic_tutor: User | None = None) -> Internship:
    """The student, or the programme head naming the academic tutor, agrees to the follow-up; once both have, it is
    `active`, everybody is told, and the actor of the first step learns it is their turn.

    Refusals: outside the internship (404), anybody else (403), agreed already (409), not proposed (409), the
    programme head without an academic tutor of the student's organisation (400)."""
    roles = access.followup.require_roles(by, internship, lambda roles: roles.student or roles.programme_head)
    internship = locked(internship)
    require_status(internship, InternshipStatus.PROPOSED)
    now = timezone.now()
    if roles.student:
        if internship.student_agreed_at:
            raise AlreadyDone(_("You have already agreed to this follow-up."))
        internship.student_agreed_at = now
    else:
        if internship.school_agreed_at:
            raise AlreadyDone(_("The programme head has already agreed to this follow-up."))
        if academic_tutor is None:
            raise PortalError(_("Name the academic tutor."), field="academic_tutor")
        if not access.followup.may_be_academic_tutor(academic_tutor, internship):
            raise PortalError(
                _("The academic tutor must be a staff member of the student's training organisation."),
                field="academic_tutor",
            )
        internship.school_agreed_at, internship.programme_head, internship.academic_tutor = now, by, academic_tutor
    started = internship.student_agreed_at and internship.school_agreed_at
    if started:
        internship.status = InternshipStatus.ACTIVE
    internship.save(
        update_fields=[
            "student_agreed_at",
            "school_agreed_at",
            "programme_head",
            "academic_tutor",
            "status",
            "updated_at",
        ]
    )
    if started:
        tell(
            "internship_started",
            selectors.parties(internship),
            key=f"internship_started:{internship.pk}",
            internship=internship,
        )
        announce_next(internship, after=None, by=None, key=f"followup_your_turn:start:{internship.pk}")
    return internship


@transaction.atomic
def cancel(internship: Internship, *, by, reason: str = "") -> Internship:
    """The company's administrator or the programme head cancels the follow-up (proposed or active); told to all."""
    access.followup.require_roles(by, internship, lambda roles: roles.may_cancel)
    reason = clean_text(reason, field="reason")
    internship = locked(internship)
    require_status(internship, InternshipStatus.PROPOSED, InternshipStatus.ACTIVE)
    internship.status, internship.cancelled_at = InternshipStatus.CANCELLED, timezone.now()
    internship.save(update_fields=["status", "cancelled_at", "updated_at"])
    internship.tutor_links.filter(revoked_at__isnull=True).update(revoked_at=internship.cancelled_at)
    tell(
        "internship_cancelled",
        selectors.parties(internship),
        key=f"internship_cancelled:{internship.pk}",
        internship=internship,
        exclude=by,
        reason=reason,
    )
    return internship
