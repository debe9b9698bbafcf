"""Applications: a student's answer to an offer, or a spontaneous application to a company.

- `Application`: who applied to what, with a message, and where it stands (`ApplicationStatus`).
- `ApplicationDocument`: the CV, the motivation letter and further documents, kept in the private
  storage under random names; the original name is kept for display only.
- `ApplicationEvent`: the history of the statuses (who, when, from, to, comment).
- `ApplicationMessage`: what the company wrote to the student through the portal.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.recruitment.documents import private_storage, random_name
from portal.reference.choices import ApplicationStatus, DocumentKind

ACTIVE = ~Q(status=ApplicationStatus.CANCELLED)


class ApplicationQuerySet(models.QuerySet):
    def for_listing(self):
        """What every list of applications shows: the offer, the company, the student and the documents."""
        return self.select_related(
            "offer", "company", "student", "student__student__school", "student__student__programme"
        ).prefetch_related("documents")

    def active(self):
        return self.filter(ACTIVE)

    def spontaneous(self):
        return self.filter(offer__isnull=True)

    def to_offers(self):
        return self.filter(offer__isnull=False)

    def matching(self, text: str):
        """Applications whose student's name or e-mail, or offer title, contains `text`."""
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(student__first_name__icontains=text)
            | Q(student__last_name__icontains=text)
            | Q(student__email__icontains=text)
            | Q(offer__title__icontains=text)
        )

    def counts(self) -> dict[str, int]:
        """{"offers", "spontaneous", "pending"}: the tab counters, in one query."""
        return self.order_by().aggregate(
            offers=models.Count("pk", filter=Q(offer__isnull=False)),
            spontaneous=models.Count("pk", filter=Q(offer__isnull=True)),
            pending=models.Count("pk", filter=Q(status=ApplicationStatus.PENDING)),
        )


class Application(models.Model):
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("student"), on_delete=models.CASCADE, related_name="applications"
    )
    offer = models.ForeignKey(
        "cms_pages.OfferPage",
        verbose_name=_("offer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="applications",
        help_text=_("Empty for a spontaneous application."),
    )
    company = models.ForeignKey(
        "cms_pages.OrganisationPage", verbose_name=_("company"), on_delete=models.CASCADE, related_name="applications"
    )
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    read_at = models.DateTimeField(_("first read at"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One active application per student and offer, and per student and company when spontaneous:
            # enforced by the database, so that simultaneous submissions cannot both land.
            models.UniqueConstraint(
                fields=["student", "offer"], condition=ACTIVE & Q(offer__isnull=False), name="one_active_application"
            ),
            models.UniqueConstraint(
                fields=["student", "company"],
                condition=ACTIVE & Q(offer__isnull=True),
                name="one_active_spontaneous_application",
            ),
        ]
        # Each list's filter and order: a company's received applications, an offer's (and its exports), a
        # student's own; the status filter of an offer's list.
        indexes = [
            models.Index(fields=["company", "-created_at"]),
            models.Index(fields=["offer", "status"]),
            models.Index(fields=["offer", "-created_at"], name="application_offer_sent_idx"),
            models.Index(fields=["student", "-created_at"], name="application_student_sent_idx"),
        ]

    def __str__(self) -> str:
        target = self.offer.title if self.offer_id else self.company.title
        return f"{self.student} → {target}"

    @property
    def is_spontaneous(self) -> bool:
        return self.offer_id is None

    @property
    def number(self) -> str:
        return f"{self.pk:05d}" if self.pk else ""

    def document_of(self, kind: str):
        """The first document of `kind` (from the prefetched documents: no query per row)."""
        return next((document for document in self.documents.all() if document.kind == kind), None)

    @property
    def cv(self):
        return self.document_of(DocumentKind.CV)

    @property
    def motivation_letter(self):
        return self.document_of(DocumentKind.MOTIVATION_LETTER)


class ApplicationDocument(models.Model):
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), storage=private_storage, upload_to=random_name, max_length=200)
    name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class ApplicationEvent(models.Model):
    """One change of status: who, when, from, to, and the comment given."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="events"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    before = models.CharField(_("from"), max_length=20, choices=ApplicationStatus.choices, blank=True)
    after = models.CharField(_("to"), max_length=20, choices=ApplicationStatus.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application status change")
        verbose_name_plural = _("application status changes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.before or '–'} → {self.after}"


class ApplicationMessage(models.Model):
    """A message from the company side to the student about an application, sent by e-mail."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sender"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message to the student")
        verbose_name_plural = _("messages to students")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.body[:40]}"
