from django.urls import path

from portal.cvbook import views

app_name = "cvbook"

urlpatterns = [
    path("", views.index, name="index"),
    # the student
    path("profil/", views.profile, name="profile"),
    path("profil/visibilite/", views.set_visibility, name="set_visibility"),
    path("profil/documents/<id:document_id>/", views.own_document, name="own_document"),
    path("profil/documents/<id:document_id>/supprimer/", views.delete_document, name="delete_document"),
    path("offres-pour-vous/", views.matching_offers, name="matching_offers"),
    path("offres-pour-vous/desinscription/<str:token>/", views.digest_opt_out, name="digest_opt_out"),
    # the company: « Accéder aux meilleurs profils »
    path("entreprises/<id:company_id>/", views.search, name="search"),
    path("entreprises/<id:company_id>/profils/<id:profile_id>/", views.detail, name="detail"),
    path(
        "entreprises/<id:company_id>/profils/<id:profile_id>/documents/<id:document_id>/",
        views.document,
        name="document",
    ),
    path("entreprises/<id:company_id>/profils/<id:profile_id>/contact/", views.contact, name="contact"),
    path("offres/<id:offer_id>/profils/", views.offer_profiles, name="offer_profiles"),
    # the training organisation
    path("ecoles/<id:school_id>/partage/", views.sharing, name="sharing"),
]
