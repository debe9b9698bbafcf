"""An offer's applications (or any list of them) as a CSV or an XLSX file, in the reader's language.

Both are streamed in constant memory whatever the number of applications: the rows are read from the database in
chunks (`CHUNK_SIZE`, with their documents prefetched per chunk); the CSV is sent line by line as it is read, the
XLSX is written row by row to a temporary file (openpyxl's write-only mode) and then sent from it.
"""

import csv
import tempfile

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
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


# Applications read from the database at a time (and one query for the documents of each chunk).
CHUNK_SIZE = 500
# The date column of the XLSX file (the second).
DATE_COLUMN = 1


def rows(applications):
    """The header, then one row per application (`applications` shaped by `for_listing`), read in chunks."""
    yield _headers()
    for application in applications.iterator(chunk_size=CHUNK_SIZE):
        yield [_safe(value) for value in _row(application)]


class _Line:
    """What `csv.writer` writes to: it hands back each line instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def csv_lines(applications, language: str):
    """The CSV file, line by line, as UTF-8 bytes (a byte order mark first: spreadsheets then read the accents)."""
    writer = csv.writer(_Line())
    with translation.override(language):
        yield "\ufeff".encode()
        for row in rows(applications):
            values = [value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else value for value in row]
            yield writer.writerow(values).encode("utf-8")


def _xlsx_file(applications):
    """The XLSX file written row by row to a temporary file (write-only mode keeps no row in memory)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Applications")[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    for number, row in enumerate(rows(applications)):
        if number == 0:
            row = [_styled(sheet, value, font=bold) for value in row]
        else:
            row[DATE_COLUMN] = _styled(sheet, row[DATE_COLUMN], number_format="yyyy-mm-dd hh:mm")
        sheet.append(row)
    output = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it once sent
    workbook.save(output)
    output.seek(0)
    return output


def _styled(sheet, value, **style):
    cell = WriteOnlyCell(sheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def response(applications, fmt: str, *, label: str) -> StreamingHttpResponse:
    """The download of `applications` in `fmt` ("csv" or "xlsx"), streamed, as an attachment named after `label`."""
    name = filename(label, fmt)
    if fmt == "csv":
        streamed = StreamingHttpResponse(
            csv_lines(applications, translation.get_language() or settings.LANGUAGE_CODE), content_type=FORMATS[fmt]
        )
        streamed["Content-Disposition"] = f'attachment; filename="{name}"'
        return streamed
    return FileResponse(_xlsx_file(applications), as_attachment=True, filename=name, content_type=FORMATS[fmt])


def filename(label: str, fmt: str) -> str:
    return f"{label}-{timezone.localdate():%Y-%m-%d}.{fmt}"
