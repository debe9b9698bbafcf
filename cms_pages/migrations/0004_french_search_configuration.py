"""On PostgreSQL, a full-text configuration for French that ignores accents ("developpeur" finds "développeur").

The search backend uses it (settings.SEARCH_CONFIG); SQLite's full-text index already folds accents.
"""

from django.db import migrations

CONFIGURATION = "portal_french"


def create_configuration(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [CONFIGURATION])
        if cursor.fetchone():
            return
        cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIGURATION} (COPY = pg_catalog.french)")
        cursor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {CONFIGURATION} "
            "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem"
        )


def drop_configuration(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIGURATION}")


class Migration(migrations.Migration):
    dependencies = [("cms_pages", "0003_offerpage_campaign")]

    operations = [migrations.RunPython(create_configuration, drop_configuration)]
