"""Clean the companies' descriptions stored before they were cleaned on the way in (`portal.markup`).

Companies wrote them through the registration and the company form, and the public pages show them as rich
text. The live page is cleaned, and each of its revisions: a revision is previewed, compared and published
again from the admin. Descriptions of training organisations and hubs are written by editors, and left as
they are.
"""

from django.db import migrations

from portal.markup import clean_rich_text

BATCH = 500


def clean_descriptions(apps, schema_editor):
    OrganisationPage = apps.get_model("cms_pages", "OrganisationPage")
    Revision = apps.get_model("wagtailcore", "Revision")
    ContentType = apps.get_model("contenttypes", "ContentType")

    companies = OrganisationPage.objects.filter(kind="company").order_by("pk")
    for page in companies.only("pk", "description").iterator(chunk_size=BATCH):
        cleaned = clean_rich_text(page.description)
        if cleaned != page.description:
            OrganisationPage.objects.filter(pk=page.pk).update(description=cleaned)

    content_type = ContentType.objects.filter(app_label="cms_pages", model="organisationpage").first()
    if content_type is None:
        return
    ids = [str(pk) for pk in companies.values_list("pk", flat=True)]
    for start in range(0, len(ids), BATCH):
        revisions = Revision.objects.filter(content_type=content_type, object_id__in=ids[start : start + BATCH])
        for revision in revisions.only("pk", "content").iterator(chunk_size=BATCH):
            content = revision.content or {}
            description = content.get("description")
            if not isinstance(description, str):
                continue
            cleaned = clean_rich_text(description)
            if cleaned != description:
                Revision.objects.filter(pk=revision.pk).update(content={**content, "description": cleaned})


class Migration(migrations.Migration):
    dependencies = [
        ("cms_pages", "0004_french_search_configuration"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(clean_descriptions, migrations.RunPython.noop)]
