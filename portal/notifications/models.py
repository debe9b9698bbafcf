"""A row per notification: what was sent to whom, so that a retry or a second consumer never sends twice.

A notification goes to a user of the portal (`recipient`: shown in their list, in their language) or, for the
messages written to a team, to an e-mail address (`recipient_email`: no account, the portal's language).
"""

import contextlib
import datetime
import logging

from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal.reference.choices import ApplicationStatus

logger = logging.getLogger(__name__)


class Kind(models.TextChoices):
    """Every kind of notification, each with its templates under `templates/notifications/email/<kind>.*`."""

    ACCOUNT_ACCESS = "account_access", _("Access to the portal")
    PASSWORD_RESET = "password_reset", _("Password reset")
    STUDENT_CONFIRMATION = "student_confirmation", _("E-mail address confirmation")
    OFFER_TO_VALIDATE = "offer_to_validate", _("Offer to validate")
    OFFER_TO_MODERATE = "offer_to_moderate", _("Offer to moderate")
    OFFER_APPROVED = "offer_approved", _("Offer approved by the company")
    OFFER_CHANGES_REQUESTED = "offer_changes_requested", _("Changes requested on an offer")
    OFFER_PUBLISHED = "offer_published", _("Offer published")
    CAMPAIGN_ENDING = "campaign_ending", _("Campaign ending")
    OFFERS_ARCHIVED = "offers_archived", _("Offers archived")
    APPLICATION_RECEIVED = "application_received", _("New application")
    APPLICATION_STATUS_CHANGED = "application_status_changed", _("Application status changed")
    APPLICATION_WITHDRAWN = "application_withdrawn", _("Application withdrawn")
    APPLICATION_CLOSED = "application_closed", _("Application closed by the school")
    APPLICATION_MESSAGE = "application_message", _("Message about an application")
    INTERNSHIP_PROPOSED = "internship_proposed", _("Internship follow-up proposed")
    INTERNSHIP_STARTED = "internship_started", _("Internship follow-up started")
    INTERNSHIP_CANCELLED = "internship_cancelled", _("Internship follow-up cancelled")
    FOLLOWUP_YOUR_TURN = "followup_your_turn", _("A follow-up step awaits you")
    FOLLOWUP_REMINDER = "followup_reminder", _("Reminder of a follow-up step")
    FOLLOWUP_ESCALATION = "followup_escalation", _("Follow-up step overdue")
    AGREEMENT_SIGNED = "agreement_signed", _("Internship agreement signed")
    SIGNATURE_UNDONE = "signature_undone", _("Signature to give again")
    AMENDMENT_PROPOSED = "amendment_proposed", _("Amendment to approve")
    AMENDMENT_APPLIED = "amendment_applied", _("Amendment applied")
    JOURNAL_COMMENT = "journal_comment", _("Comment on the logbook")
    JOURNAL_MISSING = "journal_missing", _("Logbook without entries")
    REVIEW_WRITTEN = "review_written", _("Intermediate review to validate")
    EVALUATION_INVITATION = "evaluation_invitation", _("Evaluate your internship")
    STUDENT_EVALUATION_SENT = "student_evaluation_sent", _("Student's evaluation sent")
    LABEL_ELIGIBLE = "label_eligible", _("Label to award")
    LABEL_AWARDED = "label_awarded", _("Label awarded")
    TUTOR_LINK = "tutor_link", _("Your link to the follow-up")
    CVBOOK_CONTACT = "cvbook_contact", _("A company contacts you through the CV book")
    MATCHING_OFFERS = "matching_offers", _("New offers matching your profile")
    CONTACT_MESSAGE = "contact_message", _("Message to the portal team")


# Payload entries holding an ISO date, shown as dates in the recipient's language.
DATE_FIELDS = ("ends_on", "start_date", "end_date", "due_date", "since", "entry_date")


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        """The notifications of `user`, newest first."""
        return self.filter(recipient=user).order_by("-created_at", "-pk")

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # The address of a recipient who has no account (a team's mailbox); empty when `recipient` is set.
    recipient_email = models.EmailField(_("recipient address"), blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    last_error = models.TextField(_("last delivery error"), blank=True)
    # Set while a consumer sends the e-mail, so that a second consumer leaves it alone (see tasks.py).
    sending_since = models.DateTimeField(_("sending since"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "-created_at"])]
        constraints = [
            # A user or an address, never both, never neither.
            models.CheckConstraint(
                condition=(models.Q(recipient__isnull=False) & models.Q(recipient_email=""))
                | (models.Q(recipient__isnull=True) & ~models.Q(recipient_email="")),
                name="notification_has_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient or self.recipient_email}"

    @property
    def address(self) -> str:
        """Where the e-mail goes: the user's address, or the recipient address."""
        return self.recipient.email if self.recipient_id else self.recipient_email

    @property
    def language(self) -> str:
        """The recipient's language; an address without an account reads the portal's language."""
        language = self.recipient.language if self.recipient_id else ""
        return language or settings.LANGUAGE_CODE

    def template_context(self) -> dict:
        """What the templates see: the payload, with its dates as dates and its status codes as labels, the
        recipient and the site's address."""
        context = {**self.payload, "recipient": self.recipient, "site_url": settings.SITE_URL}
        if self.kind == Kind.APPLICATION_STATUS_CHANGED and context.get("status") in ApplicationStatus.values:
            # Translated when the e-mail is rendered, in the recipient's language (not the actor's).
            context["status_label"] = ApplicationStatus(context["status"]).label
        for field in DATE_FIELDS:
            value = context.get(field)
            if isinstance(value, str):
                with contextlib.suppress(ValueError):  # if not a date, shown as given
                    context[field] = datetime.date.fromisoformat(value)
        return context

    def render_subject(self, context: dict | None = None) -> str:
        """The e-mail's subject on one line, in the active language."""
        context = self.template_context() if context is None else context
        text = render_to_string(f"notifications/email/{self.kind}.subject.txt", context)
        return " ".join(text.split())

    @property
    def title(self) -> str:
        """A short in-app text in the recipient's language, readable before the e-mail is sent."""
        try:
            with translation.override(self.language):
                return self.render_subject() or self.subject or self.kind
        except Exception:
            # A list of notifications must show, whatever one of them holds: the error is logged instead.
            logger.exception("Notification %s: its title could not be rendered.", self.pk)
            return self.subject or self.kind
