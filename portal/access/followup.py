"""Internships: who sees each one, which parts of it, and who takes each step of its follow-up.

The readers of an internship are its student, the company side (the company's administrators, the company
tutor, the author of the offer), and the school side (the staff who follow the student, the academic tutor).
Each acts in the role the internship gives them (`Roles`, read in one query): steps are validated by their
actor only; the student's evaluation of the internship is read by the programme head alone — nobody else,
superusers included, in the pages, the API, the admin or the exports.

A company tutor without an account acts through an expiring, revocable link (`tutor_link`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from portal.access.core import NOTHING, codename, held, is_active
from portal.access.offers import MANAGE_OFFER
from portal.access.organisations import FOLLOW_STUDENTS, MANAGE_COMPANY, READ_CONFIDENTIAL_EVALUATIONS
from portal.accounts.models import OfferUserPermission, OrganisationUserPermission, ProgrammeUserPermission, Student
from portal.exceptions import NotVisible
from portal.followup.choices import Actor, InternshipStatus, Party
from portal.followup.models import Internship, TutorLink


def company_q(user) -> Q:
    """The internships the company side of `user` follows: the administrators', the tutor's, the offer author's."""
    if not is_active(user):
        return NOTHING
    return (
        Q(company__in=held(user, MANAGE_COMPANY, OrganisationUserPermission))
        | Q(company_tutor=user)
        | Q(offer__in=held(user, MANAGE_OFFER, OfferUserPermission))
    )


def school_q(user) -> Q:
    """The internships of the students `user` follows as school staff, and those they are the academic tutor of."""
    if not is_active(user):
        return NOTHING
    return (
        Q(school__in=held(user, FOLLOW_STUDENTS, OrganisationUserPermission))
        | Q(programme__in=held(user, FOLLOW_STUDENTS, ProgrammeUserPermission))
        | Q(academic_tutor=user)
    )


def visible_q(user) -> Q:
    """Every internship `user` may read (superusers read them all, without acting in any of them)."""
    if not is_active(user):
        return NOTHING
    if user.is_superuser:
        return Q()
    return Q(student=user) | company_q(user) | school_q(user)


def _holds(user, perm: str, permission_model, ref: str) -> Exists:
    return Exists(
        permission_model.objects.filter(user=user, permission__codename=codename(perm), content_object_id=OuterRef(ref))
    )


@dataclass(frozen=True)
class Roles:
    """What one person is in one internship; nothing at all for those who may not read it."""

    reader: bool = False
    student: bool = False
    company_tutor: bool = False
    company_admin: bool = False
    offer_author: bool = False
    academic_tutor: bool = False
    programme_head: bool = False
    school_staff: bool = False

    @property
    def company_side(self) -> bool:
        return self.company_tutor or self.company_admin or self.offer_author

    @property
    def school_side(self) -> bool:
        return self.programme_head or self.academic_tutor or self.school_staff

    def is_actor(self, actor: str) -> bool:
        """Is the person the actor a step names (the only one who validates it)?"""
        return {
            Actor.STUDENT: self.student,
            Actor.COMPANY_TUTOR: self.company_tutor,
            Actor.ACADEMIC_TUTOR: self.academic_tutor,
            Actor.PROGRAMME_HEAD: self.programme_head,
        }.get(actor, False)

    @property
    def parties(self) -> list[str]:
        """The parties of the agreement the person signs for: the student, the company (its tutor or an
        administrator), the school (the programme head)."""
        parties = []
        if self.student:
            parties.append(Party.STUDENT)
        if self.company_tutor or self.company_admin:
            parties.append(Party.COMPANY)
        if self.programme_head:
            parties.append(Party.SCHOOL)
        return parties

    @property
    def tutor(self) -> bool:
        return self.company_tutor or self.academic_tutor

    # What each may do beyond reading

    @property
    def may_cancel(self) -> bool:
        return self.company_admin or self.programme_head

    @property
    def may_undo_signatures(self) -> bool:
        """The school undoes a signature (a wrong scan, a signature given by mistake)."""
        return self.programme_head or self.academic_tutor

    @property
    def may_manage_tutor_links(self) -> bool:
        return self.company_admin or self.programme_head or self.academic_tutor

    @property
    def reads_company_evaluation(self) -> bool:
        """The company's evaluation of the intern is meant for the school; the company side wrote it."""
        return self.programme_head or self.academic_tutor or self.company_tutor or self.company_admin

    @property
    def reads_student_evaluation(self) -> bool:
        """The student's evaluation is confidential: the programme head of that programme, nobody else."""
        return self.programme_head


