"""The follow-up dashboard as a CSV file: one row per internship, what the dashboard shows.

No evaluation's content is ever exported: the company's is read on the portal by those it is meant for, the
student's by the programme head alone.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from portal.followup.choices import Party
from portal.recruitment.exports import FORMULA_STARTS


def _person(user) -> str:
    return (user.get_full_name() or user.email) if user else ""


def _safe(value: str) -> str:
    """A cell a spreadsheet shows as written, never read as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def dashboard_csv(internships) -> bytes:
    """The rows of `internships` (from `selectors.dashboard`: no query per row), UTF-8 with a BOM for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Number"),
            _("Academic year"),
            _("Student"),
            _("Training organisation"),
            _("Programme"),
            _("Company"),
            _("Internship"),
            _("Company tutor"),
            _("Academic tutor"),
            _("Start date"),
            _("End date"),
            _("Status"),
            _("Label"),
            _("Mandatory steps done"),
            _("Agreement signed by"),
        ]
    )
    for internship in internships:
        done, total = internship.mandatory_progress
        signed = [str(Party(party).label) for party in Party.values if internship.party_signature(party)]
        row = [
            internship.number,
            internship.academic_year_label,
            _person(internship.student),
            internship.school.title,
            internship.programme.name if internship.programme_id else "",
            internship.company.title,
            internship.title,
            _person(internship.company_tutor),
            _person(internship.academic_tutor),
            internship.start_date.isoformat(),
            internship.end_date.isoformat(),
            internship.get_status_display(),
            internship.get_label_display(),
            f"{done}/{total}",
            ", ".join(signed),
        ]
        writer.writerow([_safe(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode()
