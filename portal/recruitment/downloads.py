"""Private documents leave the portal one way: as attachments the browser never renders, after a permission check.

Shared by the web pages and the API; the check is the caller's (see the services' `document_for`).
"""

from django.http import FileResponse, Http404

from portal.recruitment import documents


def document_response(found) -> FileResponse:
    """The file as an attachment, never rendered by the browser, never cached by a proxy."""
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=documents.download_name(found), content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
