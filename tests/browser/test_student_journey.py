"""A student's way through the portal in the browser: find an offer with the guided search, apply with a CV and
a letter, follow the company's answers (« En cours », « Lue », « Rendez-vous »); a refused file, the pages that are
not theirs, and a phone screen.

The interface is in French (the browser asks for fr-FR): the texts asserted are the ones a French reader sees.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from portal.recruitment import services
from portal.recruitment.models import Application, ApplicationDocument
from tests.browser.support import (
    PHONE,
    assert_accessible,
    browser_test,
    fits_the_screen,
    link_in,
    screenshot,
    sign_in,
)
from tests.factories import PASSWORD, CompanyFactory, ProgrammeFactory, student
from tests.recruitment.files import cv, letter, pdf_bytes, private_files
from tests.recruitment.fixtures import published_offer

pytestmark = browser_test

MESSAGE = "Madame, Monsieur,\nÉtudiant en génie logiciel, je souhaite rejoindre votre équipe pour ce stage."
INTERVIEW_COMMENT = "Rendez-vous le 12 mars à 10 h, rue de l'Industrie 12 à Liège."
# The CV field's label, "CV :" in French.
CV_LABEL = re.compile(r"^CV\b")
# The first bytes of a Windows program: what an executable renamed cv.pdf starts with.
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program"


@pytest.fixture
def offers(company, author):
    """Four live offers in three sectors; three of them are about Python, the first is the one the student wants."""
    wanted = published_offer(
        company,
        author,
        title="Développeur Python",
        sector_id="62",
        mission="Développer le portail patient de la start-up en Python et Django.",
    )
    wanted.keywords.add("python", "django")
    wanted.save()
    nexa = CompanyFactory(title="Nexa Digital", sector_id="62")
    published_offer(nexa, title="Intégrateur Python", sector_id="62", mission="Relier les outils internes en Python.")
    lab = CompanyFactory(title="Laboratoire Héliotrope", sector_id="72")
    published_offer(lab, title="Calcul scientifique", sector_id="72", mission="Simuler des écoulements en Python.")
    dairy = CompanyFactory(title="Fromagerie du Val", sector_id="10")
    published_offer(dairy, title="Assistant qualité", sector_id="10", mission="Suivre les contrôles de production.")
    return wanted


def status_of(page):
    """The status shown in the application page's header."""
    return page.locator(".page-header .status")


