"""How an API client is recognised: its token (`Authorization: Token …`), or the session of the web pages.

Kept apart from the views: DRF reads this module while it defines its own `APIView`.
"""

import functools

from django.db.models import OuterRef
from rest_framework import authentication
from rest_framework.authtoken.models import Token

from portal.accounts.models import has_organisation_roles


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, reading the person with their token as a session reads them
    (`User.objects.for_request`: with their student record and whether they hold a role in an organisation), in one
    query."""

    def authenticate_credentials(self, key):
        # The key is unique: no ordering to find the one token (`first()` would sort by primary key).
        token = next(iter(self.tokens().filter(key=key)[:1]), None)
        if token is None or not token.user.is_active:
            return super().authenticate_credentials(key)  # refused by DRF itself, in its own words
        token.user.has_organisation_roles = token.has_organisation_roles
        return (token.user, token)

    @staticmethod
    @functools.cache
    def tokens():
        """The tokens with their person, their student record and whether they hold a role: the query built once per
        process (its joins and subqueries resolved), filtered by each request's key. Never evaluated itself."""
        return Token.objects.select_related("user", "user__student").annotate(
            has_organisation_roles=has_organisation_roles(OuterRef("user_id"))
        )
