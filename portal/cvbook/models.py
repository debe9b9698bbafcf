"""The CV book: students' internship requests (« demandes de stage »), opt-in, searched by companies.

- `Profile`: a student's request — title, summary, sector, country, level, keywords, availability — with the
  `visible` switch (off until the student turns it on); indexed by the search backend (title, summary, keywords).
- `ProfileDocument`: its CV and motivation letter, under the private storage with the upload rules of
  applications (`portal.recruitment.documents`).
- `ProfileView`: which company consulted the profile, on which day (all the student learns of it).
- `ProfileContact`: a company's message to the student, e-mailed and kept.
- `SchoolSharing`: a training organisation's choice: its students' profiles kept out of the CV book, or shown
  only to the companies of given countries or hubs.
- `OfferSuggestion`: the offers already e-mailed to a student in the weekly digest, never sent twice.
"""

import os
import secrets
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from modelsearch.queryset import SearchableQuerySetMixin
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.search import index

from portal.recruitment.documents import private_storage
from portal.reference.choices import DocumentKind, OrganisationKind, StudyLevel

MAX_KEYWORDS = 10
MAX_KEYWORD_LENGTH = 50
MAX_SUMMARY_LENGTH = 5000
# The documents a profile holds: one CV and one motivation letter.
PROFILE_DOCUMENT_KINDS = (DocumentKind.CV, DocumentKind.MOTIVATION_LETTER)


def alphabetical(text: str) -> tuple[str, str]:
    """A sort key that reads « électronique » before « Robotique », as a French reader does."""
    folded = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()
    return folded, text


def profile_file_name(instance, filename: str) -> str:
    """A path that says nothing about the student or the file: `profiles/ab/<random><ext>`."""
    token = secrets.token_hex(16)
    return f"profiles/{token[:2]}/{token}{os.path.splitext(filename)[1].lower()}"