def reachable(page, locator) -> None:
    """The control can be brought into view, lies within the screen's width and is not covered by anything."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    locator.click(trial=True)  # Playwright's checks: visible, enabled, and the pointer would reach it


def test_student_journey_from_the_guided_search_to_an_interview(
    open_page, live_server, offers, applicant, author, company, tmp_path
):
    # Given a student signed in through the sign-in form
    student_tab = open_page()
    student_tab.goto("/comptes/connexion/")
    assert_accessible(student_tab)
    student_tab.get_by_label("E-mail").fill(applicant.email)
    student_tab.get_by_label("Mot de passe").fill(PASSWORD)
    student_tab.get_by_role("button", name="Se connecter").click()
    expect(student_tab).to_have_url(re.compile(r"/comptes/mon-compte/$"))

    # When they search for "python" among the internship offers
    student_tab.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Offres de stage"
    ).click()
    student_tab.get_by_role("searchbox", name="Mots-clés").fill("python")
    student_tab.get_by_role("button", name="Rechercher", exact=True).click()

    # Then the three Python offers are found, and the guided search counts them by sector
    results = student_tab.locator(".search-results")
    expect(results.locator(".result-count")).to_have_text("3 offres trouvées")
    guided = student_tab.get_by_role("complementary", name="Recherche guidée")
    sectors = guided.get_by_role("region", name="Secteur")
    expect(sectors.get_by_role("listitem")).to_have_text(
        [
            "62 Programmation, conseil et autres activités informatiques 2",
            "72 Recherche-développement scientifique 1",
        ]
    )
    expect(results).not_to_contain_text("Assistant qualité")
    assert_accessible(student_tab)
    screenshot(student_tab, "student-01-search-with-facets")

    # When they click the sector of computer programming in the guided search
    sectors.get_by_role("link", name="62 Programmation, conseil et autres activités informatiques").click()

    # Then the search keeps the keyword, narrows to that sector, and shows how to remove the criterion
    expect(student_tab).to_have_url(re.compile(r"[?&]sector=62(&|$)"))
    expect(student_tab.get_by_role("searchbox", name="Mots-clés")).to_have_value("python")
    expect(student_tab.get_by_role("combobox", name="Secteur")).to_have_value("62")
    expect(results.locator(".result-count")).to_have_text("2 offres trouvées")
    expect(results.get_by_role("heading", level=3)).to_have_count(2)
    assert sorted(results.get_by_role("heading", level=3).all_inner_texts()) == [
        "Développeur Python",
        "Intégrateur Python",
    ]
    expect(
        sectors.get_by_role("link", name="Retirer le critère Programmation, conseil et autres activités informatiques")
    ).to_have_attribute("aria-current", "true")
    expect(results).not_to_contain_text("Calcul scientifique")
    assert_accessible(student_tab)
    screenshot(student_tab, "student-02-search-narrowed-by-sector")

    # When they open the offer
    results.get_by_role("link", name="Développeur Python").click()

    # Then they read it, and may apply
    expect(student_tab.get_by_role("heading", level=1)).to_have_text("Développeur Python")
    expect(student_tab.get_by_role("main")).to_contain_text("Développer le portail patient de la start-up")
    assert_accessible(student_tab)
    screenshot(student_tab, "student-03-offer")

    # When they apply with a message, a CV and a motivation letter (real PDF files)
    student_tab.get_by_role("link", name="Postuler", exact=True).click()
    expect(student_tab.get_by_role("heading", level=1)).to_have_text("Postuler")
    cv_file = tmp_path / "cv-talel-jlassi.pdf"
    cv_file.write_bytes(pdf_bytes("Curriculum vitae de Talel Jlassi"))
    letter_file = tmp_path / "lettre-de-motivation.pdf"
    letter_file.write_bytes(pdf_bytes("Lettre de motivation de Talel Jlassi"))
    student_tab.get_by_label("Message à l’entreprise").fill(MESSAGE)
    student_tab.get_by_label(CV_LABEL).set_input_files(cv_file)
    student_tab.get_by_label("Lettre de motivation").set_input_files(letter_file)
    assert_accessible(student_tab)
    screenshot(student_tab, "student-04-apply-form")
    student_tab.get_by_role("button", name="Envoyer ma candidature").click()

    # Then they land on their application: sent, « En cours », with their message and their two documents
    expect(student_tab).to_have_url(re.compile(r"/candidatures/\d+/$"))
    expect(student_tab.get_by_role("status", name="Messages")).to_contain_text("Votre candidature est envoyée.")
    expect(status_of(student_tab)).to_have_text("En cours")
    expect(student_tab.locator(".application-message").first).to_contain_text("je souhaite rejoindre votre équipe")
    expect(student_tab.locator(".document-link")).to_have_text(["cv-talel-jlassi.pdf", "lettre-de-motivation.pdf"])
    assert_accessible(student_tab)
    screenshot(student_tab, "student-05-application-pending")
    application = Application.objects.get(student=applicant, offer=offers)
    assert student_tab.url == f"{live_server.url}/candidatures/{application.pk}/"

    # When the offer's author, in their own tab, looks at the responses to their offers and opens the application
    company_tab = open_page()
    sign_in(company_tab, author, live_server.url)
    company_tab.goto(f"/candidatures/entreprises/{company.pk}/")
    row = company_tab.get_by_role("row").filter(has_text="Talel Jlassi")
    expect(row).to_contain_text("Développeur Python")
    expect(row).to_contain_text("En cours")
    expect(row.locator(".document-link")).to_have_text(["cv-talel-jlassi.pdf", "lettre-de-motivation.pdf"])
    assert_accessible(company_tab)
    screenshot(company_tab, "student-06-company-list")
    row.get_by_role("link", name=f"Voir la candidature {application.number}").click()
    expect(status_of(company_tab)).to_have_text("Lue")
    assert_accessible(company_tab)
    with company_tab.expect_download() as download:
        company_tab.get_by_role("link", name="cv-talel-jlassi.pdf").click()
    assert download.value.suggested_filename == "cv-talel-jlassi.pdf"
    assert Path(download.value.path()).read_bytes() == cv_file.read_bytes()

    # Then the student, reloading their page, sees it read
    student_tab.reload()
    expect(status_of(student_tab)).to_have_text("Lue")
    expect(student_tab.locator(".history > li").last).to_contain_text("de « En cours » à « Lue »")
    assert_accessible(student_tab)
    screenshot(student_tab, "student-07-application-read")

    # When the author sets « Rendez-vous » with a comment
    company_tab.get_by_label("Nouveau statut").select_option(label="Rendez-vous")
    company_tab.get_by_label("Commentaire (facultatif, visible par l’étudiant)").fill(INTERVIEW_COMMENT)
    company_tab.get_by_role("button", name="Enregistrer le statut").click()
    expect(company_tab.get_by_role("status", name="Messages")).to_contain_text(
        "La candidature est maintenant « Rendez-vous »"
    )

    # Then the student sees « Rendez-vous » and the comment in the history
    student_tab.reload()
    expect(status_of(student_tab)).to_have_text("Rendez-vous")
    latest = student_tab.locator(".history > li").last
    expect(latest).to_contain_text("de « Lue » à « Rendez-vous »")
    expect(latest).to_contain_text("Valentin Bouquet")
    expect(latest).to_contain_text(INTERVIEW_COMMENT)
    assert_accessible(student_tab)
    screenshot(student_tab, "student-08-application-interview")

    # And in « Mes candidatures »
    student_tab.get_by_role("link", name="Retour à mes candidatures").click()
    expect(student_tab.get_by_role("heading", level=1)).to_have_text("Mes candidatures")
    mine = student_tab.get_by_role("row").filter(has_text="Développeur Python")
    expect(mine).to_contain_text("Talos Health Solutions")
    expect(mine).to_contain_text("Rendez-vous")
    assert_accessible(student_tab)
    screenshot(student_tab, "student-09-my-applications")

    # And they were told of each status by e-mail, in French, with a link to their application
    to_student = [message for message in mail.outbox if message.to == [applicant.email]]
    assert [message.subject for message in to_student] == [
        "Candidature à Développeur Python : Lue",
        "Candidature à Développeur Python : Rendez-vous",
    ]
    assert INTERVIEW_COMMENT in to_student[1].body
    assert link_in(to_student[1].body) == f"{live_server.url}/candidatures/{application.pk}/"
    student_tab.goto(link_in(to_student[1].body))
    expect(status_of(student_tab)).to_have_text("Rendez-vous")


def test_a_refused_file_is_explained_beside_its_field_and_nothing_is_stored(
    page, live_server, offer, applicant, settings
):
    # Given a student on the application form of an offer
    sign_in(page, applicant, live_server.url)
    page.goto(f"/candidatures/postuler/{offer.pk}/")

    # When they send a program renamed cv.pdf with their message and a real letter
    page.get_by_label("Message à l’entreprise").fill(MESSAGE)
    page.get_by_label(CV_LABEL).set_input_files({"name": "cv.pdf", "mimeType": "application/pdf", "buffer": EXECUTABLE})
    page.get_by_label("Lettre de motivation").set_input_files(
        {"name": "lettre.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("Lettre de motivation")}
    )
    page.get_by_role("button", name="Envoyer ma candidature").click()

    # Then the form comes back with the reason beside the CV field, tied to it, and the message as typed
    expect(page.get_by_role("heading", level=1)).to_have_text("Postuler")
    refusal = "Le fichier « cv.pdf » n’est pas un document PDF, DOCX ou ODT."
    cv_input = page.locator("input[name=cv]")
    expect(page.locator(".field").filter(has=cv_input)).to_contain_text(refusal)
    expect(cv_input).to_have_attribute("aria-invalid", "true")
    expect(cv_input).to_have_accessible_description(re.compile(re.escape("n’est pas un document PDF, DOCX ou ODT")))
    expect(page.get_by_label("Message à l’entreprise")).to_have_value(MESSAGE)
    # And the files the browser dropped are named beside the file fields, to be chosen again
    documents = page.get_by_role("group", name="Documents")
    expect(documents.locator("#files-again")).to_contain_text("cv.pdf, lettre.pdf")
    expect(documents).to_have_accessible_description(re.compile(re.escape("(cv.pdf, lettre.pdf)")))
    assert_accessible(page)
    screenshot(page, "student-refused-file")

    # And nothing was stored: no application, no document, no file
    assert not Application.objects.exists()
    assert not ApplicationDocument.objects.exists()
    assert private_files(settings.PRIVATE_ROOT) == []


@pytest.fixture
def production(settings, live_server):
    """DEBUG off, as in production; the live server's host is still allowed."""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [urlsplit(live_server.url).hostname]


