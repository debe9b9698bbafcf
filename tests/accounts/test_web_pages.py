"""Account web pages: sign-in, company contacts, company data, student sign-up."""

import re

import pytest
from django.core import mail

from portal import access
from portal.accounts.models import Membership, Student, User
from tests.factories import PASSWORD, CompanyFactory, ProgrammeFactory, company_admin, secondary_contact


@pytest.mark.django_db
def test_sign_in_with_email_and_reach_my_space(client):
    company = CompanyFactory(title="Talos")
    admin = company_admin(company, email="admin@talos.example")

    response = client.post("/comptes/connexion/", {"username": "ADMIN@talos.example", "password": PASSWORD})
    space = client.get("/comptes/mon-compte/")

    assert response.status_code == 302
    assert space.status_code == 200
    assert "Talos" in space.content.decode()
    assert space.context["user"] == admin


@pytest.mark.django_db
def test_wrong_password_shows_a_form_error(client):
    company_admin(CompanyFactory(), email="admin@talos.example")

    response = client.post("/comptes/connexion/", {"username": "admin@talos.example", "password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


@pytest.mark.django_db
def test_admin_adds_a_contact_who_gets_a_set_password_mail(client, on_commit):
    company = CompanyFactory()
    client.force_login(company_admin(company))

    with on_commit():
        response = client.post(
            f"/comptes/entreprises/{company.pk}/contacts/",
            {
                "first_name": "Valentin",
                "last_name": "Bouquet",
                "email": "valentin@talos.example",
                "can_create_offers": "on",
            },
        )

    assert response.status_code == 302
    membership = Membership.objects.get(user__email="valentin@talos.example")
    assert membership.can_create_offers and access.can(membership.user, access.organisations.CREATE_OFFERS, company)
    assert mail.outbox[0].to == ["valentin@talos.example"]
    assert "/comptes/mot-de-passe/nouveau/" in mail.outbox[0].body


@pytest.mark.django_db
def test_adding_the_same_contact_twice_shows_a_form_error(client):
    company = CompanyFactory()
    client.force_login(company_admin(company))
    contact = secondary_contact(company, email="valentin@talos.example")

    response = client.post(
        f"/comptes/entreprises/{company.pk}/contacts/",
        {"first_name": "Valentin", "last_name": "Bouquet", "email": contact.email},
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert Membership.objects.filter(user=contact).count() == 1


@pytest.mark.django_db
def test_admin_revokes_the_right_to_create_offers_then_removes_the_contact(client):
    company = CompanyFactory()
    client.force_login(company_admin(company))
    contact = secondary_contact(company, can_create_offers=True)
    url = f"/comptes/entreprises/{company.pk}/contacts/{contact.pk}/"

    client.post(url, {"action": "rights"})
    revoked = access.can(contact, access.organisations.CREATE_OFFERS, company)
    client.post(url, {"action": "remove"})

    assert revoked is False
    assert not Membership.objects.filter(user=contact).exists()
    contact.refresh_from_db()
    assert contact.is_active is False


@pytest.mark.parametrize("path", ["contacts/", "donnees/"])
@pytest.mark.django_db
def test_company_pages_answer_404_to_a_secondary_contact_and_to_another_company(client, path):
    company = CompanyFactory()
    other_admin = company_admin(CompanyFactory())
    contact = secondary_contact(company, can_create_offers=True)

    for user in (contact, other_admin):
        client.force_login(user)
        assert client.get(f"/comptes/entreprises/{company.pk}/{path}").status_code == 404


@pytest.mark.django_db
def test_admin_changes_the_company_data(client):
    company = CompanyFactory(title="Talos")
    client.force_login(company_admin(company))

    response = client.post(
        f"/comptes/entreprises/{company.pk}/donnees/",
        {
            "name": "Talos Health",
            "city": "Namur",
            "country": "BE",
            "sector": "72",
            "keywords": "santé, IA",
            "description": "Recherche et développement.",
            "website": "https://talos.example",
        },
    )

    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.title, company.city, company.sector_id) == ("Talos Health", "Namur", "72")
    assert company.keyword_list == ["IA", "santé"]


@pytest.mark.django_db
def test_student_signs_up_on_the_web_and_confirms_the_email(client, on_commit):
    programme = ProgrammeFactory()
    data = {
        "first_name": "Leïla",
        "last_name": "Ben Salah",
        "email": "leila@student.example",
        "password": "Un-Mot-De-Passe-Solide-42",
        "school": programme.organisation_id,
        "programme": programme.pk,
        "study_level": "master",
        "language": "fr",
        "accept_terms": "on",
    }

    with on_commit():
        response = client.post("/comptes/etudiants/inscription/", data)
    link = re.search(r"https?://[^/\s]+(/comptes/etudiants/confirmer/\S+)", mail.outbox[0].body).group(1)
    confirmed = client.get(link)
    reused = client.get(link)

    assert response.status_code == 302
    assert confirmed.status_code == 200 and confirmed.context["confirmed"] is True
    assert reused.status_code == 400
    assert User.objects.get(email="leila@student.example").is_active
    assert Student.objects.get(user__email="leila@student.example").email_confirmed_at is not None


@pytest.mark.django_db
def test_student_sign_up_without_the_terms_keeps_the_input_and_writes_nothing(client):
    programme = ProgrammeFactory()
    data = {
        "first_name": "Leïla",
        "last_name": "Ben Salah",
        "email": "leila@student.example",
        "password": "Un-Mot-De-Passe-Solide-42",
        "school": programme.organisation_id,
        "study_level": "master",
        "language": "fr",
    }

    response = client.post("/comptes/etudiants/inscription/", data)

    assert response.status_code == 200
    assert "accept_terms" in response.context["form"].errors
    assert 'value="Ben Salah"' in response.content.decode()
    assert not User.objects.filter(email="leila@student.example").exists()


@pytest.mark.django_db
def test_a_session_opened_under_djangos_own_backend_stays_signed_in(client):
    # Sessions opened before the portal's backend replaced Django's name Django's; their holders stay signed in.
    admin = company_admin(CompanyFactory(title="Talos"), email="admin@talos.example")
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")

    space = client.get("/comptes/mon-compte/")

    assert space.status_code == 200
    assert space.wsgi_request.user == admin
