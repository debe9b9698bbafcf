"""An offer's numbers stay within their columns on every database: the model, the offer's schema (what the services
are given) and the web form."""

import pytest
from django.core.exceptions import ValidationError

from cms_pages.models import SMALLINT_MAX, OfferPage, Programme
from portal.reference.choices import OfferStatus
from tests.factories import CompanyFactory, OfferFactory, ProgrammeFactory, company_admin
from workflows import offer_input, services

pytestmark = pytest.mark.django_db

OFFER_FORM = {
    "title": "Stagiaire en qualité agro-industrie",
    "internship_type": "insertion",
    "mission": "Suivre la qualité de la production.",
    "study_level": "master",
    "duration_weeks": "16",
    "places": "2",
    "sector": "10",
    "start_date": "2027-02-01",
    "city": "Clapiers",
    "country": "FR",
}


@pytest.fixture
def company():
    return CompanyFactory()


@pytest.fixture
def admin(company):
    return company_admin(company)


@pytest.mark.parametrize("field", ["places", "duration_weeks"])
def test_offer_model_refuses_a_number_beyond_its_small_integer_column(company, field):
    offer = OfferFactory.build(parent=company, status=OfferStatus.DRAFT, **{field: SMALLINT_MAX + 1})

    with pytest.raises(ValidationError) as refused:
        offer.full_clean(exclude=["path", "depth", "url_path", "slug"])

    assert field in refused.value.message_dict


def test_offer_model_refuses_a_negative_remuneration(company):
    offer = OfferFactory.build(parent=company, status=OfferStatus.DRAFT, remuneration=-1)

    with pytest.raises(ValidationError) as refused:
        offer.full_clean(exclude=["path", "depth", "url_path", "slug"])

    assert "remuneration" in refused.value.message_dict


def test_programme_year_beyond_its_column_is_refused():
    programme = ProgrammeFactory.build(organisation=ProgrammeFactory().organisation, year=SMALLINT_MAX + 1)

    with pytest.raises(ValidationError) as refused:
        programme.full_clean(exclude=["organisation"])

    assert "year" in refused.value.message_dict
    assert Programme._meta.get_field("year").validators


@pytest.mark.parametrize(
    "field, value",
    [("places", 40000), ("duration_weeks", 70000), ("places", "32768"), ("places", True), ("duration_weeks", 2.5)],
)
def test_offer_write_refuses_a_number_that_is_not_a_small_whole_number(company, admin, field, value):
    data = {**OFFER_FORM, field: value}

    with pytest.raises(ValidationError) as refused:
        services.create_offer(company, offer_input.validate(data), by=admin)

    assert field in refused.value.message_dict
    assert not OfferPage.objects.exists()


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999999"])
def test_offer_write_refuses_a_remuneration_that_is_not_an_amount(company, admin, value):
    with pytest.raises(ValidationError) as refused:
        services.create_offer(company, offer_input.validate({**OFFER_FORM, "remuneration": value}), by=admin)

    assert "remuneration" in refused.value.message_dict


def test_offer_write_refuses_a_city_longer_than_its_column(company, admin):
    with pytest.raises(ValidationError) as refused:
        services.create_offer(company, offer_input.validate({**OFFER_FORM, "city": "C" * 121}), by=admin)

    assert "city" in refused.value.message_dict


@pytest.mark.parametrize("field, value", [("places", "40000"), ("duration_weeks", "70000")])
def test_offer_web_form_shows_an_error_for_a_number_beyond_its_column(client, company, admin, field, value):
    client.force_login(admin)

    response = client.post(f"/espace/entreprises/{company.pk}/offres/nouvelle/", {**OFFER_FORM, field: value})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not OfferPage.objects.exists()
