"""An editor publishes a training organisation's presentation in the Wagtail admin; visitors and the API see it."""

import re

from playwright.sync_api import expect

from cms_pages.models import OrganisationIndexPage
from tests.browser.support import assert_accessible, browser_test, screenshot
from tests.factories import PASSWORD, UserFactory

pytestmark = browser_test

SCHOOL = "Institut Horizon Numérique"
DESCRIPTION = "Une école d'ingénieurs qui forme aux métiers du logiciel, en alternance ou à temps plein."
PROGRAMME = "Génie logiciel"


def sign_in_to_the_admin(tab, editor) -> None:
    tab.goto("/admin/login/")
    tab.get_by_label("E-mail address").fill(editor.email)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_url(re.compile(r"/admin/$"))


def add_an_organisation_to_the_directory(tab) -> None:
    # An empty directory has no "explore" arrow in its parent's listing: its own listing is opened by address.
    tab.goto(f"/admin/pages/{OrganisationIndexPage.objects.get().pk}/")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Exploring: Organisations")
    tab.get_by_role("link", name="Add child page").click()
    # Organisations are the only pages the directory takes: Wagtail goes straight to their form.
    tab.wait_for_url(re.compile(r"/admin/pages/add/cms_pages/organisationpage/\d+/$"))


def fill_in_the_presentation(tab) -> None:
    title = tab.get_by_role("textbox", name="Title")
    title.fill(SCHOOL)
    tab.get_by_role("combobox", name="Kind").select_option(label="Training organisation")
    description = tab.locator('[data-contentpath="description"] [role="textbox"]')
    description.click()
    description.press_sequentially(DESCRIPTION)
    tab.get_by_role("textbox", name="City").fill("Namur")
    tab.get_by_role("combobox", name="Country").select_option(label="Belgium")
    title.scroll_into_view_if_needed()
    screenshot(tab, "editor-01-admin-presentation")

    tab.get_by_role("button", name="Add programme").click()
    tab.locator("#id_programmes-0-name").fill(PROGRAMME)
    tab.locator("#id_programmes-0-level").select_option(label="Master")
    tab.locator("#id_programmes-0-year").fill("2")
    screenshot(tab, "editor-02-admin-programme")


def publish(tab) -> None:
    # The editor autosaves as one types: publish once no autosave is under way, as a person would see it.
    indicator = tab.locator("#w-autosave-indicator")
    if indicator.count():
        expect(indicator).not_to_have_attribute("data-w-autosave-state-value", "saving")
    footer = tab.locator("footer")
    footer.get_by_role("button", name="More actions").click()
    footer.get_by_role("button", name="Publish").click()
    # On a slow machine the editor's autosave may have created the page as a draft before "Publish".
    published = re.compile(rf"Page '{re.escape(SCHOOL)}' (created and published|has been published)\.")
    expect(tab.locator(".messages")).to_contain_text(published)
    screenshot(tab, "editor-03-admin-published")


def test_editor_journey_publishes_a_training_organisation_that_visitors_and_the_api_see(open_page):
    # Given an editor of the portal, in the English admin
    editor = UserFactory(is_staff=True, is_superuser=True, language="en")
    admin = open_page(locale="en-US")
    admin.set_default_timeout(30_000)  # the admin's scripts are heavy on a busy machine

    # When they sign in, add an organisation to the directory, present a training organisation and publish it
    sign_in_to_the_admin(admin, editor)
    add_an_organisation_to_the_directory(admin)
    fill_in_the_presentation(admin)
    publish(admin)

    # Then a visitor finds it among the training organisations of the directory
    visitor = open_page()
    visitor.goto("/organisations/")
    visitor.get_by_role("navigation", name="Filtrer par type d'organisation").get_by_role(
        "link", name="Organisme de formation"
    ).click()
    visitor.wait_for_url(re.compile(r"\?kind=school$"))
    card = visitor.locator(".card").filter(has_text=SCHOOL)
    expect(card).to_contain_text("Organisme de formation")
    expect(card).to_contain_text("Namur, Belgique")
    assert_accessible(visitor)
    screenshot(visitor, "editor-04-public-directory")

    # And its page shows the description and the programme
    card.get_by_role("link", name=SCHOOL).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(SCHOOL)
    expect(visitor.locator(".rich-text")).to_have_text(DESCRIPTION)
    programme = visitor.get_by_role("row").filter(has=visitor.get_by_role("rowheader", name=PROGRAMME))
    expect(programme.get_by_role("cell")).to_have_text(["Master", "2"])
    assert_accessible(visitor)
    screenshot(visitor, "editor-05-public-presentation")

    # And the read API gives it as a training organisation with its programme
    response = visitor.request.get(
        "/api/v2/pages/",
        params={"type": "cms_pages.OrganisationPage", "fields": "kind,description,city,programmes", "title": SCHOOL},
    )
    assert response.status == 200
    [organisation] = response.json()["items"]
    assert organisation["title"] == SCHOOL
    assert organisation["kind"] == "school"
    assert organisation["city"] == "Namur"
    assert DESCRIPTION in organisation["description"]
    assert [{key: row[key] for key in ("name", "level", "year")} for row in organisation["programmes"]] == [
        {"name": PROGRAMME, "level": "master", "year": 2}
    ]
