import os
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

    # A message is known by its context and its text: "Cancelled" for an internship is not an application's.
    translated = {
        (entry.msgctxt, entry.msgid): entry.msgstr for entry in source.translated_entries() if not entry.msgid_plural
    }
    in_mo = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in compiled if not entry.msgid_plural}
    assert {k: v for k, v in translated.items() if in_mo.get(k) != v} == {}


def test_every_marked_string_of_the_sources_is_translated_in_french(tmp_path):
    """Extract the messages from a copy of the sources as `make messages` does.

    A string marked for translation but missing from the committed French catalogue comes out
    untranslated, and fails here with its text. The copy keeps the real catalogues untouched.
    """
    import shutil
    import subprocess
    import sys

    base = Path(settings.BASE_DIR)
    for folder in ("portal", "cms_pages", "workflows", "api", "templates", "locale"):
        shutil.copytree(base / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__", "static"))
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "PYTHONPATH": str(tmp_path)}
    command = [sys.executable, "-m", "django", "makemessages", "-l", "fr", "--no-obsolete"]
    subprocess.run(command, cwd=tmp_path, env=environment, check=True, capture_output=True)

    extracted = polib.pofile(str(tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    assert [entry.msgid for entry in extracted.untranslated_entries()] == []
    assert [entry.msgid for entry in extracted.fuzzy_entries()] == []
