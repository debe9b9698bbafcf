"""The details of an organisation's public page: its address with the city once, a company's expertise domains."""

import re

import pytest

from tests.factories import CompanyFactory, SchoolFactory

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def details(response) -> dict[str, str]:
    """The rows of the details list: label → text, spaces collapsed."""
    section = response.content.decode().split('id="details-title"', 1)[1].split("</dl>", 1)[0]
    rows = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", section, re.S)
    return {label.strip(): " ".join(re.sub(r"<[^>]+>", " ", value).split()) for label, value in rows}


def test_without_a_street_the_city_is_shown_once(client):
    company = CompanyFactory(address="", postcode="4000", city="Liège")

    response = client.get(company.url, **ENGLISH)

    shown = details(response)
    assert shown["City"] == "4000 Liège" and "Address" not in shown
    assert response.content.decode().split('id="details-title"', 1)[1].split("</dl>", 1)[0].count("Liège") == 1


def test_with_a_street_the_city_is_part_of_the_address_and_shown_once(client):
    company = CompanyFactory(address="Rue de la Science 1", postcode="4000", city="Liège")

    shown = details(client.get(company.url, **ENGLISH))

    assert shown["Address"] == "Rue de la Science 1 4000 Liège" and "City" not in shown


def test_a_company_page_shows_its_expertise_domains_as_plain_text(client):
    company = CompanyFactory(expertise_domains="Logiciels <b>médicaux</b> & santé")

    response = client.get(company.url, **ENGLISH)

    assert details(response)["Expertise domains"] == "Logiciels &lt;b&gt;médicaux&lt;/b&gt; &amp; santé"
    assert "<b>médicaux</b>" not in response.content.decode()


def test_a_school_page_shows_no_expertise_domains(client):
    school = SchoolFactory(expertise_domains="Ce champ est celui des entreprises")

    shown = details(client.get(school.url, **ENGLISH))

    assert "Expertise domains" not in shown
