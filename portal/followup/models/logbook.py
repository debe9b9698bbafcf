"""What the student writes during the internship, and what the tutors answer.

- `JournalEntry` ("journal de stage"): a dated entry by the student, read by both tutors; `JournalComment`: a
  tutor's comment on it.
- `Review` ("bilan intermédiaire"): written by the student, validated separately by the company tutor and the
  academic tutor. It does not count in the final grade.
- `Evaluation`: the company tutor's evaluation of the intern, or the student's of the internship (confidential:
  only the programme head reads it), a grade 1–5 per criterion of the internship's form, and a comment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.followup.choices import Audience
from portal.followup.models.internships import Internship


class JournalEntry(models.Model):
    internship = models.ForeignKey(
        Internship, verbose_name=_("internship"), on_delete=models.CASCADE, related_name="journal"
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("logbook entry")
        verbose_name_plural = _("logbook entries")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["internship", "-date"])]

    def __str__(self) -> str:
        return f"{self.internship_id} – {self.date}"


class JournalComment(models.Model):
    entry = models.ForeignKey(JournalEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("logbook comment")
        verbose_name_plural = _("logbook comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.text[:40]}"


class Review(models.Model):
    internship = models.ForeignKey(
        Internship, verbose_name=_("internship"), on_delete=models.CASCADE, related_name="reviews"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    company_validated_at = models.DateTimeField(_("validated by the company tutor at"), null=True, blank=True)
    company_validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validated by (company)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    academic_validated_at = models.DateTimeField(_("validated by the academic tutor at"), null=True, blank=True)
    academic_validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validated by (school)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("intermediate review")
        verbose_name_plural = _("intermediate reviews")
        ordering = ["internship_id", "number"]
        constraints = [models.UniqueConstraint(fields=["internship", "number"], name="one_review_number")]

    def __str__(self) -> str:
        return f"{self.internship_id} – {self.number}"

    @property
    def fully_validated(self) -> bool:
        return self.company_validated_at is not None and self.academic_validated_at is not None


class Evaluation(models.Model):
    internship = models.ForeignKey(
        Internship, verbose_name=_("internship"), on_delete=models.CASCADE, related_name="evaluations"
    )
    audience = models.CharField(_("filled by"), max_length=10, choices=Audience.choices)
    scores = models.JSONField(_("scores"), default=dict)
    comment = models.TextField(_("comment"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["internship_id", "audience"]
        constraints = [models.UniqueConstraint(fields=["internship", "audience"], name="one_evaluation_per_audience")]

    def __str__(self) -> str:
        return f"{self.internship_id} – {self.audience}"

    @property
    def average(self) -> float | None:
        values = [value for value in self.scores.values() if isinstance(value, int)]
        return round(sum(values) / len(values), 2) if values else None
