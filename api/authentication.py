"""How an API client is recognised: its token (`Authorization: Token …`), or the session of the web pages.

Kept apart from the views: DRF reads this module while it defines its own `APIView`.
"""

from rest_framework import authentication
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, reading the person with their token as a session reads them
    (`User.objects.for_request`: with their student record), in one query."""

    def authenticate_credentials(self, key):
        token = Token.objects.select_related("user", "user__student").filter(key=key).first()
        if token is None or not token.user.is_active:
            return super().authenticate_credentials(key)  # refused by DRF itself, in its own words
        return (token.user, token)
