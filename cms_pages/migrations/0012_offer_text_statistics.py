from django.db import migrations

# On PostgreSQL, how many offers a word matches is estimated from statistics of the searched expression,
# `title || body` of the search index. Those of the GIN index over it (0010) are not read by the planner, because
# that index is partial (the offers' entries only), so it guessed 0.5 % of the entries whatever the word: a word
# found in half of 50,000 offers was planned as 250 rows, and the search then ran its targeting test offer by offer
# and hashed the words' vectors in several batches on disk. Statistics on the expression itself give the planner the
# frequency of each common word (with `settings.DATABASES`' `random_page_cost`): q=assistant at 50,000 offers,
# 250 → 170 ms of SQL; a rare word's search is unchanged.
OFFER_TEXT_STATISTICS = "cms_pages_offer_text_stats"


def create_text_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    entry_table = apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {OFFER_TEXT_STATISTICS} ON (title || body) FROM {entry_table}"
    )
    schema_editor.execute(f"ANALYZE {entry_table}")


def drop_text_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {OFFER_TEXT_STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [
        ("cms_pages", "0011_offer_count_indexes"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create_text_statistics, drop_text_statistics)]
