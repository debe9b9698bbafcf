from django.urls import path

from workflows import views

app_name = "offers"

urlpatterns = [
    path("entreprises/<int:company_id>/offres/", views.workspace, name="workspace"),
    path("entreprises/<int:company_id>/offres/nouvelle/", views.offer_create, name="offer_create"),
    path("entreprises/<int:company_id>/offres/renouveler/", views.bulk_renew, name="bulk_renew"),
    path("offres/<int:offer_id>/modifier/", views.offer_edit, name="offer_edit"),
    path("offres/<int:offer_id>/action/<slug:action>/", views.offer_action, name="offer_action"),
    path("moderation/", views.moderation, name="moderation"),
]
