from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from api.errors import unknown_path
from api.wagtail import api_router
from cms_pages import views as page_views
from portal import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("api.urls")),
    path("api/v2/", api_router.urls),
    re_path(r"^api(/|$)", unknown_path),
    path("comptes/", include("portal.accounts.urls")),
    path("espace/", include("workflows.urls")),
    path("candidatures/", include("portal.recruitment.urls")),
    path("suivi/", include("portal.followup.urls")),
    path("cv-book/", include("portal.cvbook.urls")),
    # A stable address for an offer number (N° 00381), for links in e-mails and on paper.
    path("offres/numero/<id:number>/", page_views.offer_by_number, name="offer_by_number"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))
