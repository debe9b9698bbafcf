"""Wagtail's read API (v2) for pages, images and documents."""

from types import SimpleNamespace

from django.core.exceptions import ValidationError
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from cms_pages.models import OfferPage, OrganisationPage
from cms_pages.search import MAX_QUERY_LENGTH, WORD, validate_search_words
from portal import access

# What the API fields of a page type read from other rows (`api_fields`), joined or prefetched once per listing.
LISTING_JOINS = {
    OfferPage: lambda offers: offers.select_related("company").prefetch_related("keywords"),
    OrganisationPage: lambda organisations: organisations.select_related("logo", "reference_hub").prefetch_related(
        "keywords", "programmes"
    ),
}

# Far beyond any listing of the portal, well within what a database takes as an OFFSET.
MAX_OFFSET = 1_000_000


def check_query(query) -> None:
    """Refuse, before any query runs, what the databases or the search engines cannot take (BadRequestError: 400)."""
    for key, values in query.lists():
        if any("\x00" in text for text in (key, *values)):
            raise BadRequestError("null characters are not allowed")
    offset = query.get("offset", "")
    if offset.isdigit() and int(offset) > MAX_OFFSET:
        raise BadRequestError(f"offset cannot be higher than {MAX_OFFSET}")
    if query.get("search_operator", "and") not in ("and", "or"):
        raise BadRequestError("search_operator must be 'and' or 'or'")
    search = query.get("search")
    if search is not None:
        if len(search) > MAX_QUERY_LENGTH:
            raise BadRequestError(f"search cannot be longer than {MAX_QUERY_LENGTH} characters")
        try:
            validate_search_words(search)
        except ValidationError as error:
            raise BadRequestError(error.messages[0]) from error


class WordsSearchFilter(SearchFilter):
    """Wagtail's `?search=`, on the words of the query: the engines read its punctuation as their own syntax."""

    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return queryset
        query = request.GET.copy()
        query["search"] = " ".join(WORD.findall(query["search"]))
        # Wagtail's filter reads nothing of the request but its query string.
        return super().filter_queryset(SimpleNamespace(GET=query), queryset, view)


def with_words_search(filter_backends) -> list:
    return [WordsSearchFilter if backend is SearchFilter else backend for backend in filter_backends]


class BoundedQueryMixin:
    """Hostile query strings answer 400, and every error answers in both formats: Wagtail's and the portal's."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        check_query(request.GET)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        body = response.data
        if isinstance(body, dict):
            if "message" in body and "detail" not in body:
                code = "not_found" if response.status_code == 404 else "invalid"
                response.data = {**body, "detail": body["message"], "code": code, "errors": {}}
            elif "detail" in body and "message" not in body:
                response.data = {"message": body["detail"], **body}
        return response


class PublicPagesAPIViewSet(BoundedQueryMixin, PagesAPIViewSet):
    """Live public pages, minus the targeted offers: those are shown only through the v1 API's scoped lists."""

    filter_backends = with_words_search(PagesAPIViewSet.filter_backends)

    def get_base_queryset(self):
        # Every listing, detail, `find` and `child_of` lookup starts from here.
        return access.offers.untargeted_pages(super().get_base_queryset(), searched="search" in self.request.GET)

    def get_queryset(self):
        """Filtered to one page type (`?type=`), the rows come with what their API fields read: no query per row."""
        queryset = super().get_queryset()
        listing = LISTING_JOINS.get(queryset.model)
        return listing(queryset) if listing else queryset


class PublicImagesAPIViewSet(BoundedQueryMixin, ImagesAPIViewSet):
    filter_backends = with_words_search(ImagesAPIViewSet.filter_backends)


class PublicDocumentsAPIViewSet(BoundedQueryMixin, DocumentsAPIViewSet):
    filter_backends = with_words_search(DocumentsAPIViewSet.filter_backends)


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
api_router.register_endpoint("images", PublicImagesAPIViewSet)
api_router.register_endpoint("documents", PublicDocumentsAPIViewSet)
