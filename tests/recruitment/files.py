"""Real document bytes for upload tests: a PDF, a DOCX and an ODT that their readers open."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from portal.demo.documents import pdf_bytes

__all__ = ["cv", "docx_bytes", "letter", "odt_bytes", "pdf_bytes", "private_files", "upload"]


def docx_bytes(text: str = "Lettre de motivation") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
            'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
            'main+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            f'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>',
        )
    return out.getvalue()


def odt_bytes(text: str = "Attestation") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
            'opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
            f"<office:body><office:text><text:p>{text}</text:p></office:text></office:body>"
            "</office:document-content>",
        )
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def cv(name: str = "cv.pdf") -> SimpleUploadedFile:
    return upload(name, pdf_bytes("Curriculum vitae"), "application/pdf")


def letter(name: str = "lettre.pdf") -> SimpleUploadedFile:
    return upload(name, pdf_bytes("Lettre de motivation"), "application/pdf")


def private_files(root) -> list[str]:
    """Every file under the private root, relative to it (empty when the folder does not exist)."""
    from pathlib import Path

    root = Path(root)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []
