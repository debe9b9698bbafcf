"""Reading uploads so that a file name with a folder or control characters is refused, not silently renamed.

Django's multipart parser strips folders (`../../cv.pdf` → `cv.pdf`) and control characters from file
names, or drops the file when nothing is left. The students' documents are refused instead, with a
clear error: the parsers below mark such a name, and `documents.clean_name` refuses a marked name.
Nothing of the name reaches the disk either way: files are stored under random names.
"""

import html
import unicodedata

from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from rest_framework.exceptions import ParseError
from rest_framework.parsers import DataAndFiles
from rest_framework.parsers import MultiPartParser as DRFMultiPartParser
from rest_framework.request import Request

# A private-use character: never in a name a browser sends; the prefix of a name that is not plain.
NOT_PLAIN = "\ue000"


# Characters that have no place in a file name: controls, format characters (e.g. right-to-left override),
# line and paragraph separators, surrogates. Other characters Django drops, such as the non-breaking spaces
# French typing produces, are kept: the name is only displayed, never used as a path.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def is_plain(name: str) -> bool:
    """A name without a folder or refused characters, and not `.` or `..`."""
    return (
        "/" not in name
        and "\\" not in name
        and name.strip() not in {"", ".", ".."}
        and not any(unicodedata.category(char) in REFUSED_CATEGORIES for char in name)
    )


class MarkingMultiPartParser(DjangoMultiPartParser):
    def sanitize_file_name(self, file_name):
        name = html.unescape(file_name)
        if is_plain(name):
            return name
        # Keep the file (so that it is refused by its name, not reported missing), under a harmless marked name.
        return NOT_PLAIN + (super().sanitize_file_name(file_name) or "file")


class MarkingDRFMultiPartParser(DRFMultiPartParser):
    """DRF's multipart parser, with file names that are not plain marked (see the module's docstring)."""

    def parse(self, stream, media_type=None, parser_context=None):
        request: Request = parser_context["request"]
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        encoding = parser_context.get("encoding") or "utf-8"
        try:
            data, files = MarkingMultiPartParser(meta, stream, request.upload_handlers, encoding).parse()
        except MultiPartParserError as error:
            raise ParseError(f"Multipart form parse error - {error}") from error
        return DataAndFiles(data, files)


def marks_file_names(view):
    """Mark a web view whose uploads keep their names' faults visible (see `MarkFileNamesMiddleware`)."""
    view.marks_file_names = True
    return view


class MarkFileNamesMiddleware:
    """Before the CSRF check reads the form, swap the request's multipart parser for the marking one.

    Only for views decorated with `marks_file_names`; placed before `CsrfViewMiddleware`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "marks_file_names", False):

            def parse_file_upload(meta, post_data):
                return MarkingMultiPartParser(meta, post_data, request.upload_handlers, request.encoding).parse()

            request.parse_file_upload = parse_file_upload
        return None
