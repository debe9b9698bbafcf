from django.db import migrations

from portal.reference.loading import load_rows, upsert


def load(apps, schema_editor):
    upsert(apps.get_model("reference", "Country"), load_rows("countries"))
    upsert(apps.get_model("reference", "Sector"), load_rows("sectors"))


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