def test_what_is_not_the_students_shows_the_portals_page_not_found(
    production, page, live_server, company, author, offer, applicant
):
    # Given another student's application with its documents, and an offer meant for another programme
    other = student(ProgrammeFactory(name="Chimie"), first_name="Khira", last_name="Khadraoui")
    theirs = services.apply(other, offer=offer, message="Bonjour,", cv=cv(), motivation_letter=letter())
    their_cv = theirs.documents.get(kind="cv")
    reserved = published_offer(company, author, title="Stage réservé aux chimistes")
    reserved.target_programmes.add(other.student.programme)
    reserved.save()
    sign_in(page, applicant, live_server.url)

    for path in [
        f"/candidatures/{theirs.pk}/",
        f"/candidatures/{theirs.pk}/documents/{their_cv.pk}/",
        reserved.url,
        f"/candidatures/postuler/{reserved.pk}/",
    ]:
        # When the student types the address directly
        response = page.goto(path)

        # Then the portal's own page says it is not found, with ways back, and nothing of the code
        assert response.status == 404, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
        expect(page.get_by_role("main")).to_contain_text("Cette page n’existe pas, ou ne vous est pas ouverte.")
        for way_back in ["Rechercher une offre", "Accueil", "Mon espace"]:
            expect(page.get_by_role("main").get_by_role("link", name=way_back)).to_be_visible()
        assert "Traceback" not in page.content()
        expect(page.get_by_role("main")).not_to_contain_text("Khadraoui")
    assert_accessible(page)
    screenshot(page, "student-page-not-found")


