"""Writing to the portal team, from the contact page or the API: plain text, checked, e-mailed once committed."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.contact import selectors
from portal.exceptions import NotVisible
from portal.notifications.services import notify_address

MAX_NAME_LENGTH = 150
MAX_EMAIL_LENGTH = 254
MAX_SUBJECT_LENGTH = 200
MAX_MESSAGE_LENGTH = 5000
# The line ends and tabs of a message; no other control character is sent.
MESSAGE_WHITESPACE = frozenset("\n\r\t")


@dataclass
class ContactMessage:
    name: str
    email: str
    subject: str
    message: str
    hub: int | None = None


def _has_controls(text: str, allowed: frozenset = frozenset()) -> bool:
    return any(unicodedata.category(char) == "Cc" and char not in allowed for char in text)


def _is_email(text: str) -> bool:
    if len(text) > MAX_EMAIL_LENGTH:
        return False
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def _check_line(errors: dict, field: str, text: str, limit: int) -> str:
    text = (text or "").strip()
    if not text:
        errors[field] = [_("This field is required.")]
    elif len(text) > limit:
        errors[field] = [_("Write %(count)s characters at most.") % {"count": limit}]
    elif _has_controls(text):
        errors[field] = [_("Write this on one line, without control characters.")]
    return text


def _validate(data: ContactMessage) -> tuple[dict, dict]:
    """The message's fields, trimmed, and the errors found (field → messages)."""
    errors: dict[str, list[str]] = {}
    cleaned = {
        "name": _check_line(errors, "name", data.name, MAX_NAME_LENGTH),
        "email": (data.email or "").strip(),
        "subject": _check_line(errors, "subject", data.subject, MAX_SUBJECT_LENGTH),
        "message": (data.message or "").strip(),
    }
    if not _is_email(cleaned["email"]):
        errors["email"] = [_("Enter a valid e-mail address.")]
    if not cleaned["message"]:
        errors["message"] = [_("This field is required.")]
    elif len(cleaned["message"]) > MAX_MESSAGE_LENGTH:
        errors["message"] = [_("Write %(count)s characters at most.") % {"count": MAX_MESSAGE_LENGTH}]
    elif _has_controls(cleaned["message"], MESSAGE_WHITESPACE):
        errors["message"] = [_("The message holds control characters that cannot be sent.")]
    return cleaned, errors


def _key(recipient: selectors.Recipient, cleaned: dict) -> str:
    """The same message to the same team on the same day is one message (a form sent twice, a retried call)."""
    content = "\x1f".join([recipient.email, cleaned["email"].lower(), cleaned["subject"], cleaned["message"]])
    digest = hashlib.sha256(content.encode()).hexdigest()
    return f"contact_message:{timezone.localdate().isoformat()}:{digest}"


@transaction.atomic
def send_message(data: ContactMessage, *, by=None) -> selectors.Recipient:
    """E-mail `data` to the team of its hub, or to the portal team, once the transaction commits.

    The text is kept as plain text: it is escaped wherever it is shown. The team answers by replying: the
    e-mail's Reply-To is the writer's address. A signed-in writer's account is named in the e-mail. Raises
    `ValidationError` (field → messages) for bad input, `NotVisible` when the portal has no contact page online.
    """
    page = selectors.contact_page()
    if page is None:
        raise NotVisible
    cleaned, errors = _validate(data)
    hub = None
    if data.hub is not None:
        hub = selectors.live_hub(data.hub)
        if hub is None:
            errors["hub"] = [_("Choose a hub of the portal.")]
    if errors:
        raise ValidationError(errors)
    recipient = selectors.recipient(page, hub)
    account = by.email if by is not None and by.is_authenticated else ""
    notify_address(
        "contact_message",
        recipient.email,
        key=_key(recipient, cleaned),
        team=recipient.team,
        hub=recipient.hub,
        reply_to=cleaned["email"],
        account=account,
        **cleaned,
    )
    return recipient
