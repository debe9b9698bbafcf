"""The follow-up's files leave the portal as attachments, never rendered by the browser nor cached by a proxy.

Shared by the web pages and the API; the permission check is the caller's.
"""

from django.http import FileResponse, Http404, HttpResponse

from portal.followup.scans import EXTENSIONS


def _protect(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _protect(response)


def scan_response(signature) -> FileResponse:
    """The scan of a signed paper, under its original name with the extension of what it really is."""
    try:
        handle = signature.scan.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    stem = signature.scan_name.rsplit(".", 1)[0] or "scan"
    name = f"{stem}{EXTENSIONS.get(signature.scan_content_type, '')}"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=signature.scan_content_type)
    return _protect(response)
