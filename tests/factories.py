"""Test data builders (factory_boy + wagtail-factories)."""

import datetime

import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from cms_pages.models import GuideIndexPage, GuidePage, OfferPage, OrganisationIndexPage, OrganisationPage, Programme
from portal import access
from portal.accounts.models import HubModerator, Membership, SchoolStaff, Student, User
from portal.reference.choices import InternshipType, OfferStatus, OrganisationKind, StudyLevel

PASSWORD = "Correct-Horse-42"

# A complete offer as a company writes it (`workflows.offer_input.validate` takes it).
OFFER_INPUT = {
    "title": "Stagiaire en qualité agro-industrie",
    "internship_type": "insertion",
    "mission": "Suivre la qualité de la production.",
    "profile_sought": "Étudiant en agronomie, rigoureux.",
    "study_level": "master",
    "duration_weeks": 16,
    "start_date": "2027-02-01",
    "end_date": "2027-05-28",
    "city": "Clapiers",
    "country": "FR",
    "sector": "10",
    "keywords": ["qualité", "agroalimentaire"],
    "remuneration": "600.00",
    "places": 2,
}


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    language = "fr"
    password = factory.django.Password(PASSWORD)


def organisation_index():
    return OrganisationIndexPage.objects.get()


class OrganisationFactory(wagtail_factories.PageFactory):
    class Meta:
        model = OrganisationPage

    title = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.COMPANY
    city = "Liège"
    country_id = "BE"
    sector_id = "62"
    parent = factory.LazyFunction(organisation_index)


class HubFactory(OrganisationFactory):
    title = factory.Sequence(lambda n: f"Pôle {n}")
    kind = OrganisationKind.HUB


class SchoolFactory(OrganisationFactory):
    title = factory.Sequence(lambda n: f"École {n}")
    kind = OrganisationKind.SCHOOL


class CompanyFactory(OrganisationFactory):
    title = factory.Sequence(lambda n: f"Entreprise {n}")
    kind = OrganisationKind.COMPANY
    reference_hub = factory.SubFactory(HubFactory)


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    organisation = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Filière {n}")
    level = StudyLevel.MASTER
    year = 1


class OfferFactory(wagtail_factories.PageFactory):
    class Meta:
        model = OfferPage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Stage {n}")
    parent = factory.SubFactory(CompanyFactory)
    internship_type = InternshipType.INSERTION
    mission = "Développer une application web."
    profile_sought = "Étudiant en informatique."
    study_level = StudyLevel.MASTER
    duration_weeks = 12
    start_date = datetime.date(2027, 2, 1)
    city = "Namur"
    country_id = "BE"
    sector_id = "62"
    status = OfferStatus.DRAFT
    live = False

    @factory.post_generation
    def author_rights(obj, create, extracted, **kwargs):
        """As the services do: the author of an offer manages it."""
        if create and obj.author_id:
            access.offers.grant_author(obj.author, obj)


class GuideFactory(wagtail_factories.PageFactory):
    class Meta:
        model = GuidePage

    title = factory.Sequence(lambda n: f"Guide {n}")
    audience = "student"
    parent = factory.LazyFunction(lambda: GuideIndexPage.objects.get())


def company_admin(company, **user_fields) -> User:
    """A user who administers `company`, with the permissions the membership carries."""
    user = UserFactory(**user_fields)
    membership = Membership.objects.create(user=user, organisation=company, role=Membership.Role.ADMIN)
    access.organisations.sync_membership(membership)
    return user


def secondary_contact(company, *, can_create_offers=False, **user_fields) -> User:
    user = UserFactory(**user_fields)
    membership = Membership.objects.create(
        user=user, organisation=company, role=Membership.Role.SECONDARY, can_create_offers=can_create_offers
    )
    access.organisations.sync_membership(membership)
    return user


def hub_moderator(hub, **user_fields) -> User:
    user = UserFactory(**user_fields)
    access.organisations.grant_hub_moderation(HubModerator.objects.create(user=user, hub=hub))
    return user


def school_staff(school, role=SchoolStaff.Role.PROGRAMME_HEAD, programme=None, **user_fields) -> User:
    user = UserFactory(**user_fields)
    access.organisations.grant_school_staff(
        SchoolStaff.objects.create(user=user, school=school, programme=programme, role=role)
    )
    return user


def student(programme=None, **user_fields) -> User:
    programme = programme or ProgrammeFactory()
    user = UserFactory(**user_fields)
    Student.objects.create(user=user, school=programme.organisation, programme=programme, study_level=programme.level)
    return user


def cvbook_profile(user, *, keywords=(), **fields):
    """The CV-book profile of the student `user`, written through the service (keywords as tags, search entry)."""
    from portal.cvbook import services as cvbook_services

    changes = {"keywords": list(keywords), **fields}
    if fields.get("visible") and "title" not in fields:
        changes["title"] = "Demande de stage"
    return cvbook_services.update_profile(user, changes, by=user)
