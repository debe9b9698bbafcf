"""Offers: who sees them (targeting, the company's workspace, the hub's queue) and who takes each action.

A live offer is read by its audience: everybody when it is not targeted; when it is, the students its
targeting admits and the company's own people. An offer that is not live is known only to those who
work on it. Every rule is also written as a `Q` over `OfferPage`, so that lists are filtered in the
database, never by asking row by row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from cms_pages.models import OfferPage, OrganisationPage
from portal.access.core import EVERYTHING, NOTHING, assign, assign_many, can, codename, held, is_active
from portal.access.organisations import (
    APPROVE_OFFERS,
    CREATE_OFFERS,
    MANAGE_COMPANY,
    MODERATE_OFFERS,
    RECEIVE_SPONTANEOUS_APPLICATIONS,
    VIEW_COMPANY_OFFERS,
)
from portal.accounts.models import (
    Membership,
    OfferUserPermission,
    OrganisationUserPermission,
    User,
    organisation_roles_q,
)
from portal.exceptions import InvalidTransition, NotVisible
from portal.followup.models import Internship
from portal.reference.choices import OfferStatus
from workflows.lifecycle import (
    ACTION_LABELS,
    ACTIONS,
    APPROVAL_ACTIONS,
    AUTHOR_ACTIONS,
    author_may_while,
    status_allows,
)

# On an offer
MANAGE_OFFER = "cms_pages.manage_offer"
VIEW_OFFER_APPLICATIONS = "cms_pages.view_offer_applications"
OFFER_AUTHOR_PERMISSIONS = (MANAGE_OFFER, VIEW_OFFER_APPLICATIONS)
# A hub sees its companies' offers once the company validated them.
BEFORE_HUB = (OfferStatus.DRAFT, OfferStatus.AWAITING_COMPANY_VALIDATION)


def grant_author(user, offer: OfferPage) -> None:
    """The author of an offer manages it and receives its applications."""
    assign(user, OFFER_AUTHOR_PERMISSIONS, offer)


def grant_authors(pairs) -> None:
    """`grant_author` for each `(user, offer)` of `pairs`, in bulk (new offers: the demo data at scale)."""
    assign_many(((user, OFFER_AUTHOR_PERMISSIONS, offer) for user, offer in pairs), OfferUserPermission)


# Who sees which offer


def workspace_q(user) -> Q:
    """The offers a person works on (any status): administrators, every offer of their companies; secondary
    contacts, the offers they wrote; hub moderators, the offers of the hub's companies once the company
    validated them."""
    if not is_active(user):
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    return (
        Q(company__in=held(user, VIEW_COMPANY_OFFERS, OrganisationUserPermission))
        | Q(pk__in=held(user, MANAGE_OFFER, OfferUserPermission))
        | (
            Q(company__reference_hub__in=held(user, MODERATE_OFFERS, OrganisationUserPermission))
            & ~Q(status__in=BEFORE_HUB)
        )
    )


def company_lists_q(user) -> Q:
    """The offers a person finds in their companies' own lists (the workspace tabs, the API's company offers): the
    offers they work on (`workspace_q`) and, as a member of the company, every offer a colleague has published,
    targeted or not. A colleague's offer that was never published stays between its author and the validators."""
    if not is_active(user):
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    return workspace_q(user) | Q(
        company__in=Membership.objects.filter(user=user).values("organisation_id"), first_published_at__isnull=False
    )


def awaiting_decision_q(user) -> Q:
    """Offers awaiting this person's decision: company validations for administrators, hub validations for
    moderators."""
    if not is_active(user):
        return NOTHING
    if user.is_superuser:
        return Q(status__in=[OfferStatus.AWAITING_COMPANY_VALIDATION, OfferStatus.AWAITING_HUB_VALIDATION])
    return Q(
        status=OfferStatus.AWAITING_COMPANY_VALIDATION,
        company__in=held(user, APPROVE_OFFERS, OrganisationUserPermission),
    ) | Q(
        status=OfferStatus.AWAITING_HUB_VALIDATION,
        company__reference_hub__in=held(user, MODERATE_OFFERS, OrganisationUserPermission),
    )


