from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """A link that confirms a student's e-mail address; it stops working once the account is active."""

    key_salt = "portal.accounts.tokens.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.email}{user.is_active}{timestamp}"


email_confirmation_token = EmailConfirmationTokenGenerator()
