"""What the follow-up's services share: the notifications' payload, free texts, the row lock, date checks."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.exceptions import InvalidTransition, PortalError
from portal.followup.models import Internship
from portal.notifications.services import notify_many

MAX_TEXT_LENGTH = 5000
# Control characters that pasted text may carry, except the line breaks and tabs a text keeps.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def page_url(internship: Internship, name: str = "detail") -> str:
    return absolute(reverse(f"followup:{name}", args=[internship.pk]))


def payload(internship: Internship, page: str = "detail") -> dict:
    """What every follow-up e-mail says about the internship (stored as JSON, shown in the in-app notifications)."""
    return {
        "internship_id": internship.pk,
        "student": internship.student.get_full_name() or internship.student.email,
        "company": internship.company.title,
        "title": internship.title,
        "start_date": internship.start_date.isoformat(),
        "end_date": internship.end_date.isoformat(),
        "url": page_url(internship, page),
    }


def tell(kind: str, recipients, *, key: str, internship: Internship, page: str = "detail", exclude=None, **extra):
    """Notify each recipient (but `exclude`, the person acting) once under `key`, on commit."""
    people = [person for person in recipients if person is not None and (exclude is None or person.pk != exclude.pk)]
    return notify_many(kind, people, key=key, **payload(internship, page), **extra)


def clean_text(text: str, *, field: str, required: bool = False, max_length: int = MAX_TEXT_LENGTH) -> str:
    """A free text without control characters and surrounding blanks; refused when too long, or empty if required."""
    text = CONTROL_CHARACTERS.sub("", (text or "").replace("\r\n", "\n")).strip()
    if required and not text:
        raise PortalError(_("This field is required."), field=field)
    if len(text) > max_length:
        raise PortalError(
            _("The text must not be longer than %(count)s characters.") % {"count": max_length}, field=field
        )
    return text


def check_dates(start: datetime.date | None, end: datetime.date | None, *, field: str = "end_date") -> None:
    if start is None:
        raise PortalError(_("The start date is required."), field="start_date")
    if end is None:
        raise PortalError(_("The end date is required."), field="end_date")
    if end < start:
        raise PortalError(_("The end date must not be before the start date."), field=field)


def locked(internship: Internship) -> Internship:
    """The internship's row, locked until the transaction ends (PostgreSQL; SQLite locks the whole database)."""
    return (
        Internship.objects.select_for_update(of=("self",))
        .select_related("student", "company", "company_tutor", "academic_tutor", "programme_head", "school")
        .get(pk=internship.pk)
    )


def require_status(internship: Internship, *statuses: str) -> None:
    """409 unless the internship is in one of `statuses`."""
    if internship.status not in statuses:
        raise InvalidTransition(
            _("This is not possible while the internship is “%(status)s”.")
            % {"status": internship.get_status_display()}
        )
