"""How an API client is recognised: its token (`Authorization: Token …`), or the session of the web pages.

Kept apart from the views: DRF reads this module while it defines its own `APIView`.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from portal.accounts.selectors import token_for_request


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, reading the person with their token as a session reads them
    (`portal.accounts.selectors.person_for_request`: with their student record and whether they hold a role in an
    organisation), in one query written once per process. Refused in DRF's own words (and translations)."""

    def authenticate_credentials(self, key):
        token = token_for_request(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
