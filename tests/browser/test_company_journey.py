"""A company's journey in the browser, as the companies' guide tells it.

The company checks that it is not registered yet, registers in the four screens of the wizard, its
administrator chooses a password from the e-mail and adds a secondary contact allowed to create offers;
the contact writes an offer and submits it, the administrator validates it, the reference hub approves
it, and any visitor finds it in the public search. Then what people meet on the way: errors shown next to
the fields they concern, and a wizard that works with the keyboard alone.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from portal.reference.models import Sector
from tests.browser.support import assert_accessible, browser_test, link_in, screenshot, sign_in
from tests.factories import PASSWORD, CompanyFactory, HubFactory, company_admin, hub_moderator

pytestmark = browser_test

WIZARD = "/comptes/entreprises/inscription/"
NEW_PASSWORD = "Stages-des-Poles-2027"
ADMIN_EMAIL = "aurelie.hogge@talos.example"
CONTACT_EMAIL = "valentin.bouquet@talos.example"
OFFER_TITLE = "Développeur Kotlin pour la santé connectée"


@pytest.fixture
def hub():
    return HubFactory(title="BioWin")


def sector_62() -> str:
    """The label the sector lists show for NACE division 62."""
    return f"62 {Sector.objects.get(code='62').name_fr}"


def field(scope, label: str):
    """The form field labelled `label` (Django adds « : » after French labels)."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*:?\s*$"))


def main(page):
    return page.get_by_role("main")


def step_heading(page, number: int):
    return page.get_by_role("heading", name=f"Étape {number} sur 4")


def mail_to(address: str):
    sent = [message for message in mail.outbox if message.to == [address]]
    assert sent, f"no e-mail to {address} in {[message.to for message in mail.outbox]}"
    return sent[-1]


