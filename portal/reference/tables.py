"""The reference tables held in memory: countries and sectors are written by the data migrations only (never typed
in), so each process reads them once instead of once per form that lists or checks them.

What a process holds is forgotten when a row is saved or deleted through the models and after migrations (a test
database flushed, then restored), and read again at the next use.
"""

from __future__ import annotations

import unicodedata

from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import get_language

from portal.reference.models import Country, LabelledCode, Sector

_held: dict[type[LabelledCode], tuple[LabelledCode, ...]] = {}
# The lists of choices, per language: (list, language) → [(code, label)].
_choices: dict[tuple[str, str], list[tuple[str, str]]] = {}
# The codes of each table, to check one in a single look-up.
_codes: dict[type[LabelledCode], frozenset[str]] = {}


def _rows(model: type[LabelledCode]) -> tuple[LabelledCode, ...]:
    rows = _held.get(model)
    if rows is None:
        rows = tuple(model.objects.order_by("code"))
        if rows:  # a database not migrated yet holds none: read it again next time
            _held[model] = rows
    return rows


def forget(**kwargs) -> None:
    """Read the tables again at their next use."""
    _held.clear()
    _choices.clear()
    _codes.clear()


for _model in (Country, Sector):
    post_save.connect(forget, sender=_model, dispatch_uid=f"reference-tables-save-{_model.__name__}")
    post_delete.connect(forget, sender=_model, dispatch_uid=f"reference-tables-delete-{_model.__name__}")
post_migrate.connect(forget, dispatch_uid="reference-tables-migrate")


def _alphabetical(label: str) -> tuple[str, str]:
    """« Émirats arabes unis » among the E, as a French reader looks for it."""
    return unicodedata.normalize("NFKD", label.casefold()).encode("ascii", "ignore").decode(), label


def _listed(name: str, build) -> list[tuple[str, str]]:
    """The list `name` in the active language, built once per process and language (a copy: forms may change it)."""
    key = (name, get_language() or "")
    listed = _choices.get(key)
    if listed is None:
        listed = build()
        if listed:
            _choices[key] = listed
    return list(listed)


def country_choices() -> list[tuple[str, str]]:
    """(code, name) of every country, by name in the active language."""
    return _listed(
        "countries",
        lambda: sorted(
            ((country.code, country.label) for country in _rows(Country)), key=lambda c: _alphabetical(c[1])
        ),
    )


def sector_choices() -> list[tuple[str, str]]:
    """(code, « code name ») of every sector, by code."""
    return _listed("sectors", lambda: [(sector.code, str(sector)) for sector in _rows(Sector)])


def codes(model: type[LabelledCode]) -> frozenset[str]:
    """The codes of `model` (`Country` or `Sector`)."""
    found = _codes.get(model)
    if found is None:
        found = frozenset(row.code for row in _rows(model))
        if found:
            _codes[model] = found
    return found


def is_country(code: str) -> bool:
    return code in codes(Country)


def sector_names() -> dict[str, str]:
    """{code: name} of every sector in the active language (the name alone, without its code)."""
    return dict(_listed("sector names", lambda: [(sector.code, sector.label) for sector in _rows(Sector)]))


def by_code(model: type[LabelledCode]) -> dict[str, LabelledCode]:
    """{code: row} of `model` (`Country` or `Sector`): the rows held, shared by every reader (never to be changed)."""
    return {row.code: row for row in _rows(model)}


def country_names() -> dict[str, str]:
    """{code: name} of every country in the active language."""
    return dict(country_choices())