# An offer's target lists: its audience narrowed to some countries, training organisations, programmes.
TARGET_LISTS = ("target_countries", "target_organisations", "target_programmes")


def _list_entries(field_name: str) -> QuerySet:
    """The entries of every offer's target list `field_name` (one of `TARGET_LISTS`)."""
    return getattr(OfferPage, field_name).through.objects.all()


def _targets(field_name: str):
    return _list_entries(field_name).filter(offerpage=OuterRef("pk"))


def _admits(field_name: str, **theirs) -> Q:
    """The offers whose target list `field_name` is empty or holds `theirs`: those with no entry in a list that does
    not hold it."""
    holding_theirs = _list_entries(field_name).filter(offerpage=OuterRef("offerpage"), **theirs)
    return ~Exists(_targets(field_name).filter(~Exists(holding_theirs)))


def untargeted_q() -> Q:
    return (
        ~Exists(_targets("target_countries"))
        & ~Exists(_targets("target_organisations"))
        & ~Exists(_targets("target_programmes"))
    )


def untargeted_pages(pages: QuerySet, *, searched: bool = False) -> QuerySet:
    """`pages`, of any type, without the targeted offers (Wagtail's page API, which knows no audience).

    `untargeted_q`'s anti-joins let the database walk the pages in tree order and stop at the page asked for. A
    search engine reads only plain lookups in the query it searches (`searched`): there, the offers of each target
    list are left out by id, three small lists the database hashes once."""
    if not searched:
        return pages.filter(untargeted_q())
    for field_name in TARGET_LISTS:
        pages = pages.exclude(pk__in=_list_entries(field_name).values("offerpage_id"))
    return pages


def _school_country(student) -> QuerySet:
    """The country of `student`'s school (a query of one value)."""
    return OrganisationPage.objects.filter(pk=student.school_id).values_list("country_id", flat=True)


def audience_q(user) -> Q:
    """The offers whose targeting admits `user`.

    An untargeted offer admits everybody. A targeted one narrows its audience by degrees (country, then
    training organisation, then programme): a student is admitted when every non-empty target list holds
    their school's country, their school and their programme. The company's own people always are: those who
    work on the offer and the members of its company (`company_lists_q`).
    """
    if not is_active(user):
        return untargeted_q()
    student = getattr(user, "student", None)
    if student is None:
        audience = untargeted_q()
    else:
        # Each list admits the student when it is empty or holds theirs: three conditions the database joins once
        # each, as it does the public's (an OR of subqueries would be asked offer by offer). An untargeted offer has
        # every list empty: the student's part holds it already.
        # The school's country in the same statement: the school itself is not read.
        school_country = _school_country(student)
        audience = (
            _admits("target_countries", country_id__in=school_country)
            & _admits("target_organisations", organisationpage_id=student.school_id)
            & _admits("target_programmes", programme_id=student.programme_id)
        )
    # A person read for the request knows whether they hold a role in an organisation: without one, no company's
    # lists hold anything for them, and their part of the query (four subqueries, one join) is left out.
    if user.is_superuser or getattr(user, "has_organisation_roles", True):
        audience |= company_lists_q(user)
    return audience


PUBLIC_AUDIENCE = "public"


def audience_key(user) -> str | None:
    """A name for the offers `audience_q` admits `user` to, shared by every person it admits to the same offers, so
    that what one of them finds may be kept for all: the public's (a visitor, an account not signed in or not
    active); a programme's, for a student with no role in any organisation (the targeting reads their school, its
    country and their programme alone); None for anyone else (a company's people find their own lists too).

    No query when the person was read for the request (`accounts.selectors.person_for_request`), one otherwise."""
    if not is_active(user):
        return PUBLIC_AUDIENCE
    if user.is_superuser:
        return None
    student = getattr(user, "student", None)
    if student is None:
        return None
    roles = getattr(user, "has_organisation_roles", None)
    if roles is None:
        roles = User.objects.filter(organisation_roles_q(OuterRef("pk")), pk=user.pk).exists()
    if roles:
        return None
    return f"students:{student.school_id}:{student.programme_id}"


