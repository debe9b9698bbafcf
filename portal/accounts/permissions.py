"""Who may do what to which object: the one place the portal decides access.

Every object permission of the portal is named here. Views, API permission classes and services
ask `can`, `require` or `visible`; nothing else calls guardian. The services that create, change
or remove a role call the `grant_*` / `revoke_*` functions below so that the stored object
permissions always follow the roles.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from portal.exceptions import NotVisible

# On a company (OrganisationPage of kind "company")
MANAGE_COMPANY = "cms_pages.manage_company"
MANAGE_CONTACTS = "cms_pages.manage_contacts"
APPROVE_OFFERS = "cms_pages.approve_offers"
CREATE_OFFERS = "cms_pages.create_offers"
VIEW_COMPANY_OFFERS = "cms_pages.view_company_offers"
RECEIVE_SPONTANEOUS_APPLICATIONS = "cms_pages.receive_spontaneous_applications"
# On an offer
MANAGE_OFFER = "cms_pages.manage_offer"
VIEW_OFFER_APPLICATIONS = "cms_pages.view_offer_applications"
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
OFFER_AUTHOR_PERMISSIONS = (MANAGE_OFFER, VIEW_OFFER_APPLICATIONS)
SCHOOL_PERMISSIONS = (FOLLOW_STUDENTS, READ_CONFIDENTIAL_EVALUATIONS)


def _codename(perm: str) -> str:
    return perm.split(".", 1)[1]


def can(user, perm: str, obj: Model) -> bool:
    """May `user` use `perm` on `obj`? Inactive and anonymous users may not; superusers may."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.has_perm(perm, obj)


def require(user, perm: str, obj: Model, *, visible_to_user: bool = True) -> None:
    """Raise unless `user` may use `perm` on `obj`.

    `visible_to_user` says whether the caller may know that `obj` exists: if not, the refusal is
    `NotVisible` (answered 404), so a private object's existence is never revealed.
    """
    if can(user, perm, obj):
        return
    if not visible_to_user:
        raise NotVisible
    raise PermissionDenied


