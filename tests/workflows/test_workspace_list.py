"""The list of the company workspace as the guides show it: its columns, a filter per column, the spontaneous
applications' tab, what a secondary contact sees of their colleagues' offers, and its constant number of queries."""

import datetime

import factory
import pytest
from django.utils import timezone

from portal.recruitment import services as recruitment
from portal.reference.choices import OfferStatus
from tests.factories import (
    CompanyFactory,
    OfferFactory,
    ProgrammeFactory,
    UserFactory,
    company_admin,
    hub_moderator,
    secondary_contact,
    student,
)
from tests.recruitment.files import cv, letter
from tests.recruitment.fixtures import published_offer
from workflows import offer_input, services

S = OfferStatus
pytestmark = pytest.mark.django_db
MAX_QUERIES = 8


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def workspace_url(company) -> str:
    return f"/espace/entreprises/{company.pk}/offres/"


def api_url(company) -> str:
    return f"/api/v1/companies/{company.pk}/offers"


def rows(response) -> list[int]:
    return [row.pk for row in response.context["page"]]


def api_rows(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def html(response) -> str:
    return response.content.decode()


def published_on(day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 10, day, 12))


def published_on_day(day: int, company, author, **fields):
    offer = published_offer(company, author, **fields)
    offer.first_published_at = published_on(day)
    offer.save(update_fields=["first_published_at"])
    return offer


@pytest.fixture
def listed(company, admin, author, applicant, programme):
    """Three current offers of the company, different in every column, and one application to the first."""
    lyon = published_on_day(5, company, author, title="Développeur web", city="Lyon", country_id="FR")
    namur = published_on_day(20, company, admin, title="Analyste de données", city="Namur", country_id="BE")
    namur.target_programmes.add(programme)
    namur.save()  # the targets are a child relation of the page, written with it
    tunis = OfferFactory(
        parent=company,
        author=admin,
        title="Chargé de communication",
        city="Tunis",
        country_id="TN",
        status=S.FILLED,
        first_published_at=published_on(28),
    )
    recruitment.apply(applicant, offer=lyon, cv=cv(), motivation_letter=letter())
    return {"lyon": lyon, "namur": namur, "tunis": tunis}


# The columns


def test_each_row_shows_the_columns_of_the_guide(client, company, admin, listed):
    client.force_login(admin)

    response = client.get(workspace_url(company), {"tab": "current"})

    assert response.status_code == 200
    headers = html(response).split("<thead>")[1].split("</thead>")[0]
    for column in ("No.", "Date", "Title", "Country", "City", "Type of offer", "Applications", "Offer status"):
        assert f">{column}</th>" in headers
    assert ">Visits</th>" in headers and ">Author</th>" in headers
    row = html(response).split(f"<td>{listed['namur'].number}</td>")[1].split("</tr>")[0]
    assert '<time datetime="2026-10-20">' in row
    assert "<td>Belgium</td>" in row and "<td>Namur</td>" in row
    assert "<td>Targeted offer</td>" in row
    lyon = html(response).split(f"<td>{listed['lyon'].number}</td>")[1].split("</tr>")[0]
    assert "<td>Open offer</td>" in lyon
    assert f"?tab=offers&amp;offer={listed['lyon'].pk}" in lyon
    assert "1 application" in lyon
    assert "Valentin Bouquet" in lyon


def test_a_draft_is_dated_by_its_creation(client, company, admin):
    draft = services.create_offer(
        company,
        offer_input.validate(
            {
                "title": "Stagiaire qualité",
                "internship_type": "insertion",
                "mission": "Suivre la qualité.",
                "study_level": "master",
                "duration_weeks": 16,
                "places": 1,
                "sector": "10",
                "start_date": "2027-02-01",
                "city": "Clapiers",
                "country": "FR",
            }
        ),
        by=admin,
    )
    client.force_login(admin)

    response = client.get(workspace_url(company), {"tab": "to_validate"})

    assert rows(response) == [draft.pk]
    assert f'<time datetime="{timezone.localdate():%Y-%m-%d}">' in html(response)


# A filter per column, on the page and in the API


