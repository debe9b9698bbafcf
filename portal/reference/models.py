"""Reference data shared by every part of the portal: countries (ISO 3166-1) and sectors (NACE rev. 2).

Both are loaded by data migrations from the JSON files in `data/`, never typed in by hand.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class LabelledCode(models.Model):
    """A stable code with a French and an English label; `label` follows the active language."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name_fr = models.CharField(_("French name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_en if (get_language() or "fr").startswith("en") else self.name_fr


class Country(LabelledCode):
    class Meta(LabelledCode.Meta):
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.label


class Sector(LabelledCode):
    """A NACE rev. 2 division, e.g. 62 « Programmation, conseil et autres activités informatiques »."""

    section = models.CharField(_("section"), max_length=1)

    class Meta(LabelledCode.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"
