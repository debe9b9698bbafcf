"""The contact page: the teams' addresses, and a form that e-mails the chosen hub's team (or the portal team)."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from wagtail.models import Page

from cms_pages.models import ContactPage, ContactTeam, HomePage
from portal.notifications.models import Notification
from tests.factories import CompanyFactory, HubFactory, company_admin

pytestmark = pytest.mark.django_db

URL = "/contact/"
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def contact_page() -> ContactPage:
    return ContactPage.objects.get()


@pytest.fixture
def hub_team():
    """A hub whose companies write to their own team."""
    hub = HubFactory(title="Pôle BioWin")
    page = contact_page()
    ContactTeam.objects.create(page=page, hub=hub, name="Cellule stages BioWin", email="stages@biowin.example")
    return hub


def message(**fields):
    data = {
        "name": "Aurélie Hogge",
        "email": "aurelie@talos.example",
        "hub": "",
        "subject": "Accès administrateur perdu",
        "message": "Bonjour,\nnous avons perdu l'accès administrateur de Talos.",
        "website": "",
    }
    data.update(fields)
    return data


# The page


def test_the_migrations_put_the_contact_page_of_the_guide_under_the_home_page(client):
    page = contact_page()

    assert page.get_parent().specific_class is HomePage and page.live and page.url == URL
    assert (page.team_name, page.contact_role, page.email) == (
        "cellule Stages des Pôles",
        "Responsable",
        "stages@uwe.be",
    )
    response = client.get(URL)
    assert response.status_code == 200
    assert 'href="mailto:stages@uwe.be"' in response.content.decode()


def test_there_is_one_contact_page_under_the_home_page():
    home = HomePage.objects.get()

    assert ContactPage in home.specific_class.allowed_subpage_models()
    assert not ContactPage.can_create_at(home)
    assert ContactPage.allowed_parent_page_models() == [HomePage]
    assert ContactPage.allowed_subpage_models() == []


def test_the_page_lists_each_hub_team_with_its_address(client, hub_team):
    response = client.get(URL)

    page = response.content.decode()
    assert "Cellule stages BioWin" in page and 'href="mailto:stages@biowin.example"' in page
    assert f'<option value="{hub_team.pk}">Pôle BioWin — Cellule stages BioWin</option>' in page


def test_the_team_of_a_hub_taken_offline_is_neither_listed_nor_offered(client, hub_team):
    hub_team.unpublish()

    page = client.get(URL).content.decode()

    assert "Cellule stages BioWin" not in page and f'value="{hub_team.pk}"' not in page


def test_a_team_is_the_team_of_a_hub():
    team = ContactTeam(page=contact_page(), hub=CompanyFactory(), name="Équipe", email="equipe@example.test")

    with pytest.raises(ValidationError) as error:
        team.full_clean()

    assert "hub" in error.value.message_dict


def test_every_footer_links_to_the_contact_page(client):
    response = client.get("/organisations/")

    footer = response.content.decode().split('class="site-footer"', 1)[1]
    assert f'href="{URL}"' in footer


def test_the_already_registered_page_tells_how_to_reach_the_team(client):
    CompanyFactory(title="Talos Health Solutions")

    response = client.get("/comptes/entreprises/deja-inscrite/", {"q": "Talos"})

    assert f'href="{URL}"' in response.content.decode()


# The form


def test_a_message_goes_to_the_portal_team_by_default(client, on_commit):
    with on_commit():
        response = client.post(URL, message())

    assert response.status_code == 302 and response["Location"] == URL
    [sent] = mail.outbox
    assert sent.to == ["stages@uwe.be"] and sent.reply_to == ["aurelie@talos.example"]
    assert "Accès administrateur perdu" in sent.subject
    assert "nous avons perdu l'accès administrateur de Talos." in sent.body
    assert "cellule Stages des Pôles" in client.get(URL).content.decode()  # the confirmation names the team


def test_a_message_about_a_hub_goes_to_the_team_of_the_hub(client, on_commit, hub_team):
    with on_commit():
        client.post(URL, message(hub=str(hub_team.pk)))

    [sent] = mail.outbox
    assert sent.to == ["stages@biowin.example"]
    assert "Pôle BioWin" in sent.body


def test_a_signed_in_writer_is_named_and_the_form_starts_with_their_details(client, on_commit):
    admin = company_admin(CompanyFactory(), first_name="Aurélie", last_name="Hogge", email="aurelie@talos.example")
    client.force_login(admin)

    form = client.get(URL).context["form"]
    with on_commit():
        client.post(URL, message())

    assert form["email"].value() == "aurelie@talos.example" and form["name"].value() == "Aurélie Hogge"
    assert Notification.objects.get().payload["account"] == "aurelie@talos.example"


def test_what_the_writer_typed_is_sent_as_plain_text(client, on_commit):
    with on_commit():
        client.post(URL, message(name="<b>Eve</b>", message="<script>alert(1)</script>"))

    [sent] = mail.outbox
    html, _mimetype = sent.alternatives[0]
    assert "<script>alert(1)</script>" in sent.body  # the text part is text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Eve</b>" not in html


def test_an_incomplete_message_is_refused_next_to_its_fields_with_a_summary(client):
    response = client.post(URL, message(email="pas-une-adresse", message=""), **ENGLISH)

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"email", "message"}
    page = response.content.decode()
    assert 'role="alert"' in page and 'href="#id_email"' in page and 'href="#id_message"' in page
    assert mail.outbox == [] and not Notification.objects.exists()


def test_a_message_longer_than_allowed_is_refused(client):
    response = client.post(URL, message(message="x" * 5001))

    assert response.status_code == 200 and "message" in response.context["form"].errors
    assert mail.outbox == []


def test_a_line_break_in_the_subject_is_refused(client):
    response = client.post(URL, message(subject="Bonjour\nBcc: victime@example.test"))

    assert response.status_code == 200 and "subject" in response.context["form"].errors
    assert mail.outbox == []


def test_a_hub_that_is_not_offered_is_refused(client, hub_team):
    other = HubFactory()

    response = client.post(URL, message(hub=str(other.pk)))

    assert response.status_code == 200 and "hub" in response.context["form"].errors
    assert mail.outbox == []


def test_a_robot_filling_in_the_hidden_field_is_thanked_and_nothing_is_sent(client, on_commit):
    with on_commit():
        response = client.post(URL, message(website="https://spam.example"))

    assert response.status_code == 302
    assert mail.outbox == [] and not Notification.objects.exists()


def test_the_same_message_sent_twice_goes_out_once(client, on_commit):
    with on_commit():
        client.post(URL, message())
        client.post(URL, message())

    assert len(mail.outbox) == 1


def test_an_address_sending_too_many_messages_waits(client, on_commit, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "contact": "2/hour"},
    }

    with on_commit():
        statuses = [client.post(URL, message(subject=f"Question {n}")).status_code for n in range(3)]
        elsewhere = client.post(URL, message(subject="Question 4"), REMOTE_ADDR="192.0.2.7")

    assert statuses == [302, 302, 429]
    assert elsewhere.status_code == 302
    refused = client.post(URL, message(subject="Question 5"), **ENGLISH)
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 3600
    assert "try again in" in refused.content.decode()
    assert len(mail.outbox) == 3


def test_a_contact_page_taken_offline_is_not_found(client):
    contact_page().unpublish()

    assert client.get(URL).status_code == 404
    assert client.post(URL, message()).status_code == 404
    assert mail.outbox == []


def test_the_contact_page_answers_no_other_method(client):
    assert client.put(URL).status_code == 405
    assert Page.objects.type(ContactPage).count() == 1
