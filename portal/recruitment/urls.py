from django.urls import path

from portal.recruitment import views

app_name = "recruitment"

urlpatterns = [
    path("", views.index, name="index"),
    path("suivi/", views.followed, name="followed"),
    path("postuler/<int:offer_id>/", views.apply, name="apply"),
    path("spontanee/<int:company_id>/", views.apply_spontaneously, name="apply_spontaneously"),
    path("entreprises/<int:company_id>/", views.company, name="company"),
    path("entreprises/<int:company_id>/export.<str:fmt>", views.company_export, name="company_export"),
    path("<int:application_id>/", views.detail, name="detail"),
    path("<int:application_id>/statut/", views.change_status, name="change_status"),
    path("<int:application_id>/retrait/", views.withdraw, name="withdraw"),
    path("<int:application_id>/message/", views.send_message, name="send_message"),
    path("<int:application_id>/documents/<int:document_id>/", views.document, name="document"),
]
