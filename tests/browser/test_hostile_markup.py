"""Hostile markup stored in what companies, contacts and students write runs in no page of the browser.

The payloads that act without a click (tests/security/payloads.py, `NASTIEST`) are written through the
portal's services into the company's presentation and data, an offer, a contact's and a student's names, an
application, its documents' names, a status comment and a message. Chromium then opens each page that shows
them, for each person who sees them, and the test checks that no script ran (no dialog opened, the payloads'
`window.__xss` marker never set), that the page holds no executable markup as the browser parsed it, and that
the Content-Security-Policy had nothing to block (its `securitypolicyviolation` events are recorded before
any script of the page runs).
"""

from urllib.parse import urlencode

import pytest

from portal.accounts import services as account_services
from portal.accounts.models import SchoolStaff
from portal.recruitment import services as recruitment_services
from tests.browser.support import browser_test, sign_in
from tests.factories import ProgrammeFactory, hub_moderator, school_staff, student
from tests.recruitment.files import cv, letter, pdf_bytes, upload
from tests.security.payloads import NASTIEST
from workflows import offer_input
from workflows import services as offer_services

pytestmark = browser_test

ALL = "\n".join(NASTIEST)
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""
# What the browser parsed that could run: scripts of the page itself, frames, plug-ins, <base>, refreshes,
# event-handler attributes and javascript: or data: addresses anywhere in the document.
EXECUTABLE = """() => {
  const found = [];
  for (const element of document.querySelectorAll("*")) {
    const tag = element.tagName.toLowerCase();
    if (tag === "script" && !(element.getAttribute("src") || "").startsWith("/static/")) found.push(element.outerHTML);
    if (["iframe", "frame", "object", "embed", "base", "svg", "math"].includes(tag)) found.push(element.outerHTML);
    if (tag === "meta" && element.hasAttribute("http-equiv")) found.push(element.outerHTML);
    for (const attribute of element.attributes) {
      const value = attribute.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (attribute.name.startsWith("on") || /^(javascript|vbscript|data):/.test(value)) found.push(element.outerHTML);
    }
  }
  return found.map((html) => html.slice(0, 160));
}"""


@pytest.fixture
def hostile(company, admin):
    """Every field written by the company side and a student, holding the payloads, through the services."""
    hub = company.reference_hub
    moderator = hub_moderator(hub)
    account_services.update_company(
        company,
        {
            "name": f"Talos {NASTIEST[1]}",
            "address": NASTIEST[5],
            "city": NASTIEST[2],
            "description": f"<p>Une start-up en e-santé.</p>{''.join(NASTIEST)}",
            "keywords": NASTIEST[:4],
        },
        by=admin,
    )
    contact = account_services.add_contact(
        company,
        account_services.ContactData(
            email="contact@talos.test", first_name=NASTIEST[0], last_name=NASTIEST[6], can_create_offers=True
        ),
        by=admin,
    ).user
    data = {
        "title": f"Développeur {NASTIEST[2]}",
        "internship_type": "insertion",
        "mission": ALL,
        "profile_sought": ALL,
        "study_level": "master",
        "duration_weeks": 12,
        "start_date": "2027-02-01",
        "city": NASTIEST[4],
        "country": "BE",
        "sector": "62",
        "keywords": NASTIEST[:3],
    }
    offer = offer_services.create_offer(company, offer_input.validate(data), by=admin)
    offer_services.submit_offer(offer, by=admin)
    offer_services.approve_offer(offer, by=moderator)
    waiting = offer_services.create_offer(
        company, offer_input.validate({**data, "title": f"Second {NASTIEST[3]}"}), by=contact
    )
    offer_services.submit_offer(waiting, by=contact)
    offer_services.approve_offer(waiting, by=admin)

    programme = ProgrammeFactory()
    applicant = student(programme, first_name=NASTIEST[5], last_name=NASTIEST[1])
    tutor = school_staff(programme.organisation, role=SchoolStaff.Role.ACADEMIC_TUTOR, programme=programme)
    application = recruitment_services.apply(
        applicant,
        offer=offer,
        message=ALL,
        cv=cv(f"{NASTIEST[2]}.pdf"),
        motivation_letter=letter(f"{NASTIEST[4]}.pdf"),
        others=[upload("<details open ontoggle=window.__xss=1>.pdf", pdf_bytes("Attestation"), "application/pdf")],
    )
    recruitment_services.change_status(application, "interview", by=admin, comment=ALL)
    recruitment_services.send_message(application, ALL, by=admin)
    offer.refresh_from_db()
    company.refresh_from_db()
    return {
        "company": company,
        "admin": admin,
        "moderator": moderator,
        "offer": offer,
        "applicant": applicant,
        "tutor": tutor,
        "application": application,
    }


def nothing_runs(page, path: str, dialogs: list[str]) -> None:
    response = page.goto(path)
    assert response.status == 200, path
    assert "content-security-policy" in response.headers, path
    page.wait_for_load_state("load")
    assert page.evaluate("window.__xss") is None, path
    assert dialogs == [], path
    assert page.evaluate("window.__violations") == [], path
    assert page.evaluate(EXECUTABLE) == [], path


@pytest.fixture
def watched(page):
    """The tab, with the policy's reports and the dialogs recorded from the first script on."""
    dialogs = []
    page.add_init_script(WATCH)

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return page, dialogs


def test_what_the_company_and_its_people_wrote_runs_for_no_reader(watched, live_server, hostile):
    page, dialogs = watched
    company, offer, application = hostile["company"], hostile["offer"], hostile["application"]

    # A visitor reads the company, its offer, the search and the directory
    for path in [
        company.url,
        offer.url,
        "/offres/",
        "/offres/?" + urlencode({"q": NASTIEST[2], "city": NASTIEST[1]}),
        "/organisations/?kind=company",
        "/comptes/entreprises/deja-inscrite/?q=Talos",
    ]:
        nothing_runs(page, path, dialogs)

    # The student reads their applications and what the company answered
    sign_in(page, hostile["applicant"], live_server.url)
    for path in ["/candidatures/", f"/candidatures/{application.pk}/", "/comptes/notifications/", offer.url]:
        nothing_runs(page, path, dialogs)

    # The company's administrator reads the workspace, the applications, the contacts and the company form
    page.context.clear_cookies()
    sign_in(page, hostile["admin"], live_server.url)
    for path in [
        "/comptes/mon-compte/",
        f"/espace/entreprises/{company.pk}/offres/",
        f"/espace/entreprises/{company.pk}/offres/?tab=to_validate",
        f"/espace/offres/{offer.pk}/modifier/",
        f"/candidatures/entreprises/{company.pk}/",
        f"/candidatures/{application.pk}/",
        f"/comptes/entreprises/{company.pk}/contacts/",
        f"/comptes/entreprises/{company.pk}/donnees/",
    ]:
        nothing_runs(page, path, dialogs)

    # The hub's moderator and the student's tutor read what waits for them
    page.context.clear_cookies()
    sign_in(page, hostile["moderator"], live_server.url)
    nothing_runs(page, "/espace/moderation/", dialogs)
    page.context.clear_cookies()
    sign_in(page, hostile["tutor"], live_server.url)
    for path in ["/candidatures/suivi/", f"/candidatures/{application.pk}/"]:
        nothing_runs(page, path, dialogs)
