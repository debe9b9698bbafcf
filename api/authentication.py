"""How an API client is recognised: its token (`Authorization: Token …`), or the session of the web pages.

Kept apart from the views: DRF reads this module while it defines its own `APIView`.
"""

from rest_framework import authentication

from portal.accounts.selectors import token_for_request


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, reading the person with their token as a session reads them
    (`portal.accounts.selectors.person_for_request`: with their student record and whether they hold a role in an
    organisation), in one query compiled once per process."""

    def authenticate_credentials(self, key):
        token = token_for_request(key)
        if token is None or not token.user.is_active:
            return super().authenticate_credentials(key)  # refused by DRF itself, in its own words
        return (token.user, token)
