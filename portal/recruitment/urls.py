from django.urls import path

from portal.recruitment import views

app_name = "recruitment"

urlpatterns = [
    path("", views.index, name="index"),
    path("suivi/", views.followed, name="followed"),
    path("postuler/<id:offer_id>/", views.apply, name="apply"),
    path("spontanee/<id:company_id>/", views.apply_spontaneously, name="apply_spontaneously"),
    path("entreprises/<id:company_id>/", views.company, name="company"),
    path("entreprises/<id:company_id>/export.<str:fmt>", views.company_export, name="company_export"),
    path("<id:application_id>/", views.detail, name="detail"),
    path("<id:application_id>/statut/", views.change_status, name="change_status"),
    path("<id:application_id>/retrait/", views.withdraw, name="withdraw"),
    path("<id:application_id>/cloture/", views.close, name="close"),
    path("<id:application_id>/message/", views.send_message, name="send_message"),
    path("<id:application_id>/documents/<id:document_id>/", views.document, name="document"),
]
