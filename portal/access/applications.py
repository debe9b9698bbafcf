"""Applications: a student owns theirs, the company side receives and manages them, school staff follow them.

Each rule is a `Q` over `Application`, so that lists are filtered in the database; the single-object
questions ask the same `Q` of one row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from portal.access.core import EVERYTHING, NOTHING, codename, held, held_anywhere, is_active
from portal.access.offers import VIEW_OFFER_APPLICATIONS
from portal.access.organisations import FOLLOW_STUDENTS, RECEIVE_SPONTANEOUS_APPLICATIONS, VIEW_COMPANY_OFFERS
from portal.accounts.models import (
    OfferUserPermission,
    OrganisationUserPermission,
    ProgrammeUserPermission,
    SchoolStaff,
)
from portal.exceptions import NotVisible
from portal.recruitment.lifecycle import ALIVE, COMPANY_TRANSITIONS
from portal.recruitment.models import Application
from portal.reference.choices import ApplicationStatus

# The school staff who may close an application of their student (« annulée par l'établissement »).
CLOSING_ROLES = (SchoolStaff.Role.PROGRAMME_HEAD, SchoolStaff.Role.ACADEMIC_TUTOR)


def company_q(user) -> Q:
    """The applications the company side of `user` receives and manages.

    Offers: the company's administrators (every offer) and each offer's author. Spontaneous
    applications: the administrators alone.
    """
    if not is_active(user):
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    return _receivers_q(user)


def _either(alternatives: list[Q]) -> Q:
    either = alternatives[0]
    for alternative in alternatives[1:]:
        either |= alternative
    return either


def _receiving(user) -> list[tuple[str, Q]]:
    """The ways `user` receives applications as one of the company's own people: (the permission, what it admits)."""
    return [
        (
            VIEW_COMPANY_OFFERS,
            Q(offer__isnull=False, company__in=held(user, VIEW_COMPANY_OFFERS, OrganisationUserPermission)),
        ),
        (VIEW_OFFER_APPLICATIONS, Q(offer__in=held(user, VIEW_OFFER_APPLICATIONS, OfferUserPermission))),
        (
            RECEIVE_SPONTANEOUS_APPLICATIONS,
            Q(offer__isnull=True, company__in=held(user, RECEIVE_SPONTANEOUS_APPLICATIONS, OrganisationUserPermission)),
        ),
    ]


def _following(user) -> list[tuple[str, Q]]:
    """The ways `user` follows students as school staff: the whole school, or a programme of it."""
    return [
        (FOLLOW_STUDENTS, Q(student__student__school__in=held(user, FOLLOW_STUDENTS, OrganisationUserPermission))),
        (FOLLOW_STUDENTS, Q(student__student__programme__in=held(user, FOLLOW_STUDENTS, ProgrammeUserPermission))),
    ]


def _receivers_q(user) -> Q:
    """The applications `user` receives as one of the company's own people, by the roles they hold there."""
    return _either([admitted for _perm, admitted in _receiving(user)])


def school_q(user) -> Q:
    """The applications of the students `user` follows as school staff (read only)."""
    if not is_active(user):
        return NOTHING
    return _either([admitted for _perm, admitted in _following(user)])


def school_closing_q(user) -> Q:
    """The applications `user` may close for the school: their students', as programme head or academic tutor of
    the whole school or of the student's programme."""
    if not is_active(user):
        return NOTHING
    roles = SchoolStaff.objects.filter(user=user, role__in=CLOSING_ROLES)
    return Q(student__student__school__in=roles.filter(programme__isnull=True).values("school")) | Q(
        student__student__programme__in=roles.filter(programme__isnull=False).values("programme")
    )


def visible_q(user) -> Q:
    """Every application `user` may read: their own, the company side's, their followed students'."""
    if not is_active(user):
        return NOTHING
    return Q(student=user) | company_q(user) | school_q(user)


def listed_q(user) -> Q:
    """`visible_q` for a list: the same applications, without the alternatives for which `user` holds no permission
    at all (one query reads which they hold). Whatever the number of applications, the database then reads a
    student's from the index of their own instead of testing every application against each alternative."""
    if not is_active(user):
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    holds = held_anywhere(user)
    return _either(
        [Q(student=user)]
        + [admitted for perm, admitted in _receiving(user) + _following(user) if codename(perm) in holds]
    )


def _matches(q: Q, application: Application) -> bool:
    return Application.objects.filter(q, pk=application.pk).exists()


def can_read(user, application: Application) -> bool:
    return _matches(visible_q(user), application)


def can_manage(user, application: Application) -> bool:
    """May `user` act for the company on this application (read it, change its status, write to the student)?"""
    return _matches(company_q(user), application)


def opening_marks_read(user, application: Application) -> bool:
    """Does `user` opening this application tell the student it was read? Only when one of the company's own people
    (the administrators, the offer's author) opens it: a superuser looking in on the company's behalf does not."""
    return is_active(user) and _matches(_receivers_q(user), application)


def closes_for_school(user, application: Application) -> bool:
    return _matches(school_closing_q(user), application)


@dataclass(frozen=True)
class Standing:
    """Where a person stands towards one application: which statuses they may set from its current one."""

    company_side: bool = False
    own: bool = False
    school_closer: bool = False

    def settable(self, status: str) -> list[str]:
        """The company side moves it along; the student may withdraw it and their school close it while alive."""
        allowed = list(COMPANY_TRANSITIONS[status]) if self.company_side else []
        if (self.own or self.school_closer) and status in ALIVE and ApplicationStatus.CANCELLED not in allowed:
            allowed.append(ApplicationStatus.CANCELLED)
        return allowed

    def may_ask(self, status: str) -> bool:
        """Whether the person may ask for `status` at all (else 403); the current status may still refuse it (409)."""
        return self.company_side or (status == ApplicationStatus.CANCELLED and (self.own or self.school_closer))


def standing(user, application: Application) -> Standing:
    return Standing(
        company_side=can_manage(user, application),
        own=application.student_id == getattr(user, "pk", None),
        school_closer=closes_for_school(user, application),
    )


def can_read_messages(user, application: Application) -> bool:
    """The messages between the company and the student are theirs: not the school staff's."""
    return application.student_id == getattr(user, "pk", None) or can_manage(user, application)


def require_reader(user, application: Application) -> None:
    """404 unless the user may read the application (its existence is private)."""
    if not can_read(user, application):
        raise NotVisible


def require_manager(user, application: Application) -> None:
    """404 outside the application's readers, 403 for readers who may not act for the company."""
    require_reader(user, application)
    if not can_manage(user, application):
        raise PermissionDenied


def require_messages_reader(user, application: Application) -> None:
    """404 outside the application's readers, 403 for readers who are neither the student nor the company side."""
    require_reader(user, application)
    if not can_read_messages(user, application):
        raise PermissionDenied
