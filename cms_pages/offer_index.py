"""The live offers held in each process as sets of bits, for the searches many people make: counted without asking
the database again until the offers change.

A search of the public or of a programme's students (`access.offers.audience_key`) reads, of every offer, only its
criteria (sector, country, internship type, study level, company, start date, target lists), its place in the order
of the newest and its place by start date. Each process reads them once per generation of the offers
(`cms_pages.search_cache.generation`: every change that may change a search replaces it) in two queries, and keeps
them as one integer per criterion value, the bit of an offer set when it holds that value (bit 0 the newest offer).
A search is then the intersection of its criteria's sets; its total and its facets are the population counts of that
set and of its intersection with each facet value's set; its first results the first bits set, in the order of the
newest, of the start dates, or of the ranking of its words. The full text alone is asked of the search backend: the
offers matching the words, ranked when the search is.

A search the index does not answer (a city: its match is the database's `icontains`) is answered by SQL
(`cms_pages.search`).
"""

from __future__ import annotations

import bisect
import threading
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import CharField, Value
from django.db.models.functions import Cast

from cms_pages.models import OfferPage
from portal.access.offers import TARGET_LISTS, admitted
from portal.recent import Recent

# The order of the newest offers, the index's own (`cms_pages.search` orders by it too).
NEWEST_FIRST = ("-first_published_at", "-pk")
# The criteria of the search form the index answers (the words through the search backend).
CRITERIA = {
    "q",
    "ordering",
    "sector",
    "country",
    "internship_type",
    "level",
    "organisation",
    "start_after",
    "start_before",
}
# Facet name (as in the API and the query string, each a criterion of the same name) → the offer's field.
FACETS = {
    "sector": "sector",
    "country": "country",
    "internship_type": "internship_type",
    "level": "study_level",
}
# The columns of the rows read (`_read_rows`): the id, the facets, the company, the start date.
FACET_COLUMNS = {facet: number for number, facet in enumerate(FACETS, start=1)}
COMPANY_COLUMN, START_COLUMN = len(FACETS) + 1, len(FACETS) + 2
# The masks of the audiences kept per generation: the public and each programme's students met since.
AUDIENCES_KEPT = 1024
# The offers matching each set of words searched, kept per generation (the most recent): whatever the other criteria
# of a search, its words find the same offers, and asking the search backend again (ranked: every match's rank, then
# a sort) costs more than all the rest of the search. At most a set of bits and an array of positions each.
WORDS_KEPT = 64


