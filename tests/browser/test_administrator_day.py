"""A company administrator's day in the browser, and a programme head's answer to one of their students.

The administrator opens an offer waiting for validation from « Offers to validate », reads it on its review page
and sends it back with a comment; the contact who wrote it finds the comment on the offer; the administrator puts
an unpublished offer back online; a programme head closes an application of their student with a comment.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from cms_pages.models import OfferPage
from portal.accounts.models import SchoolStaff
from portal.recruitment import services as recruitment
from portal.recruitment.models import Application
from portal.reference.choices import ApplicationStatus, OfferStatus
from tests.browser.support import assert_accessible, browser_test, screenshot, sign_in
from tests.factories import (
    OFFER_INPUT,
    CompanyFactory,
    HubFactory,
    ProgrammeFactory,
    company_admin,
    hub_moderator,
    school_staff,
    secondary_contact,
    student,
)
from tests.recruitment.files import cv, letter
from workflows import offer_input, services

pytestmark = browser_test

ENGLISH = "en-US"
WAITING = "Stagiaire en qualité agro-industrie"
OFFLINE = "Assistant chef de projet e-santé"
ONLINE = "Développeur Kotlin pour la santé connectée"
COMMENT = "Précisez les horaires et le tutorat."
CLOSING = "L'étudiant a trouvé un stage en laboratoire."


@pytest.fixture
def day():
    company = CompanyFactory(title="Talos Health Solutions", reference_hub=HubFactory(title="BioWin"))
    admin = company_admin(company, email="aurelie.hogge@talos.example", first_name="Aurélie", last_name="Hogge")
    contact = secondary_contact(
        company, can_create_offers=True, email="valentin@talos.example", first_name="Valentin", last_name="Bouquet"
    )
    moderator = hub_moderator(company.reference_hub, email="moderation@biowin.example")
    waiting = services.create_offer(company, offer_input.validate({**OFFER_INPUT, "title": WAITING}), by=contact)
    services.submit_offer(waiting, by=contact)
    published = []
    for title in (OFFLINE, ONLINE):
        offer = services.create_offer(company, offer_input.validate({**OFFER_INPUT, "title": title}), by=admin)
        services.submit_offer(offer, by=admin)
        services.approve_offer(OfferPage.objects.get(pk=offer.pk), by=moderator)
        published.append(OfferPage.objects.get(pk=offer.pk))
    services.unpublish_offer(published[0], by=admin)
    programme = ProgrammeFactory(name="Génie logiciel")
    head = school_staff(
        programme.organisation, role=SchoolStaff.Role.PROGRAMME_HEAD, programme=programme, first_name="Hakim"
    )
    learner = student(programme, first_name="Talel", last_name="Jlassi", email="talel@student.example")
    application = recruitment.apply(
        learner, offer=published[1], message="Madame, Monsieur,", cv=cv(), motivation_letter=letter()
    )
    return {
        "admin": admin,
        "contact": contact,
        "waiting": OfferPage.objects.get(pk=waiting.pk),
        "offline": OfferPage.objects.get(pk=published[0].pk),
        "head": head,
        "application": application,
    }


def main(page):
    return page.get_by_role("main")


def test_administrator_day_journey(open_page, live_server, day):
    administrator, contact, head = (open_page(locale=ENGLISH) for _ in range(3))
    sign_in(administrator, day["admin"], live_server.url)
    sign_in(contact, day["contact"], live_server.url)
    sign_in(head, day["head"], live_server.url)
    company_id = day["waiting"].company_id

    # The administrator opens « Offers to validate » and the offer waiting there
    administrator.goto(f"/espace/entreprises/{company_id}/offres/")
    main(administrator).get_by_role("link", name=re.compile(r"^Offers to validate")).click()
    main(administrator).get_by_role("link", name=WAITING).click()
    # Then its review page shows every field, its author and status, and the decisions open to them
    expect(administrator.get_by_role("heading", level=1, name=WAITING)).to_be_visible()
    breadcrumb = administrator.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumb).to_contain_text("Company workspace")
    expect(breadcrumb).to_contain_text(f"No. {day['waiting'].number} {WAITING}")
    expect(main(administrator)).to_contain_text("Suivre la qualité de la production.")
    expect(main(administrator)).to_contain_text("Valentin Bouquet")
    expect(main(administrator)).to_contain_text("Awaiting company validation")
    expect(main(administrator).get_by_role("button", name="Approve")).to_be_visible()
    assert_accessible(administrator)
    screenshot(administrator, "administrator-01-offer-review")

    # When they request changes with a comment
    main(administrator).get_by_label("What should the author change?").fill(COMMENT)
    mail.outbox.clear()
    main(administrator).get_by_role("button", name="Request changes").click()
    # Then the offer is a draft again, with the comment on it, and its author is told
    expect(administrator.get_by_role("status", name="Messages")).to_contain_text(
        "Changes were requested from the author."
    )
    expect(main(administrator)).to_contain_text(COMMENT)
    assert OfferPage.objects.get(pk=day["waiting"].pk).status == OfferStatus.DRAFT
    assert "valentin@talos.example" in {address for message in mail.outbox for address in message.to}

    # The contact sees the marker in their list and the comment on the offer
    contact.goto(f"/espace/entreprises/{company_id}/offres/?tab=to_validate")
    row = main(contact).get_by_role("row").filter(has=contact.get_by_role("rowheader", name=re.compile(WAITING)))
    expect(row).to_contain_text("Changes requested")
    row.get_by_role("link", name=WAITING).click()
    comment = main(contact).get_by_role("region", name="Changes requested")
    expect(comment).to_contain_text(COMMENT)
    expect(comment).to_contain_text("Aurélie Hogge")
    expect(main(contact).get_by_role("region", name="Moderation history")).to_contain_text("Changes requested")
    assert_accessible(contact)
    screenshot(contact, "administrator-02-comment-for-the-author")

    # The contact revises the offer and publishes it in one step: it goes back to the administrator
    main(contact).get_by_role("link", name="Edit").click()
    contact.locator("#id_mission").fill("Suivre la qualité de la production, de 8 h à 16 h, avec un tuteur.")
    contact.get_by_role("button", name="Publish", exact=True).click()
    expect(contact.get_by_role("status", name="Messages")).to_be_visible()
    revised = OfferPage.objects.get(pk=day["waiting"].pk)
    assert revised.status == OfferStatus.AWAITING_COMPANY_VALIDATION
    assert "de 8 h à 16 h" in revised.get_latest_revision_as_object().mission

    # The administrator republishes the unpublished offer from the current offers
    administrator.goto(f"/espace/entreprises/{company_id}/offres/?tab=current")
    main(administrator).get_by_role("link", name=OFFLINE).click()
    expect(main(administrator)).to_contain_text("Unpublished")
    screenshot(administrator, "administrator-03-unpublished-offer")
    main(administrator).get_by_role("button", name="Republish").click()
    expect(main(administrator)).to_contain_text("Republished")
    expect(main(administrator).get_by_role("link", name="See the offer online")).to_be_visible()
    offline = OfferPage.objects.get(pk=day["offline"].pk)
    assert offline.status == OfferStatus.PUBLISHED and offline.live
    assert_accessible(administrator)

    # A programme head closes an application of their student, saying why
    head.goto(f"/candidatures/{day['application'].pk}/")
    head.get_by_label("Why does the school close this application?").fill(CLOSING)
    head.get_by_role("button", name="Close the application").click()
    expect(main(head)).to_contain_text(CLOSING)
    assert Application.objects.get(pk=day["application"].pk).status == ApplicationStatus.CANCELLED
    assert_accessible(head)
    screenshot(head, "administrator-04-school-closes-application")
