"""Rendering a notification as an e-mail in its recipient's language."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.accounts.tokens import email_confirmation_token
from portal.notifications.models import Notification


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def set_password_link(user) -> str:
    """A one-time link to choose a password (never a password in a mail)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute(reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token}))


def email_confirmation_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_confirmation_token.make_token(user)
    return absolute(reverse("accounts:confirm_email", kwargs={"uidb64": uid, "token": token}))


# Context computed when the mail is sent, for the kinds whose links must not be stored in the database.
LINK_BUILDERS = {
    "account_access": lambda user: {"set_password_link": set_password_link(user)},
    "password_reset": lambda user: {"set_password_link": set_password_link(user)},
    "student_confirmation": lambda user: {"confirmation_link": email_confirmation_link(user)},
}


# Context computed when the mail is sent from the notification itself, registered by the domains (in their app's
# `ready()`): a link whose secret must not rest in the database, e.g. the company tutor's link of the follow-up.
SEND_TIME_CONTEXT: list[Callable[[Notification], dict]] = []


def register_send_time_context(builder: Callable[[Notification], dict]) -> None:
    if builder not in SEND_TIME_CONTEXT:
        SEND_TIME_CONTEXT.append(builder)


def build_email(notification: Notification, *, connection=None) -> EmailMultiAlternatives:
    """The notification's e-mail, text and HTML, in its recipient's language.

    A payload's `reply_to` (the address of the person who wrote to a team) becomes the e-mail's Reply-To.
    """
    recipient = notification.recipient
    context = notification.template_context()
    builder = LINK_BUILDERS.get(notification.kind)
    if builder and recipient is not None:
        context.update(builder(recipient))
    for send_time_builder in SEND_TIME_CONTEXT:
        context.update(send_time_builder(notification))
    with translation.override(notification.language):
        base = f"notifications/email/{notification.kind}"
        subject = notification.render_subject(context)
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", {**context, "subject": subject})
    reply_to = notification.payload.get("reply_to")
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [notification.address],
        connection=connection,
        reply_to=[reply_to] if reply_to else None,
    )
    message.attach_alternative(html, "text/html")
    return message
