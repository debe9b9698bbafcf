"""Every public and workspace page passes axe-core (no serious or critical violation) and fits a phone screen."""

import pytest

from portal.accounts.models import SchoolStaff
from portal.recruitment import services
from tests.browser.support import PHONE, assert_accessible, browser_test, fits_the_screen, sign_in
from tests.factories import (
    GuideFactory,
    ProgrammeFactory,
    hub_moderator,
    school_staff,
    student,
)
from tests.recruitment.files import cv, letter
from tests.recruitment.fixtures import published_offer

pytestmark = browser_test


@pytest.fixture
def portal(company, admin, author):
    """A company with a live offer and an application, a school with a tutor, a hub with its moderator."""
    offer = published_offer(company, author, title="Développeur Python", places=2)
    offer.keywords.add("django")
    offer.save()
    programme = ProgrammeFactory(name="Génie logiciel")
    applicant = student(programme, first_name="Talel", last_name="Jlassi")
    application = services.apply(
        applicant, offer=offer, message="Madame, Monsieur,", cv=cv(), motivation_letter=letter()
    )
    tutor = school_staff(programme.organisation, role=SchoolStaff.Role.ACADEMIC_TUTOR, programme=programme)
    moderator = hub_moderator(company.reference_hub)
    guide = GuideFactory(title="Guide de l'étudiant")
    guide.save_revision().publish()
    return {
        "company": company,
        "offer": offer,
        "school": programme.organisation,
        "applicant": applicant,
        "application": application,
        "tutor": tutor,
        "moderator": moderator,
        "guide": guide,
        "admin": admin,
    }


def visit(page, path: str, *, status: int = 200) -> None:
    response = page.goto(path)
    assert response.status == status, path
    assert_accessible(page)


def test_public_pages_are_accessible(page, portal):
    for path in [
        "/",
        "/offres/",
        "/offres/?q=python&sector=62",
        "/offres/?q=introuvable",
        portal["offer"].url,
        "/organisations/",
        portal["company"].url,
        portal["school"].url,
        "/guides/",
        portal["guide"].url,
        "/comptes/connexion/",
        "/comptes/entreprises/inscription/",
        "/comptes/etudiants/inscription/",
        "/comptes/entreprises/deja-inscrite/",
        "/comptes/entreprises/",
        "/contact/",
        "/comptes/conditions-generales/",
        "/comptes/mot-de-passe/oubli/",
    ]:
        visit(page, path)
    visit(page, "/nulle-part/", status=404)


def test_student_pages_are_accessible(page, live_server, portal):
    sign_in(page, portal["applicant"], live_server.url)
    application = portal["application"]
    for path in [
        "/comptes/mon-compte/",
        "/comptes/notifications/",
        "/candidatures/",
        f"/candidatures/{application.pk}/",
        f"/candidatures/spontanee/{portal['company'].pk}/",
        portal["offer"].url,
    ]:
        visit(page, path)


def test_company_pages_are_accessible(page, live_server, portal):
    sign_in(page, portal["admin"], live_server.url)
    company, application = portal["company"], portal["application"]
    for path in [
        "/comptes/mon-compte/",
        f"/espace/entreprises/{company.pk}/offres/",
        f"/espace/entreprises/{company.pk}/offres/?tab=to_validate",
        f"/espace/entreprises/{company.pk}/offres/?tab=archived",
        f"/espace/entreprises/{company.pk}/offres/nouvelle/",
        f"/candidatures/entreprises/{company.pk}/",
        f"/espace/entreprises/{company.pk}/offres/?tab=spontaneous",
        f"/candidatures/{application.pk}/",
        f"/comptes/entreprises/{company.pk}/contacts/",
        f"/comptes/entreprises/{company.pk}/donnees/",
        "/comptes/entreprises/",
    ]:
        visit(page, path)


def test_school_and_hub_pages_are_accessible(page, live_server, portal):
    sign_in(page, portal["tutor"], live_server.url)
    visit(page, "/candidatures/suivi/")
    visit(page, f"/candidatures/{portal['application'].pk}/")
    page.context.clear_cookies()
    sign_in(page, portal["moderator"], live_server.url)
    visit(page, "/espace/moderation/")


def test_pages_fit_a_phone_screen(open_page, live_server, portal):
    phone = open_page(viewport=PHONE)
    sign_in(phone, portal["admin"], live_server.url)
    for path in [
        "/",
        "/offres/?q=python",
        "/contact/",
        "/comptes/entreprises/",
        portal["offer"].url,
        f"/espace/entreprises/{portal['company'].pk}/offres/",
        f"/candidatures/entreprises/{portal['company'].pk}/",
        f"/candidatures/{portal['application'].pk}/",
    ]:
        phone.goto(path)
        assert fits_the_screen(phone), path
