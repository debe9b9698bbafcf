"""The stable vocabularies of the internship follow-up (API.md): codes never change, labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InternshipStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("internship status", "Proposed")
    ACTIVE = "active", pgettext_lazy("internship status", "Followed")
    COMPLETED = "completed", pgettext_lazy("internship status", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("internship status", "Cancelled")


class LabelState(models.TextChoices):
    NONE = "none", pgettext_lazy("label state", "In progress")
    ELIGIBLE = "eligible", pgettext_lazy("label state", "Eligible")
    AWARDED = "awarded", pgettext_lazy("label state", "Awarded")


class Phase(models.TextChoices):
    BEFORE = "before", _("Before the internship")
    DURING = "during", _("During the internship")
    AFTER = "after", _("After the internship")


class Actor(models.TextChoices):
    STUDENT = "student", _("Student")
    COMPANY_TUTOR = "company_tutor", _("Company tutor")
    ACADEMIC_TUTOR = "academic_tutor", _("Academic tutor")
    PROGRAMME_HEAD = "programme_head", _("Programme head")


class StepEvent(models.TextChoices):
    """What completes a step by itself; a step without an event is validated by its actor."""

    NONE = "", _("None: validated by its actor")
    AGREEMENT_SIGNED = "agreement_signed", _("The agreement is signed by the three parties")
    FIRST_JOURNAL_ENTRY = "first_journal_entry", _("The first logbook entry is written")
    REVIEW_WRITTEN = "review_written", _("An intermediate review is written")
    REVIEW_VALIDATED = "review_validated", _("An intermediate review is validated by both tutors")
    COMPANY_EVALUATION_SENT = "company_evaluation_sent", _("The company tutor's evaluation is sent")
    GRADE_RECORDED = "grade_recorded", _("The final grade is recorded")
    STUDENT_EVALUATION_SENT = "student_evaluation_sent", _("The student's evaluation is sent")


class DueAnchor(models.TextChoices):
    NONE = "", _("No date")
    START = "start", _("The start of the internship")
    END = "end", _("The end of the internship")


class Party(models.TextChoices):
    """The three parties of the internship agreement."""

    STUDENT = "student", _("The student")
    COMPANY = "company", _("The host company")
    SCHOOL = "school", _("The training organisation")


class SignatureMethod(models.TextChoices):
    ONLINE = "online", _("Approved online")
    SCAN = "scan", _("Signed on paper (scan)")


class AmendmentStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("amendment status", "Awaiting approvals")
    APPLIED = "applied", pgettext_lazy("amendment status", "Applied")
    CANCELLED = "cancelled", pgettext_lazy("amendment status", "Cancelled")


class Audience(models.TextChoices):
    """Who fills an evaluation form."""

    COMPANY = "company", _("Company tutor's evaluation of the intern")
    STUDENT = "student", _("Student's evaluation of the internship")


class Via(models.TextChoices):
    """How a step was crossed."""

    ACCOUNT = "account", _("Signed in")
    LINK = "link", _("Tutor's link")
    EVENT = "event", _("Automatically")
