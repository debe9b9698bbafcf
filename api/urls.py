"""The whole HTTP API surface, in one screen."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import applications, auth, contact, me, notifications, offers, organisations, registrations, stats

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
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
    path("organisations/<id:pk>", organisations.OrganisationDetailView.as_view(), name="api-organisation"),
    path("companies/<id:company_id>", organisations.CompanyView.as_view(), name="api-company"),
    path("companies/<id:company_id>/contacts", organisations.ContactListView.as_view(), name="api-contacts"),
    path(
        "companies/<id:company_id>/contacts/<id:user_id>",
        organisations.ContactDetailView.as_view(),
        name="api-contact",
    ),
    # offers: the public search; the company side's drafts and lifecycle
    path("offers", offers.OfferListView.as_view(), name="api-offers"),
    path("offers/<id:offer_id>", offers.OfferDetailView.as_view(), name="api-offer"),
    path(
        "offers/<id:offer_id>/applications",
        applications.OfferApplicationsView.as_view(),
        name="api-offer-applications",
    ),
    path(
        "offers/<id:offer_id>/applications.<str:fmt>",
        applications.OfferApplicationsExportView.as_view(),
        name="api-offer-applications-export",
    ),
    path("offers/<id:offer_id>/<slug:action>", offers.OfferActionView.as_view(), name="api-offer-action"),
    path("companies/<id:company_id>/offers", offers.CompanyOffersView.as_view(), name="api-company-offers"),
    path("companies/<id:company_id>/offers/renew", offers.BulkRenewView.as_view(), name="api-company-offers-renew"),
    path("moderation/offers", offers.ModerationQueueView.as_view(), name="api-moderation-offers"),
    path("campaigns", offers.CampaignListView.as_view(), name="api-campaigns"),
    path("stats", stats.StatsView.as_view(), name="api-stats"),
    # applications: students apply, the company side answers, school staff follow
    path("applications", applications.ApplicationListView.as_view(), name="api-applications"),
    path("applications/<id:application_id>", applications.ApplicationDetailView.as_view(), name="api-application"),
    path(
        "applications/<id:application_id>/status",
        applications.ApplicationStatusView.as_view(),
        name="api-application-status",
    ),
    path(
        "applications/<id:application_id>/messages",
        applications.ApplicationMessagesView.as_view(),
        name="api-application-messages",
    ),
    path(
        "applications/<id:application_id>/documents/<id:document_id>",
        applications.ApplicationDocumentView.as_view(),
        name="api-application-document",
    ),
    # writing to the portal team (the contact page's form)
    path("contact/messages", contact.ContactMessageView.as_view(), name="api-contact-messages"),
    # notifications (in-app) of the signed-in user
    path("notifications", notifications.NotificationListView.as_view(), name="api-notifications"),
    path("notifications/read-all", notifications.NotificationReadAllView.as_view(), name="api-notifications-read-all"),
    path(
        "notifications/<id:notification_id>/read",
        notifications.NotificationReadView.as_view(),
        name="api-notification-read",
    ),
]
