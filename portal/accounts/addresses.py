"""The address a request comes from, read one way for every limit of the portal.

`NUM_PROXIES` says how many proxies of our own stand in front of the portal. With none (the default),
only the connection's address (`REMOTE_ADDR`) is trusted: any `X-Forwarded-For` is the client's own
words. With N proxies, each appends the address it received the request from, so the N-th address from
the right of `X-Forwarded-For` was written by our outermost proxy; anything further left was written by
the client. Django REST framework's throttles read the same setting (`REST_FRAMEWORK["NUM_PROXIES"]`)
with the same rule.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address as our own proxies saw it, never one the client wrote itself."""
    remote = _valid(request.META.get("REMOTE_ADDR"))
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not proxies or forwarded is None:
        return remote
    addresses = forwarded.split(",")
    # Fewer addresses than proxies: REST framework takes the leftmost one, so do we (same key on both sides).
    # An entry that is not an address (a client's words reaching us past our proxies) falls back to the peer.
    return _valid(addresses[-min(proxies, len(addresses))]) or remote


def _valid(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None
