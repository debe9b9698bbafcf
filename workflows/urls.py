from django.urls import path

from workflows import views

app_name = "offers"

urlpatterns = [
    path("", views.home, name="home"),
    path("entreprises/<id:company_id>/offres/", views.workspace, name="workspace"),
    path("entreprises/<id:company_id>/offres/nouvelle/", views.offer_create, name="offer_create"),
    path("entreprises/<id:company_id>/offres/renouveler/", views.bulk_renew, name="bulk_renew"),
    path("offres/<id:offer_id>/", views.offer_detail, name="offer_detail"),
    path("offres/<id:offer_id>/modifier/", views.offer_edit, name="offer_edit"),
    path("offres/<id:offer_id>/action/<slug:action>/", views.offer_action, name="offer_action"),
    path("moderation/", views.moderation, name="moderation"),
]
