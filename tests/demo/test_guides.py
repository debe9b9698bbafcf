"""The guides shipped with the portal name its statuses and tabs as the product shows them in French.

A status or tab name is "quoted" by a guide when it stands in « » after the word « statut » or « onglet », in the
list of the items (`<li><b>…</b>`) that follows a sentence or heading speaking of statuses or tabs, or in the
parenthesis after « statut (…) ». Every such name must be one of the product's: the French labels of the offer and
application statuses, the labels of the workspace tabs.
"""

import re

import pytest
from django.utils import translation

from portal.demo.guides import GUIDES
from portal.reference.choices import ApplicationStatus, OfferStatus
from workflows import workspace

INLINE = re.compile(r"\b(statut|onglet)s?\b[^«.:;]*«\s*([^»]+?)\s*»", re.IGNORECASE)
PARENTHESIS = re.compile(r"\bstatuts?\s*\(([^)]*)\)", re.IGNORECASE)
ITEM = re.compile(r"<li>\s*<(?:b|i)>([^<]+)</(?:b|i)>")
EMPHASIS = re.compile(r"<(?:b|i)>([^<]+)</(?:b|i)>")
# A guide's text cut into the units a list may follow: headings, paragraphs, lists, steps.
UNITS = re.compile(r"<ul>.*?</ul>|<p>.*?</p>|[^<]+", re.DOTALL)


def _kind(text: str) -> str | None:
    lowered = text.lower()
    if "statut" in lowered:
        return "status"
    if "onglet" in lowered:
        return "tab"
    return None


def _units(guide: dict) -> list[str]:
    units = [guide["intro"]]
    for kind, value in guide["body"]:
        if kind == "steps":
            units += [f"{step['title']}. {step['text']}" for step in value]
        elif kind == "paragraph":
            units += [unit for unit in UNITS.findall(value) if unit.strip()]
        else:
            units.append(value)
    return units


def quoted_names(units: list[str]) -> set[tuple[str, str]]:
    """{(kind, name)}: the status and tab names the text quotes."""
    names = set()
    previous = ""
    for unit in units:
        for word, name in INLINE.findall(unit):
            names.add(("status" if word.lower() == "statut" else "tab", name.strip()))
        for inside in PARENTHESIS.findall(unit):
            names |= {("status", name.strip()) for name in EMPHASIS.findall(inside)}
        if unit.startswith("<ul>") and _kind(previous):
            names |= {(_kind(previous), name.strip()) for name in ITEM.findall(unit)}
        previous = unit
    return names


def vocabulary() -> dict[str, set[str]]:
    with translation.override("fr"):
        statuses = {str(label) for _code, label in [*OfferStatus.choices, *ApplicationStatus.choices]}
        tabs = {str(label) for _tab, label in workspace.tab_labels(spontaneous=True)}
    return {"status": statuses, "tab": tabs}


def test_the_reading_of_the_guides_finds_what_they_quote():
    """The checker itself: it finds names quoted each way, and it would have caught the former wording."""
    units = [
        "Chaque candidature a un statut :",
        "<ul><li><b>En attente</b> : pas encore lue ;</li><li><b>Acceptée</b> : retenue.</li></ul>",
        "<p>Vous voyez leur statut (<i>En attente</i>, <i>Lue</i>).</p>",
        "La candidature apparaît avec le statut « En attente ».",
        "Il la retrouve dans l'onglet « Offres validées ».",
        "<p>Sur chaque offre, vous pouvez :</p>",
        "<ul><li><b>dupliquer</b> : copier l'offre.</li></ul>",
    ]

    names = quoted_names(units)

    assert names == {
        ("status", "En attente"),
        ("status", "Acceptée"),
        ("status", "Lue"),
        ("tab", "Offres validées"),
    }
    known = vocabulary()
    assert {name for kind, name in names if name not in known[kind]} == {"En attente", "Acceptée", "Offres validées"}


@pytest.mark.parametrize("guide", GUIDES, ids=[guide["slug"] for guide in GUIDES])
def test_every_status_and_tab_a_guide_quotes_is_the_products(guide):
    known = vocabulary()

    unknown = sorted((kind, name) for kind, name in quoted_names(_units(guide)) if name not in known[kind])

    assert unknown == []


def test_the_company_guide_names_the_workspace_tabs_and_the_application_statuses():
    guide = next(guide for guide in GUIDES if guide["slug"] == "creer-et-faire-valider-une-offre")
    known = vocabulary()

    names = quoted_names(_units(guide))

    assert {name for kind, name in names if kind == "tab"} == known["tab"]
    with translation.override("fr"):
        applications = {str(label) for _code, label in ApplicationStatus.choices}
    assert {name for kind, name in names if kind == "status"} == applications
