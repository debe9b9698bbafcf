"""The public pages of the portal, as an anonymous visitor sees them."""

import datetime
import re

import pytest
from wagtail.rich_text import RichText

from cms_pages.models import GuideIndexPage, OfferIndexPage, OrganisationIndexPage
from portal.reference.choices import OfferStatus
from portal.reference.models import Country
from tests.factories import (
    CompanyFactory,
    GuideFactory,
    HubFactory,
    OfferFactory,
    ProgrammeFactory,
    SchoolFactory,
)

pytestmark = pytest.mark.django_db

# The labels below are the interface's English source strings.
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}

# One bound for every size of list: a query per row would break it at 30 rows.
LISTING_MAX_QUERIES = 10
# The offer search adds its four facet counts and the choices of its form to the list's own queries.
SEARCH_MAX_QUERIES = 16

COUNTER = re.compile(
    r'<span class="counter__value">(?P<value>[^<]*)</span>\s*<span class="counter__label">(?P<label>[^<]*)</span>'
)


def counters(response) -> dict[str, str]:
    return {match["label"]: match["value"] for match in COUNTER.finditer(response.content.decode())}


def live_offer(**fields):
    return OfferFactory(live=True, status=OfferStatus.PUBLISHED, **fields)


def tagged_offer(*, keyword, **fields):
    offer = live_offer(**fields)
    offer.keywords.add(keyword)
    offer.save()
    return offer


# Home page


def test_home_page_shows_the_public_counters(client):
    hub = HubFactory()
    first_company, _second_company = CompanyFactory.create_batch(2, reference_hub=hub)
    SchoolFactory()
    live_offer(parent=first_company)
    OfferFactory(parent=first_company)  # a draft is not online

    response = client.get("/", **ENGLISH)

    assert response.status_code == 200
    assert counters(response) == {
        "registered students": "0",
        "registered companies": "2",
        "training organisations": "1",
        "CVs online": "0",
        "internship offers online": "1",
    }


def test_home_page_links_to_the_three_sections(client):
    response = client.get("/")

    assert response.status_code == 200
    for section in ("/organisations/", "/offres/", "/guides/"):
        assert f'href="{section}"' in response.content.decode()


# Organisations


def test_organisation_index_lists_live_organisations(client):
    company = CompanyFactory(title="Acme Informatique")
    school = SchoolFactory(title="Haute École de Namur")
    SchoolFactory(title="École en préparation", live=False)

    response = client.get("/organisations/")

    assert response.status_code == 200
    body = response.content.decode()
    assert company.title in body
    assert school.title in body
    assert "École en préparation" not in body


def test_organisation_index_filters_by_kind(client):
    CompanyFactory(title="Acme Informatique")
    SchoolFactory(title="Haute École de Namur")

    response = client.get("/organisations/?kind=school")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Haute École de Namur" in body
    assert "Acme Informatique" not in body
    assert response.context["organisations"].paginator.count == 1


def test_organisation_index_ignores_an_unknown_kind(client):
    CompanyFactory(title="Acme Informatique")
    SchoolFactory(title="Haute École de Namur")

    response = client.get("/organisations/?kind=nonsense")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Acme Informatique" in body
    assert "Haute École de Namur" in body


def test_company_page_shows_its_live_offers_only(client):
    company = CompanyFactory(title="Acme Informatique")
    live_offer(parent=company, title="Stage développeur web")
    OfferFactory(parent=company, title="Stage encore en brouillon")
    targeted = live_offer(parent=company, title="Stage réservé")
    targeted.target_countries.add(Country.objects.get(code="FR"))
    targeted.save()

    response = client.get(company.url)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Acme Informatique" in body
    assert "Stage développeur web" in body
    assert "Stage encore en brouillon" not in body
    assert "Stage réservé" not in body


def test_school_page_shows_its_programmes(client):
    school = SchoolFactory(title="Haute École de Namur")
    ProgrammeFactory(organisation=school, name="Informatique de gestion", year=2)

    response = client.get(school.url, **ENGLISH)

    assert response.status_code == 200
    body = response.content.decode()
    assert '<table class="table">' in body
    assert '<th scope="row">Informatique de gestion</th>' in body
    assert "<td>Master</td>" in body
    assert "<td>2</td>" in body


def test_organisation_index_query_count_does_not_grow_with_the_list(client, django_assert_max_num_queries):
    hub = HubFactory()
    CompanyFactory.create_batch(2, reference_hub=hub)

    client.get("/organisations/")  # warm the site root paths cache for both measures
    with django_assert_max_num_queries(LISTING_MAX_QUERIES) as few:
        response = client.get("/organisations/")
    assert response.context["organisations"].paginator.count == 3

    CompanyFactory.create_batch(27, reference_hub=hub)

    client.get("/organisations/")
    with django_assert_max_num_queries(LISTING_MAX_QUERIES) as many:
        response = client.get("/organisations/")
    assert response.context["organisations"].paginator.count == 30
    assert len(response.context["organisations"]) == 20
    assert len(many) == len(few)


