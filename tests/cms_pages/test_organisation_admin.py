"""The Wagtail admin form of an organisation: the company-only fields belong to companies alone."""

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from cms_pages.models import OrganisationIndexPage, OrganisationPage
from tests.factories import CompanyFactory, HubFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

COMPANY_ONLY = ("registration_number", "expertise_domains", "reference_hub")


@pytest.fixture
def editor(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def field_names(response) -> set[str]:
    page = response.content.decode()
    return {name for name in COMPANY_ONLY if f'name="{name}"' in page}


def organisation_form(**fields):
    data = {
        "title": "Pôle Condroz",
        "slug": "pole-condroz",
        "kind": "hub",
        "registration_number": "",
        "expertise_domains": "",
        "reference_hub": "",
        "description": rich_text(""),
        "website": "",
        "email": "",
        "phone": "",
        "address": "",
        "postcode": "",
        "city": "Ciney",
        "country": "BE",
        "sector": "",
        "keywords": "",
        "programmes": inline_formset([]),
        "comments": inline_formset([]),
        "action-publish": "publish",
    }
    data.update(fields)
    return nested_form_data(data)


@pytest.mark.parametrize("factory", [HubFactory, SchoolFactory])
def test_the_form_of_a_school_or_a_hub_has_no_company_only_field(editor, factory):
    organisation = factory()

    response = editor.get(f"/admin/pages/{organisation.pk}/edit/")

    assert response.status_code == 200
    assert field_names(response) == set()
    assert 'name="kind"' in response.content.decode()


def test_the_form_of_a_company_has_the_company_only_fields(editor):
    company = CompanyFactory()

    response = editor.get(f"/admin/pages/{company.pk}/edit/")

    assert field_names(response) == set(COMPANY_ONLY)


def test_the_form_of_a_new_organisation_shows_the_company_only_fields_while_company_is_the_kind(editor):
    index = OrganisationIndexPage.objects.get()

    response = editor.get(f"/admin/pages/add/cms_pages/organisationpage/{index.pk}/")

    page = response.content.decode()
    assert field_names(response) == set(COMPANY_ONLY)
    assert 'data-controller="w-rules"' in page and 'data-action="change-&gt;w-rules#resolve"' in page
    assert page.count('data-w-rules-target="show"') == len(COMPANY_ONLY)
    assert page.count('data-w-rules="{&quot;kind&quot;: [&quot;company&quot;]}"') == len(COMPANY_ONLY)


def test_a_new_hub_keeps_none_of_the_company_only_fields_filled_in_before_its_kind_was_chosen(editor):
    index = OrganisationIndexPage.objects.get()
    other_hub = HubFactory()

    response = editor.post(
        f"/admin/pages/add/cms_pages/organisationpage/{index.pk}/",
        organisation_form(
            kind="hub",
            registration_number="BE0123456789",
            expertise_domains="Logiciels",
            reference_hub=str(other_hub.pk),
        ),
    )

    assert response.status_code == 302
    hub = OrganisationPage.objects.get(slug="pole-condroz")
    assert hub.kind == "hub" and hub.live
    assert (hub.registration_number, hub.expertise_domains, hub.reference_hub) == ("", "", None)


def test_a_new_company_keeps_its_company_only_fields(editor):
    index = OrganisationIndexPage.objects.get()
    hub = HubFactory()

    response = editor.post(
        f"/admin/pages/add/cms_pages/organisationpage/{index.pk}/",
        organisation_form(
            title="Talos",
            slug="talos",
            kind="company",
            registration_number="BE0123456789",
            expertise_domains="Logiciels",
            reference_hub=str(hub.pk),
        ),
    )

    assert response.status_code == 302
    company = OrganisationPage.objects.get(slug="talos")
    assert (company.registration_number, company.expertise_domains, company.reference_hub) == (
        "BE0123456789",
        "Logiciels",
        hub,
    )


def test_saving_a_hub_drops_a_registration_number_it_was_given_before(editor):
    hub = HubFactory(registration_number="BE0999999999", expertise_domains="Ancien")

    response = editor.post(
        f"/admin/pages/{hub.pk}/edit/",
        organisation_form(title=hub.title, slug=hub.slug, kind="hub"),
    )

    assert response.status_code == 302
    hub.refresh_from_db()
    assert (hub.registration_number, hub.expertise_domains) == ("", "")
