"""Students' documents: recognised by their content, kept in the private storage under random names.

A file is accepted when its bytes are a PDF, a Word document (DOCX) or an OpenDocument text (ODT),
whatever its name says. Nothing is written to disk until every file of a submission is accepted.
"""

from __future__ import annotations

import os
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from portal.exceptions import FileTooLarge, FileTypeRefused, PortalError
from portal.recruitment.uploads import NOT_PLAIN
from portal.reference.choices import DocumentKind

MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_FILES = 5
MAX_NAME_LENGTH = 150

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt"}
# Parts that carry macros (Word's VBA project, OpenDocument's Basic and script folders).
MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under `PRIVATE_ROOT`, never under a public URL: they are served by permission-checked views."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_ROOT)

    def url(self, name):
        raise ValueError("Private files have no public URL.")

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


private_storage = PrivateStorage()


def random_name(instance, filename: str) -> str:
    """A path that says nothing about the student or the file: `applications/ab/<random><ext>`."""
    token = secrets.token_hex(16)
    return f"applications/{token[:2]}/{token}{os.path.splitext(filename)[1].lower()}"


@dataclass(frozen=True)
class Upload:
    """A file that passed every check, ready to be stored."""

    file: object
    kind: str
    name: str
    content_type: str
    size: int
    field: str


def clean_name(name: str, *, field: str) -> str:
    """The name shown to readers: refused if it holds a path, control characters or nothing at all."""
    name = unicodedata.normalize("NFC", name or "")
    if name.startswith(NOT_PLAIN):
        raise PortalError(_("The file name must be a plain name, without a folder or control characters."), field=field)
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in name):
        raise PortalError(_("The file name contains control characters."), field=field)
    if "/" in name or "\\" in name or name.strip() in ("", ".", ".."):
        raise PortalError(_("The file name must be a plain name, without a folder."), field=field)
    name = name.strip()
    if len(name) > MAX_NAME_LENGTH:
        stem, extension = os.path.splitext(name)
        name = stem[: MAX_NAME_LENGTH - len(extension)] + extension
    return name


def _zip_type(uploaded) -> str | None:
    """DOCX or ODT, told apart by the parts inside the archive (nothing is extracted)."""
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
            if any(name.lower().endswith(MACRO_PARTS) or name.startswith(("Basic/", "Scripts/")) for name in names):
                return None  # a document with macros is not a CV
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size < 100 and archive.read("mimetype").strip() == ODT.encode():
                    return ODT if "content.xml" in names else None
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError, EOFError):
        return None
    return None


def sniff(uploaded) -> str | None:
    """The content type of `uploaded` from its bytes: PDF, DOCX, ODT, or None for anything else."""
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"PK\x03\x04"):
            return _zip_type(uploaded)
        return None
    finally:
        uploaded.seek(0)


def check_upload(uploaded, *, kind: str, field: str) -> Upload:
    """Accept `uploaded` or raise the refusal the reader needs (name 400, size 413, type 415)."""
    name = clean_name(getattr(uploaded, "name", ""), field=field)
    size = uploaded.size or 0
    if size == 0:
        raise PortalError(_("The file “%(name)s” is empty.") % {"name": name}, field=field)
    if size > MAX_FILE_SIZE:
        raise FileTooLarge(
            _("The file “%(name)s” is larger than %(limit)s MB.") % {"name": name, "limit": MAX_FILE_SIZE // 2**20},
            field=field,
        )
    content_type = sniff(uploaded)
    if content_type is None:
        raise FileTypeRefused(
            _("The file “%(name)s” is not a PDF, DOCX or ODT document.") % {"name": name}, field=field
        )
    return Upload(file=uploaded, kind=kind, name=name, content_type=content_type, size=size, field=field)


def check_uploads(cv, motivation_letter, others=()) -> list[Upload]:
    """Check a whole submission before anything is stored: a CV and a letter, at most five files in all."""
    others = [other for other in others if other]
    if not cv:
        raise PortalError(_("A CV is required."), field="cv")
    if not motivation_letter:
        raise PortalError(_("A motivation letter is required."), field="motivation_letter")
    if 2 + len(others) > MAX_FILES:
        raise PortalError(
            _("At most %(count)s files may be sent with an application.") % {"count": MAX_FILES}, field="documents"
        )
    return [
        check_upload(cv, kind=DocumentKind.CV, field="cv"),
        check_upload(motivation_letter, kind=DocumentKind.MOTIVATION_LETTER, field="motivation_letter"),
        *(check_upload(other, kind=DocumentKind.OTHER, field="documents") for other in others),
    ]


def store(upload: Upload, document) -> None:
    """Write the accepted file under a random name and fill `document` (not saved)."""
    document.kind = upload.kind
    document.name = upload.name
    document.content_type = upload.content_type
    document.size = upload.size
    upload.file.seek(0)
    document.file.save(f"document{EXTENSIONS[upload.content_type]}", upload.file, save=False)


def download_name(document) -> str:
    """The name a download is saved under: the original one, with the extension of what the file really is."""
    stem, extension = os.path.splitext(document.name)
    expected = EXTENSIONS.get(document.content_type, "")
    return document.name if extension.lower() == expected else f"{stem or 'document'}{expected}"


def delete_files(names) -> None:
    """Remove files written by a submission that did not land, so that no orphan stays on disk."""
    for name in names:
        private_storage.delete(name)
