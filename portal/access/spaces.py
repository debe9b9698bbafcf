"""What a person's space shows: the company member's menu and quick access, drawn from the same rules as the pages.

A link is shown exactly when its page opens: the menus ask these capabilities, and so do the pages and the API.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from portal.access.core import codename, is_active
from portal.access.offers import MANAGE_OFFER, Workspace, workspace
from portal.access.organisations import CREATE_OFFERS, MANAGE_COMPANY, RECEIVE_SPONTANEOUS_APPLICATIONS
from portal.accounts.models import Membership, OfferUserPermission, OrganisationUserPermission


@dataclass(frozen=True)
class CompanySpace:
    """A person's space in one company: nothing at all unless they are a member of it."""

    company: object
    member: bool = False
    admin: bool = False
    can_create: bool = False
    has_offers: bool = False
    spontaneous: bool = False

    @property
    def publishes(self) -> bool:
        """« Diffuser mes offres »: the offer workspace opens (administrators, contacts allowed to create offers,
        authors of offers)."""
        return self.member and (self.admin or self.can_create or self.has_offers)

    @property
    def receives_applications(self) -> bool:
        """« Consulter les réponses à mes offres »: for those who have offers or may write them."""
        return self.publishes

    @property
    def searches_cvbook(self) -> bool:
        """« Accéder aux meilleurs profils »: every member of the company searches the CV book for it."""
        return self.member

    @property
    def manages_company(self) -> bool:
        """« Mon entreprise » and the secondary contacts."""
        return self.member and self.admin


def _holds(user, perm: str, company_ref) -> Exists:
    return Exists(
        OrganisationUserPermission.objects.filter(
            user=user, permission__codename=codename(perm), content_object_id=company_ref
        )
    )


def company_spaces(user) -> list[CompanySpace]:
    """The spaces of every company `user` is a member of, by company name, in one query."""
    if not is_active(user):
        return []
    company = OuterRef("organisation_id")
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .annotate(
            holds_admin=_holds(user, MANAGE_COMPANY, company),
            holds_create=_holds(user, CREATE_OFFERS, company),
            holds_spontaneous=_holds(user, RECEIVE_SPONTANEOUS_APPLICATIONS, company),
            has_offers=Exists(
                OfferUserPermission.objects.filter(
                    user=user, permission__codename=codename(MANAGE_OFFER), content_object__company_id=company
                )
            ),
        )
        .order_by("organisation__title")
    )
    superuser = user.is_superuser
    return [
        CompanySpace(
            company=membership.organisation,
            member=True,
            admin=superuser or membership.holds_admin,
            can_create=superuser or membership.holds_create,
            has_offers=membership.has_offers,
            spontaneous=superuser or membership.holds_spontaneous,
        )
        for membership in memberships
    ]


def company_space(user, company, capabilities: Workspace | None = None) -> CompanySpace:
    """The person's space in `company`, from their workspace capabilities (read here unless given)."""
    capabilities = capabilities or workspace(user, company)
    return CompanySpace(
        company=company,
        member=capabilities.member,
        admin=capabilities.admin,
        can_create=capabilities.can_create,
        has_offers=bool(capabilities.authored),
        spontaneous=capabilities.spontaneous,
    )
