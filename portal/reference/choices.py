"""The stable vocabularies of the portal (API.md): codes never change, labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    SCHOOL = "school", _("Training organisation")
    HUB = "hub", _("Reference hub")


class StudyLevel(models.TextChoices):
    VOCATIONAL = "vocational", _("Vocational training")
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master")
    ENGINEER = "engineer", _("Engineering degree")
    DOCTORATE = "doctorate", _("Doctorate")


class InternshipType(models.TextChoices):
    DISCOVERY = "discovery", _("Discovery")
    INSERTION = "insertion", _("Insertion")
    MASTERY_SUPPORT = "mastery_support", _("Mastery support")
    MASTERY = "mastery", _("Mastery")


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_COMPANY_VALIDATION = "awaiting_company_validation", _("Awaiting company validation")
    AWAITING_HUB_VALIDATION = "awaiting_hub_validation", _("Awaiting hub validation")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")
    FILLED = "filled", _("Filled")
    CANCELLED = "cancelled", _("Cancelled")
    ARCHIVED = "archived", _("Archived")


class Audience(models.TextChoices):
    COMPANY = "company", _("Companies")
    STUDENT = "student", _("Students")
    SCHOOL = "school", _("Training organisations")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("application status", "Pending")
    READ = "read", pgettext_lazy("application status", "Read")
    INTERVIEW = "interview", pgettext_lazy("application status", "Interview")
    ACCEPTED = "accepted", pgettext_lazy("application status", "Accepted")
    CANCELLED = "cancelled", pgettext_lazy("application status", "Cancelled")


class DocumentKind(models.TextChoices):
    CV = "cv", _("CV")
    MOTIVATION_LETTER = "motivation_letter", _("Motivation letter")
    OTHER = "other", _("Other document")
