"""After a refused application, the form says in words, beside the file fields, which files to choose again."""

import re

import pytest

from portal.recruitment.models import Application
from tests.recruitment.files import cv, letter, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def documents_fieldset(response) -> str:
    match = re.search(r"<fieldset[^>]*>\s*<legend>Documents</legend>.*?</fieldset>", response.content.decode(), re.S)
    assert match, "no Documents fieldset"
    return match.group(0)


def note(fieldset: str) -> str | None:
    match = re.search(r'<p class="message message--warning" id="files-again">(.*?)</p>', fieldset, re.S)
    return " ".join(match.group(1).split()) if match else None


def test_a_refused_file_leaves_a_note_naming_every_file_to_choose_again(client, offer, applicant):
    client.force_login(applicant)

    response = client.post(
        f"/candidatures/postuler/{offer.pk}/",
        {
            "message": "Voici mon dossier.",
            "cv": upload("cv.pdf", b"GIF89a not a document", "application/pdf"),
            "motivation_letter": letter("lettre.pdf"),
            "documents": [letter("diplome.pdf")],
        },
    )

    fieldset = documents_fieldset(response)
    assert fieldset.startswith('<fieldset aria-describedby="files-again">')
    assert note(fieldset) == (
        "Your application is not sent yet, and your browser did not keep the files you had chosen "
        "(cv.pdf, lettre.pdf, diplome.pdf): choose them again below."
    )
    assert not Application.objects.exists()


def test_a_form_refused_for_its_message_also_says_the_file_is_to_choose_again(client, offer, applicant):
    client.force_login(applicant)

    response = client.post(f"/candidatures/postuler/{offer.pk}/", {"message": "x" * 6000, "cv": cv("mon <cv>.pdf")})

    assert note(documents_fieldset(response)) == (
        "Your application is not sent yet, and your browser did not keep the file you had chosen "
        "(mon &lt;cv&gt;.pdf): choose it again below."
    )


def test_the_form_says_nothing_of_files_before_it_is_sent_or_when_none_was_chosen(client, offer, applicant):
    client.force_login(applicant)

    first = client.get(f"/candidatures/postuler/{offer.pk}/")
    without_files = client.post(f"/candidatures/postuler/{offer.pk}/", {"message": "Bonjour"})

    assert note(documents_fieldset(first)) is None
    assert note(documents_fieldset(without_files)) is None
    assert documents_fieldset(without_files).startswith("<fieldset>")


def test_the_spontaneous_application_form_says_it_too(client, company, applicant):
    client.force_login(applicant)

    response = client.post(f"/candidatures/spontanee/{company.pk}/", {"message": "Bonjour", "cv": cv()})

    assert "(cv.pdf): choose it again below." in note(documents_fieldset(response))