FILTERS = [
    ({"q": "web"}, ["lyon"]),
    ({"country": "BE"}, ["namur"]),
    ({"city": "tun"}, ["tunis"]),
    ({"targeting": "targeted"}, ["namur"]),
    ({"targeting": "open"}, ["lyon", "tunis"]),
    ({"status": "filled"}, ["tunis"]),
    ({"author": "bouquet"}, ["lyon"]),
    ({"date_from": "2026-10-10", "date_to": "2026-10-25"}, ["namur"]),
    ({"date_from": "2026-10-21"}, ["tunis"]),
]


@pytest.mark.parametrize(("params", "expected"), FILTERS, ids=lambda value: str(value))
def test_each_column_filters_the_page(client, company, admin, listed, params, expected):
    client.force_login(admin)

    response = client.get(workspace_url(company), {"tab": "current", **params})

    assert response.status_code == 200
    assert not response.context["filter_form"].errors
    assert sorted(rows(response)) == sorted(listed[name].pk for name in expected)
    assert response.context["page"].paginator.count == len(expected)


@pytest.mark.parametrize(("params", "expected"), FILTERS, ids=lambda value: str(value))
def test_each_column_filters_the_api_list(api_client, company, admin, listed, params, expected):
    api_client.force_authenticate(admin)

    response = api_client.get(api_url(company), {"tab": "current", **params})

    assert response.status_code == 200, response.json()
    assert sorted(api_rows(response)) == sorted(listed[name].pk for name in expected)
    assert response.json()["count"] == len(expected)


def test_the_number_filters_the_page_and_the_api(client, api_client, company, admin, listed):
    client.force_login(admin)
    api_client.force_authenticate(admin)
    number = listed["namur"].number  # "00012": typed as it is printed

    assert rows(client.get(workspace_url(company), {"tab": "current", "number": number})) == [listed["namur"].pk]
    assert api_rows(api_client.get(api_url(company), {"tab": "current", "number": number})) == [listed["namur"].pk]


def test_the_api_rows_carry_the_new_columns(api_client, company, admin, listed):
    api_client.force_authenticate(admin)

    body = api_client.get(api_url(company), {"tab": "current", "q": "web"}).json()

    (row,) = body["results"]
    assert row["country"] == "FR" and row["city"] == "Lyon"
    assert row["targeting"] == "open"
    assert row["application_count"] == 1 and row["new_application_count"] == 1
    assert row["listed_on"].startswith("2026-10-05")
    assert row["author"]["name"] == "Valentin Bouquet"


INVALID = [
    {"number": "douze"},
    {"date_from": "31/02/2026"},
    {"date_from": "2026-10-25", "date_to": "2026-10-01"},
    {"country": "ZZ"},
    {"targeting": "everybody"},
]


@pytest.mark.parametrize("params", [*INVALID, {"status": "draft"}], ids=lambda value: str(value))
def test_a_filter_that_cannot_be_read_shows_its_error_and_no_offer(client, company, admin, listed, params):
    client.force_login(admin)

    response = client.get(workspace_url(company), {"tab": "current", **params})

    assert response.status_code == 200
    assert response.context["filter_form"].errors
    assert rows(response) == []
    assert "No offer is listed until the filters are corrected." in html(response)
    assert [count for key, _label, count in response.context["tabs"] if key == "current"] == [3]


@pytest.mark.parametrize("params", INVALID, ids=lambda value: str(value))
def test_a_filter_that_cannot_be_read_is_a_400_of_the_api(api_client, company, admin, listed, params):
    api_client.force_authenticate(admin)

    response = api_client.get(api_url(company), {"tab": "current", **params})

    assert response.status_code == 400
    assert set(response.json()["errors"]) & ({*params} | {"date_to"})


