"""The skeleton of the page tree: the home page, the three indexes, and the default site."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations

INDEXES = [
    ("OrganisationIndexPage", "Organisations", "organisations"),
    ("OfferIndexPage", "Offres de stage", "offres"),
    ("GuideIndexPage", "Guides", "guides"),
]


def create_tree(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("cms_pages", "HomePage")

    if HomePage.objects.exists():
        return
    locale = Locale.objects.first() or Locale.objects.create(language_code="fr")
    # Wagtail's own placeholder page goes; the portal's home page takes its place.
    Page.objects.filter(depth=2, content_type__app_label="wagtailcore").delete()
    root = Page.objects.get(depth=1)

    def content_type(model):
        return ContentType.objects.get_or_create(app_label="cms_pages", model=model.lower())[0]

    existing = Page.objects.filter(depth=2).count()
    home_path = root.path + f"{existing + 1:04d}"
    home = HomePage.objects.create(
        title="Portail des stages",
        draft_title="Portail des stages",
        slug="accueil",
        content_type=content_type("HomePage"),
        path=home_path,
        depth=2,
        numchild=len(INDEXES),
        url_path="/accueil/",
        locale=locale,
        live=True,
        intro="<p>Offres de stage modérées, candidatures suivies, stages labellisés.</p>",
    )
    for position, (model_name, title, slug) in enumerate(INDEXES, start=1):
        apps.get_model("cms_pages", model_name).objects.create(
            title=title,
            draft_title=title,
            slug=slug,
            content_type=content_type(model_name),
            path=home_path + f"{position:04d}",
            depth=3,
            numchild=0,
            url_path=f"/accueil/{slug}/",
            locale=locale,
            live=True,
        )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    # The default site answers on SITE_URL, so that page URLs (API v2 `html_url`, e-mails) point at it.
    site_url = urlsplit(settings.SITE_URL)
    port = site_url.port or (443 if site_url.scheme == "https" else 80)
    Site.objects.all().delete()
    Site.objects.create(
        hostname=site_url.hostname or "localhost",
        port=port,
        root_page=home,
        is_default_site=True,
        site_name="Portail des stages",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cms_pages", "0001_initial"),
        ("wagtailcore", "0001_initial"),
        ("wagtailcore", "0096_referenceindex_referenceindex_source_object_and_more"),
    ]

    operations = [migrations.RunPython(create_tree, migrations.RunPython.noop)]
