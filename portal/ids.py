"""Object ids read from URLs and queries: whole numbers a database can hold.

SQLite stores integers on 64 bits and refuses a larger number outright (an error, not "no row"), so a
number longer than any id is turned away before it reaches a query: a URL with one does not match
(404), a filter with one finds nothing.
"""

MAX_ID = 10**18 - 1


class IdConverter:
    """`<id:name>` in URL patterns: a positive whole number of at most 18 digits."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


def within_range(value: int) -> bool:
    return 0 < value <= MAX_ID


class NumbersOutOfRangeMiddleware:
    """A number too large for the database, wherever a form or a payload let it through, is bad input (400).

    The API answers in its error format; the web pages show the portal's "bad request" page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OverflowError):
            return None
        from django.http import JsonResponse
        from django.utils.translation import gettext as _
        from django.views.defaults import bad_request

        if request.path.startswith("/api/"):
            body = {"detail": _("A number in the request is too large."), "code": "out_of_range", "errors": {}}
            return JsonResponse(body, status=400)
        return bad_request(request, exception)
