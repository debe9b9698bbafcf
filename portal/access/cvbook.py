"""The CV book: a student's own profile; who searches the profiles, and which profiles each company finds.

- A profile is its student's: they alone read and edit it (anybody else: 404).
- The CV book is searched by company members — administrators and secondary contacts alike — for one of their
  companies; students, hub moderators and school staff may not (403), members of other companies do not see a
  company's search (404).
- A company finds the profiles switched on (`visible`) by active students, unless their training organisation
  keeps them out of the CV book or shows them only to the companies of given countries or hubs.
- An offer's suggested profiles respect its targeting: only the students the offer admits (the reverse of
  `access.offers.audience_q`: every non-empty target list holds the student's school country, school and
  programme).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from cms_pages.models import OfferPage, OrganisationPage
from portal.access.core import NOTHING, is_active
from portal.access.offers import in_workspace, visible
from portal.accounts.models import Membership, SchoolStaff, Student
from portal.cvbook.models import Profile, SchoolSharing
from portal.exceptions import NotVisible, PortalError

# The students


def student_of(user) -> Student:
    """The student account of `user`; 403 for anybody else (the CV-book profile is a student's)."""
    student = Student.objects.select_related("school", "programme").filter(user_id=getattr(user, "pk", None)).first()
    if not is_active(user) or student is None:
        raise PermissionDenied
    return student


def require_owner(user, profile: Profile) -> None:
    """A profile is read and edited by its student only; to anybody else it does not exist (404)."""
    if not is_active(user) or profile.student.user_id != user.pk:
        raise NotVisible


# The companies that search


def search_companies(user):
    """The companies for which `user` searches the CV book: those they are a member of (a queryset)."""
    if not is_active(user):
        return OrganisationPage.objects.none()
    return OrganisationPage.objects.companies().filter(memberships__user=user)


def is_searcher(user) -> bool:
    """Is `user` a member of a company (and so may search the CV book for it)?"""
    return is_active(user) and Membership.objects.filter(user=user).exists()


def require_searcher(user, company_id: int | None = None) -> OrganisationPage:
    """The company `user` searches the CV book for.

    403 for anybody who is no company's member (students, hub moderators, school staff); 404 for a company they
    are not a member of. Without `company_id`: their company, or a 400 asking which one when they have several.
    """
    if not is_searcher(user):
        raise PermissionDenied
    companies = search_companies(user).select_related("reference_hub")
    if company_id is None:
        found = list(companies.order_by("title")[:2])
        if len(found) != 1:
            raise PortalError(
                _("You are a member of several companies: say for which one you search."), field="company"
            )
        return found[0]
    company = companies.filter(pk=company_id).first()
    if company is None:
        raise NotVisible
    return company


# Which profiles a company finds


def _excluded_schools(company: OrganisationPage):
    """The training organisations whose students `company` may not find: kept out of the CV book, or shown only to
    other countries and hubs (a subquery over the few schools that chose, answered once per query)."""
    countries = SchoolSharing.countries.through.objects.filter(schoolsharing=OuterRef("pk"))
    hubs = SchoolSharing.hubs.through.objects.filter(schoolsharing=OuterRef("pk"))
    restricted = Exists(countries) | Exists(hubs)
    admits = Exists(countries.filter(country_id=company.country_id)) | Exists(
        hubs.filter(organisationpage_id=company.reference_hub_id)
    )
    return SchoolSharing.objects.filter(Q(opted_out=True) | (restricted & ~admits)).values("school_id")


def searchable_q(company: OrganisationPage) -> Q:
    """The profiles `company` finds in the CV book: switched on by an active student whose school shares them with
    this company."""
    return Q(visible=True, student__user__is_active=True) & ~Q(student__school_id__in=_excluded_schools(company))


def offer_admits_q(offer: OfferPage) -> Q:
    """The profiles whose student the targeting of `offer` admits (every profile for an untargeted offer)."""
    countries = [country.pk for country in offer.target_countries.all()]
    schools = [school.pk for school in offer.target_organisations.all()]
    programmes = [programme.pk for programme in offer.target_programmes.all()]
    admitted = Q()
    if countries:
        admitted &= Q(student__school__country_id__in=countries)
    if schools:
        admitted &= Q(student__school_id__in=schools)
    if programmes:
        admitted &= Q(student__programme_id__in=programmes)
    return admitted


def require_matching_reader(user, offer: OfferPage) -> OrganisationPage:
    """May `user` read the profiles suggested for `offer`? The company's members who work on the offer may.

    404 for anybody who may not know the offer exists; 403 for those who know it but are no member of its company
    working on it (students, hub moderators, other companies). Returns the company.
    """
    if not visible(user, offer):
        raise NotVisible
    if not (
        Membership.objects.filter(user=user, organisation_id=offer.company_id).exists() and in_workspace(user, offer)
    ):
        raise PermissionDenied
    return offer.company


def can_open(company: OrganisationPage, profile: Profile) -> bool:
    """Does `company` find `profile` in the CV book?"""
    return Profile.objects.filter(searchable_q(company), pk=profile.pk).exists()


# The training organisations' choice


def manages_sharing(user, school: OrganisationPage) -> bool:
    """A school-wide programme head decides how the school's students' profiles are shared."""
    return (
        is_active(user)
        and SchoolStaff.objects.filter(
            user=user, school=school, programme__isnull=True, role=SchoolStaff.Role.PROGRAMME_HEAD
        ).exists()
    )


def sharing_schools_q(user) -> Q:
    """The training organisations whose sharing `user` decides (a `Q` over `OrganisationPage`)."""
    if not is_active(user):
        return NOTHING
    return Q(
        pk__in=SchoolStaff.objects.filter(
            user=user, programme__isnull=True, role=SchoolStaff.Role.PROGRAMME_HEAD
        ).values("school_id")
    )