def audience_entries(user) -> dict[str, object]:
    """For a person of an `audience_key`: the entry each target list must hold to admit them ({list: entry}, as
    `audience_q` reads them: their school's country, their school, their programme); none for the public, whom
    only the offers without targeting admit. No query for a student read for the request
    (`accounts.selectors.person_for_request`: it holds their school's country), one otherwise."""
    student = getattr(user, "student", None) if is_active(user) else None
    if student is None:
        return {}
    held = hasattr(student, "school_country_id")
    country = student.school_country_id if held else _school_country(student).first()
    return {
        "target_countries": country,
        "target_organisations": student.school_id,
        "target_programmes": student.programme_id,
    }


def admitted(empty: dict[str, int], holding: dict[str, int]) -> int:
    """`audience_q`'s rule over sets of offers held as bit masks (`cms_pages.offer_index`): given for each target list
    the offers whose list is empty (`empty`) and those whose list holds the person's entry (`holding`; none when they
    have no entry), the offers whose every list is empty or holds theirs. The public, with no entry, is admitted to
    the offers whose lists are all empty: those without targeting."""
    result = None
    for name in TARGET_LISTS:
        term = empty[name] | holding.get(name, 0)
        result = term if result is None else result & term
    return result


def searchable_q(user) -> Q:
    """What the public search lists for `user`: the offers online (a renewed offer stays online with its approved
    version while the new one is moderated) that their targeting admits."""
    return Q(live=True) & audience_q(user)


def in_workspace(user, offer: OfferPage) -> bool:
    return OfferPage.objects.filter(workspace_q(user), pk=offer.pk).exists()


def visible(user, offer: OfferPage) -> bool:
    """May the person know that this offer exists? Live offers: their audience; others: the company's workspace."""
    if offer.live and not offer.is_targeted:
        return True
    if offer.live:
        return OfferPage.objects.filter(audience_q(user), pk=offer.pk).exists()
    return in_workspace(user, offer)


# Who decides at each moderation step (asked by the workflow's tasks, in the workspace, the API and the Wagtail admin)


def approves_for_company(user, offer: OfferPage) -> bool:
    """The company step: the administrators of the offer's company."""
    return can(user, APPROVE_OFFERS, offer.company)


def approves_for_hub(user, offer: OfferPage) -> bool:
    """The hub step: the moderators of the company's reference hub."""
    hub = offer.company.reference_hub
    return hub is not None and can(user, MODERATE_OFFERS, hub)


def company_step_q(user) -> Q:
    """The offers whose company step `user` decides."""
    if not is_active(user):
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    return Q(company__in=held(user, APPROVE_OFFERS, OrganisationUserPermission))


def hub_step_q(user) -> Q:
    """The offers whose hub step `user` decides."""
    if not is_active(user):
        return NOTHING
    if user.is_superuser:
        return Q(company__reference_hub__isnull=False)
    return Q(company__reference_hub__in=held(user, MODERATE_OFFERS, OrganisationUserPermission))


# Who takes which action


def can_create(user, company) -> bool:
    return can(user, CREATE_OFFERS, company)


