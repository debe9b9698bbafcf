"""What editors configure in the Wagtail admin, per training organisation or programme (snippets).

- `StepSet` and its ordered `StepDefinition`s: the steps of the quality label. The set of a programme, else
  its organisation's, else the default set (installed by a data migration) is copied into each internship
  when it is recorded, so that later edits never rewrite a running follow-up.
- `EvaluationForm`: the sections and criteria of the company tutor's and the student's evaluations.
- `AgreementTemplate`: the text of the internship agreement, with `$placeholders` filled from the internship.
"""

from __future__ import annotations

import string

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, PreviewableMixin

from portal.followup.blocks import EvaluationSectionsBlock
from portal.followup.choices import Actor, Audience, DueAnchor, Phase, StepEvent
from portal.reference.choices import OrganisationKind


def in_language(french: str, english: str) -> str:
    """The French or the English text, as the active language asks (French when English is missing)."""
    return english if (get_language() or "fr").startswith("en") and english else french


class ScopedQuerySet(models.QuerySet):
    def for_scope(self, school_id: int | None, programme_id: int | None):
        """The most specific row for a programme: its own, else its organisation's, else the default one."""
        rows = list(
            self.filter(
                Q(programme_id=programme_id, programme__isnull=False)
                | Q(school_id=school_id, school__isnull=False, programme__isnull=True)
                | Q(school__isnull=True, programme__isnull=True)
            ).order_by("pk")
        )

        def rank(row) -> int:
            return 0 if row.programme_id else 1 if row.school_id else 2

        return min(rows, key=rank, default=None)


class Scoped(models.Model):
    """Configured for a programme, a training organisation, or (neither) every organisation by default."""

    school = models.ForeignKey(
        "cms_pages.OrganisationPage",
        verbose_name=_("training organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"kind": OrganisationKind.SCHOOL},
        help_text=_("Empty: the default, for every organisation without its own."),
    )
    programme = models.ForeignKey(
        "cms_pages.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: every programme of the organisation."),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def scope(self) -> str:
        if self.programme_id:
            return f"{self.school} — {self.programme.name}"
        return str(self.school) if self.school_id else str(_("Default (every organisation)"))

    def _same_scope(self):
        return type(self).objects.filter(school_id=self.school_id, programme_id=self.programme_id).exclude(pk=self.pk)

    def clean(self):
        super().clean()
        if self.programme_id:
            if self.school_id and self.programme.organisation_id != self.school_id:
                raise ValidationError({"programme": _("This programme belongs to another training organisation.")})
            self.school_id = self.programme.organisation_id


class StepSet(Scoped, ClusterableModel):
    name = models.CharField(_("name"), max_length=200)

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("school"), FieldPanel("programme")]),
        HelpPanel(
            content=_(
                "The steps are copied into each internship when it is recorded: editing them changes the internships "
                "recorded afterwards, never the running ones. A step with an event completes by itself when the "
                "event happens; any other step is validated by its actor."
            )
        ),
        InlinePanel("steps", heading=_("Steps"), label=_("step"), min_num=1),
    ]

    class Meta:
        verbose_name = _("label step set")
        verbose_name_plural = _("label step sets")
        ordering = ["school_id", "programme_id", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.scope})"

    def clean(self):
        super().clean()
        if self._same_scope().exists():
            raise ValidationError(_("This organisation or programme already has a step set."))


