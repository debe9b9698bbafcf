"""The internship's documents: the agreement's signatures and its amendments.

- `Signature`: one party's approval of the agreement (or of an amendment), online (who, when) or by the scan of
  the signed paper; the school may undo it (the row stays, marked undone), and the party then signs again.
- `Amendment` ("avenant"): a change of dates, company tutor or mission, applied to the internship once the
  three parties have approved it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.followup.choices import AmendmentStatus, Party, SignatureMethod
from portal.followup.models.internships import Internship
from portal.followup.scans import random_name
from portal.recruitment.documents import private_storage

ACTIVE = Q(undone_at__isnull=True)


class Amendment(models.Model):
    internship = models.ForeignKey(
        Internship, verbose_name=_("internship"), on_delete=models.CASCADE, related_name="amendments"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    start_date = models.DateField(_("new start date"), null=True, blank=True)
    end_date = models.DateField(_("new end date"), null=True, blank=True)
    company_tutor_email = models.EmailField(_("new company tutor"), blank=True)
    company_tutor_first_name = models.CharField(_("first name"), max_length=150, blank=True)
    company_tutor_last_name = models.CharField(_("last name"), max_length=150, blank=True)
    mission = models.TextField(_("new mission"), blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=AmendmentStatus.choices, default=AmendmentStatus.PROPOSED
    )
    # What the amendment replaced, kept when it is applied (for its document and the history).
    previous = models.JSONField(_("previous values"), default=dict, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["internship_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["internship", "number"], name="one_amendment_number"),
            models.UniqueConstraint(
                fields=["internship"], condition=Q(status=AmendmentStatus.PROPOSED), name="one_pending_amendment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.internship_id} – {self.number}"

    @property
    def changes(self) -> list[tuple[str, str]]:
        """(what, new value) of each change, for the pages and the document."""
        rows = []
        if self.start_date:
            rows.append((str(_("Start date")), self.start_date.isoformat()))
        if self.end_date:
            rows.append((str(_("End date")), self.end_date.isoformat()))
        if self.company_tutor_email:
            name = f"{self.company_tutor_first_name} {self.company_tutor_last_name}".strip()
            rows.append(
                (str(_("Company tutor")), f"{name} <{self.company_tutor_email}>" if name else self.company_tutor_email)
            )
        if self.mission:
            rows.append((str(_("Mission")), self.mission))
        return rows


class Signature(models.Model):
    internship = models.ForeignKey(
        Internship, verbose_name=_("internship"), on_delete=models.CASCADE, related_name="signatures"
    )
    amendment = models.ForeignKey(
        Amendment,
        verbose_name=_("amendment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signatures",
        help_text=_("Empty: the agreement itself."),
    )
    party = models.CharField(_("party"), max_length=10, choices=Party.choices)
    method = models.CharField(_("method"), max_length=10, choices=SignatureMethod.choices)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)
    scan = models.FileField(_("scan"), storage=private_storage, upload_to=random_name, max_length=200, blank=True)
    scan_name = models.CharField(_("original name"), max_length=200, blank=True)
    scan_content_type = models.CharField(_("content type"), max_length=100, blank=True)
    scan_size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("undone by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at", "pk"]
        constraints = [
            # One standing signature per party, of the agreement and of each amendment: enforced by the database so
            # that two simultaneous approvals cannot both land.
            models.UniqueConstraint(
                fields=["internship", "party"],
                condition=ACTIVE & Q(amendment__isnull=True),
                name="one_agreement_signature",
            ),
            models.UniqueConstraint(
                fields=["amendment", "party"],
                condition=ACTIVE & Q(amendment__isnull=False),
                name="one_amendment_signature",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.internship_id} – {self.party}"
