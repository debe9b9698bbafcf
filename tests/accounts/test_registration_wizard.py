"""The company registration wizard of the web pages, end to end."""

import re

import pytest
from django.core import mail
from django.http import HttpRequest

from cms_pages.models import OrganisationPage
from portal import access
from portal.accounts.models import Membership, TermsAcceptance, User
from tests.factories import CompanyFactory, HubFactory, UserFactory

URL = "/comptes/entreprises/inscription/"
PREFIX = "company_registration_wizard"


def identity(**overrides):
    data = {
        "identity-name": "Talos Health Solutions",
        "identity-registration_number": "BE 0123.456.789",
        "identity-address": "Rue de la Science 1",
        "identity-postcode": "4000",
        "identity-city": "Liège",
        "identity-country": "BE",
        "identity-phone": "+32 4 246 50 35",
        "identity-admin_civility": "ms",
        "identity-admin_first_name": "Aurélie",
        "identity-admin_last_name": "Hogge",
        "identity-admin_email": "aurelie@talos.example",
        "identity-admin_language": "fr",
    }
    data.update(overrides)
    return {f"{PREFIX}-current_step": "identity", **data}


def contacts(*rows):
    data = {
        f"{PREFIX}-current_step": "contacts",
        "contacts-TOTAL_FORMS": str(max(len(rows), 1)),
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "10",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"contacts-{index}-{key}"] = value
    return data


def activity(hub, **overrides):
    data = {
        f"{PREFIX}-current_step": "activity",
        "activity-sector": "62",
        "activity-keywords": "santé, logiciel, start-up",
        "activity-description": "Une start-up qui développe des logiciels pour la santé.",
        "activity-website": "https://talos.example",
        "activity-reference_hub": str(hub.pk),
    }
    data.update(overrides)
    return data


def terms(accept=True):
    data = {f"{PREFIX}-current_step": "terms"}
    if accept:
        data["terms-accept_terms"] = "on"
    return data


def set_password_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/comptes/mot-de-passe/nouveau/[^\s\"<]+)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.mark.django_db
def test_company_registers_in_four_steps_and_the_administrator_sets_a_password(client, on_commit):
    hub = HubFactory()
    secondary = {"first_name": "Valentin", "last_name": "Bouquet", "email": "valentin@talos.example"}
    secondary["can_create_offers"] = "on"

    assert client.get(URL).status_code == 200
    assert client.post(URL, identity()).status_code == 200
    assert client.post(URL, contacts(secondary)).status_code == 200
    assert client.post(URL, activity(hub)).status_code == 200
    with on_commit():
        response = client.post(URL, terms())

    assert response.status_code == 302
    company = OrganisationPage.objects.get(title="Talos Health Solutions")
    assert company.live and company.kind == "company" and company.reference_hub == hub
    assert company.registration_number == "BE0123.456.789"
    assert company.sector_id == "62" and company.country_id == "BE"
    assert company.keyword_list == ["logiciel", "santé", "start-up"]
    admin = User.objects.get(email="aurelie@talos.example")
    assert not admin.has_usable_password()
    assert Membership.objects.get(user=admin, organisation=company).role == "admin"
    contact = Membership.objects.get(user__email="valentin@talos.example")
    assert contact.role == "secondary" and contact.can_create_offers
    assert access.can(contact.user, access.organisations.CREATE_OFFERS, company)
    assert TermsAcceptance.objects.filter(accepted_by=admin, organisation=company).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["aurelie@talos.example", "valentin@talos.example"]
    admin_mail = next(m for m in mail.outbox if m.to == ["aurelie@talos.example"])
    assert "Talos Health Solutions" in admin_mail.subject
    assert "/comptes/mot-de-passe/nouveau/" in admin_mail.body
    assert admin_mail.alternatives and admin_mail.alternatives[0].mimetype == "text/html"

    # The administrator follows the link and chooses a password.
    link = set_password_path(admin_mail)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    new_password = "Un-Mot-De-Passe-Solide-42"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    assert client.login(request=HttpRequest(), email="aurelie@talos.example", password=new_password)
    # The link works once.
    assert client.get(link, follow=True).context["validlink"] is False


@pytest.mark.django_db
def test_wizard_refuses_a_company_already_registered(client):
    CompanyFactory(title="Talos Health Solutions", country_id="BE")

    response = client.post(URL, identity())

    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert OrganisationPage.objects.filter(title="Talos Health Solutions").count() == 1


@pytest.mark.django_db
def test_wizard_refuses_an_invalid_email_and_keeps_what_was_typed(client):
    response = client.post(URL, identity(**{"identity-admin_email": "not-an-email"}))

    form = response.context["form"]
    assert "admin_email" in form.errors
    assert form.data["identity-name"] == "Talos Health Solutions"
    assert "Talos Health Solutions" in response.content.decode()


@pytest.mark.django_db
def test_wizard_refuses_an_email_that_already_has_an_account(client):
    UserFactory(email="aurelie@talos.example")

    response = client.post(URL, identity())

    assert "admin_email" in response.context["form"].errors


@pytest.mark.django_db
def test_wizard_refuses_a_secondary_contact_listed_twice(client):
    client.post(URL, identity())
    row = {"first_name": "Valentin", "last_name": "Bouquet", "email": "valentin@talos.example"}

    response = client.post(URL, contacts(row, dict(row)))

    assert response.status_code == 200
    assert response.context["wizard"]["steps"].current == "contacts"
    assert any("email" in errors for errors in response.context["form"].errors)


@pytest.mark.django_db
def test_wizard_without_accepting_the_terms_writes_nothing(client):
    hub = HubFactory()
    client.post(URL, identity())
    client.post(URL, contacts())
    client.post(URL, activity(hub))

    response = client.post(URL, terms(accept=False))

    assert response.status_code == 200
    assert "accept_terms" in response.context["form"].errors
    assert not OrganisationPage.objects.filter(title="Talos Health Solutions").exists()
    assert not User.objects.filter(email="aurelie@talos.example").exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_company_registered_by_someone_else_between_two_steps_is_refused_at_the_end(client, on_commit):
    hub = HubFactory()
    client.post(URL, identity())
    client.post(URL, contacts())
    client.post(URL, activity(hub))
    CompanyFactory(title="Talos Health Solutions", country_id="BE")

    with on_commit():
        response = client.post(URL, terms())

    # The wizard checks every step again before writing: the identity step shows the duplicate.
    assert response.status_code == 200
    assert response.context["wizard"]["steps"].current == "identity"
    assert "name" in response.context["form"].errors
    assert OrganisationPage.objects.filter(title="Talos Health Solutions").count() == 1
    assert not User.objects.filter(email="aurelie@talos.example").exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_lookup_tells_whether_a_company_is_registered(client):
    CompanyFactory(title="Talos Health Solutions", registration_number="BE0123456789")

    by_name = client.get("/comptes/entreprises/deja-inscrite/", {"q": "talos"})
    by_number = client.get("/comptes/entreprises/deja-inscrite/", {"q": "BE0123456789"})
    unknown = client.get("/comptes/entreprises/deja-inscrite/", {"q": "Nobody"})

    assert [c.title for c in by_name.context["results"]] == ["Talos Health Solutions"]
    assert [c.title for c in by_number.context["results"]] == ["Talos Health Solutions"]
    assert list(unknown.context["results"]) == []
