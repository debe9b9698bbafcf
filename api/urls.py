"""The whole HTTP API surface, in one screen."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import (
    applications,
    auth,
    contact,
    cvbook,
    internship_parts,
    internships,
    me,
    notifications,
    offers,
    organisations,
    registrations,
    stats,
)

urlpatterns = [
    # The API's documents answer with or without their historical trailing slash.
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("schema", SpectacularAPIView.as_view()),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("docs", SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
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
    path(
        "offers/<id:offer_id>/matching-profiles",
        cvbook.OfferMatchingProfilesView.as_view(),
        name="api-offer-matching-profiles",
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
    # internships: the follow-up towards the quality label
    path("internships", internships.InternshipListView.as_view(), name="api-internships"),
    path("internships/<id:internship_id>", internships.InternshipDetailView.as_view(), name="api-internship"),
    path("internships/<id:internship_id>/agree", internships.AgreeView.as_view(), name="api-internship-agree"),
    path("internships/<id:internship_id>/cancel", internships.CancelView.as_view(), name="api-internship-cancel"),
    path(
        "internships/<id:internship_id>/steps/<slug:code>/validate",
        internships.StepValidateView.as_view(),
        name="api-internship-step-validate",
    ),
    path("internships/<id:internship_id>/label", internships.LabelView.as_view(), name="api-internship-label"),
    path(
        "internships/<id:internship_id>/certificate",
        internships.CertificateView.as_view(),
        name="api-internship-certificate",
    ),
    path("internships/<id:internship_id>/grade", internships.GradeView.as_view(), name="api-internship-grade"),
    path(
        "internships/<id:internship_id>/tutor-links",
        internships.TutorLinkView.as_view(),
        name="api-internship-tutor-links",
    ),
    path(
        "internships/<id:internship_id>/tutor-links/revoke",
        internships.TutorLinkRevokeView.as_view(),
        name="api-internship-tutor-links-revoke",
    ),
    path(
        "internships/<id:internship_id>/journal", internship_parts.JournalView.as_view(), name="api-internship-journal"
    ),
    path(
        "internships/<id:internship_id>/journal/<id:entry_id>/comments",
        internship_parts.JournalCommentView.as_view(),
        name="api-internship-journal-comments",
    ),
    path(
        "internships/<id:internship_id>/reviews",
        internship_parts.ReviewListView.as_view(),
        name="api-internship-reviews",
    ),
    path(
        "internships/<id:internship_id>/reviews/<id:review_id>/validate",
        internship_parts.ReviewValidateView.as_view(),
        name="api-internship-review-validate",
    ),
    path(
        "internships/<id:internship_id>/evaluations/company",
        internship_parts.CompanyEvaluationView.as_view(),
        name="api-internship-evaluation-company",
    ),
    path(
        "internships/<id:internship_id>/evaluations/student",
        internship_parts.StudentEvaluationView.as_view(),
        name="api-internship-evaluation-student",
    ),
    path(
        "internships/<id:internship_id>/agreement",
        internship_parts.AgreementView.as_view(),
        name="api-internship-agreement",
    ),
    path(
        "internships/<id:internship_id>/agreement/approve",
        internship_parts.AgreementApproveView.as_view(),
        name="api-internship-agreement-approve",
    ),
    path(
        "internships/<id:internship_id>/agreement/signatures/<slug:party>/undo",
        internship_parts.SignatureUndoView.as_view(),
        name="api-internship-signature-undo",
    ),
    path(
        "internships/<id:internship_id>/agreement/signatures/<id:signature_id>/scan",
        internship_parts.ScanView.as_view(),
        name="api-internship-signature-scan",
    ),
    path(
        "internships/<id:internship_id>/amendments",
        internship_parts.AmendmentListView.as_view(),
        name="api-internship-amendments",
    ),
    path(
        "internships/<id:internship_id>/amendments/<id:amendment_id>",
        internship_parts.AmendmentDocumentView.as_view(),
        name="api-internship-amendment-document",
    ),
    path(
        "internships/<id:internship_id>/amendments/<id:amendment_id>/approve",
        internship_parts.AmendmentApproveView.as_view(),
        name="api-internship-amendment-approve",
    ),
    path(
        "internships/<id:internship_id>/amendments/<id:amendment_id>/withdraw",
        internship_parts.AmendmentWithdrawView.as_view(),
        name="api-internship-amendment-withdraw",
    ),
    # the CV book: a student's profile, the companies' faceted search, the matching in both directions
    path("profiles/me", cvbook.OwnProfileView.as_view(), name="api-own-profile"),
    path("profiles/me/documents", cvbook.OwnProfileDocumentsView.as_view(), name="api-own-profile-documents"),
    path(
        "profiles/me/documents/<id:document_id>",
        cvbook.OwnProfileDocumentView.as_view(),
        name="api-own-profile-document",
    ),
    path("profiles/me/matching-offers", cvbook.OwnMatchingOffersView.as_view(), name="api-own-matching-offers"),
    path("cvbook", cvbook.CvbookSearchView.as_view(), name="api-cvbook"),
    path("cvbook/<id:profile_id>", cvbook.CvbookProfileView.as_view(), name="api-cvbook-profile"),
    path(
        "cvbook/<id:profile_id>/documents/<id:document_id>",
        cvbook.CvbookDocumentView.as_view(),
        name="api-cvbook-document",
    ),
    path("cvbook/<id:profile_id>/contact", cvbook.CvbookContactView.as_view(), name="api-cvbook-contact"),
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
