"""The company tutor's link: how a tutor without an account validates their steps, the reviews and their evaluation.

A link is a random token; only its SHA-256 is stored (`TutorLink`). It is made when an e-mail of the follow-up
goes out to a company tutor who has no password yet (`context_for_email`, registered with the notifications),
so that the token never rests in the database, and lasts `FOLLOWUP_TUTOR_LINK_DAYS`. Sending the same e-mail
again replaces the link it carried. The company's administrator, the programme head or the academic tutor may
send the tutor a new link, or revoke every link of the internship; a change of tutor revokes them too.
Whether a token still opens anything is decided by `access.followup.tutor_link`.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal import access
from portal.followup.choices import InternshipStatus
from portal.followup.models import Internship, TutorLink
from portal.followup.services.common import absolute, locked, require_status, tell

LINK_STATUSES = (InternshipStatus.ACTIVE, InternshipStatus.COMPLETED)


def issue(internship: Internship, tutor, *, notification_key: str = "") -> str:
    """A new link for `tutor` on `internship`; returns the token (to be e-mailed, never stored)."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        if notification_key:
            TutorLink.objects.filter(notification_key=notification_key, revoked_at__isnull=True).update(revoked_at=now)
        TutorLink.objects.create(
            internship=internship,
            tutor=tutor,
            token_hash=access.followup.hash_token(token),
            notification_key=notification_key,
            expires_at=now + datetime.timedelta(days=settings.FOLLOWUP_TUTOR_LINK_DAYS),
        )
    return token


def link_url(token: str) -> str:
    return absolute(reverse("followup:link", args=[token]))


def context_for_email(notification) -> dict:
    """Computed when a follow-up e-mail is sent: a link for a company tutor without a password, else nothing."""
    internship_id = notification.payload.get("internship_id")
    recipient = notification.recipient
    if not internship_id or recipient.has_usable_password():
        return {}
    internship = Internship.objects.filter(pk=internship_id, company_tutor=recipient, status__in=LINK_STATUSES).first()
    if internship is None:
        return {}
    token = issue(internship, recipient, notification_key=notification.key)
    return {"tutor_link": link_url(token), "tutor_link_days": settings.FOLLOWUP_TUTOR_LINK_DAYS}


@transaction.atomic
def send_link(internship: Internship, *, by) -> None:
    """Send the company tutor a new link by e-mail (the company's administrator, the programme head or the
    academic tutor); 409 while the follow-up does not run."""
    access.followup.require_roles(by, internship, lambda roles: roles.may_manage_tutor_links)
    internship = locked(internship)
    require_status(internship, *LINK_STATUSES)
    tell(
        "tutor_link",
        [internship.company_tutor],
        key=f"tutor_link:{internship.pk}:{timezone.now().strftime('%Y%m%d%H%M%S%f')}",
        internship=internship,
        sender=by.get_full_name() or by.email,
    )


@transaction.atomic
def revoke_links(internship: Internship, *, by) -> int:
    """Revoke every link of the internship at once; returns how many still worked."""
    access.followup.require_roles(by, internship, lambda roles: roles.may_manage_tutor_links)
    now = timezone.now()
    return internship.tutor_links.filter(revoked_at__isnull=True, expires_at__gt=now).update(revoked_at=now)


def touch(link: TutorLink) -> None:
    """Remember when the link was last used (shown to those who manage the links)."""
    TutorLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())


def active_links(internship: Internship):
    return internship.tutor_links.filter(revoked_at__isnull=True, expires_at__gt=timezone.now()).select_related("tutor")
