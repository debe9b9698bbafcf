"""Visit counting: once per visitor session and offer, never for crawlers, off the request's hot path.

The request only remembers the offer in the session; the counter is incremented by a Huey task
with an F() update, so concurrent visits never lose a count and the page view writes no offer row.
"""

import re

from django.db import transaction

from workflows.tasks import count_offer_visit

SESSION_KEY = "seen_offers"
MAX_REMEMBERED = 500
CRAWLERS = re.compile(
    r"bot|crawl|spider|slurp|bingpreview|facebookexternalhit|embedly|quora link preview|outbrain|pinterest|"
    r"vkshare|w3c_validator|curl|wget|python-requests|httpx|go-http-client|java/|libwww|headless|lighthouse|"
    r"monitor|uptime|preview",
    re.IGNORECASE,
)


def is_crawler(user_agent: str) -> bool:
    return not user_agent or bool(CRAWLERS.search(user_agent))


def record(request, offer) -> bool:
    """Count this view of a published offer if it is the visitor's first in this session. Returns whether it counted."""
    if is_crawler(request.META.get("HTTP_USER_AGENT", "")):
        return False
    session = getattr(request, "session", None)
    if session is None:
        return False
    seen = session.get(SESSION_KEY, [])
    if offer.pk in seen:
        return False
    session[SESSION_KEY] = [*seen[-(MAX_REMEMBERED - 1) :], offer.pk]
    transaction.on_commit(lambda: count_offer_visit(offer.pk))
    return True
