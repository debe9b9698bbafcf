"""The ways in and the way to the team, in the browser: the home page's sign-in box, « Vous êtes une entreprise »
(check, create, sign in), the contact form sent to a hub's team, and the wizard's error summary with the keyboard.

These pages are read in English (their source texts), so that the tests read the same before and after their French
translations join the catalogue.
"""

import pytest
from django.core import mail
from playwright.sync_api import expect

from cms_pages.models import ContactPage, ContactTeam
from tests.browser.support import PHONE, assert_accessible, browser_test, fits_the_screen
from tests.factories import PASSWORD, CompanyFactory, HubFactory, company_admin

pytestmark = browser_test

ENGLISH = "en-GB"


@pytest.fixture
def english(open_page):
    """A tab in English, on a desktop screen."""
    return open_page(locale=ENGLISH)


@pytest.fixture
def talos():
    """A registered company, its administrator and its reference hub, whose team answers on the contact page."""
    hub = HubFactory(title="Pôle BioWin")
    company = CompanyFactory(title="Talos Health Solutions", reference_hub=hub)
    admin = company_admin(company, email="aurelie@talos.example", first_name="Aurélie", last_name="Hogge")
    ContactTeam.objects.create(
        page=ContactPage.objects.get(), hub=hub, name="Cellule stages BioWin", email="stages@biowin.example"
    )
    return {"hub": hub, "company": company, "admin": admin}


def main(page):
    return page.get_by_role("main")


def test_a_visitor_signs_in_from_the_box_of_the_home_page(english, talos):
    # Given a visitor on the home page
    english.goto("/")
    box = english.get_by_role("region", name="Sign in now!")
    expect(box).to_be_visible()
    assert_accessible(english)

    # When they sign in from the box
    box.get_by_label("E-mail").fill("aurelie@talos.example")
    box.get_by_label("Password").fill(PASSWORD)
    box.get_by_role("button", name="Sign in").click()

    # Then they are in their space, and the home page no longer offers the box
    expect(english.get_by_role("heading", name="Welcome")).to_be_visible()
    english.goto("/")
    expect(english.get_by_role("region", name="Sign in now!")).to_have_count(0)


def test_the_sign_in_box_of_the_home_page_fits_a_phone_screen(open_page, talos):
    phone = open_page(viewport=PHONE, locale=ENGLISH)

    phone.goto("/")

    expect(phone.get_by_role("region", name="Sign in now!")).to_be_visible()
    assert fits_the_screen(phone)


def test_a_company_checks_registers_or_signs_in_from_the_companies_page(english, talos):
    # Given a visitor who says they are a company
    english.goto("/")
    english.get_by_role("banner").get_by_role("link", name="You are a company").click()
    expect(english.get_by_role("heading", level=1, name="You are a company")).to_be_visible()
    assert_accessible(english)

    # When they check whether their company is registered
    account = english.get_by_role("region", name="Open an account")
    account.get_by_label("Company name or registration number").fill("Talos")
    account.get_by_role("button", name="Search").click()

    # Then it is found, and the portal team is one link away
    expect(main(english).get_by_role("listitem").filter(has_text="Talos Health Solutions")).to_be_visible()
    main(english).get_by_role("link", name="write to the portal team").click()
    expect(english.get_by_role("heading", level=1, name="Contact")).to_be_visible()

    # When another visitor would register: the wizard is one link away
    english.go_back()
    english.go_back()
    english.get_by_role("region", name="Open an account").get_by_role("link", name="Register my company").click()
    expect(english.get_by_role("heading", level=1, name="Register your company")).to_be_visible()

    # When the administrator signs in from the companies page
    english.go_back()
    sign_in = english.get_by_role("region", name="Sign in")
    sign_in.get_by_label("E-mail").fill("aurelie@talos.example")
    sign_in.get_by_label("Password").fill(PASSWORD)
    sign_in.get_by_role("button", name="Sign in").click()
    expect(english.get_by_role("heading", name="Welcome")).to_be_visible()

    # Then the companies page leads to their company's menu
    english.goto("/comptes/entreprises/")
    menu = english.get_by_role("navigation", name="Menu of Talos Health Solutions")
    expect(menu.get_by_role("link", name="Publish my offers")).to_be_visible()
    expect(english.get_by_role("region", name="Sign in")).to_have_count(0)
    assert_accessible(english)


def test_a_company_writes_to_its_hub_team_from_the_contact_page(english, talos):
    # Given a visitor who follows the footer's link to the team
    english.goto("/")
    english.get_by_role("contentinfo").get_by_role("link", name="Contact the portal team").click()
    expect(english.get_by_role("heading", level=1, name="Contact")).to_be_visible()
    expect(main(english).get_by_role("link", name="stages@biowin.example")).to_be_visible()
    assert_accessible(english)

    # When they send the form without their e-mail address
    form = english.locator("form.contact-form")
    form.get_by_label("Your name").fill("Aurélie Hogge")
    form.get_by_label("Who do you write to?").select_option(label="Pôle BioWin — Cellule stages BioWin")
    form.get_by_label("Subject").fill("Accès administrateur")
    form.get_by_label("Message").fill("Bonjour,\nnotre administratrice a quitté l'entreprise.")
    form.get_by_role("button", name="Send my message").click()

    # Then the summary on top takes the focus and leads to the field, what was typed is kept
    summary = english.get_by_role("alert")
    expect(summary).to_be_focused()
    english.keyboard.press("Tab")
    expect(summary.get_by_role("link", name="Your e-mail")).to_be_focused()
    english.keyboard.press("Enter")
    email = form.get_by_label("Your e-mail")
    expect(email).to_be_focused()
    expect(form.get_by_label("Message")).to_have_value("Bonjour,\nnotre administratrice a quitté l'entreprise.")
    assert_accessible(english)
    assert mail.outbox == []

    # When they give their address and send again
    email.fill("aurelie@talos.example")
    form.get_by_role("button", name="Send my message").click()

    # Then the hub's team receives the message, and can answer the writer by replying
    expect(english.get_by_role("status")).to_contain_text("Your message was sent to Cellule stages BioWin.")
    assert_accessible(english)
    [sent] = mail.outbox
    assert sent.to == ["stages@biowin.example"] and sent.reply_to == ["aurelie@talos.example"]
    assert "notre administratrice a quitté l'entreprise." in sent.body


def test_the_wizard_error_summary_leads_to_each_field_with_the_keyboard(english, talos):
    # Given a visitor on the first screen of the wizard, who sends it without the company's name
    english.goto("/comptes/entreprises/inscription/")
    form = main(english)
    form.get_by_label("City").fill("Liège")
    form.get_by_role("button", name="Next").click()

    # Then the summary takes the focus and lists each field to correct
    summary = english.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Company name")).to_be_visible()
    assert_accessible(english)

    # When they follow a link with the keyboard, the focus goes to its field
    english.keyboard.press("Tab")
    expect(summary.get_by_role("link", name="Company name")).to_be_focused()
    english.keyboard.press("Enter")
    expect(form.get_by_label("Company name")).to_be_focused()
    english.keyboard.type("Talos Health Solutions")
    expect(form.get_by_label("Company name")).to_have_value("Talos Health Solutions")