@dataclass(frozen=True)
class Workspace:
    """What a person may do in a company's workspace, read once for a whole list (a constant number of queries)."""

    member: bool = False
    admin: bool = False
    approver: bool = False
    can_create: bool = False
    spontaneous: bool = False
    hub_moderator: bool = False
    # A company tutor of one of the company's internships (for the company menu, read with the roles).
    tutors: bool = False
    authored: frozenset[int] = field(default_factory=frozenset)

    @property
    def opens(self) -> bool:
        """Does the person have a workspace in this company at all (else: 404)? Administrators, hub moderators,
        authors of its offers, and contacts allowed to create offers (who may have none yet)."""
        return self.admin or self.hub_moderator or self.can_create or bool(self.authored)

    def may(self, action: str, offer: OfferPage) -> bool:
        """May the person take `action` on `offer` (one of this company's), whatever its status?"""
        if action in APPROVAL_ACTIONS:
            if offer.status == OfferStatus.AWAITING_HUB_VALIDATION:
                return self.hub_moderator
            if offer.status == OfferStatus.AWAITING_COMPANY_VALIDATION:
                return self.approver
            return self.approver or self.hub_moderator
        if action not in AUTHOR_ACTIONS:
            return False
        return self.admin or (offer.pk in self.authored and self.can_create)

    def actions(self, offer: OfferPage) -> list[str]:
        """The buttons of one offer: the actions its status allows and the person may take."""
        return [
            action
            for action in ACTIONS
            if status_allows(offer.status, action)
            and (self.admin or author_may_while(offer.status, action))
            and self.may(action, offer)
        ]

    def may_publish(self, offer: OfferPage | None = None) -> bool:
        """Does the offer form offer « Publier » (save and submit for validation in one step) beside « Enregistrer
        le brouillon »? For a new offer, whoever may write one (they become its author); for a draft, whoever may
        submit it."""
        if offer is None:
            return self.can_create
        return "submit" in self.actions(offer)


def _holds(user, perm: str, target) -> Exists:
    return Exists(
        OrganisationUserPermission.objects.filter(user=user, permission__codename=codename(perm), content_object=target)
    )


FLAGS = ("member", "admin", "approver", "can_create", "spontaneous", "hub_moderator", "tutors")


def _flags(user) -> dict:
    """The person's roles in a company, as annotations of the company's row (`workspace_flag_<name>`)."""
    flags = {
        "member": Exists(Membership.objects.filter(user=user, organisation=OuterRef("pk"))),
        "admin": _holds(user, MANAGE_COMPANY, OuterRef("pk")),
        "approver": _holds(user, APPROVE_OFFERS, OuterRef("pk")),
        "can_create": _holds(user, CREATE_OFFERS, OuterRef("pk")),
        "spontaneous": _holds(user, RECEIVE_SPONTANEOUS_APPLICATIONS, OuterRef("pk")),
        "hub_moderator": _holds(user, MODERATE_OFFERS, OuterRef("reference_hub")),
        "tutors": Exists(Internship.objects.filter(company_tutor=user, company_id=OuterRef("pk"))),
    }
    return {f"workspace_flag_{name}": condition for name, condition in flags.items()}


def _authored(user, company) -> frozenset[int]:
    if user.is_superuser:
        return frozenset(OfferPage.objects.filter(company=company).values_list("pk", flat=True))
    return frozenset(
        OfferUserPermission.objects.filter(
            user=user, permission__codename=codename(MANAGE_OFFER), content_object__company=company
        ).values_list("content_object_id", flat=True)
    )


def _capabilities(user, company, flags: dict) -> Workspace:
    if user.is_superuser:
        return Workspace(**dict.fromkeys(FLAGS, True), authored=_authored(user, company))
    return Workspace(**flags, authored=_authored(user, company))


def workspace(user, company) -> Workspace:
    """The person's capabilities in `company`'s workspace, in two queries (their roles there, their offers)."""
    if not is_active(user):
        return Workspace()
    flags = {}
    if not user.is_superuser:
        row = OrganisationPage.objects.filter(pk=company.pk).annotate(**_flags(user)).values(*_flags(user)).first()
        flags = {name: row[f"workspace_flag_{name}"] for name in FLAGS} if row else {}
    return _capabilities(user, company, flags)


