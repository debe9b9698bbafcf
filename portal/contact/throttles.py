"""How many contact messages an address may send: REST framework's cache-based rate, for the page and the API.

The rate is `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["contact"]`; the counter is kept per client address as
`portal.accounts.addresses` reads it (the login limits' reading), in the cache every process shares, under the
same key whichever way the message comes.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from portal.accounts.addresses import client_address


class ContactRateThrottle(SimpleRateThrottle):
    """Counts the messages an address sends; `allow_request` is False once the rate is reached."""

    scope = "contact"

    def get_rate(self):
        # Read when the throttle is made (not once at import), so that a changed setting applies.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request) or "unknown"}
