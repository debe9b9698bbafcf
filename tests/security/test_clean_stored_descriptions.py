"""The data migration that cleans the companies' descriptions stored before the sanitiser existed."""

import importlib

import pytest
from django.apps import apps

from cms_pages.models import OrganisationPage
from tests.factories import CompanyFactory, SchoolFactory
from tests.security.payloads import executable_markup

migration = importlib.import_module("cms_pages.migrations.0005_clean_company_descriptions")

HOSTILE = '<p>Bienvenue</p><script>window.__xss=1</script><img src=x onerror="window.__xss=1">'


@pytest.mark.django_db
def test_the_live_description_and_every_revision_of_a_company_are_cleaned():
    # Given a company whose description was stored as written, live and in two revisions
    company = CompanyFactory(description=HOSTILE)
    company.save_revision()
    company.description = HOSTILE + '<a href="javascript:alert(1)">lien</a>'
    company.save_revision()

    # When the migration runs
    migration.clean_descriptions(apps, None)

    # Then the live page and each revision hold the clean text
    company = OrganisationPage.objects.get(pk=company.pk)
    assert company.description == "<p>Bienvenue</p>"
    revisions = [revision.content["description"] for revision in company.revisions.order_by("pk")]
    assert revisions == ["<p>Bienvenue</p>", '<p>Bienvenue</p><a rel="noopener noreferrer nofollow">lien</a>']
    assert all(executable_markup(description) == [] for description in revisions)


@pytest.mark.django_db
def test_what_editors_wrote_for_schools_and_clean_companies_are_left_alone():
    editorial = '<p>Voir la <a linktype="page" id="3">page d\'accueil</a>.</p>'
    school = SchoolFactory(description=editorial)
    school.save_revision()
    clean = CompanyFactory(description="<p>Start-up en <b>e-santé</b>.</p>")
    revision = clean.save_revision()

    migration.clean_descriptions(apps, None)

    assert OrganisationPage.objects.get(pk=school.pk).description == editorial
    assert school.revisions.get().content["description"] == editorial
    assert OrganisationPage.objects.get(pk=clean.pk).description == "<p>Start-up en <b>e-santé</b>.</p>"
    revision.refresh_from_db()
    assert revision.content["description"] == "<p>Start-up en <b>e-santé</b>.</p>"