def choose_password_from_email(page, address: str) -> None:
    """Follow the set-password link of the latest e-mail to `address` and choose a password."""
    page.goto(link_in(mail_to(address).body))
    expect(page.get_by_role("heading", name="Choisir un mot de passe")).to_be_visible()
    assert_accessible(page)
    field(main(page), "Nouveau mot de passe").fill(NEW_PASSWORD)
    field(main(page), "Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
    main(page).get_by_role("button", name="Enregistrer mon mot de passe").click()
    expect(page.get_by_role("heading", name="Mot de passe enregistré")).to_be_visible()
    assert_accessible(page)


def sign_in_with_the_form(page, email: str, password: str) -> None:
    page.get_by_role("banner").get_by_role("link", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()
    assert_accessible(page)
    field(main(page), "E-mail").fill(email)
    field(main(page), "Mot de passe").fill(password)
    main(page).get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Bienvenue")).to_be_visible()
    assert_accessible(page)


def open_my_offers(page) -> None:
    """From « Mon espace », the company's workspace."""
    page.get_by_role("banner").get_by_role("link", name="Mon espace").click()
    main(page).get_by_role("link", name="Diffuser mes offres").first.click()
    expect(page.get_by_role("heading", name="Mes offres de stage")).to_be_visible()


def offer_row(page, title: str):
    return main(page).get_by_role("row").filter(has=page.get_by_role("rowheader", name=title))


def lookup_link(page):
    return main(page).get_by_role("link", name="Vérifiez d'abord que votre entreprise n'est pas déjà inscrite")


def tab_to(page, target, *, text: str | None = None) -> None:
    """Press Tab once: focus lands on `target`; type `text` into it (letters choose an option in a list)."""
    page.keyboard.press("Tab")
    expect(target).to_be_focused()
    if text:
        page.keyboard.type(text)


def test_company_journey(page, open_page, hub):
    # Given a reference hub and its moderator
    moderator = hub_moderator(hub, email="moderation@biowin.example")
    administrator, contact, visitor, hub_tab = page, open_page(), open_page(), open_page()

    # When the company checks, from « Vous êtes une entreprise », that it is not registered yet
    administrator.goto("/")
    administrator.get_by_role("banner").get_by_role("link", name="Vous êtes une entreprise").click()
    expect(administrator.get_by_role("heading", level=1, name="Vous êtes une entreprise")).to_be_visible()
    assert_accessible(administrator)
    field(main(administrator), "Nom ou numéro de l'entreprise").fill("Talos Health")
    main(administrator).get_by_role("button", name="Rechercher").click()
    # Then nothing is found and the look-up leads to the registration
    expect(main(administrator)).to_contain_text("Aucune entreprise inscrite ne correspond à votre recherche.")
    assert_accessible(administrator)
    screenshot(administrator, "company-01-already-registered")
    main(administrator).get_by_role("link", name="Inscrire mon entreprise").click()

    # When it goes through the four screens of the wizard
    form = main(administrator)
    expect(step_heading(administrator, 1)).to_be_visible()
    expect(form.locator("[aria-current=step]")).to_have_text("1. Identité")
    assert_accessible(administrator)
    field(form, "Nom de l'entreprise").fill("Talos Health Solutions")
    field(form, "Numéro d'entreprise").fill("BE 0123.456.789")
    field(form, "Adresse").fill("Rue de la Science 1")
    field(form, "Code postal").fill("4000")
    field(form, "Ville").fill("Liège")
    field(form, "Pays").select_option(label="Belgique")
    field(form, "Téléphone").fill("+32 4 246 50 35")
    field(form, "Civilité").select_option(label="Mme")
    field(form, "Prénom de l'administrateur").fill("Aurélie")
    field(form, "Nom de l'administrateur").fill("Hogge")
    field(form, "E-mail de l'administrateur").fill(ADMIN_EMAIL)
    screenshot(administrator, "company-02-wizard-identity")
    form.get_by_role("button", name="Suivant").click()

    expect(step_heading(administrator, 2)).to_be_visible()
    expect(form.locator("[aria-current=step]")).to_have_text("2. Contacts secondaires")
    expect(form.get_by_role("group", name="Contact 1")).to_be_visible()
    assert_accessible(administrator)
    screenshot(administrator, "company-03-wizard-contacts")
    form.get_by_role("button", name="Suivant").click()  # the contacts come later, from the contacts page

    expect(step_heading(administrator, 3)).to_be_visible()
    assert_accessible(administrator)
    field(form, "Secteur d'activité").select_option(label=sector_62())
    form.locator("[name=activity-expertise_domains]").fill("Logiciels médicaux, dispositifs connectés")
    field(form, "Mots-clés").fill("santé, logiciel, objets connectés")
    field(form, "Description de l'activité de l'entreprise").fill(
        "Une start-up liégeoise qui développe des logiciels pour la santé connectée."
    )
    field(form, "Site web").fill("talos.example")
    field(form, "Pôle de référence").select_option(label="BioWin")
    screenshot(administrator, "company-04-wizard-activity")
    form.get_by_role("button", name="Suivant").click()

    expect(step_heading(administrator, 4)).to_be_visible()
    assert_accessible(administrator)
    field(form, "J'accepte les conditions générales d'utilisation du portail").check()
    screenshot(administrator, "company-05-wizard-terms")
    form.get_by_role("button", name="S'inscrire").click()

    # Then the registration is received and the administrator gets a link to choose a password
    expect(administrator.get_by_role("heading", name="Inscription reçue")).to_be_visible()
    expect(main(administrator)).to_contain_text("Talos Health Solutions")
    assert_accessible(administrator)
    screenshot(administrator, "company-06-registered")
    assert "Talos Health Solutions" in mail_to(ADMIN_EMAIL).subject

    # When the administrator chooses a password and signs in
    choose_password_from_email(administrator, ADMIN_EMAIL)
    sign_in_with_the_form(administrator, ADMIN_EMAIL, NEW_PASSWORD)
    expect(main(administrator)).to_contain_text("administrateur d’entreprise")

    # And adds a secondary contact allowed to create offers
    main(administrator).get_by_role("link", name="Contacts secondaires").click()
    expect(administrator.get_by_role("heading", name="Contacts secondaires — Talos Health Solutions")).to_be_visible()
    assert_accessible(administrator)
    adding = main(administrator).locator("form", has=administrator.get_by_role("button", name="Ajouter le contact"))
    field(adding, "Prénom").fill("Valentin")
    field(adding, "Nom").fill("Bouquet")
    field(adding, "E-mail").fill(CONTACT_EMAIL)
    field(adding, "Autoriser ce contact à créer des offres de stage").check()
    adding.get_by_role("button", name="Ajouter le contact").click()

    # Then the contact is listed with the right to create offers
    expect(administrator.get_by_role("status")).to_contain_text("Le contact a été ajouté")
    contact_row = main(administrator).get_by_role("row").filter(has_text=CONTACT_EMAIL)
    expect(contact_row).to_contain_text("Valentin Bouquet")
    right = field(contact_row, "Autoriser ce contact à créer des offres de stage")
    expect(right).to_be_checked()
    expect(right).to_have_accessible_description("Valentin Bouquet")
    assert_accessible(administrator)
    screenshot(administrator, "company-07-contacts")

    # When the contact chooses a password, signs in and writes an offer
    choose_password_from_email(contact, CONTACT_EMAIL)
    sign_in_with_the_form(contact, CONTACT_EMAIL, NEW_PASSWORD)
    expect(main(contact)).to_contain_text("Vous pouvez créer des offres de stage")
    open_my_offers(contact)
    assert_accessible(contact)
    main(contact).get_by_role("link", name="Diffuser une offre").click()
    expect(contact.get_by_role("heading", name="Diffuser une offre")).to_be_visible()
    assert_accessible(contact)
    offer = main(contact)
    field(offer, "Titre").fill(OFFER_TITLE)
    field(offer, "Insertion").check()
    field(offer, "Mission").fill("Développer l'application mobile de suivi des patients.")
    field(offer, "Niveau d'études").select_option(label="Master")
    field(offer, "Durée (semaines)").fill("15")
    field(offer, "Secteur d'activité").select_option(label=sector_62())
    field(offer, "Mots-clés").fill("kotlin, android, santé")
    field(offer, "Profil recherché").fill("Étudiant en informatique, à l'aise avec Android.")
    field(offer, "Date de début").fill("2027-02-01")
    field(offer, "Date de fin").fill("2027-05-14")
    field(offer, "Ville").fill("Liège")
    field(offer, "Pays").select_option(label="Belgique")
    screenshot(contact, "company-08-offer-form")
    offer.get_by_role("button", name="Enregistrer le brouillon").click()

    # And submits it for validation
    expect(contact.get_by_role("status")).to_contain_text("L'offre a été enregistrée comme brouillon.")
    expect(offer_row(contact, OFFER_TITLE)).to_contain_text("Brouillon")
    offer_row(contact, OFFER_TITLE).get_by_role("button", name=re.compile("^Soumettre l'offre")).click()

    # Then it waits for the administrator
    expect(contact.get_by_role("status")).to_contain_text("L'offre a été soumise à validation.")
    expect(offer_row(contact, OFFER_TITLE)).to_contain_text("En attente de validation par l'entreprise")
    assert_accessible(contact)

    # When the administrator validates it in the workspace
    open_my_offers(administrator)
    main(administrator).get_by_role("link", name=re.compile("^Offres à valider")).click()
    expect(offer_row(administrator, OFFER_TITLE)).to_contain_text("En attente de validation par l'entreprise")
    expect(offer_row(administrator, OFFER_TITLE)).to_contain_text("Valentin Bouquet")
    assert_accessible(administrator)
    screenshot(administrator, "company-09-workspace-to-validate")
    offer_row(administrator, OFFER_TITLE).get_by_role("button", name=re.compile("^Approuver l'offre")).click()

    # Then it goes to the reference hub
    expect(administrator.get_by_role("status")).to_contain_text("L'offre a été approuvée.")
    expect(offer_row(administrator, OFFER_TITLE)).to_contain_text("En attente de validation par le pôle")
    assert_accessible(administrator)

    # When the hub's moderator approves it in the moderation queue
    hub_tab.goto("/")
    sign_in_with_the_form(hub_tab, moderator.email, PASSWORD)
    main(hub_tab).get_by_role("link", name="Offres à modérer").first.click()
    expect(hub_tab.get_by_role("heading", name="Offres à modérer")).to_be_visible()
    card = main(hub_tab).get_by_role("listitem").filter(has=hub_tab.get_by_role("heading", name=OFFER_TITLE))
    expect(card).to_contain_text("Talos Health Solutions")
    expect(card).to_contain_text("En attente de validation par le pôle")
    assert_accessible(hub_tab)
    screenshot(hub_tab, "company-10-moderation")
    card.get_by_role("button", name="Approuver").click()

    # Then the queue is empty
    expect(hub_tab.get_by_role("status")).to_contain_text("L'offre a été approuvée.")
    expect(main(hub_tab)).to_contain_text("Aucune offre n'est en attente de votre décision.")
    assert_accessible(hub_tab)

    # And a visitor finds the offer in the public search
    visitor.goto("/")
    visitor.get_by_role("banner").get_by_role("link", name="Offres de stage").click()
    main(visitor).get_by_role("searchbox", name=re.compile("^Mots-clés")).fill("kotlin")
    main(visitor).get_by_role("button", name="Rechercher", exact=True).click()
    expect(main(visitor).get_by_role("status")).to_contain_text("1 offre trouvée")
    result = main(visitor).get_by_role("listitem").filter(has=visitor.get_by_role("heading", name=OFFER_TITLE))
    expect(result).to_contain_text("Talos Health Solutions")
    expect(result).to_contain_text("Liège, Belgique")
    assert_accessible(visitor)
    screenshot(visitor, "company-11-search-result")
    result.get_by_role("link", name=OFFER_TITLE).click()
    expect(visitor.get_by_role("heading", name=OFFER_TITLE)).to_be_visible()
    assert_accessible(visitor)


def test_wizard_shows_errors_next_to_the_fields_and_keeps_what_was_typed(page, hub):
    # Given a visitor on the first screen of the wizard
    page.goto(WIZARD)
    form = main(page)
    field(form, "Ville").fill("Liège")
    field(form, "Pays").select_option(label="Belgique")
    field(form, "Prénom de l'administrateur").fill("Aurélie")
    field(form, "Nom de l'administrateur").fill("Hogge")

    # When the company name is left empty and the e-mail is not an address
    field(form, "E-mail de l'administrateur").fill("aurelie.talos.example")
    form.get_by_role("button", name="Suivant").click()

    # Then the screen stays, each error is next to its field, and what was typed is kept
    expect(step_heading(page, 1)).to_be_visible()
    name = field(form, "Nom de l'entreprise")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description("Ce champ est obligatoire.")
    email = field(form, "E-mail de l'administrateur")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description("Saisissez une adresse e-mail valide.")
    expect(email).to_have_value("aurelie.talos.example")
    expect(field(form, "Ville")).to_have_value("Liège")
    expect(field(form, "Pays")).to_have_value("BE")
    expect(field(form, "Prénom de l'administrateur")).to_have_value("Aurélie")
    expect(field(form, "Ville")).not_to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    screenshot(page, "company-errors-wizard-identity")

    # When the mistakes are corrected, the activity screen is sent with a website that is not one
    name.fill("Talos Health Solutions")
    email.fill(ADMIN_EMAIL)
    form.get_by_role("button", name="Suivant").click()
    expect(step_heading(page, 2)).to_be_visible()
    form.get_by_role("button", name="Suivant").click()
    expect(step_heading(page, 3)).to_be_visible()
    field(form, "Secteur d'activité").select_option(label=sector_62())
    field(form, "Mots-clés").fill("santé, logiciel")
    field(form, "Site web").fill("pas un site")
    field(form, "Pôle de référence").select_option(label="BioWin")
    form.get_by_role("button", name="Suivant").click()

    # Then the missing description and the website are flagged, the choices made are kept
    expect(step_heading(page, 3)).to_be_visible()
    description = field(form, "Description de l'activité de l'entreprise")
    expect(description).to_have_accessible_description("Ce champ est obligatoire.")
    website = field(form, "Site web")
    expect(website).to_have_accessible_description("Saisissez une URL valide.")
    expect(website).to_have_value("pas un site")
    expect(field(form, "Mots-clés")).to_have_value("santé, logiciel")
    expect(field(form, "Secteur d'activité")).to_have_value("62")
    expect(field(form, "Pôle de référence")).to_have_value(str(hub.pk))
    assert_accessible(page)


def test_offer_form_shows_errors_next_to_the_fields_and_keeps_what_was_typed(page, live_server, hub):
    # Given a company administrator on the offer form
    company = CompanyFactory(title="Talos Health Solutions", reference_hub=hub)
    sign_in(page, company_admin(company), live_server.url)
    page.goto(f"/espace/entreprises/{company.pk}/offres/nouvelle/")
    offer = main(page)
    field(offer, "Insertion").check()
    field(offer, "Mission").fill("Développer l'application mobile de suivi des patients.")
    field(offer, "Niveau d'études").select_option(label="Master")
    field(offer, "Durée (semaines)").fill("15")
    field(offer, "Secteur d'activité").select_option(label=sector_62())
    field(offer, "Ville").fill("Liège")
    field(offer, "Pays").select_option(label="Belgique")

    # When the title is left empty and the internship ends before it starts
    field(offer, "Date de début").fill("2027-05-14")
    field(offer, "Date de fin").fill("2027-02-01")
    offer.get_by_role("button", name="Enregistrer le brouillon").click()

    # Then the title is flagged in the summary on top and next to the field; what was typed is kept
    expect(page.get_by_role("alert").get_by_role("link", name="Titre")).to_be_visible()
    title = field(offer, "Titre")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_accessible_description("Ce champ est obligatoire.")
    expect(field(offer, "Mission")).to_have_value("Développer l'application mobile de suivi des patients.")
    expect(field(offer, "Insertion")).to_be_checked()
    expect(field(offer, "Date de fin")).to_have_value("2027-02-01")
    assert_accessible(page)

    # When the title is given but the dates are still the wrong way round
    title.fill(OFFER_TITLE)
    offer.get_by_role("button", name="Enregistrer le brouillon").click()

    # Then the summary on top leads to the end date alone, flagged next to the field
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("listitem")).to_have_count(1)
    summary.get_by_role("link", name="Date de fin").click()
    end = field(offer, "Date de fin")
    expect(end).to_have_attribute("aria-invalid", "true")
    expect(end).to_have_accessible_description("La date de fin ne peut pas précéder la date de début.")
    expect(end).to_be_focused()
    expect(end).to_have_value("2027-02-01")
    # And the form keeps every value
    expect(field(offer, "Date de début")).to_have_value("2027-05-14")
    expect(field(offer, "Titre")).to_have_value(OFFER_TITLE)
    expect(field(offer, "Durée (semaines)")).to_have_value("15")
    expect(field(offer, "Niveau d'études")).to_have_value("master")
    expect(field(offer, "Pays")).to_have_value("BE")
    assert_accessible(page)
    screenshot(page, "company-errors-offer-form")
    assert not company.offers.exists()


def test_wizard_can_be_completed_with_the_keyboard_alone(page, hub):
    # Given a visitor on the wizard, who uses no mouse
    page.goto(WIZARD)
    form = main(page)

    # When they skip to the content, Tab through the identity screen typing in each field, and press Enter
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Enter")
    # The next Tab starts from the content once the browser has followed the link (the address ends with it).
    expect(page).to_have_url(re.compile(r"#content$"))
    expect(main(page)).to_be_focused()
    tab_to(page, lookup_link(page))
    tab_to(page, field(form, "Nom de l'entreprise"), text="Talos Health Solutions")
    tab_to(page, field(form, "Numéro d'entreprise"), text="BE 0123.456.789")
    tab_to(page, field(form, "Adresse"), text="Rue de la Science 1")
    tab_to(page, field(form, "Code postal"), text="4000")
    tab_to(page, field(form, "Ville"), text="Liège")
    tab_to(page, field(form, "Pays"), text="Belg")
    expect(field(form, "Pays")).to_have_value("BE")
    tab_to(page, field(form, "Téléphone"), text="+32 4 246 50 35")
    tab_to(page, field(form, "Civilité"), text="Mme")
    expect(field(form, "Civilité")).to_have_value("ms")
    tab_to(page, field(form, "Prénom de l'administrateur"), text="Aurélie")
    tab_to(page, field(form, "Nom de l'administrateur"), text="Hogge")
    tab_to(page, field(form, "E-mail de l'administrateur"), text=ADMIN_EMAIL)
    tab_to(page, field(form, "Langue"))
    tab_to(page, form.get_by_role("button", name="Suivant"))
    page.keyboard.press("Enter")

    # Then the contacts screen comes; a contact is added, Space ticks their right, Enter goes on
    expect(step_heading(page, 2)).to_be_visible()
    assert page.url.endswith("#content")  # each following screen opens where the content starts
    # The browser moves focus to the content once the screen is rendered; Tab starts from there.
    expect(main(page)).to_be_focused()
    tab_to(page, lookup_link(page))
    first = form.get_by_role("group", name="Contact 1")
    tab_to(page, field(first, "Prénom"), text="Valentin")
    tab_to(page, field(first, "Nom"), text="Bouquet")
    tab_to(page, field(first, "E-mail"), text=CONTACT_EMAIL)
    tab_to(page, field(first, "Autoriser ce contact à créer des offres de stage"))
    page.keyboard.press("Space")
    expect(field(first, "Autoriser ce contact à créer des offres de stage")).to_be_checked()
    tab_to(page, field(form.get_by_role("group", name="Contact 2"), "Prénom"))
    page.keyboard.press("Enter")  # Enter in a field goes on to the next screen, never back

    # Then the activity screen comes; the lists are chosen by typing, the Next button by Enter
    expect(step_heading(page, 3)).to_be_visible()
    assert page.url.endswith("#content")
    expect(main(page)).to_be_focused()
    tab_to(page, lookup_link(page))
    tab_to(page, field(form, "Secteur d'activité"), text="62")
    expect(field(form, "Secteur d'activité")).to_have_value("62")
    tab_to(page, form.locator("[name=activity-expertise_domains]"), text="Logiciels médicaux")
    tab_to(page, field(form, "Mots-clés"), text="santé, logiciel")
    tab_to(page, field(form, "Description de l'activité de l'entreprise"), text="Des logiciels pour la santé.")
    tab_to(page, field(form, "Site web"), text="https://talos.example")
    tab_to(page, field(form, "Pôle de référence"), text="Bio")
    expect(field(form, "Pôle de référence")).to_have_value(str(hub.pk))
    tab_to(page, form.get_by_role("button", name="Suivant"))
    page.keyboard.press("Enter")

    # Then the terms screen comes; Space accepts them, Enter on the button registers
    expect(step_heading(page, 4)).to_be_visible()
    assert page.url.endswith("#content")
    expect(main(page)).to_be_focused()
    tab_to(page, lookup_link(page))
    tab_to(page, form.get_by_role("link", name="conditions générales d’utilisation (nouvel onglet)"))
    accept = field(form, "J'accepte les conditions générales d'utilisation du portail")
    tab_to(page, accept)
    page.keyboard.press("Space")
    expect(accept).to_be_checked()
    tab_to(page, form.get_by_role("button", name="S'inscrire"))
    page.keyboard.press("Enter")

    # Then the company is registered with its contact, and both receive their access
    expect(page.get_by_role("heading", name="Inscription reçue")).to_be_visible()
    expect(main(page)).to_contain_text("Talos Health Solutions")
    assert sorted(message.to[0] for message in mail.outbox) == [ADMIN_EMAIL, CONTACT_EMAIL]
