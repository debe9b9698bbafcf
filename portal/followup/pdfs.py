"""The internship's documents as PDF files, drawn with ReportLab from the internship's data.

- the agreement ("convention de stage"): the text of the agreement template copied into the internship, its
  `$placeholders` filled, then each party's signature and the amendments applied;
- an amendment ("avenant"): what it changes and its approvals;
- the label certificate, once the label is awarded.

Every text from the database is escaped before it reaches ReportLab's paragraph markup.
"""

from __future__ import annotations

import string
from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from portal.followup.choices import Party

STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=STYLES["BodyText"], fontSize=10, leading=14)
HEADING = ParagraphStyle("heading", parent=STYLES["Heading3"], spaceBefore=10)
TITLE = ParagraphStyle("title", parent=STYLES["Title"])
CENTERED = ParagraphStyle("centered", parent=BODY, alignment=TA_CENTER, fontSize=12, leading=18)
MUTED = ParagraphStyle("muted", parent=BODY, textColor=colors.grey, fontSize=8)


def _day(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else "—"


def _moment(value) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else "—"


def _person(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.email


def _text(text: str, style=BODY) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _render(title: str, story: list) -> bytes:
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=title,
        author=settings.WAGTAIL_SITE_NAME,
    )
    footer = _text(f"{settings.WAGTAIL_SITE_NAME} — {_day(timezone.localdate())}", MUTED)
    document.build([*story, Spacer(1, 0.6 * cm), footer])
    return buffer.getvalue()


def _table(rows: list[tuple[str, str]]) -> Table:
    table = Table([[_text(label), _text(value)] for label, value in rows], colWidths=[5 * cm, 12 * cm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
            ]
        )
    )
    return table


def placeholders(internship) -> dict[str, str]:
    """The values of the agreement template's `$placeholders`."""
    company = internship.company
    address = ", ".join(part for part in (company.address, f"{company.postcode} {company.city}".strip()) if part)
    return {
        "student": _person(internship.student),
        "student_email": internship.student.email,
        "school": internship.school.title,
        "programme": internship.programme.name if internship.programme_id else "—",
        "company": company.title,
        "company_address": address or "—",
        "company_tutor": _person(internship.company_tutor),
        "academic_tutor": _person(internship.academic_tutor),
        "programme_head": _person(internship.programme_head),
        "title": internship.title,
        "mission": internship.mission or "—",
        "start_date": _day(internship.start_date),
        "end_date": _day(internship.end_date),
        "today": _day(timezone.localdate()),
    }


def _body(text: str, values: dict[str, str]) -> list:
    filled = string.Template(text).safe_substitute(values)
    story = []
    for block in filled.replace("\r\n", "\n").split("\n\n"):
        lines = block.strip().split("\n")
        if not lines or not lines[0]:
            continue
        if lines[0].startswith("## "):
            story.append(_text(lines[0][3:], HEADING))
            lines = lines[1:]
        if lines:
            story.append(_text("\n".join(lines)))
    return story


def _signature_rows(signatures, parties=Party) -> list[tuple[str, str]]:
    by_party = {signature.party: signature for signature in signatures}
    rows = []
    for party in parties:
        signature = by_party.get(party.value)
        if signature is None:
            state = _("Awaited")
        elif signature.method == "scan":
            state = _("Signed on paper, scan uploaded by %(person)s on %(moment)s") % {
                "person": _person(signature.signed_by),
                "moment": _moment(signature.signed_at),
            }
        else:
            state = _("Approved online by %(person)s on %(moment)s") % {
                "person": _person(signature.signed_by),
                "moment": _moment(signature.signed_at),
            }
        rows.append((str(party.label), state))
    return rows


def agreement_pdf(internship, signatures, amendments) -> bytes:
    """The agreement as it stands: its text, the parties' signatures, the amendments applied since."""
    title = internship.agreement_title or _("Internship agreement")
    story = [_text(title, TITLE), _text(_("Internship No. %(number)s") % {"number": internship.number}, CENTERED)]
    story += _body(internship.agreement_text, placeholders(internship))
    applied = [amendment for amendment in amendments if amendment.status == "applied"]
    if applied:
        story.append(_text(_("Amendments"), HEADING))
        for amendment in applied:
            changes = "; ".join(f"{what}: {value}" for what, value in amendment.changes)
            story.append(
                _text(
                    _("Amendment %(number)s, applied on %(day)s: %(changes)s")
                    % {"number": amendment.number, "day": _moment(amendment.applied_at), "changes": changes}
                )
            )
    story += [_text(_("Signatures"), HEADING), _table(_signature_rows(signatures))]
    return _render(title, story)


def amendment_pdf(amendment, signatures) -> bytes:
    internship = amendment.internship
    title = _("Amendment %(number)s to the internship agreement") % {"number": amendment.number}
    rows = [
        (_("Student"), _person(internship.student)),
        (_("Company"), internship.company.title),
        (_("Training organisation"), internship.school.title),
        *amendment.changes,
        (_("Reason"), amendment.reason),
        (_("Proposed by"), f"{_person(amendment.proposed_by)} — {_moment(amendment.proposed_at)}"),
    ]
    story = [
        _text(title, TITLE),
        _text(_("Internship No. %(number)s") % {"number": internship.number}, CENTERED),
        Spacer(1, 0.4 * cm),
        _table(rows),
        _text(_("Approvals"), HEADING),
        _table(_signature_rows(signatures)),
    ]
    return _render(title, story)


def certificate_pdf(internship) -> bytes:
    """The label certificate: who, where, when, awarded by whom."""
    title = _("Quality label certificate")
    story = [
        Spacer(1, 2 * cm),
        _text(title, TITLE),
        Spacer(1, 0.8 * cm),
        _text(
            _("The training organisation %(school)s certifies that the internship of")
            % {"school": internship.school.title},
            CENTERED,
        ),
        _text(_person(internship.student), TITLE),
        _text(
            _("at %(company)s, from %(start)s to %(end)s,")
            % {
                "company": internship.company.title,
                "start": _day(internship.start_date),
                "end": _day(internship.end_date),
            },
            CENTERED,
        ),
        _text(
            _("followed every mandatory step of the quality procedure and receives the internship quality label."),
            CENTERED,
        ),
        Spacer(1, 1 * cm),
        _table(
            [
                (_("Internship"), internship.title),
                (_("Programme"), internship.programme.name if internship.programme_id else "—"),
                (_("Company tutor"), _person(internship.company_tutor)),
                (_("Academic tutor"), _person(internship.academic_tutor)),
                (_("Awarded on"), _moment(internship.label_awarded_at)),
                (_("Awarded by"), _person(internship.label_awarded_by)),
                (_("Certificate No."), f"LBL-{internship.number}"),
            ]
        ),
    ]
    return _render(title, story)
