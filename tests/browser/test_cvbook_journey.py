"""The CV book in the browser: a company member narrows « Accéder aux meilleurs profils » by two terms of the guided
search, opens a profile and downloads its CV; a student finds « offres pour vous » on their home and hides their
profile.

The pages are read in English (the browser asks for en-US): the texts asserted are the interface's own msgids.
"""

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.cvbook import services
from portal.cvbook.models import Profile, ProfileView
from tests.browser.support import assert_accessible, browser_test, screenshot, sign_in
from tests.factories import (
    CompanyFactory,
    ProgrammeFactory,
    SchoolFactory,
    company_admin,
    cvbook_profile,
    secondary_contact,
    student,
)
from tests.recruitment.files import letter, pdf_bytes, upload
from tests.recruitment.fixtures import published_offer

pytestmark = browser_test


@pytest.fixture
def company():
    return CompanyFactory(title="Talos Health Solutions", country_id="BE", sector_id="62")


@pytest.fixture
def school():
    return SchoolFactory(title="Haute École du Val de Meuse", country_id="BE")


@pytest.fixture
def ines(school):
    return student(
        ProgrammeFactory(organisation=school, name="Génie logiciel", level="master"),
        first_name="Inès",
        last_name="Ben Amor",
        email="ines@student.test",
        language="en",
    )


@pytest.fixture
def book(school, ines):
    """Inès's request with her CV, and three more requests in other sectors or countries."""
    profile = cvbook_profile(
        ines,
        visible=True,
        title="Demande de PFE en développement Python",
        sector="62",
        country="BE",
        study_level="master",
        keywords=["Python", "Django", "API REST"],
        available_from="2027-01-15",
    )
    services.upload_documents(
        ines,
        cv=upload("cv_ines_ben_amor.pdf", pdf_bytes("CV - Inès Ben Amor"), "application/pdf"),
        motivation_letter=letter("lettre_ines.pdf"),
        by=ines,
    )
    programme = ProgrammeFactory(organisation=school, name="Électronique", level="bachelor")
    for title, sector, country, keywords in [
        ("Analyste de données", "62", "TN", ["SQL"]),
        ("Électronique embarquée", "26", "BE", ["Robotique"]),
        ("Développeur mobile", "62", "FR", ["Kotlin"]),
    ]:
        cvbook_profile(student(programme), visible=True, title=title, sector=sector, country=country, keywords=keywords)
    return profile


def test_a_member_narrows_the_cv_book_by_two_terms_opens_a_profile_and_downloads_its_cv(
    open_page, live_server, company, book
):
    # Given a secondary contact of the company, signed in, on their space
    company_admin(company, email="admin@talos.test")
    contact = secondary_contact(company, first_name="Marc", last_name="Lenoir", email="contact@talos.test")
    tab = open_page(locale="en-US")
    sign_in(tab, contact, live_server.url)
    tab.goto("/comptes/mon-compte/")

    # When they open « Accéder aux meilleurs profils » from the company menu
    tab.get_by_role("navigation", name="Menu of Talos Health Solutions").get_by_role(
        "link", name="Access the best profiles"
    ).click()

    # Then every visible request is listed, and the guided search counts them
    expect(tab.get_by_role("heading", level=1)).to_have_text("Access the best profiles")
    results = tab.locator(".search-results")
    expect(results.locator(".result-count")).to_have_text("4 profiles found")
    guided = tab.get_by_role("complementary", name="Guided search")
    sectors = guided.get_by_role("region", name="Sector")
    expect(sectors.get_by_role("listitem")).to_have_text(
        [
            "62 Computer programming, consultancy and related activities 3",
            "26 Manufacture of computer, electronic and optical products 1",
        ]
    )
    assert_accessible(tab)
    screenshot(tab, "cvbook-01-search")

    # When they click the sector 62, then Belgium
    sectors.get_by_role("link", name="62 Computer programming, consultancy and related activities").click()
    expect(tab).to_have_url(re.compile(r"[?&]sector=62(&|$)"))
    expect(results.locator(".result-count")).to_have_text("3 profiles found")
    countries = guided.get_by_role("region", name="Country")
    expect(countries.get_by_role("listitem")).to_have_text(["Belgium 1", "France 1", "Tunisia 1"])
    countries.get_by_role("link", name="Belgium").click()

    # Then Inès's request alone is left, with both criteria shown as chosen
    expect(tab).to_have_url(re.compile(r"sector=62.*country=BE|country=BE.*sector=62"))
    expect(results.locator(".result-count")).to_have_text("1 profile found")
    card = results.get_by_role("listitem").filter(has_text="Demande de PFE en développement Python")
    expect(card).to_contain_text("Inès Ben Amor")
    expect(card).to_contain_text("Python")
    expect(card.locator(".document-link")).to_have_text(
        ["CV — cv_ines_ben_amor.pdf", "Motivation letter — lettre_ines.pdf"]
    )
    expect(guided.get_by_role("link", name="Remove the criterion Belgium")).to_have_attribute("aria-current", "true")
    assert_accessible(tab)
    screenshot(tab, "cvbook-02-search-narrowed")

    # When they open the profile and download the CV
    card.get_by_role("link", name="Demande de PFE en développement Python").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Demande de PFE en développement Python")
    expect(tab.get_by_role("main")).to_contain_text("Haute École du Val de Meuse")
    assert_accessible(tab)
    screenshot(tab, "cvbook-03-profile")
    with tab.expect_download() as download:
        tab.get_by_role("link", name="cv_ines_ben_amor.pdf").click()

    # Then they hold the student's CV, and the student will see that the company came
    assert download.value.suggested_filename == "cv_ines_ben_amor.pdf"
    assert Path(download.value.path()).read_bytes() == pdf_bytes("CV - Inès Ben Amor")
    assert list(ProfileView.objects.values_list("company__title", flat=True)) == ["Talos Health Solutions"]


def test_the_student_finds_offers_for_them_on_their_home_and_hides_their_profile(
    open_page, live_server, company, ines, book
):
    # Given a published offer that matches Inès's request, and a company that consulted her profile
    published_offer(
        company,
        title="Développeur Django",
        mission="Développer l'API REST de notre portail patient en Python et Django.",
        sector_id="62",
        country_id="BE",
        study_level="master",
        start_date=datetime.date(2027, 2, 1),
    )
    services.record_view(book, company, by=company_admin(company, email="admin@talos.test"))
    tab = open_page(locale="en-US")
    sign_in(tab, ines, live_server.url)

    # When she opens her space
    tab.goto("/comptes/mon-compte/")

    # Then « offres pour vous » lists the offer with the reasons, and her profile shows who consulted it
    offers = tab.get_by_role("region", name="Offers for you")
    expect(offers.get_by_role("heading", level=3)).to_have_text(["Développeur Django"])
    expect(offers.locator(".tag--reason")).to_have_text(
        ["3 keywords in common", "Same sector", "Level: Master", "Country: Belgium", "Available on the start date"]
    )
    mine = tab.get_by_role("region", name="My CV-book profile")
    expect(mine).to_contain_text("Visible to companies")
    expect(mine).to_contain_text("Talos Health Solutions")
    assert_accessible(tab)
    screenshot(tab, "cvbook-04-student-home")

    # When she hides her profile with the switch
    mine.get_by_role("button", name="Hide my profile").click()

    # Then it is hidden at once
    expect(tab.get_by_role("status", name="Messages")).to_contain_text("Your profile is hidden")
    expect(tab.get_by_role("region", name="My CV-book profile")).to_contain_text("Hidden from companies")
    assert not Profile.objects.get(pk=book.pk).visible
