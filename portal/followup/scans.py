"""Scans of signed papers (the agreement, its amendments): recognised by their content, kept in the private storage.

A scan is a PDF, a JPEG or a PNG image, whatever its name says, of at most 10 MB. It is stored under a random
name and served only to the internship's parties, as an attachment (`portal.recruitment.downloads`).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from django.utils.translation import gettext as _

from portal.exceptions import FileTooLarge, FileTypeRefused, PortalError
from portal.recruitment.documents import clean_name

MAX_SCAN_SIZE = 10 * 1024 * 1024
PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
SIGNATURES = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))


def random_name(instance, filename: str) -> str:
    """A path that says nothing about the internship or the signer: `followup/ab/<random><ext>`."""
    token = secrets.token_hex(16)
    return f"followup/{token[:2]}/{token}{os.path.splitext(filename)[1].lower()}"


@dataclass(frozen=True)
class Scan:
    file: object
    name: str
    content_type: str
    size: int


def sniff(uploaded) -> str | None:
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    return next((content_type for magic, content_type in SIGNATURES if head.startswith(magic)), None)


def check_scan(uploaded, *, field: str = "scan") -> Scan:
    """Accept `uploaded` or raise the refusal the reader needs (name 400, size 413, type 415)."""
    name = clean_name(getattr(uploaded, "name", ""), field=field)
    size = uploaded.size or 0
    if size == 0:
        raise PortalError(_("The file “%(name)s” is empty.") % {"name": name}, field=field)
    if size > MAX_SCAN_SIZE:
        raise FileTooLarge(
            _("The file “%(name)s” is larger than %(limit)s MB.") % {"name": name, "limit": MAX_SCAN_SIZE // 2**20},
            field=field,
        )
    content_type = sniff(uploaded)
    if content_type is None:
        raise FileTypeRefused(_("The scan “%(name)s” is not a PDF, JPEG or PNG file.") % {"name": name}, field=field)
    return Scan(file=uploaded, name=name, content_type=content_type, size=size)


def store(scan: Scan, signature) -> None:
    """Write the accepted scan under a random name and fill `signature`'s file fields (not saved)."""
    signature.scan_name = scan.name
    signature.scan_content_type = scan.content_type
    signature.scan_size = scan.size
    scan.file.seek(0)
    signature.scan.save(f"scan{EXTENSIONS[scan.content_type]}", scan.file, save=False)
