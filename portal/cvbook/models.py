"""Students' CV-book profiles: opt-in, searchable by companies only when visible."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.reference.choices import StudyLevel


class Profile(models.Model):
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
    )
    study_level = models.CharField(_("study level"), max_length=20, choices=StudyLevel.choices, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("CV-book profile")
        verbose_name_plural = _("CV-book profiles")

    def __str__(self) -> str:
        return self.title or str(self.student)
