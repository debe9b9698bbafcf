"""An e-mail backend whose SMTP server hangs up on the first sends, to exercise retries."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    """Like locmem (messages land in `mail.outbox`), but the next `failures_left` sends raise, as SMTP would."""

    failures_left = 0  # class-wide: the delivery opens a new backend after each failure
    attempts = 0

    def send_messages(self, messages):
        cls = type(self)
        cls.attempts += 1
        if cls.failures_left > 0:
            cls.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
