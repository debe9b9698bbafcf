"""The ways in (guide 001 §1): the sign-in box of the home page, and « Vous êtes une entreprise »: check, create,
sign in."""

import re

import pytest

from tests.factories import PASSWORD, CompanyFactory, UserFactory, company_admin, student

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/connexion/"
COMPANIES = "/comptes/entreprises/"


def sign_in_forms(response) -> list[str]:
    """The forms of the page that post to the sign-in page."""
    return re.findall(rf'<form method="post" action="{LOGIN}".*?</form>', response.content.decode(), re.S)


def assert_a_sign_in_form(form: str) -> None:
    assert 'name="csrfmiddlewaretoken"' in form
    assert re.search(r'<input id="[\w-]+" type="email" name="username" autocomplete="username" required>', form)
    assert re.search(r'<input id="[\w-]+" type="password" name="password" autocomplete="current-password"', form)
    assert 'href="/comptes/mot-de-passe/oubli/"' in form


# The home page


def test_the_home_page_offers_a_sign_in_box_to_visitors(client):
    response = client.get("/")

    [form] = sign_in_forms(response)
    assert_a_sign_in_form(form)
    for field in ("email", "password"):
        assert f'<label for="home-sign-in-{field}">' in form


def test_the_home_page_shows_no_sign_in_box_to_the_signed_in(client):
    client.force_login(UserFactory())

    assert sign_in_forms(client.get("/")) == []


def test_the_home_box_signs_in_as_the_sign_in_page_does(client):
    user = student(email="ines@example.test")

    response = client.post(LOGIN, {"username": "ines@example.test", "password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == "/comptes/mon-compte/"
    assert client.get("/comptes/mon-compte/").context["user"] == user


def test_a_wrong_password_from_the_home_box_counts_towards_the_lockout(client):
    UserFactory(email="alice@example.test")

    statuses = [
        client.post(LOGIN, {"username": "alice@example.test", "password": "wrong"}).status_code for _attempt in range(6)
    ]

    assert statuses == [200] * 4 + [429] * 2


# « Vous êtes une entreprise »


def test_the_header_leads_visitors_to_the_companies_page(client):
    header = client.get("/").content.decode().split('class="site-header"', 1)[1].split("</header>", 1)[0]

    assert f'href="{COMPANIES}"' in header


def test_the_companies_page_offers_to_check_to_create_and_to_sign_in(client):
    response = client.get(COMPANIES)

    assert response.status_code == 200
    page = response.content.decode()
    lookup = re.search(r'<form method="get" action="/comptes/entreprises/deja-inscrite/".*?</form>', page, re.S)
    assert lookup and 'name="q"' in lookup.group(0)
    assert 'href="/comptes/entreprises/inscription/"' in page
    [form] = sign_in_forms(response)
    assert_a_sign_in_form(form)
    assert 'href="/contact/"' in page


def test_a_signed_in_company_member_finds_the_menu_of_their_company(client):
    company = CompanyFactory(title="Talos Health Solutions")
    client.force_login(company_admin(company))

    response = client.get(COMPANIES)

    page = response.content.decode()
    assert sign_in_forms(response) == []
    assert "Talos Health Solutions" in page
    assert f'href="/espace/entreprises/{company.pk}/offres/"' in page
    assert f'href="/comptes/entreprises/{company.pk}/contacts/"' in page


def test_a_signed_in_person_of_no_company_finds_no_company_menu(client):
    client.force_login(student())

    response = client.get(COMPANIES)

    assert response.status_code == 200 and "/espace/entreprises/" not in response.content.decode()
