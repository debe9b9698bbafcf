from functools import partial

from rest_framework.pagination import PageNumberPagination

from cms_pages.search import CountedPaginator


class PortalPagination(PageNumberPagination):
    """`{"count", "next", "previous", "results"}` with `?page=` and `?page_size=` (at most 100)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_counted(self, queryset, count: int | None, request, view=None):
        """A page of `queryset` whose total is known already (counted with the facets): no second count."""
        if count is not None:
            self.django_paginator_class = partial(CountedPaginator, count=count)
        return self.paginate_queryset(queryset, request, view=view)
