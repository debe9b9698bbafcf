"""What a person's space shows: the company member's menu and quick access, the follow-up entries of students, school
staff and tutors, drawn from the same rules as the pages.

A link is shown exactly when its page opens: the menus ask these capabilities, and so do the pages and the API.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from portal.access.core import codename, is_active
from portal.access.offers import MANAGE_OFFER, Workspace, workspace
from portal.access.organisations import (
    CREATE_OFFERS,
    FOLLOW_STUDENTS,
    MANAGE_COMPANY,
    READ_CONFIDENTIAL_EVALUATIONS,
    RECEIVE_SPONTANEOUS_APPLICATIONS,
)
from portal.accounts.models import (
    Membership,
    OfferUserPermission,
    OrganisationUserPermission,
    ProgrammeUserPermission,
    User,
)
from portal.followup.models import Internship


@dataclass(frozen=True)
class CompanySpace:
    """A person's space in one company: nothing at all unless they are a member of it."""

    company: object
    member: bool = False
    admin: bool = False
    can_create: bool = False
    has_offers: bool = False
    spontaneous: bool = False
    tutors: bool = False

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

    @property
    def follows_interns(self) -> bool:
        """« Suivre mes stagiaires »: administrators, authors of offers (who start the follow-up of the students they
        accept) and the company tutors of the company's internships."""
        return self.member and (self.admin or self.has_offers or self.tutors)


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
            tutors=Exists(Internship.objects.filter(company_tutor=user, company_id=company)),
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
            tutors=membership.tutors,
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
        tutors=capabilities.member and capabilities.tutors,
    )


@dataclass(frozen=True)
class FollowupSpace:
    """The follow-up entries of a person's space: as a student, as school staff, as a tutor."""

    student: bool = False
    school_staff: bool = False
    programme_head: bool = False
    company_tutor: bool = False
    academic_tutor: bool = False

    @property
    def opens(self) -> bool:
        """« Suivi global des stagiaires » lists something for them, or may (school staff)."""
        return self.student or self.school_staff or self.company_tutor or self.academic_tutor

    @property
    def records(self) -> bool:
        """School staff record the internships their students found outside the portal."""
        return self.school_staff


def followup_space(user) -> FollowupSpace:
    """The person's follow-up entries, in one query."""
    if not is_active(user):
        return FollowupSpace()
    flags = (
        User.objects.filter(pk=user.pk)
        .annotate(
            has_internships=Exists(Internship.objects.filter(student=OuterRef("pk"))),
            follows_school=Exists(
                OrganisationUserPermission.objects.filter(
                    user=OuterRef("pk"), permission__codename=codename(FOLLOW_STUDENTS)
                )
            ),
            follows_programme=Exists(
                ProgrammeUserPermission.objects.filter(
                    user=OuterRef("pk"), permission__codename=codename(FOLLOW_STUDENTS)
                )
            ),
            heads_school=Exists(
                OrganisationUserPermission.objects.filter(
                    user=OuterRef("pk"), permission__codename=codename(READ_CONFIDENTIAL_EVALUATIONS)
                )
            ),
            heads_programme=Exists(
                ProgrammeUserPermission.objects.filter(
                    user=OuterRef("pk"), permission__codename=codename(READ_CONFIDENTIAL_EVALUATIONS)
                )
            ),
            tutors_company=Exists(Internship.objects.filter(company_tutor=OuterRef("pk"))),
            tutors_school=Exists(Internship.objects.filter(academic_tutor=OuterRef("pk"))),
        )
        .values(
            "has_internships",
            "follows_school",
            "follows_programme",
            "heads_school",
            "heads_programme",
            "tutors_company",
            "tutors_school",
        )
        .first()
    )
    return FollowupSpace(
        student=flags["has_internships"],
        school_staff=flags["follows_school"] or flags["follows_programme"],
        programme_head=flags["heads_school"] or flags["heads_programme"],
        company_tutor=flags["tutors_company"],
        academic_tutor=flags["tutors_school"],
    )