# Offers


def test_offer_index_lists_live_public_offers(client):
    offer = live_offer(title="Stage développeur web")

    response = client.get("/offres/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Stage développeur web" in body
    assert offer.company.title in body
    assert f'href="{offer.url}"' in body


def test_offer_index_hides_targeted_offers(client):
    live_offer(title="Stage public")
    targeted = live_offer(title="Stage réservé")
    targeted.target_countries.add(Country.objects.get(code="FR"))
    targeted.save()

    response = client.get("/offres/")

    body = response.content.decode()
    assert "Stage public" in body
    assert "Stage réservé" not in body
    assert response.context["offers"].paginator.count == 1


def test_offer_index_hides_offers_targeting_a_school_or_a_programme(client):
    school_offer = live_offer(title="Stage pour une école")
    school_offer.target_organisations.add(SchoolFactory())
    school_offer.save()
    programme_offer = live_offer(title="Stage pour une filière")
    programme_offer.target_programmes.add(ProgrammeFactory())
    programme_offer.save()

    response = client.get("/offres/")

    body = response.content.decode()
    assert "Stage pour une école" not in body
    assert "Stage pour une filière" not in body
    assert response.context["offers"].paginator.count == 0


def test_offer_index_hides_offers_that_are_not_live(client):
    OfferFactory(title="Stage encore en brouillon")

    response = client.get("/offres/")

    assert response.status_code == 200
    assert "Stage encore en brouillon" not in response.content.decode()
    assert response.context["offers"].paginator.count == 0


def test_offer_index_query_count_does_not_grow_with_the_list(client, django_assert_max_num_queries):
    company = CompanyFactory()
    for _ in range(3):
        tagged_offer(parent=company, keyword="python")

    client.get("/offres/")  # warm the site root paths cache for both measures
    with django_assert_max_num_queries(SEARCH_MAX_QUERIES) as few:
        response = client.get("/offres/")
    assert response.context["offers"].paginator.count == 3

    other_company = CompanyFactory()
    for _ in range(27):
        tagged_offer(parent=other_company, keyword="django")

    client.get("/offres/")
    with django_assert_max_num_queries(SEARCH_MAX_QUERIES) as many:
        response = client.get("/offres/")
    assert response.context["offers"].paginator.count == 30
    assert len(response.context["offers"]) == 20
    assert len(many) == len(few)


def test_offer_page_shows_the_offer(client):
    company = CompanyFactory(title="Acme Informatique")
    offer = live_offer(parent=company, title="Stage développeur web", mission="Construire le portail des stages.")

    response = client.get(offer.url)

    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Stage développeur web</h1>" in body
    assert "Construire le portail des stages." in body
    assert "Acme Informatique" in body
    assert f'href="{company.url}"' in body


def test_a_draft_offer_page_is_not_found(client):
    offer = OfferFactory(title="Stage encore en brouillon")

    response = client.get(offer.url)

    assert response.status_code == 404


# Guides


def test_guide_index_lists_live_guides(client):
    GuideFactory(title="Publier une offre", audience="company")
    GuideFactory(title="Guide en préparation", live=False)

    response = client.get("/guides/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Publier une offre" in body
    assert "Guide en préparation" not in body


def test_guide_page_renders_its_body(client):
    guide = GuideFactory(
        title="Déposer sa candidature",
        body=[
            ("heading", "Avant de commencer"),
            ("paragraph", RichText("<p>Préparez votre <b>CV</b>.</p>")),
            (
                "steps",
                [
                    {"title": "Créer son compte", "text": "Sur la page d'inscription."},
                    {"title": "Compléter son profil", "text": ""},
                    {"title": "Postuler", "text": "Depuis la page de l'offre."},
                ],
            ),
        ],
    )

    response = client.get(guide.url)

    assert response.status_code == 200
    body = response.content.decode()
    assert '<h2 class="block-heading">Avant de commencer</h2>' in body
    assert "Préparez votre <b>CV</b>." in body
    steps = re.search(r'<ol class="steps">(.*?)</ol>', body, re.DOTALL)
    assert steps is not None
    assert re.findall(r"<strong>(.*?)</strong>", steps.group(1)) == [
        "Créer son compte",
        "Compléter son profil",
        "Postuler",
    ]


def test_the_indexes_answer_at_their_public_urls(client):
    for index_model, url in (
        (OrganisationIndexPage, "/organisations/"),
        (OfferIndexPage, "/offres/"),
        (GuideIndexPage, "/guides/"),
    ):
        response = client.get(url)

        assert response.status_code == 200
        assert response.context["page"].specific_class is index_model


def test_dates_follow_the_reader_language(client):
    offer = live_offer(title="Stage daté", start_date=datetime.date(2027, 2, 1))

    french = client.get(offer.url).content.decode()
    english = client.get(offer.url, **ENGLISH).content.decode()

    assert "01/02/2027" in french and "02/01/2027" not in french
    assert "02/01/2027" in english