class StepDefinition(Orderable):
    step_set = ParentalKey(StepSet, related_name="steps", on_delete=models.CASCADE)
    code = models.SlugField(_("code"), max_length=20, help_text=_("Short and stable, e.g. “3” or “11bis”."))
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices)
    mandatory = models.BooleanField(_("mandatory for the label"), default=False)
    actor = models.CharField(_("actor"), max_length=20, choices=Actor.choices)
    event = models.CharField(
        _("completed by"),
        max_length=30,
        choices=StepEvent.choices,
        blank=True,
        help_text=_("An event that completes the step by itself; empty: its actor validates it."),
    )
    due_anchor = models.CharField(_("due from"), max_length=10, choices=DueAnchor.choices, blank=True)
    due_offset_days = models.SmallIntegerField(
        _("days after that date"), default=0, help_text=_("Negative: before the date (−7: a week before).")
    )

    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("phase"), FieldPanel("mandatory")]),
        FieldPanel("title_fr"),
        FieldPanel("title_en"),
        FieldRowPanel([FieldPanel("actor"), FieldPanel("event")]),
        FieldRowPanel([FieldPanel("due_anchor"), FieldPanel("due_offset_days")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("label step")
        verbose_name_plural = _("label steps")
        unique_together = [("step_set", "code")]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"

    @property
    def title(self) -> str:
        return in_language(self.title_fr, self.title_en)


class EvaluationForm(Scoped, PreviewableMixin, models.Model):
    """The criteria of an evaluation, graded 1 to 5 each, grouped in sections."""

    name = models.CharField(_("name"), max_length=200)
    audience = models.CharField(_("filled by"), max_length=10, choices=Audience.choices)
    intro_fr = models.TextField(_("introduction (French)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    sections = StreamField(EvaluationSectionsBlock(), verbose_name=_("sections"))

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("audience")]),
        FieldRowPanel([FieldPanel("school"), FieldPanel("programme")]),
        MultiFieldPanel([FieldPanel("intro_fr"), FieldPanel("intro_en")], heading=_("Introduction")),
        FieldPanel("sections"),
    ]

    class Meta:
        verbose_name = _("evaluation form")
        verbose_name_plural = _("evaluation forms")
        ordering = ["audience", "school_id", "programme_id", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.scope})"

    def _same_scope(self):
        return super()._same_scope().filter(audience=self.audience)

    def clean(self):
        super().clean()
        if self._same_scope().exists():
            raise ValidationError(_("This organisation or programme already has a form for this evaluation."))

    def criteria(self) -> list[dict]:
        """The criteria, flat and in order, as an internship keeps them: code, labels and section titles."""
        return [
            {
                "code": criterion["code"],
                "label_fr": criterion["label_fr"],
                "label_en": criterion["label_en"],
                "section_fr": section.value["title_fr"],
                "section_en": section.value["title_en"],
            }
            for section in self.sections
            for criterion in section.value["criteria"]
        ]

    def get_preview_template(self, request, mode_name):
        return "followup/evaluation_form_preview.html"

    def get_preview_context(self, request, mode_name):
        return {**super().get_preview_context(request, mode_name), "form": self, "criteria": self.criteria()}


PLACEHOLDERS = (
    "student",
    "student_email",
    "school",
    "programme",
    "company",
    "company_address",
    "company_tutor",
    "academic_tutor",
    "programme_head",
    "title",
    "mission",
    "start_date",
    "end_date",
    "today",
)


class AgreementTemplate(Scoped):
    """The text of the internship agreement; the PDF fills its `$placeholders` from the internship's data."""

    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("document title"), max_length=200, default="Convention de stage")
    body = models.TextField(
        _("text"),
        help_text=format_lazy(
            "{} {}",
            _("Paragraphs separated by a blank line; a line starting with “## ” is a heading. Placeholders:"),
            ", ".join(f"${name}" for name in PLACEHOLDERS),
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("school"), FieldPanel("programme")]),
        FieldPanel("title"),
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = _("agreement template")
        verbose_name_plural = _("agreement templates")
        ordering = ["school_id", "programme_id", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.scope})"

    def clean(self):
        super().clean()
        if self._same_scope().exists():
            raise ValidationError(_("This organisation or programme already has an agreement template."))
        unknown = {
            match.group("named") or match.group("braced")
            for match in string.Template.pattern.finditer(self.body or "")
            if (match.group("named") or match.group("braced")) not in (*PLACEHOLDERS, None)
        }
        if unknown:
            raise ValidationError(
                {"body": _("Unknown placeholders: %(names)s.") % {"names": ", ".join(sorted(unknown))}}
            )
