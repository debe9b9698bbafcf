"""The whole HTTP API surface, in one screen."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import auth, me, organisations, registrations, stats

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # accounts
    path("auth/login", auth.LoginView.as_view(), name="api-login"),
    path("auth/logout", auth.LogoutView.as_view(), name="api-logout"),
    path("auth/password-reset", auth.PasswordResetView.as_view(), name="api-password-reset"),
    path("auth/password-reset/confirm", auth.PasswordResetConfirmView.as_view(), name="api-password-reset-confirm"),
    path("me", me.MeView.as_view(), name="api-me"),
    path("registrations/companies", registrations.CompanyRegistrationView.as_view(), name="api-register-company"),
    path("registrations/companies/lookup", registrations.CompanyLookupView.as_view(), name="api-company-lookup"),
    path("registrations/students", registrations.StudentRegistrationView.as_view(), name="api-register-student"),
    path(
        "registrations/students/confirm",
        registrations.StudentConfirmationView.as_view(),
        name="api-confirm-student",
    ),
    # organisations
    path("organisations", organisations.OrganisationListView.as_view(), name="api-organisations"),
    path("organisations/<int:pk>", organisations.OrganisationDetailView.as_view(), name="api-organisation"),
    path("companies/<int:company_id>", organisations.CompanyView.as_view(), name="api-company"),
    path("companies/<int:company_id>/contacts", organisations.ContactListView.as_view(), name="api-contacts"),
    path(
        "companies/<int:company_id>/contacts/<int:user_id>",
        organisations.ContactDetailView.as_view(),
        name="api-contact",
    ),
    path("stats", stats.StatsView.as_view(), name="api-stats"),
]
