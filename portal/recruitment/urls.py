from django.urls import path

from portal.recruitment import views

app_name = "recruitment"

urlpatterns = [
    path("<int:application_id>/", views.detail, name="detail"),
]
