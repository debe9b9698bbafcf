"""Wagtail's read API (v2) for pages, images and documents."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from cms_pages.models import OfferPage


class PublicPagesAPIViewSet(PagesAPIViewSet):
    """Live public pages, minus the targeted offers: those are shown only through the v1 API's scoped lists."""

    def get_base_queryset(self):
        # Every listing, detail, `find` and `child_of` lookup starts from here.
        return super().get_base_queryset().exclude(pk__in=OfferPage.objects.targeted().values("pk"))


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
api_router.register_endpoint("images", ImagesAPIViewSet)
api_router.register_endpoint("documents", DocumentsAPIViewSet)