def test_the_api_s_filter_errors_are_written_in_the_caller_s_language(api_client, company, admin, listed):
    api_client.force_authenticate(admin)

    unknown = api_client.get(api_url(company), {"country": "ZZ"}, HTTP_ACCEPT_LANGUAGE="fr")
    reversed_dates = api_client.get(
        api_url(company), {"date_from": "2026-10-25", "date_to": "2026-10-01"}, HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert unknown.json()["errors"] == {"country": ["Pays inconnu."]}
    assert reversed_dates.json()["errors"] == {"date_to": ["Cette date ne peut pas précéder date_from."]}


# The spontaneous applications are a tab of the workspace


@pytest.fixture
def spontaneous(company, applicant):
    return recruitment.apply(
        applicant, company=company, message="Je cherche un stage.", cv=cv(), motivation_letter=letter()
    )


def test_the_administrator_finds_the_spontaneous_applications_in_a_tab_of_the_workspace(
    client, company, admin, listed, spontaneous
):
    client.force_login(admin)

    response = client.get(workspace_url(company), {"tab": "spontaneous"})

    assert response.status_code == 200
    assert [key for key, _label, _count in response.context["tabs"]] == [
        "to_validate",
        "current",
        "spontaneous",
        "archived",
    ]
    assert ("spontaneous", 1) in [(key, count) for key, _label, count in response.context["tabs"]]
    assert rows(response) == [spontaneous.pk]
    assert f'href="/candidatures/{spontaneous.pk}/"' in html(response)
    assert "Talel Jlassi" in html(response)
    assert '<span class="status status--pending">Pending</span>' in html(response)


def test_the_spontaneous_tab_filters_by_candidate_and_status(client, company, admin, spontaneous):
    client.force_login(admin)

    assert rows(client.get(workspace_url(company), {"tab": "spontaneous", "q": "jlassi"})) == [spontaneous.pk]
    assert rows(client.get(workspace_url(company), {"tab": "spontaneous", "q": "dupont"})) == []
    assert rows(client.get(workspace_url(company), {"tab": "spontaneous", "status": "read"})) == []
    invalid = client.get(workspace_url(company), {"tab": "spontaneous", "status": "filled"})
    assert "status" in invalid.context["filter_form"].errors and rows(invalid) == []


def test_the_former_page_of_spontaneous_applications_leads_to_the_tab(client, company, admin, spontaneous):
    client.force_login(admin)

    response = client.get(f"/candidatures/entreprises/{company.pk}/", {"tab": "spontaneous", "q": "jlassi"})

    assert response.status_code == 302
    assert response["Location"] == f"{workspace_url(company)}?tab=spontaneous&q=jlassi"


def test_an_offer_author_has_no_spontaneous_tab(client, company, author, listed, spontaneous):
    client.force_login(author)

    response = client.get(workspace_url(company), {"tab": "spontaneous"})

    assert response.context["tab"] == "current"
    assert "spontaneous" not in [key for key, _label, _count in response.context["tabs"]]
    assert spontaneous.pk not in rows(response)
    assert 'href="?tab=spontaneous"' not in html(response)


def test_a_hub_moderator_has_no_spontaneous_tab(client, company, spontaneous):
    moderator = hub_moderator(company.reference_hub)
    client.force_login(moderator)

    response = client.get(workspace_url(company), {"tab": "spontaneous"})

    assert response.context["tab"] == "current"
    assert "spontaneous" not in [key for key, _label, _count in response.context["tabs"]]


# A secondary contact and their colleagues' offers


@pytest.fixture
def colleagues(company, admin, author, programme):
    """A targeted offer the administrator published, their draft, and the author's own draft."""
    targeted = published_offer(company, admin, title="Offre ciblée de l'administrateur")
    targeted.target_programmes.add(programme)
    targeted.save()  # the targets are a child relation of the page, written with it
    draft = OfferFactory(parent=company, author=admin, title="Brouillon de l'administrateur")
    own = OfferFactory(parent=company, author=author, title="Mon brouillon")
    return {"targeted": targeted, "draft": draft, "own": own}


def test_a_secondary_contact_sees_a_colleagues_targeted_offer_in_the_workspace(client, company, author, colleagues):
    client.force_login(author)

    current = client.get(workspace_url(company), {"tab": "current"})
    to_validate = client.get(workspace_url(company), {"tab": "to_validate"})

    assert rows(current) == [colleagues["targeted"].pk]
    assert current.context["page"][0].workspace_actions == []
    assert rows(to_validate) == [colleagues["own"].pk]
    assert client.get(colleagues["targeted"].url).status_code == 200


def test_a_secondary_contact_sees_a_colleagues_targeted_offer_in_the_api(api_client, company, author, colleagues):
    api_client.force_authenticate(author)

    current = api_client.get(api_url(company), {"tab": "current"}).json()
    to_validate = api_client.get(api_url(company), {"tab": "to_validate"}).json()

    assert [row["id"] for row in current["results"]] == [colleagues["targeted"].pk]
    assert current["results"][0]["actions"] == []
    assert [row["id"] for row in to_validate["results"]] == [colleagues["own"].pk]
    assert current["tabs"] == {"to_validate": 1, "current": 1, "archived": 0}
    assert api_client.get(f"/api/v1/offers/{colleagues['targeted'].pk}").status_code == 200


@pytest.mark.parametrize(
    ("role", "current", "status"),
    [
        ("admin", ["targeted"], 200),
        ("author", ["targeted"], 200),
        ("contact", None, 404),  # no right to write offers, none written: no workspace
        ("other_company_admin", None, 404),
        ("outside_student", None, 404),
    ],
)
def test_who_sees_the_colleagues_targeted_offer(client, company, colleagues, admin, author, role, current, status):
    people = {
        "admin": admin,
        "author": author,
        "contact": secondary_contact(company),
        "other_company_admin": company_admin(CompanyFactory()),
        "outside_student": student(ProgrammeFactory()),
    }
    client.force_login(people[role])

    response = client.get(workspace_url(company), {"tab": "current"})

    assert response.status_code == status
    if current is not None:
        assert rows(response) == [colleagues[name].pk for name in current]
    offer_page = client.get(colleagues["targeted"].url)
    assert offer_page.status_code == (200 if role in ("admin", "author", "contact") else 404)


def test_a_secondary_contact_does_not_count_a_colleagues_applications(
    client, company, admin, author, colleagues, applicant, programme
):
    recruitment.apply(applicant, offer=colleagues["targeted"], cv=cv(), motivation_letter=letter())
    client.force_login(author)

    response = client.get(workspace_url(company), {"tab": "current"})

    assert response.context["page"][0].application_count == 0
    client.force_login(admin)
    assert client.get(workspace_url(company), {"tab": "current"}).context["page"][0].application_count == 1


# A constant number of queries, at 5 and at 500 offers


def many_offers(company, author, count: int) -> None:
    """`count` offers over the statuses of the current tab, each with an application (built cheaply)."""
    statuses = [S.PUBLISHED, S.UNPUBLISHED, S.FILLED]
    OfferFactory.create_batch(
        count,
        parent=company,
        author=author,
        status=factory.Iterator(statuses),
        live=False,
        first_published_at=published_on(1),
    )


@pytest.mark.parametrize("count", [5, 500])
def test_the_workspace_tab_runs_at_most_eight_queries(
    client, company, admin, django_assert_max_num_queries, count, spontaneous
):
    many_offers(company, admin, count)
    client.force_login(admin)
    client.get(workspace_url(company))  # Wagtail caches the site root paths on the first page served

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(
            workspace_url(company), {"tab": "current", "page_size": 25, "city": "a", "date_from": "2026-01-01"}
        )

    assert response.status_code == 200
    assert len(rows(response)) == min(25, count)
    assert response.context["page"].paginator.count == count


@pytest.mark.parametrize("count", [5, 500])
def test_the_spontaneous_tab_runs_at_most_eight_queries(
    client, company, admin, django_assert_max_num_queries, count, spontaneous
):
    many_offers(company, admin, count)
    client.force_login(admin)
    client.get(workspace_url(company))

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(workspace_url(company), {"tab": "spontaneous"})

    assert rows(response) == [spontaneous.pk]


@pytest.mark.parametrize("count", [5, 500])
def test_the_api_workspace_tab_runs_at_most_eight_queries(
    api_client, company, admin, django_assert_max_num_queries, count
):
    many_offers(company, admin, count)
    api_client.force_authenticate(admin)

    with django_assert_max_num_queries(MAX_QUERIES):
        response = api_client.get(api_url(company), {"tab": "current", "page_size": 25, "city": "a"})

    assert response.status_code == 200
    assert response.json()["count"] == count


def test_a_superuser_sees_every_tab(client, company, listed, spontaneous):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)

    response = client.get(workspace_url(company), {"tab": "spontaneous"})

    assert rows(response) == [spontaneous.pk]
