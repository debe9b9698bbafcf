"""Internships and the steps of their follow-up towards the quality label.

- `Internship`: a student's internship in a company, started from an accepted application by the company side
  or recorded by school staff; `proposed` until the student and the programme head agree, then `active`,
  `completed` once the final grade is recorded, or `cancelled`. Its label is `none`, `eligible` (every
  mandatory step done) or `awarded` (by the programme head).
- `InternshipStep`: a copy of one step of the label's step set, taken when the internship was recorded, with
  who crossed it and when, and the reminders sent about it.
- `TutorLink`: an expiring, revocable link with which a company tutor without an account acts on one internship;
  only the token's hash is stored.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from portal.followup.choices import Actor, DueAnchor, InternshipStatus, LabelState, Party, Phase, StepEvent, Via
from portal.followup.models.configuration import in_language

# An academic year runs from September to August: an internship belongs to the year in which it starts.
ACADEMIC_YEAR_FIRST_MONTH = 9


def academic_year(day: datetime.date) -> int:
    """The first calendar year of the academic year of `day` (2026 for 2026-2027)."""
    return day.year if day.month >= ACADEMIC_YEAR_FIRST_MONTH else day.year - 1


class InternshipQuerySet(models.QuerySet):
    def for_listing(self):
        """What every list of internships shows (the dashboard, the menus' pages): no query per row."""
        return self.select_related(
            "student",
            "school",
            "programme",
            "company",
            "offer",
            "company_tutor",
            "academic_tutor",
            "programme_head",
        ).prefetch_related(
            models.Prefetch("steps", queryset=InternshipStep.objects.order_by("position", "pk")),
            models.Prefetch("signatures", queryset=self._active_signatures()),
        )

    def _active_signatures(self):
        signature = self.model._meta.get_field("signatures").related_model  # declared in models/documents.py
        return signature.objects.filter(amendment__isnull=True, undone_at__isnull=True).select_related("signed_by")

    def running(self):
        return self.filter(status=InternshipStatus.ACTIVE)

    def with_logbook(self):
        """Annotate the number of logbook entries and the date of the last one."""
        return self.annotate(entry_count=Count("journal", distinct=True), last_entry=Max("journal__date"))

    def with_reviews(self):
        """Annotate the number of intermediate reviews and of those validated by both tutors."""
        validated = Q(reviews__company_validated_at__isnull=False, reviews__academic_validated_at__isnull=False)
        return self.annotate(
            review_count=Count("reviews", distinct=True),
            reviews_validated=Count("reviews", filter=validated, distinct=True),
        )

    def with_evaluations(self):
        """Annotate which evaluations were sent (never their content)."""
        evaluations = self.model._meta.get_field("evaluations").related_model
        sent = evaluations.objects.filter(internship=OuterRef("pk"))
        return self.annotate(
            company_evaluated=Exists(sent.filter(audience="company")),
            student_evaluated=Exists(sent.filter(audience="student")),
        )


class Internship(models.Model):
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("student"), on_delete=models.PROTECT, related_name="internships"
    )
    school = models.ForeignKey(
        "cms_pages.OrganisationPage",
        verbose_name=_("training organisation"),
        on_delete=models.PROTECT,
        related_name="school_internships",
    )
    programme = models.ForeignKey(
        "cms_pages.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="internships",
    )
    company = models.ForeignKey(
        "cms_pages.OrganisationPage", verbose_name=_("company"), on_delete=models.PROTECT, related_name="internships"
    )
    offer = models.ForeignKey(
        "cms_pages.OfferPage",
        verbose_name=_("offer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="internships",
    )
    application = models.OneToOneField(
        "recruitment.Application",
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="internship",
        help_text=_("Empty for an internship found outside the portal and recorded by the school."),
    )
    title = models.CharField(_("title"), max_length=255)
    mission = models.TextField(_("mission"), blank=True)
    company_tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("company tutor"),
        on_delete=models.PROTECT,
        related_name="tutored_internships",
    )
    academic_tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("academic tutor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="academic_internships",
    )
    programme_head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("programme head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_internships",
        help_text=_("The programme head who agreed to the follow-up."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    academic_year = models.PositiveSmallIntegerField(_("academic year"), db_index=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InternshipStatus.choices,
        default=InternshipStatus.PROPOSED,
        db_index=True,
    )
    label = models.CharField(
        _("label"), max_length=10, choices=LabelState.choices, default=LabelState.NONE, db_index=True
    )
    student_agreed_at = models.DateTimeField(_("student agreed at"), null=True, blank=True)
    school_agreed_at = models.DateTimeField(_("programme head agreed at"), null=True, blank=True)
    final_grade = models.DecimalField(_("final grade (out of 20)"), max_digits=4, decimal_places=2, null=True)
    grade_recorded_at = models.DateTimeField(_("grade recorded at"), null=True, blank=True)
    grade_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("grade recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    label_awarded_at = models.DateTimeField(_("label awarded at"), null=True, blank=True)
    label_awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("label awarded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Copied when the internship is recorded, like the steps: later edits of the forms change nothing here.
    evaluation_criteria = models.JSONField(_("evaluation criteria"), default=dict, blank=True)
    agreement_title = models.CharField(_("agreement title"), max_length=200, blank=True)
    agreement_text = models.TextField(_("agreement text"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    logbook_warned_at = models.DateTimeField(_("tutors last told of an empty logbook at"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = InternshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("internship")
        verbose_name_plural = _("internships")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="internship_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["company", "-start_date"]), models.Index(fields=["school", "-start_date"])]

    def __str__(self) -> str:
        return f"{self.student} – {self.company} ({self.start_date:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        self.academic_year = academic_year(self.start_date)
        if kwargs.get("update_fields") is not None and "start_date" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "academic_year"}
        super().save(*args, **kwargs)

    @property
    def number(self) -> str:
        return f"{self.pk:05d}" if self.pk else ""

    @property
    def academic_year_label(self) -> str:
        return f"{self.academic_year}-{self.academic_year + 1}"

    @property
    def is_open(self) -> bool:
        """Still in the follow-up: proposed or active."""
        return self.status in (InternshipStatus.PROPOSED, InternshipStatus.ACTIVE)

    def criteria(self, audience: str) -> list[dict]:
        """The criteria of one evaluation, with the label and section title in the active language."""
        return [
            {
                "code": criterion["code"],
                "label": in_language(criterion["label_fr"], criterion["label_en"]),
                "section": in_language(criterion.get("section_fr", ""), criterion.get("section_en", "")),
            }
            for criterion in self.evaluation_criteria.get(audience, [])
        ]

    # From the prefetched steps (`for_listing`): no query per row.

    def steps_of(self, phase: str) -> list[InternshipStep]:
        return [step for step in self.steps.all() if step.phase == phase]

    @property
    def phases(self) -> list[tuple[str, str, list[InternshipStep]]]:
        """(code, label, steps) of the three columns of the dashboard: before, during, after."""
        return [(phase.value, phase.label, self.steps_of(phase.value)) for phase in Phase]

    @property
    def mandatory_progress(self) -> tuple[int, int]:
        mandatory = [step for step in self.steps.all() if step.mandatory]
        return sum(1 for step in mandatory if step.done_at), len(mandatory)

    @property
    def progress_percent(self) -> int:
        done, total = self.mandatory_progress
        return round(100 * done / total) if total else 100

    @property
    def signatures_by_party(self) -> list[tuple]:
        """(standing signature or None, party label) of the agreement's three parties, from the prefetched rows."""
        return [(self.party_signature(party), label) for party, label in Party.choices]

    def party_signature(self, party: str):
        """The active signature of the agreement by `party`, from the prefetched signatures."""
        return next((s for s in self.signatures.all() if s.party == party and s.amendment_id is None), None)


class InternshipStep(models.Model):
    internship = models.ForeignKey(
        Internship, verbose_name=_("internship"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.SlugField(_("code"), max_length=20)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices)
    mandatory = models.BooleanField(_("mandatory for the label"), default=False)
    actor = models.CharField(_("actor"), max_length=20, choices=Actor.choices)
    event = models.CharField(_("completed by"), max_length=30, choices=StepEvent.choices, blank=True)
    due_anchor = models.CharField(_("due from"), max_length=10, choices=DueAnchor.choices, blank=True)
    due_offset_days = models.SmallIntegerField(_("days after that date"), default=0)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, db_index=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_via = models.CharField(_("done through"), max_length=10, choices=Via.choices, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("internship step")
        verbose_name_plural = _("internship steps")
        ordering = ["internship_id", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["internship", "code"], name="one_step_per_code")]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"

    @property
    def title(self) -> str:
        return in_language(self.title_fr, self.title_en)

    @property
    def done_by_event(self) -> bool:
        return bool(self.event)

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def compute_due_date(self, internship: Internship) -> datetime.date | None:
        anchor = {DueAnchor.START: internship.start_date, DueAnchor.END: internship.end_date}.get(self.due_anchor)
        return anchor + datetime.timedelta(days=self.due_offset_days) if anchor else None


class TutorLink(models.Model):
    """A company tutor's way in without an account: the random token is e-mailed, only its SHA-256 is kept."""

    internship = models.ForeignKey(
        Internship, verbose_name=_("internship"), on_delete=models.CASCADE, related_name="tutor_links"
    )
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("tutor"), on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    # The notification that carried the link: sending it again replaces the link it carried.
    notification_key = models.CharField(_("sent with"), max_length=200, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tutor link")
        verbose_name_plural = _("tutor links")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.tutor} – {self.internship_id}"