def visible(user, perm: str, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` on which `user` holds `perm`, filtered in the database."""
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    return get_objects_for_user(user, perm, queryset, accept_global_perms=False, with_superuser=True)


def _assign(user, perms: Iterable[str], obj: Model) -> None:
    for perm in perms:
        assign_perm(_codename(perm), user, obj)


def _remove(user, perms: Iterable[str], obj: Model) -> None:
    for perm in perms:
        remove_perm(_codename(perm), user, obj)


def membership_permissions(membership) -> tuple[str, ...]:
    """The company permissions a membership carries."""
    if membership.role == membership.Role.ADMIN:
        return COMPANY_ADMIN_PERMISSIONS
    return (CREATE_OFFERS,) if membership.can_create_offers else ()


def sync_membership(membership) -> None:
    """Make the stored company permissions of the member exactly those of the membership."""
    wanted = set(membership_permissions(membership))
    _remove(membership.user, set(COMPANY_PERMISSIONS) - wanted, membership.organisation)
    _assign(membership.user, wanted, membership.organisation)


def revoke_membership(membership) -> None:
    """Remove every permission the member held on the company and on its offers."""
    from portal.accounts.models import OfferUserPermission

    _remove(membership.user, COMPANY_PERMISSIONS, membership.organisation)
    OfferUserPermission.objects.filter(user=membership.user, content_object__company=membership.organisation).delete()


def grant_offer_author(user, offer) -> None:
    """The author of an offer manages it and receives its applications."""
    _assign(user, OFFER_AUTHOR_PERMISSIONS, offer)


def grant_hub_moderation(moderator) -> None:
    """A hub moderator validates the hub's offers, from the workspace, the API or the Wagtail admin."""
    from django.contrib.auth.models import Group

    _assign(moderator.user, (MODERATE_OFFERS,), moderator.hub)
    group, _created = Group.objects.get_or_create(name=HUB_MODERATORS_GROUP)
    moderator.user.groups.add(group)


def revoke_hub_moderation(moderator) -> None:
    from django.contrib.auth.models import Group

    _remove(moderator.user, (MODERATE_OFFERS,), moderator.hub)
    if not moderator.user.hub_roles.exclude(pk=moderator.pk).exists():
        moderator.user.groups.remove(*Group.objects.filter(name=HUB_MODERATORS_GROUP))


def school_staff_permissions(staff) -> tuple[str, ...]:
    """Every staff member follows the students in scope; only a programme head reads confidential evaluations."""
    if staff.role == staff.Role.PROGRAMME_HEAD:
        return SCHOOL_PERMISSIONS
    return (FOLLOW_STUDENTS,)


def grant_school_staff(staff) -> None:
    _assign(staff.user, school_staff_permissions(staff), staff.programme or staff.school)


def revoke_school_staff(staff) -> None:
    """Remove what this role granted, keeping what the person's other roles on the same target grant."""
    from portal.accounts.models import SchoolStaff

    target = staff.programme or staff.school
    others = SchoolStaff.objects.filter(user=staff.user, school=staff.school, programme=staff.programme).exclude(
        pk=staff.pk
    )
    kept = {perm for other in others for perm in school_staff_permissions(other)}
    _remove(staff.user, set(SCHOOL_PERMISSIONS) - kept, target)


def programme_permissions(user) -> dict[int, list[str]]:
    """{programme id: [permission codenames]} for staff whose role is limited to programmes."""
    from portal.accounts.models import ProgrammeUserPermission

    if not user.is_authenticated:
        return {}
    scopes: dict[int, list[str]] = {}
    rows = (
        ProgrammeUserPermission.objects.filter(user=user)
        .values_list("content_object_id", "permission__codename")
        .order_by("content_object_id", "permission__codename")
    )
    for programme_id, codename in rows:
        scopes.setdefault(programme_id, []).append(codename)
    return scopes


def organisation_permissions(user) -> dict[int, list[str]]:
    """{organisation id: [permission codenames]} for every organisation the user holds a permission on."""
    from portal.accounts.models import OrganisationUserPermission

    if not user.is_authenticated:
        return {}
    scopes: dict[int, list[str]] = {}
    rows = (
        OrganisationUserPermission.objects.filter(user=user)
        .values_list("content_object_id", "permission__codename")
        .order_by("content_object_id", "permission__codename")
    )
    for organisation_id, codename in rows:
        scopes.setdefault(organisation_id, []).append(codename)
    return scopes


# Offers: who sees them in a workspace, and who may take each lifecycle action.

HUB_MODERATORS_GROUP = "Hub moderators"
AUTHOR_ACTIONS = ("edit", "submit", "cancel", "renew", "duplicate", "unpublish", "fill", "archive")
APPROVAL_ACTIONS = ("approve", "request-changes")


def is_company_admin(user, company) -> bool:
    return can(user, MANAGE_COMPANY, company)


def _held(user, perm: str, model):
    """Ids of the objects on which `user` holds `perm`, as a subquery (no query is run here)."""
    return model.objects.filter(user=user, permission__codename=_codename(perm)).values("content_object_id")


def offer_workspace_q(user):
    """The offers a user works on (any status), as a Q over OfferPage, decided in the database.

    Administrators: every offer of their companies. Secondary contacts: the offers they wrote.
    Hub moderators: the offers of the hub's companies once the company validated them.
    """
    from django.db.models import Q

    from portal.accounts.models import OfferUserPermission, OrganisationUserPermission
    from portal.reference.choices import OfferStatus

    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    return (
        Q(company__in=_held(user, VIEW_COMPANY_OFFERS, OrganisationUserPermission))
        | Q(pk__in=_held(user, MANAGE_OFFER, OfferUserPermission))
        | (
            Q(company__reference_hub__in=_held(user, MODERATE_OFFERS, OrganisationUserPermission))
            & ~Q(status__in=[OfferStatus.DRAFT, OfferStatus.AWAITING_COMPANY_VALIDATION])
        )
    )


def offers_awaiting_decision_q(user):
    """Offers awaiting this user's decision: company validations for administrators, hub validations for moderators."""
    from django.db.models import Q

    from portal.accounts.models import OrganisationUserPermission
    from portal.reference.choices import OfferStatus

    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q(status__in=[OfferStatus.AWAITING_COMPANY_VALIDATION, OfferStatus.AWAITING_HUB_VALIDATION])
    return Q(
        status=OfferStatus.AWAITING_COMPANY_VALIDATION,
        company__in=_held(user, APPROVE_OFFERS, OrganisationUserPermission),
    ) | Q(
        status=OfferStatus.AWAITING_HUB_VALIDATION,
        company__reference_hub__in=_held(user, MODERATE_OFFERS, OrganisationUserPermission),
    )


def workspace_capabilities(user, company) -> dict:
    """What `user` may do in `company`'s workspace, read once for a whole list (constant queries)."""
    from portal.accounts.models import OfferUserPermission, OrganisationUserPermission

    targets = [company.pk, *([company.reference_hub_id] if company.reference_hub_id else [])]
    rows = OrganisationUserPermission.objects.filter(user=user, content_object_id__in=targets).values_list(
        "content_object_id", "permission__codename"
    )
    held, hub_moderator = set(), False
    for object_id, codename in rows:
        if object_id == company.pk:
            held.add(codename)
        if object_id == company.reference_hub_id and codename == _codename(MODERATE_OFFERS):
            hub_moderator = True
    authored = set(
        OfferUserPermission.objects.filter(
            user=user, permission__codename=_codename(MANAGE_OFFER), content_object__company=company
        ).values_list("content_object_id", flat=True)
    )
    superuser = bool(user.is_superuser and user.is_active)
    return {
        "admin": superuser or _codename(MANAGE_COMPANY) in held,
        "approver": superuser or _codename(APPROVE_OFFERS) in held,
        "can_create": superuser or _codename(CREATE_OFFERS) in held,
        "hub_moderator": superuser or hub_moderator,
        "authored": authored,
    }


def may_take_offer_action(capabilities: dict, action: str, offer) -> bool:
    """`can_take_offer_action` decided from `workspace_capabilities`, without a query per row."""
    from portal.reference.choices import OfferStatus

    if action in APPROVAL_ACTIONS:
        if offer.status == OfferStatus.AWAITING_HUB_VALIDATION:
            return capabilities["hub_moderator"]
        if offer.status == OfferStatus.AWAITING_COMPANY_VALIDATION:
            return capabilities["approver"]
        return capabilities["approver"] or capabilities["hub_moderator"]
    if action not in AUTHOR_ACTIONS:
        return False
    return capabilities["admin"] or (offer.pk in capabilities["authored"] and capabilities["can_create"])


def offer_in_workspace(user, offer) -> bool:
    from cms_pages.models import OfferPage

    return OfferPage.objects.filter(offer_workspace_q(user), pk=offer.pk).exists()


def offer_audience_q(user):
    """The offers whose targeting admits `user`, as a Q over OfferPage, decided in the database.

    An untargeted offer admits everybody. A targeted one narrows its audience by degrees (country, then
    training organisation, then programme): a student is admitted when every non-empty target list
    holds their school's country, their school and their programme. The company's own people (its
    workspace) always are.
    """
    from django.db.models import Exists, OuterRef

    from cms_pages.models import OfferPage

    through = {
        field: getattr(OfferPage, field).through
        for field in ("target_countries", "target_organisations", "target_programmes")
    }

    def targets(field):
        return through[field].objects.filter(offerpage=OuterRef("pk"))

    untargeted = (
        ~Exists(targets("target_countries"))
        & ~Exists(targets("target_organisations"))
        & ~Exists(targets("target_programmes"))
    )
    if user is None or not user.is_authenticated or not user.is_active:
        return untargeted
    audience = untargeted | offer_workspace_q(user)
    student = getattr(user, "student", None)
    if student is not None:
        school_country = student.school.country_id
        matching = (
            (
                ~Exists(targets("target_countries"))
                | Exists(targets("target_countries").filter(country_id=school_country))
            )
            & (
                ~Exists(targets("target_organisations"))
                | Exists(targets("target_organisations").filter(organisationpage_id=student.school_id))
            )
            & (
                ~Exists(targets("target_programmes"))
                | Exists(targets("target_programmes").filter(programme_id=student.programme_id))
            )
        )
        audience |= matching
    return audience


def offer_visible(user, offer) -> bool:
    """May the user know that this offer exists? Live offers: their audience; others: the company's workspace."""
    from cms_pages.models import OfferPage

    if offer.live and not offer.is_targeted:
        return True
    if offer.live:
        return OfferPage.objects.filter(offer_audience_q(user), pk=offer.pk).exists()
    return offer_in_workspace(user, offer)


def can_create_offer(user, company) -> bool:
    return can(user, CREATE_OFFERS, company)


def can_take_offer_action(user, action: str, offer) -> bool:
    """May `user` take `action` on `offer`? (Whether the offer's status allows it is the services' call.)

    - approve / request-changes: the company's administrators at the company step, the reference
      hub's moderators at the hub step (the services refuse the other steps);
    - every other action: the company's administrators, or the author while they may create offers.
    """
    from portal.reference.choices import OfferStatus

    company = offer.company
    if action in APPROVAL_ACTIONS:
        hub = company.reference_hub
        if offer.status == OfferStatus.AWAITING_HUB_VALIDATION:
            return hub is not None and can(user, MODERATE_OFFERS, hub)
        if offer.status == OfferStatus.AWAITING_COMPANY_VALIDATION:
            return can(user, APPROVE_OFFERS, company)
        return can(user, APPROVE_OFFERS, company) or (hub is not None and can(user, MODERATE_OFFERS, hub))
    if action not in AUTHOR_ACTIONS:
        return False
    if is_company_admin(user, company):
        return True
    return can(user, MANAGE_OFFER, offer) and can(user, CREATE_OFFERS, company)


def require_offer_action(user, action: str, offer) -> None:
    """404 outside the offer's audience, 403 inside it without the right."""
    if not offer_visible(user, offer):
        raise NotVisible
    if not can_take_offer_action(user, action, offer):
        raise PermissionDenied


# Applications: the company side manages them, the school staff follow their students', a student owns theirs.


def applications_company_q(user):
    """The applications the company side of `user` receives and manages, as a Q over Application.

    Offers: the company's administrators (every offer) and each offer's author. Spontaneous
    applications: the administrators alone.
    """
    from django.db.models import Q

    from portal.accounts.models import OfferUserPermission, OrganisationUserPermission

    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    return (
        Q(
            offer__isnull=False,
            company__in=_held(user, VIEW_COMPANY_OFFERS, OrganisationUserPermission),
        )
        | Q(offer__in=_held(user, VIEW_OFFER_APPLICATIONS, OfferUserPermission))
        | Q(
            offer__isnull=True,
            company__in=_held(user, RECEIVE_SPONTANEOUS_APPLICATIONS, OrganisationUserPermission),
        )
    )


def applications_school_q(user):
    """The applications of the students that `user` follows as school staff (read only), as a Q."""
    from django.db.models import Q

    from portal.accounts.models import OrganisationUserPermission, ProgrammeUserPermission

    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    return Q(student__student__school__in=_held(user, FOLLOW_STUDENTS, OrganisationUserPermission)) | Q(
        student__student__programme__in=_held(user, FOLLOW_STUDENTS, ProgrammeUserPermission)
    )


def applications_visible_q(user):
    """Every application `user` may read: their own, the company side's, their followed students'."""
    from django.db.models import Q

    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    return Q(student=user) | applications_company_q(user) | applications_school_q(user)


def _application_matches(user, q, application) -> bool:
    from portal.recruitment.models import Application

    return Application.objects.filter(q, pk=application.pk).exists()


def can_read_application(user, application) -> bool:
    return _application_matches(user, applications_visible_q(user), application)


def can_manage_application(user, application) -> bool:
    """May `user` act for the company on this application (read it, change its status, write to the student)?"""
    return _application_matches(user, applications_company_q(user), application)


def can_read_application_messages(user, application) -> bool:
    """The messages between the company and the student are theirs: not the school staff's."""
    return application.student_id == getattr(user, "pk", None) or can_manage_application(user, application)


def require_application_messages_reader(user, application) -> None:
    """404 outside the application's readers, 403 for readers who are neither the student nor the company side."""
    require_application_reader(user, application)
    if not can_read_application_messages(user, application):
        raise PermissionDenied


def require_application_reader(user, application) -> None:
    """404 unless the user may read the application (its existence is private)."""
    if not can_read_application(user, application):
        raise NotVisible


def require_application_manager(user, application) -> None:
    """404 outside the application's readers, 403 for readers who may not act for the company."""
    require_application_reader(user, application)
    if not can_manage_application(user, application):
        raise PermissionDenied


def application_recipients(application):
    """Who receives a new application: the offer's author, or the administrators (spontaneous, or no author)."""
    from portal.accounts.models import Membership, User

    offer = application.offer if application.offer_id else None
    if offer is not None and offer.author_id and can(offer.author, VIEW_OFFER_APPLICATIONS, offer):
        return [offer.author]
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=application.company_id,
            memberships__role=Membership.Role.ADMIN,
        )
    )


def followers_of(student_user):
    """The school staff who follow `student_user`: the whole school's staff and their programme's."""
    from django.db.models import Q

    from portal.accounts.models import User

    student = getattr(student_user, "student", None)
    if student is None:
        return []
    scope = Q(school_roles__school_id=student.school_id, school_roles__programme__isnull=True)
    if student.programme_id:
        scope |= Q(school_roles__programme_id=student.programme_id)
    return list(User.objects.filter(scope, is_active=True).distinct())


def is_student(user) -> bool:
    from portal.accounts.models import Student

    return bool(user and user.is_authenticated and Student.objects.filter(user=user).exists())


def company_applications_scope(user, company) -> dict:
    """What `user` sees of `company`'s applications: {"member", "spontaneous"}, read in one query.

    Members (administrators, secondary contacts) see the applications they receive; administrators
    alone receive the spontaneous ones. Anybody else has no page there (404).
    """
    from portal.accounts.models import Membership

    if user is None or not user.is_authenticated or not user.is_active:
        return {"member": False, "spontaneous": False}
    if user.is_superuser:
        return {"member": True, "spontaneous": True}
    member = Membership.objects.filter(user=user, organisation=company).exists()
    return {"member": member, "spontaneous": member and can(user, RECEIVE_SPONTANEOUS_APPLICATIONS, company)}
