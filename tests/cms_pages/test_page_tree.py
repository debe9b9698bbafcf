"""The shape of the page tree, the model-level rules of the pages and the reference data."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from wagtail.models import Page

from cms_pages.models import (
    ContactPage,
    GuideIndexPage,
    GuidePage,
    HomePage,
    OfferIndexPage,
    OfferPage,
    OrganisationIndexPage,
    OrganisationPage,
    Programme,
)
from portal.reference.choices import InternshipType, StudyLevel
from portal.reference.models import Country, Sector
from tests.factories import (
    CompanyFactory,
    GuideFactory,
    HubFactory,
    OfferFactory,
    ProgrammeFactory,
    SchoolFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def root():
    return Page.get_first_root_node()


def home():
    return HomePage.objects.get()


def organisation_index():
    return OrganisationIndexPage.objects.get()


def offer_index():
    return OfferIndexPage.objects.get()


def guide_index():
    return GuideIndexPage.objects.get()


def unsaved_offer(**fields):
    values = {
        "title": "Stage développeur",
        "internship_type": InternshipType.INSERTION,
        "mission": "Développer une application web.",
        "study_level": StudyLevel.MASTER,
        "duration_weeks": 12,
        "start_date": datetime.date(2027, 2, 1),
        "city": "Namur",
        "country_id": "BE",
        "sector_id": "62",
    }
    values.update(fields)
    return OfferPage(**values)


# The skeleton created by the migrations


def test_migrations_build_the_home_page_as_site_root_with_the_three_indexes_and_the_contact_page():
    homepage = home()

    assert homepage.get_parent().specific_class is Page
    assert homepage.slug == "accueil"
    assert [child.specific_class for child in homepage.get_children()] == [
        OrganisationIndexPage,
        OfferIndexPage,
        GuideIndexPage,
        ContactPage,
    ]
    assert [index.url for index in (organisation_index(), offer_index(), guide_index())] == [
        "/organisations/",
        "/offres/",
        "/guides/",
    ]


# HomePage


def test_home_page_may_only_exist_under_the_root():
    assert HomePage.allowed_parent_page_models() == [Page]
    assert HomePage.can_exist_under(root())
    assert not HomePage.can_exist_under(home())
    assert not HomePage.can_exist_under(organisation_index())


def test_a_second_home_page_cannot_be_created():
    assert HomePage.objects.count() == 1

    assert not HomePage.can_create_at(root())


def test_home_page_can_be_created_under_the_root_when_there_is_none():
    HomePage.objects.get().delete()

    assert HomePage.can_create_at(root())


def test_home_page_accepts_only_the_three_indexes_and_the_contact_page_as_children():
    assert set(HomePage.allowed_subpage_models()) == {
        OrganisationIndexPage,
        OfferIndexPage,
        GuideIndexPage,
        ContactPage,
    }


# The indexes


@pytest.mark.parametrize("index_model", [OrganisationIndexPage, OfferIndexPage, GuideIndexPage])
def test_indexes_may_only_exist_under_the_home_page(index_model):
    assert index_model.allowed_parent_page_models() == [HomePage]
    assert index_model.can_exist_under(home())
    assert not index_model.can_exist_under(root())
    assert not index_model.can_exist_under(organisation_index())
    assert not index_model.can_exist_under(guide_index())


@pytest.mark.parametrize("index_model", [OrganisationIndexPage, OfferIndexPage, GuideIndexPage])
def test_a_second_index_of_the_same_kind_cannot_be_created(index_model):
    assert not index_model.can_create_at(home())


def test_an_index_can_be_created_under_the_home_page_when_it_is_missing():
    guide_index().delete()

    assert GuideIndexPage.can_create_at(home())
    assert not GuideIndexPage.can_create_at(root())


def test_organisation_index_accepts_only_organisations():
    assert OrganisationIndexPage.allowed_subpage_models() == [OrganisationPage]


def test_offer_index_accepts_no_children():
    superuser = UserFactory(is_superuser=True, is_staff=True)

    assert OfferIndexPage.allowed_subpage_models() == []
    assert not offer_index().permissions_for_user(superuser).can_add_subpage()


def test_guide_index_accepts_only_guides():
    assert GuideIndexPage.allowed_subpage_models() == [GuidePage]


# Organisations


def test_organisation_page_can_only_be_created_under_the_organisation_index():
    company = CompanyFactory()

    assert OrganisationPage.can_create_at(organisation_index())
    assert not OrganisationPage.can_create_at(root())
    assert not OrganisationPage.can_create_at(home())
    assert not OrganisationPage.can_create_at(offer_index())
    assert not OrganisationPage.can_create_at(guide_index())
    assert not OrganisationPage.can_create_at(company)


def test_organisation_page_accepts_only_offers_as_children():
    assert OrganisationPage.allowed_subpage_models() == [OfferPage]


def test_a_reference_hub_is_refused_on_a_school():
    school = SchoolFactory()
    school.reference_hub = HubFactory()

    with pytest.raises(ValidationError) as error:
        school.clean()

    assert "reference_hub" in error.value.message_dict


def test_a_reference_hub_must_be_a_hub():
    company = CompanyFactory()
    company.reference_hub = SchoolFactory()

    with pytest.raises(ValidationError) as error:
        company.clean()

    assert "reference_hub" in error.value.message_dict


def test_a_company_attached_to_a_hub_is_valid():
    company = CompanyFactory(reference_hub=HubFactory())

    company.clean()


def test_a_programme_is_refused_on_a_company():
    programme = Programme(organisation=CompanyFactory(), name="Informatique", level=StudyLevel.MASTER, year=1)

    with pytest.raises(ValidationError):
        programme.clean()


def test_a_programme_of_a_school_is_valid():
    programme = ProgrammeFactory()

    programme.clean()


# Offers


def test_an_offer_can_be_created_under_a_company():
    company = CompanyFactory()

    assert OfferPage.can_create_at(company)


def test_an_offer_can_be_created_under_a_company_given_as_a_generic_page():
    company = CompanyFactory()

    assert OfferPage.can_create_at(Page.objects.get(pk=company.pk))


@pytest.mark.parametrize("organisation_factory", [SchoolFactory, HubFactory])
def test_an_offer_cannot_be_created_under_a_school_or_a_hub(organisation_factory):
    organisation = organisation_factory()

    assert not OfferPage.can_create_at(organisation)
    assert not OfferPage.can_create_at(Page.objects.get(pk=organisation.pk))


def test_an_offer_cannot_be_created_under_the_home_page_or_an_index():
    assert not OfferPage.can_create_at(home())
    assert not OfferPage.can_create_at(offer_index())
    assert not OfferPage.can_create_at(organisation_index())


def test_the_admin_offers_to_add_a_child_page_to_a_company_only():
    superuser = UserFactory(is_superuser=True, is_staff=True)

    assert CompanyFactory().permissions_for_user(superuser).can_add_subpage()
    assert not SchoolFactory().permissions_for_user(superuser).can_add_subpage()
    assert not HubFactory().permissions_for_user(superuser).can_add_subpage()


def test_an_offer_accepts_no_children():
    superuser = UserFactory(is_superuser=True, is_staff=True)
    offer = OfferFactory()

    assert OfferPage.allowed_subpage_models() == []
    assert not offer.permissions_for_user(superuser).can_add_subpage()


def test_an_offer_cannot_be_moved_to_a_school_or_another_company():
    offer = OfferFactory()

    assert not offer.can_move_to(SchoolFactory())
    assert not offer.can_move_to(CompanyFactory())
    assert offer.can_move_to(offer.company)


def test_an_offer_added_under_a_company_belongs_to_that_company():
    company = CompanyFactory()

    offer = company.add_child(instance=unsaved_offer())

    offer.refresh_from_db()
    assert offer.company_id == company.pk
    assert list(company.offers.all()) == [offer]


def test_an_offer_ending_before_it_starts_is_refused_by_clean():
    offer = OfferFactory(start_date=datetime.date(2027, 2, 1))
    offer.end_date = datetime.date(2027, 1, 31)

    with pytest.raises(ValidationError) as error:
        offer.clean()

    assert "end_date" in error.value.message_dict


def test_an_offer_ending_the_day_it_starts_is_valid():
    offer = OfferFactory(start_date=datetime.date(2027, 2, 1))
    offer.end_date = datetime.date(2027, 2, 1)

    offer.clean()


def test_the_database_refuses_a_draft_offer_ending_before_it_starts():
    offer = OfferFactory(start_date=datetime.date(2027, 2, 1), live=False)
    offer.end_date = datetime.date(2027, 1, 31)

    # A draft is saved with Wagtail's minimal validation only: the check constraint is the guard.
    with pytest.raises(IntegrityError), transaction.atomic():
        offer.save()

    offer.refresh_from_db()
    assert offer.end_date is None


def test_saving_a_live_offer_ending_before_it_starts_is_refused_by_validation():
    offer = OfferFactory(start_date=datetime.date(2027, 2, 1), live=True)
    offer.end_date = datetime.date(2027, 1, 31)

    with pytest.raises(ValidationError) as error:
        offer.save()

    assert "end_date" in error.value.message_dict
    offer.refresh_from_db()
    assert offer.end_date is None


# Guides


def test_a_guide_can_only_be_created_under_the_guide_index():
    assert GuidePage.can_create_at(guide_index())
    assert not GuidePage.can_create_at(home())
    assert not GuidePage.can_create_at(organisation_index())
    assert not GuidePage.can_create_at(offer_index())


def test_a_guide_accepts_no_children():
    superuser = UserFactory(is_superuser=True, is_staff=True)

    assert GuidePage.allowed_subpage_models() == []
    assert not GuideFactory().permissions_for_user(superuser).can_add_subpage()


# Reference data


def test_the_88_nace_divisions_are_loaded():
    assert Sector.objects.count() == 88


def test_a_sector_has_a_french_and_an_english_label():
    sector = Sector.objects.get(code="62")

    assert sector.name_fr.startswith("Programmation")
    assert sector.name_en.startswith("Computer programming")


def test_a_sector_label_follows_the_active_language():
    sector = Sector.objects.get(code="62")

    with translation.override("fr"):
        french = sector.label
    with translation.override("en"):
        english = sector.label

    assert french.startswith("Programmation")
    assert english.startswith("Computer programming")


def test_the_249_iso_countries_are_loaded():
    assert Country.objects.count() == 249


def test_a_country_label_follows_the_active_language():
    belgium = Country.objects.get(code="BE")

    with translation.override("fr"):
        assert belgium.label == "Belgique"
    with translation.override("en"):
        assert belgium.label == "Belgium"
