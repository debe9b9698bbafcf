"""Who acts for an organisation: company administrators and contacts, hub moderators, school staff.

The roles are rows (`Membership`, `HubModerator`, `SchoolStaff`); the permissions they carry are stored
as guardian object permissions by the grant / revoke functions below, which the account services call
whenever a role is created, changed or removed, so that the stored permissions always follow the roles.
"""

from __future__ import annotations

from django.contrib.auth.models import Group

from portal.access.core import assign, assign_many, can, is_active, remove
from portal.accounts.models import (
    Membership,
    OfferUserPermission,
    OrganisationUserPermission,
    ProgrammeUserPermission,
    SchoolStaff,
    Student,
)

# On a company (an OrganisationPage of kind "company")
MANAGE_COMPANY = "cms_pages.manage_company"
MANAGE_CONTACTS = "cms_pages.manage_contacts"
APPROVE_OFFERS = "cms_pages.approve_offers"
CREATE_OFFERS = "cms_pages.create_offers"
VIEW_COMPANY_OFFERS = "cms_pages.view_company_offers"
RECEIVE_SPONTANEOUS_APPLICATIONS = "cms_pages.receive_spontaneous_applications"
# On a hub
MODERATE_OFFERS = "cms_pages.moderate_offers"
# On a training organisation or one of its programmes
FOLLOW_STUDENTS = "cms_pages.follow_students"
READ_CONFIDENTIAL_EVALUATIONS = "cms_pages.read_confidential_evaluations"

COMPANY_ADMIN_PERMISSIONS = (
    MANAGE_COMPANY,
    MANAGE_CONTACTS,
    APPROVE_OFFERS,
    CREATE_OFFERS,
    VIEW_COMPANY_OFFERS,
    RECEIVE_SPONTANEOUS_APPLICATIONS,
)
COMPANY_PERMISSIONS = COMPANY_ADMIN_PERMISSIONS
SCHOOL_PERMISSIONS = (FOLLOW_STUDENTS, READ_CONFIDENTIAL_EVALUATIONS)
# Hub moderators may also decide in the Wagtail admin, where this group gives them its moderation screens.
HUB_MODERATORS_GROUP = "Hub moderators"


# Companies


def membership_permissions(membership: Membership) -> tuple[str, ...]:
    """The company permissions a membership carries."""
    if membership.role == Membership.Role.ADMIN:
        return COMPANY_ADMIN_PERMISSIONS
    return (CREATE_OFFERS,) if membership.can_create_offers else ()


def sync_membership(membership: Membership) -> None:
    """Make the stored company permissions of the member exactly those of the membership."""
    wanted = set(membership_permissions(membership))
    remove(membership.user, set(COMPANY_PERMISSIONS) - wanted, membership.organisation)
    assign(membership.user, wanted, membership.organisation)


def grant_memberships(memberships) -> None:
    """The company permissions of new `memberships`, in bulk (`sync_membership` for a membership that changes)."""
    assign_many(
        ((membership.user, membership_permissions(membership), membership.organisation) for membership in memberships),
        OrganisationUserPermission,
    )


def revoke_membership(membership: Membership) -> None:
    """Remove every permission the member held on the company and on its offers."""
    remove(membership.user, COMPANY_PERMISSIONS, membership.organisation)
    OfferUserPermission.objects.filter(user=membership.user, content_object__company=membership.organisation).delete()


def is_company_admin(user, company) -> bool:
    return can(user, MANAGE_COMPANY, company)


# Hubs


def grant_hub_moderation(moderator) -> None:
    """A hub moderator validates the hub's offers, from the workspace, the API or the Wagtail admin."""
    assign(moderator.user, (MODERATE_OFFERS,), moderator.hub)
    group, _created = Group.objects.get_or_create(name=HUB_MODERATORS_GROUP)
    moderator.user.groups.add(group)


def revoke_hub_moderation(moderator) -> None:
    remove(moderator.user, (MODERATE_OFFERS,), moderator.hub)
    if not moderator.user.hub_roles.exclude(pk=moderator.pk).exists():
        moderator.user.groups.remove(*Group.objects.filter(name=HUB_MODERATORS_GROUP))


# Training organisations


def school_staff_permissions(staff: SchoolStaff) -> tuple[str, ...]:
    """Every staff member follows the students in scope; only a programme head reads confidential evaluations."""
    if staff.role == SchoolStaff.Role.PROGRAMME_HEAD:
        return SCHOOL_PERMISSIONS
    return (FOLLOW_STUDENTS,)


def grant_school_staff(staff: SchoolStaff) -> None:
    assign(staff.user, school_staff_permissions(staff), staff.programme or staff.school)


def revoke_school_staff(staff: SchoolStaff) -> None:
    """Remove what this role granted, keeping what the person's other roles on the same target grant."""
    target = staff.programme or staff.school
    others = SchoolStaff.objects.filter(user=staff.user, school=staff.school, programme=staff.programme).exclude(
        pk=staff.pk
    )
    kept = {perm for other in others for perm in school_staff_permissions(other)}
    remove(staff.user, set(SCHOOL_PERMISSIONS) - kept, target)


def is_student(user) -> bool:
    return is_active(user) and Student.objects.filter(user=user).exists()


# What a person holds, for their own account page and the API's `GET /me`


def _held_codenames(user, permission_model) -> dict[int, list[str]]:
    if not is_active(user):
        return {}
    scopes: dict[int, list[str]] = {}
    rows = (
        permission_model.objects.filter(user=user)
        .values_list("content_object_id", "permission__codename")
        .order_by("content_object_id", "permission__codename")
    )
    for object_id, name in rows:
        scopes.setdefault(object_id, []).append(name)
    return scopes


def organisation_permissions(user) -> dict[int, list[str]]:
    """{organisation id: [permission codenames]} for every organisation the user holds a permission on."""
    return _held_codenames(user, OrganisationUserPermission)


def programme_permissions(user) -> dict[int, list[str]]:
    """{programme id: [permission codenames]} for staff whose role is limited to programmes."""
    return _held_codenames(user, ProgrammeUserPermission)
