"""The registration wizard lists a step's errors above its form, each a link to its field (the offer form's pattern)."""

import html
import re

import pytest

from tests.accounts.test_registration_wizard import URL, contacts, identity

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def summary(response) -> str | None:
    match = re.search(
        r'<div class="[^"]*error-summary[^"]*" role="alert" tabindex="-1"[^>]*>(.*?)</div>',
        response.content.decode(),
        re.S,
    )
    return match.group(1) if match else None


def links(block: str) -> list[tuple[str, str]]:
    found = re.findall(r'<a href="#([^"]+)">(.*?)</a>', block)
    return [(target, html.unescape(" ".join(text.split()))) for target, text in found]


def test_a_step_with_errors_lists_them_on_top_with_a_link_to_each_field(client):
    response = client.post(URL, identity(**{"identity-name": "", "identity-admin_email": "pas-une-adresse"}), **ENGLISH)

    block = summary(response)
    assert block is not None and "correct the fields below" in block
    assert links(block) == [("id_identity-name", "Company name"), ("id_identity-admin_email", "Administrator's e-mail")]
    page = response.content.decode()
    for target, _label in links(block):
        assert f'id="{target}"' in page


def test_the_contacts_step_names_the_contact_of_each_error(client):
    client.post(URL, identity())
    good = {"first_name": "Valentin", "last_name": "Bouquet", "email": "valentin@talos.example"}
    bad = {"first_name": "Léa", "last_name": "", "email": "lea@"}

    response = client.post(URL, contacts(good, bad), **ENGLISH)

    assert response.context["wizard"]["steps"].current == "contacts"
    assert links(summary(response)) == [
        ("id_contacts-1-last_name", "Contact 2 — Last name"),
        ("id_contacts-1-email", "Contact 2 — E-mail"),
    ]


def test_a_step_without_errors_has_no_summary(client):
    assert summary(client.get(URL)) is None
    assert summary(client.post(URL, identity())) is None


def test_the_summary_takes_the_focus_and_its_links_the_field_s_with_the_portal_s_script(client):
    response = client.post(URL, identity(**{"identity-name": ""}))

    assert '<script src="/static/js/error-summary.js" defer></script>' in response.content.decode()
