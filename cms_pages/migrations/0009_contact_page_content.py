"""The contact page under the home page, with the team of the companies' guide (000 §6), so that a new portal
shows it. The editors complete it in the admin: the contact person, the teams of the hubs."""

from django.db import migrations

# Treebeard's materialised paths: four characters per level, in base 36.
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEP = 4

INTRO = (
    "<p>Informations et suggestions : contactez la cellule « Stages des Pôles », "
    "ou l'équipe du pôle de référence de votre entreprise.</p>"
)


def _next_path(last: str) -> str:
    value = 0
    for char in last[-STEP:]:
        value = value * len(ALPHABET) + ALPHABET.index(char)
    value += 1
    digits = ""
    for _position in range(STEP):
        value, rest = divmod(value, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return last[:-STEP] + digits


def create_contact_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("cms_pages", "HomePage")
    ContactPage = apps.get_model("cms_pages", "ContactPage")

    home = HomePage.objects.first()
    if home is None or ContactPage.objects.exists():
        return
    children = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
    last = children.order_by("-path").values_list("path", flat=True).first()
    path = _next_path(last) if last else home.path + "0001"
    slug, n = "contact", 1
    while children.filter(slug=slug).exists():
        n += 1
        slug = f"contact-{n}"
    ContactPage.objects.create(
        title="Contact",
        draft_title="Contact",
        slug=slug,
        content_type=ContentType.objects.get_or_create(app_label="cms_pages", model="contactpage")[0],
        path=path,
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}{slug}/",
        locale_id=home.locale_id,
        live=True,
        intro=INTRO,
        team_name="cellule Stages des Pôles",
        contact_role="Responsable",
        email="stages@uwe.be",
    )
    Page.objects.filter(pk=home.pk).update(numchild=children.count())


class Migration(migrations.Migration):
    dependencies = [
        ("cms_pages", "0008_contact_page"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_contact_page, migrations.RunPython.noop)]