def roles(user, internship: Internship) -> Roles:
    """The person's roles in `internship`, in one query."""
    if not is_active(user):
        return Roles()
    flags = (
        Internship.objects.filter(pk=internship.pk)
        .annotate(
            is_reader=Exists(Internship.objects.filter(visible_q(user), pk=OuterRef("pk"))),
            is_company_admin=_holds(user, MANAGE_COMPANY, OrganisationUserPermission, "company_id"),
            is_offer_author=_holds(user, MANAGE_OFFER, OfferUserPermission, "offer_id"),
            school_head=_holds(user, READ_CONFIDENTIAL_EVALUATIONS, OrganisationUserPermission, "school_id"),
            programme_head_=_holds(user, READ_CONFIDENTIAL_EVALUATIONS, ProgrammeUserPermission, "programme_id"),
            school_follower=_holds(user, FOLLOW_STUDENTS, OrganisationUserPermission, "school_id"),
            programme_follower=_holds(user, FOLLOW_STUDENTS, ProgrammeUserPermission, "programme_id"),
        )
        .values(
            "is_reader",
            "is_company_admin",
            "is_offer_author",
            "school_head",
            "programme_head_",
            "school_follower",
            "programme_follower",
            "student_id",
            "company_tutor_id",
            "academic_tutor_id",
        )
        .first()
    )
    if not flags or not flags["is_reader"]:
        return Roles()
    return Roles(
        reader=True,
        student=flags["student_id"] == user.pk,
        company_tutor=flags["company_tutor_id"] == user.pk,
        company_admin=flags["is_company_admin"],
        offer_author=flags["is_offer_author"],
        academic_tutor=flags["academic_tutor_id"] == user.pk,
        programme_head=flags["school_head"] or flags["programme_head_"],
        school_staff=flags["school_follower"] or flags["programme_follower"],
    )


def require_roles(user, internship: Internship, check=lambda roles: True) -> Roles:
    """The person's roles, or 404 outside the internship's readers and 403 for readers `check` refuses."""
    found = roles(user, internship)
    if not found.reader:
        raise NotVisible
    if not check(found):
        raise PermissionDenied
    return found


def require_confidential_reader(user, internship: Internship) -> Roles:
    """The student's evaluation: 404 to everybody but the programme head (its existence is theirs alone to know)."""
    found = roles(user, internship)
    if not found.reads_student_evaluation:
        raise NotVisible
    return found


def may_record_for(user, student: Student) -> bool:
    """School staff record the internship of a student they follow (found outside the portal)."""
    if not is_active(user):
        return False
    return Student.objects.filter(
        Q(school__in=held(user, FOLLOW_STUDENTS, OrganisationUserPermission))
        | Q(programme__in=held(user, FOLLOW_STUDENTS, ProgrammeUserPermission)),
        pk=student.pk,
    ).exists()


def followed_students_q(user) -> Q:
    """The students (`Student` rows) whose internships `user` may record."""
    if not is_active(user):
        return NOTHING
    return Q(school__in=held(user, FOLLOW_STUDENTS, OrganisationUserPermission)) | Q(
        programme__in=held(user, FOLLOW_STUDENTS, ProgrammeUserPermission)
    )


def may_be_academic_tutor(user, internship: Internship) -> bool:
    """The academic tutor is a staff member of the student's training organisation who follows them."""
    return (
        is_active(user)
        and user.school_roles.filter(school_id=internship.school_id)
        .filter(Q(programme__isnull=True) | Q(programme_id=internship.programme_id))
        .exists()
    )


# The company tutor's link


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tutor_link(token: str) -> TutorLink | None:
    """The link `token` opens, if it still works: not revoked, not expired, its tutor still the internship's
    company tutor (an amendment may have changed the tutor) and still active, the internship still followed."""
    if not token or len(token) > 200:
        return None
    link = (
        TutorLink.objects.select_related("internship", "tutor")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if link is None or not link.tutor.is_active or link.internship.company_tutor_id != link.tutor_id:
        return None
    if link.internship.status not in (InternshipStatus.ACTIVE, InternshipStatus.COMPLETED):
        return None
    return link