def company_workspace(user, companies, company_id: int) -> tuple[OrganisationPage, Workspace] | None:
    """The company numbered `company_id` among `companies` and the person's capabilities in its workspace, the
    company read with the person's roles there (two queries in all); None when there is no such company."""
    rows = companies.filter(pk=company_id)
    if is_active(user) and not user.is_superuser:
        rows = rows.annotate(**_flags(user))
    company = rows.first()
    if company is None:
        return None
    if not is_active(user):
        return company, Workspace()
    flags = {}
    if not user.is_superuser:
        flags = {name: getattr(company, f"workspace_flag_{name}") for name in FLAGS}
    return company, _capabilities(user, company, flags)


def may_take(user, action: str, offer: OfferPage) -> bool:
    """May `user` take `action` on `offer`, its status aside (the services answer 409 for the status)?

    - approve / request-changes: the company's administrators at the company step, the reference hub's
      moderators at the hub step;
    - every other action: the company's administrators, or the author while they may create offers.
    """
    company = offer.company
    if action in APPROVAL_ACTIONS:
        hub = company.reference_hub
        moderator = hub is not None and can(user, MODERATE_OFFERS, hub)
        if offer.status == OfferStatus.AWAITING_HUB_VALIDATION:
            return moderator
        if offer.status == OfferStatus.AWAITING_COMPANY_VALIDATION:
            return can(user, APPROVE_OFFERS, company)
        return can(user, APPROVE_OFFERS, company) or moderator
    if action not in AUTHOR_ACTIONS:
        return False
    if can(user, MANAGE_COMPANY, company):
        return True
    return can(user, MANAGE_OFFER, offer) and can(user, CREATE_OFFERS, company)


def require_action(user, action: str, offer: OfferPage) -> None:
    """May `user` take `action` on `offer` now? 404 outside the offer's audience, 403 inside it without the right,
    409 when the offer's status does not allow the action, 403 for an author acting on an offer that their
    administrator has not validated yet."""
    if not visible(user, offer):
        raise NotVisible
    if not may_take(user, action, offer):
        raise PermissionDenied
    if not status_allows(offer.status, action):
        raise InvalidTransition(
            _("“%(action)s” is not allowed while the offer is “%(status)s”.")
            % {"action": ACTION_LABELS.get(action, action), "status": offer.get_status_display()}
        )
    if not (author_may_while(offer.status, action) or can(user, MANAGE_COMPANY, offer.company)):
        raise PermissionDenied


def actions(user, offer: OfferPage) -> list[str]:
    """The actions `user` may take on `offer` now (status and right)."""
    return workspace(user, offer.company).actions(offer)


def workspaces(user, company_ids) -> dict[int, Workspace]:
    """The person's capabilities in each of the companies `company_ids`, in two queries whatever their number (the
    buttons of a list of offers from many companies, such as a hub's moderation queue)."""
    ids = set(company_ids)
    if not ids or not is_active(user):
        return {pk: Workspace() for pk in ids}
    authored: dict[int, set[int]] = {pk: set() for pk in ids}
    if user.is_superuser:
        for company_id, offer_id in OfferPage.objects.filter(company__in=ids).values_list("company_id", "pk"):
            authored[company_id].add(offer_id)
        everything = dict.fromkeys(FLAGS, True)
        return {pk: Workspace(**everything, authored=frozenset(authored[pk])) for pk in ids}
    flags = _flags(user)
    rows = OrganisationPage.objects.filter(pk__in=ids).annotate(**flags).values("pk", *flags)
    for company_id, offer_id in OfferUserPermission.objects.filter(
        user=user, permission__codename=codename(MANAGE_OFFER), content_object__company__in=ids
    ).values_list("content_object__company_id", "content_object_id"):
        authored[company_id].add(offer_id)
    found = {row.pop("pk"): {name: row[f"workspace_flag_{name}"] for name in FLAGS} for row in rows}
    return {pk: Workspace(**found.get(pk, {}), authored=frozenset(authored[pk])) for pk in ids}
