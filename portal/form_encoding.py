"""Web forms are read in UTF-8, what browsers send: a form in another encoding is refused (400), not stored garbled.

Django reads a form body with the request's encoding and replaces the bytes it cannot decode; a value holding the
replacement character therefore came from bytes that were not UTF-8. The API's parsers refuse the same bodies in
its error format (`api/parsers.py`); this middleware does it for the web pages.
"""

import codecs

from django.conf import settings
from django.views.defaults import bad_request

REPLACEMENT_CHARACTER = "\ufffd"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class UTF8FormsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # In process_view, after MarkFileNamesMiddleware chose how uploads are parsed, before the CSRF check.
        if self._refused(request):
            return bad_request(request, ValueError("form not in UTF-8"))
        return None

    @staticmethod
    def _refused(request) -> bool:
        if request.method not in ("POST", "PUT", "PATCH") or request.path.startswith("/api/"):
            return False
        if not request.content_type.startswith(FORM_TYPES):
            return False
        try:
            encoding = codecs.lookup(request.encoding or settings.DEFAULT_CHARSET).name
        except LookupError:
            return True
        if encoding not in ("utf-8", "ascii"):
            return True
        return any(
            REPLACEMENT_CHARACTER in text
            for key, values in request.POST.lists()
            for text in (key, *values)
            if isinstance(text, str)
        )