class SchoolSharing(models.Model):
    """How a training organisation shares its students' profiles: not at all, or only with some companies.

    No row: the students' visible profiles are shown to every company. With countries or hubs: only to the
    companies of those countries or attached to those hubs.
    """

    school = models.OneToOneField(
        "cms_pages.OrganisationPage",
        verbose_name=_("training organisation"),
        on_delete=models.CASCADE,
        related_name="cvbook_sharing",
        limit_choices_to={"kind": OrganisationKind.SCHOOL},
    )
    opted_out = models.BooleanField(
        _("kept out of the CV book"),
        default=False,
        help_text=_("The students' profiles never appear to companies, whatever the students choose."),
    )
    countries = models.ManyToManyField(
        "reference.Country", verbose_name=_("only companies of these countries"), blank=True, related_name="+"
    )
    hubs = models.ManyToManyField(
        "cms_pages.OrganisationPage",
        verbose_name=_("only companies attached to these hubs"),
        blank=True,
        related_name="+",
        limit_choices_to={"kind": OrganisationKind.HUB},
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("CV book sharing of a training organisation")
        verbose_name_plural = _("CV book sharing of training organisations")

    def __str__(self) -> str:
        return str(self.school)


class ProfileKeyword(TaggedItemBase):
    content_object = models.ForeignKey("cvbook.Profile", on_delete=models.CASCADE, related_name="tagged_keywords")


class ProfileQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def online(self):
        """The profiles companies may find at all: switched on by an active student of a school that shares them
        (the country and hub restrictions of a school depend on the company: see `portal.access.cvbook`)."""
        opted_out = SchoolSharing.objects.filter(school=OuterRef("student__school"), opted_out=True)
        return self.filter(visible=True, student__user__is_active=True).exclude(Exists(opted_out))

    def for_listing(self):
        """What a CV-book entry shows: the student's name, the labels, the keywords and the documents."""
        return self.select_related("student__user", "sector", "country").prefetch_related("keywords", "documents")


class Profile(index.Indexed, models.Model):
    """A student's internship request in the CV book."""

    student = models.OneToOneField(
        "accounts.Student", verbose_name=_("student"), on_delete=models.CASCADE, related_name="profile"
    )
    visible = models.BooleanField(_("visible to companies"), default=False)
    title = models.CharField(_("title"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    sector = models.ForeignKey(
        "reference.Sector", verbose_name=_("sector"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    country = models.ForeignKey(
        "reference.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where you would like to do your internship."),
    )
    study_level = models.CharField(_("study level"), max_length=20, choices=StudyLevel.choices, blank=True)
    keywords = TaggableManager(verbose_name=_("keywords"), through=ProfileKeyword, blank=True)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    receives_digest = models.BooleanField(
        _("weekly e-mail of matching offers"),
        default=True,
        help_text=_("While your profile is visible, receive the new offers that match it once a week."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProfileQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=2),
        index.SearchField("summary"),
        index.RelatedFields("keywords", [index.SearchField("name", boost=2)]),
        index.FilterField("visible"),
    ]
    # Written explicitly by the services once the keywords are saved (see `portal.cvbook.services`).
    search_auto_update = False

    class Meta:
        verbose_name = _("CV-book profile")
        verbose_name_plural = _("CV-book profiles")
        indexes = [models.Index(fields=["sector", "visible"]), models.Index(fields=["-updated_at"])]

    def __str__(self) -> str:
        return self.title or str(self.student)

    @property
    def keyword_list(self) -> list[str]:
        """The keywords in alphabetical order (from the prefetched keywords: no query per row)."""
        return sorted((tag.name for tag in self.keywords.all()), key=alphabetical)

    def document_of(self, kind: str):
        """The document of `kind` (from the prefetched documents: no query per row)."""
        return next((document for document in self.documents.all() if document.kind == kind), None)

    @property
    def cv(self):
        return self.document_of(DocumentKind.CV)

    @property
    def motivation_letter(self):
        return self.document_of(DocumentKind.MOTIVATION_LETTER)


class ProfileDocument(models.Model):
    """The CV or the motivation letter of a profile, in the private storage under a random name."""

    profile = models.ForeignKey(Profile, verbose_name=_("profile"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), storage=private_storage, upload_to=profile_file_name, max_length=200)
    name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("profile document")
        verbose_name_plural = _("profile documents")
        ordering = ["kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "kind"], name="one_profile_document_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=PROFILE_DOCUMENT_KINDS), name="profile_document_kind"),
        ]

    def __str__(self) -> str:
        return self.name


class ProfileView(models.Model):
    """A company consulted the profile on a day: the student sees the company and the date, nothing more."""

    profile = models.ForeignKey(Profile, verbose_name=_("profile"), on_delete=models.CASCADE, related_name="views")
    company = models.ForeignKey(
        "cms_pages.OrganisationPage", verbose_name=_("company"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("first consulted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("profile consultation")
        verbose_name_plural = _("profile consultations")
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "company", "day"], name="one_profile_view_per_company_and_day")
        ]

    def __str__(self) -> str:
        return f"{self.company} → {self.profile} ({self.day})"


class ProfileContact(models.Model):
    """« Contacter l'étudiant »: a company member's message, e-mailed to the student and kept."""

    profile = models.ForeignKey(Profile, verbose_name=_("profile"), on_delete=models.CASCADE, related_name="contacts")
    company = models.ForeignKey(
        "cms_pages.OrganisationPage", verbose_name=_("company"), on_delete=models.CASCADE, related_name="+"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sender"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message to a student of the CV book")
        verbose_name_plural = _("messages to students of the CV book")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.company} → {self.profile}"


class OfferSuggestion(models.Model):
    """An offer e-mailed to a student in the weekly digest of matching offers: never sent to them again."""

    profile = models.ForeignKey(
        Profile, verbose_name=_("profile"), on_delete=models.CASCADE, related_name="suggestions"
    )
    offer = models.ForeignKey(
        "cms_pages.OfferPage", verbose_name=_("offer"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(_("score"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("offer suggested to a student")
        verbose_name_plural = _("offers suggested to students")
        constraints = [models.UniqueConstraint(fields=["profile", "offer"], name="one_suggestion_per_offer")]

    def __str__(self) -> str:
        return f"{self.offer} → {self.profile}"
