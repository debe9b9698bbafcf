"""Who is who around an organisation or a student: the people the portal writes to."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from portal.accounts.models import HubModerator, Membership, User


def company_admins(company) -> QuerySet[User]:
    """The active administrators of `company`."""
    return User.objects.filter(
        is_active=True, memberships__organisation=company, memberships__role=Membership.Role.ADMIN
    )


def hub_moderators(hub) -> list[User]:
    """The active moderators of `hub`."""
    return [m.user for m in HubModerator.objects.filter(hub=hub, user__is_active=True).select_related("user")]


def followers_of(student_user) -> list[User]:
    """The school staff who follow `student_user`: the whole school's staff and their programme's."""
    student = getattr(student_user, "student", None)
    if student is None:
        return []
    scope = Q(school_roles__school_id=student.school_id, school_roles__programme__isnull=True)
    if student.programme_id:
        scope |= Q(school_roles__programme_id=student.programme_id)
    return list(User.objects.filter(scope, is_active=True).distinct())