def test_the_search_and_the_application_fit_a_phone_screen(open_page, live_server, offers, applicant, author):
    # Given a student who applied, on a phone 375 px wide
    application = services.apply(applicant, offer=offers, message=MESSAGE, cv=cv(), motivation_letter=letter())
    phone = open_page(viewport=PHONE)
    sign_in(phone, applicant, live_server.url)

    # When they search the offers
    phone.goto("/offres/?q=python")

    # Then nothing overflows sideways, and the search, the guided search and the results stay within reach
    assert fits_the_screen(phone)
    expect(phone.get_by_role("combobox", name="Secteur")).to_be_hidden()  # folded under « Plus de critères »
    reachable(phone, phone.get_by_role("searchbox", name="Mots-clés"))
    reachable(phone, phone.get_by_role("button", name="Rechercher", exact=True))
    reachable(phone, phone.get_by_role("region", name="Secteur").get_by_role("link").first)
    reachable(phone, phone.locator(".search-results").get_by_role("link", name="Développeur Python"))
    screenshot(phone, "student-phone-search")

    # When they open their application
    phone.goto(f"/candidatures/{application.pk}/")

    # Then it fits too, and its documents, withdrawal and way back stay within reach
    assert fits_the_screen(phone)
    expect(status_of(phone)).to_have_text("En cours")
    reachable(phone, phone.get_by_role("link", name="cv.pdf"))
    reachable(phone, phone.get_by_role("button", name="Retirer", exact=True))
    reachable(phone, phone.get_by_role("link", name="Retour à mes candidatures"))
    screenshot(phone, "student-phone-application")

    # And the company's author, on a phone too, can set the next status
    company_phone = open_page(viewport=PHONE)
    sign_in(company_phone, author, live_server.url)
    company_phone.goto(f"/candidatures/{application.pk}/")
    assert fits_the_screen(company_phone)
    reachable(company_phone, company_phone.get_by_label("Nouveau statut"))
    reachable(company_phone, company_phone.get_by_role("button", name="Enregistrer le statut"))