def mask_of(positions: Iterable[int], size: int) -> int:
    """The set of `positions` (each below `size`) as one integer."""
    bits = bytearray((size + 7) // 8)
    for position in positions:
        bits[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(bits, "little")


class Members:
    """The positions of a set's bits, from its bytes: `in` tests one position, `first` gives the lowest, reading the
    bytes by blocks and skipping those that hold none."""

    BLOCK = 256  # bytes: 2,048 positions

    def __init__(self, mask: int):
        self.bytes = mask.to_bytes((mask.bit_length() + 7) // 8, "little")

    def __contains__(self, position: int) -> bool:
        at = position >> 3
        return at < len(self.bytes) and (self.bytes[at] >> (position & 7)) & 1 == 1

    def first(self, limit: int) -> list[int]:
        found, empty = [], bytes(self.BLOCK)
        for start in range(0, len(self.bytes), self.BLOCK):
            block = self.bytes[start : start + self.BLOCK]
            if block == empty[: len(block)]:
                continue
            # Lowest bit first: the character at index `p` is the bit at position `start * 8 + p`.
            bits, offset = format(int.from_bytes(block, "little"), "b")[::-1], start * 8
            at = bits.find("1")
            while at != -1:
                found.append(offset + at)
                if len(found) == limit:
                    return found
                at = bits.find("1", at + 1)
        return found


@dataclass
class OfferIndex:
    """The live offers of one generation (`OfferPage.objects.live().public()`), newest first."""

    generation: str
    ids: list[int]
    everything: int
    # facet → code → the offers holding it
    values: dict[str, dict[str, int]]
    companies: dict[int, list[int]]
    # The positions by start date (then id), and their start dates, for the ranges and that ordering.
    by_start: list[int]
    start_dates: list
    # Per target list: the offers whose list is empty, and for each entry the offers whose list holds it.
    empty: dict[str, int]
    holding: dict[str, dict[object, list[int]]]
    position: dict[int, int]
    audiences: Recent = field(default_factory=lambda: Recent(AUDIENCES_KEPT))
    words: Recent = field(default_factory=lambda: Recent(WORDS_KEPT))

    @property
    def size(self) -> int:
        return len(self.ids)

    @classmethod
    def read(cls, generation: str) -> OfferIndex:
        rows = _read_rows()
        ids = [row[0] for row in rows]
        size, position = len(ids), {pk: number for number, pk in enumerate(ids)}
        values = {facet: {} for facet in FACET_COLUMNS}
        companies: dict[int, list[int]] = {}
        for number, row in enumerate(rows):
            for facet, column in FACET_COLUMNS.items():
                values[facet].setdefault(row[column], []).append(number)
            companies.setdefault(row[COMPANY_COLUMN], []).append(number)
        by_start = sorted(range(size), key=lambda number: (rows[number][START_COLUMN], ids[number]))
        listed: dict[str, set[int]] = {name: set() for name in TARGET_LISTS}
        holding: dict[str, dict[object, list[int]]] = {name: {} for name in TARGET_LISTS}
        for name, offer_id, entry in _read_target_entries():
            number = position.get(offer_id)
            if number is None:  # an entry of an offer not online
                continue
            listed[name].add(number)
            entry = int(entry) if name != "target_countries" else entry
            holding[name].setdefault(entry, []).append(number)
        everything = (1 << size) - 1
        return cls(
            generation=generation,
            ids=ids,
            position=position,
            everything=everything,
            values={
                facet: {code: mask_of(numbers, size) for code, numbers in codes.items()}
                for facet, codes in values.items()
            },
            companies=companies,
            by_start=by_start,
            start_dates=[rows[number][START_COLUMN] for number in by_start],
            empty={name: everything ^ mask_of(numbers, size) for name, numbers in listed.items()},
            holding=holding,
        )

    def audience(self, key: str, entries: Callable[[], dict]) -> int:
        """The offers the audience `key` finds; `entries` (`access.offers.audience_entries`) is asked the first time
        only."""

        def admitted_offers() -> int:
            holding = {
                name: mask_of(self.holding[name].get(entry, ()), self.size)
                for name, entry in entries().items()
                if entry is not None
            }
            return admitted(self.empty, holding)

        return self.audiences.get(key, admitted_offers)

    def matching_words(self, key: tuple, ids: Callable[[], Iterable[int]]) -> tuple[int, array]:
        """The offers matching a set of words (`key`, with whether they are ranked), and their positions in the order
        of `ids()`, the ids the search backend finds for them, asked the first time only (the positions are kept for
        a ranked search only)."""

        def matched() -> tuple[int, array]:
            found, numbers = self.of_ids(ids())
            return found, array("i", numbers if key[-1] else ())

        return self.words.get(key, matched)

    def starting(self, after=None, before=None) -> int:
        """The offers starting on or after `after` and on or before `before`."""
        low = 0 if after is None else bisect.bisect_left(self.start_dates, after)
        high = self.size if before is None else bisect.bisect_right(self.start_dates, before)
        if high - low > self.size // 2:  # most of them: the set of the others, turned over
            outside = [*self.by_start[:low], *self.by_start[high:]]
            return self.everything ^ mask_of(outside, self.size)
        return mask_of(self.by_start[low:high], self.size)

    def matching(self, data: dict, found: int) -> int:
        """`found` narrowed by the search form's criteria that the index holds (an empty value does not filter)."""
        for facet in FACETS:
            if data.get(facet):
                found &= self.values[facet].get(data[facet], 0)
        if data.get("organisation"):
            found &= mask_of(self.companies.get(data["organisation"], ()), self.size)
        if data.get("start_after") or data.get("start_before"):
            found &= self.starting(data.get("start_after"), data.get("start_before"))
        return found

    def of_ids(self, ids: Iterable[int]) -> tuple[int, list[int]]:
        """The set of the offers among `ids`, and their positions in the order of `ids`."""
        position = self.position
        numbers = [position[pk] for pk in ids if pk in position]
        return mask_of(numbers, self.size), numbers

    def counts(self, found: int) -> tuple[int, dict[str, dict[str, int]]]:
        """The number of `found` and {facet: {code: count}} over them, the values found nowhere left out."""
        facets = {}
        for facet, codes in self.values.items():
            counted = ((code, (found & offers).bit_count()) for code, offers in codes.items())
            facets[facet] = {code: count for code, count in counted if count}
        return found.bit_count(), facets

    def first_ids(self, found: int, order: list[int] | None, limit: int) -> list[int]:
        """The ids of the first `limit` offers of `found`: newest first without `order`, else in `order` (positions:
        by start date, or as the words ranked them)."""
        members = Members(found)
        if order is None:
            return [self.ids[number] for number in members.first(limit)]
        first = []
        for number in order:
            if number in members:
                first.append(self.ids[number])
                if len(first) == limit:
                    break
        return first


def listed():
    """The offers an index holds: those online, in no section under a view restriction (`public()`)."""
    return OfferPage.objects.live().public()


def _read_rows() -> list[tuple]:
    """Every offer of `listed()`, newest first as the database orders them: (id, sector, country, internship type,
    study level, company, start date)."""
    return list(listed().order_by(*NEWEST_FIRST).values_list("pk", *FACETS.values(), "company_id", "start_date"))


def _read_target_entries() -> list[tuple[str, int, object]]:
    """Every entry of every offer's target lists, in one query: (list, offer id, entry as text)."""
    columns = {
        "target_countries": "country_id",
        "target_organisations": "organisationpage_id",
        "target_programmes": "programme_id",
    }
    parts = [
        getattr(OfferPage, name)
        .through.objects.order_by()
        .annotate(list_name=Value(name, output_field=CharField()), entry=Cast(column, CharField()))
        .values_list("list_name", "offerpage_id", "entry")
        for name, column in columns.items()
    ]
    return list(parts[0].union(*parts[1:], all=True))


_current: OfferIndex | None = None
_building = threading.Lock()


def current(generation: str) -> OfferIndex:
    """The index of the offers of `generation`: the one this process holds, or read now."""
    global _current
    index = _current
    if index is not None and index.generation == generation:
        return index
    with _building:
        index = _current
        if index is None or index.generation != generation:
            index = _current = OfferIndex.read(generation)
    return index


def held() -> OfferIndex | None:
    """The index this process holds, if any."""
    return _current


def forget() -> None:
    """Drop the index this process holds (the tests' fresh start)."""
    global _current
    _current = None
