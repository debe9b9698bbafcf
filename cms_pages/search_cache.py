"""The public offer search, kept between requests until the offers change.

What a search finds for the public (anyone without targeting of their own: the visitors who are not signed in, or
whose account is inactive) is the same for every one of them until an offer, a page above it, a view restriction or
a keyword changes: its total, its facets, the order of its first results, and the API's whole answer. So is what it
finds for the students of one programme (`access.offers.audience_key`): its total, its facets and the API's answer.
`cms_pages.search` and the API keep them in the cache under the current *generation* of the offers, a token that
every such change replaces (`offers_changed`: the signals received in `cms_pages.signals`, and the writes that send
none). A search of an older generation is never asked for again and leaves the cache with its timeout.

The token is replaced at the change and once more when its transaction commits: a search read in another process
between the two saw the data before the commit, and the second token leaves it behind. `KEPT_FOR` bounds how long a
search may live even so, should a change ever reach the database by a path that tells nobody.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "offers:generation"
KEPT_FOR = 10 * 60  # seconds
# The mark of a generation no other request shares: the cache keeps nothing (unreachable, or a dummy).
UNSHARED = "unshared:"


def generation() -> str:
    """The offers' current generation (a new one when the cache has none, e.g. after a restart of Redis; one of its
    own, `UNSHARED`, when the cache keeps nothing, so that nothing kept is ever found)."""
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(GENERATION_KEY)
    return token or f"{UNSHARED}{uuid.uuid4().hex}"


def shared(token: str) -> bool:
    """Is `token` a generation other requests read too (what is kept under it may serve them)?"""
    return not token.startswith(UNSHARED)


def _replace_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def offers_changed() -> None:
    """Forget every kept search: now, and again when the current transaction commits (if there is one)."""
    _replace_generation()
    transaction.on_commit(_replace_generation)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]


def key(language: str, criteria: dict, token: str | None = None) -> str:
    """The cache key of a search: the generation (`token`, else the current one), the language of the facets'
    labels and the criteria."""
    described = json.dumps(sorted((name, str(value)) for name, value in criteria.items()), ensure_ascii=False)
    return f"offers:search:{token or generation()}:{_digest(language, described)}"


def kept(search_key: str) -> dict | None:
    return cache.get(search_key)


def keep(search_key: str, found: dict) -> None:
    cache.set(search_key, found, timeout=KEPT_FOR)


@dataclass
class Answer:
    """The API's answer at an address for an audience: `found` when it was kept under the offers' generation read
    with it, the generation a new answer is kept under (one read before the search, so that an answer computed while
    the offers changed is never found)."""

    key: str
    generation: str
    found: bytes | None

    def keep(self, answer: bytes) -> None:
        cache.set(self.key, {"generation": self.generation, "answer": answer}, timeout=KEPT_FOR)


def kept_answer(address: str, language: str, audience: str) -> Answer:
    """The answer the API gave `audience` (`access.offers.audience_key`) at `address` (the whole URL: the page, its
    size and its links depend on it) in `language`, if the offers did not change since: read with the generation in
    one round trip."""
    key = f"offers:answer:{_digest(language, audience, address)}"
    found = cache.get_many([GENERATION_KEY, key])
    token = found.get(GENERATION_KEY) or generation()
    kept = found.get(key)
    return Answer(key, token, kept["answer"] if isinstance(kept, dict) and kept.get("generation") == token else None)
