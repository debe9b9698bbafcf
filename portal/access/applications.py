"""Applications: a student owns theirs, the company side receives and manages them, school staff follow them.

Each rule is a `Q` over `Application`, so that lists are filtered in the database; the single-object
questions ask the same `Q` of one row.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from portal.access.core import NOTHING, held, is_active
from portal.access.offers import VIEW_OFFER_APPLICATIONS
from portal.access.organisations import FOLLOW_STUDENTS, RECEIVE_SPONTANEOUS_APPLICATIONS, VIEW_COMPANY_OFFERS
from portal.accounts.models import OfferUserPermission, OrganisationUserPermission, ProgrammeUserPermission
from portal.exceptions import NotVisible
from portal.recruitment.models import Application


def company_q(user) -> Q:
    """The applications the company side of `user` receives and manages.

    Offers: the company's administrators (every offer) and each offer's author. Spontaneous
    applications: the administrators alone.
    """
    if not is_active(user):
        return NOTHING
    if user.is_superuser:
        return Q()
    return (
        Q(offer__isnull=False, company__in=held(user, VIEW_COMPANY_OFFERS, OrganisationUserPermission))
        | Q(offer__in=held(user, VIEW_OFFER_APPLICATIONS, OfferUserPermission))
        | Q(offer__isnull=True, company__in=held(user, RECEIVE_SPONTANEOUS_APPLICATIONS, OrganisationUserPermission))
    )


def school_q(user) -> Q:
    """The applications of the students `user` follows as school staff (read only)."""
    if not is_active(user):
        return NOTHING
    return Q(student__student__school__in=held(user, FOLLOW_STUDENTS, OrganisationUserPermission)) | Q(
        student__student__programme__in=held(user, FOLLOW_STUDENTS, ProgrammeUserPermission)
    )


def visible_q(user) -> Q:
    """Every application `user` may read: their own, the company side's, their followed students'."""
    if not is_active(user):
        return NOTHING
    return Q(student=user) | company_q(user) | school_q(user)


def _matches(q: Q, application: Application) -> bool:
    return Application.objects.filter(q, pk=application.pk).exists()


def can_read(user, application: Application) -> bool:
    return _matches(visible_q(user), application)


def can_manage(user, application: Application) -> bool:
    """May `user` act for the company on this application (read it, change its status, write to the student)?"""
    return _matches(company_q(user), application)


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
