from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"


def test_french_catalogue_is_complete():
    catalogue = polib.pofile(str(CATALOGUE / "django.po"))

    assert len(catalogue) > 100
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_compiled_french_catalogue_matches_the_sources():
    source = polib.pofile(str(CATALOGUE / "django.po"))
    compiled = polib.mofile(str(CATALOGUE / "django.mo"))

    translated = {entry.msgid: entry.msgstr for entry in source.translated_entries() if not entry.msgid_plural}
    in_mo = {entry.msgid: entry.msgstr for entry in compiled if not entry.msgid_plural}
    assert {k: v for k, v in translated.items() if in_mo.get(k) != v} == {}
