"""An offer's applications (or any list of them) as a CSV or an XLSX file, in the reader's language."""

import csv
import io

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A cell starting with one of these is read as a formula by spreadsheets: it is written as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _headers() -> list[str]:
    return [
        _("No."),
        _("Sent on"),
        _("Offer number"),
        _("Offer"),
        _("Student"),
        _("E-mail"),
        _("Training organisation"),
        _("Programme"),
        _("Status"),
        _("Message"),
        _("CV"),
        _("Motivation letter"),
        _("Other documents"),
        _("Link"),
    ]


def _row(application) -> list:
    student = application.student
    profile = getattr(student, "student", None)
    cv, letter = application.cv, application.motivation_letter
    others = [document.name for document in application.documents.all() if document not in (cv, letter)]
    return [
        application.number,
        timezone.localtime(application.created_at).replace(tzinfo=None),
        application.offer.number if application.offer_id else "",
        application.offer.title if application.offer_id else _("Spontaneous application"),
        student.get_full_name(),
        student.email,
        profile.school.title if profile else "",
        profile.programme.name if profile and profile.programme else "",
        application.get_status_display(),
        application.message,
        cv.name if cv else "",
        letter.name if letter else "",
        ", ".join(others),
        settings.SITE_URL + reverse("recruitment:detail", args=[application.pk]),
    ]


def _safe(value):
    """A cell a spreadsheet shows as written: no control characters, never read as a formula."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def rows(applications) -> list[list]:
    """The header and one row per application (`applications` shaped by `for_listing`)."""
    return [_headers(), *([_safe(value) for value in _row(application)] for application in applications)]


def as_csv(applications) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows(applications):
        writer.writerow([value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else value for value in row])
    # The byte order mark lets spreadsheets open the accents right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(applications) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Applications")[:31]
    for row in rows(applications):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet["B"][1:]:
        cell.number_format = "yyyy-mm-dd hh:mm"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(applications, fmt: str) -> tuple[bytes, str]:
    """(content, content type) of `applications` in `fmt` ("csv" or "xlsx")."""
    content = as_csv(applications) if fmt == "csv" else as_xlsx(applications)
    return content, FORMATS[fmt]


def filename(label: str, fmt: str) -> str:
    return f"{label}-{timezone.localdate():%Y-%m-%d}.{fmt}"
