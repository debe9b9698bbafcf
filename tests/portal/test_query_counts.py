"""Every list of the portal runs the same number of queries whatever the number of rows.

Each list is read twice, with a few rows (`FEW`) and with more than a page of them (`MANY`): the number of queries
must not change, and stays within the list's budget. The offer search also shows that its count is one aggregate
and that a page reads only its own rows; the exports that they are streamed.
"""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from taggit.models import Tag
from wagtail.search.backends import get_search_backend

from cms_pages import search
from cms_pages.models import OfferKeyword, OfferPage
from portal.accounts.models import Student, User
from portal.recruitment.models import Application
from portal.reference.choices import ApplicationStatus, InternshipType, OfferStatus, StudyLevel
from tests.factories import PASSWORD, CompanyFactory, OfferFactory, SchoolFactory, hub_moderator

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 60
PAGE = 20  # the page size of the web lists and of the API's default
SEARCH_API = "/api/v1/offers"
SEARCH_PAGE = "/offres/"

# The offer search, whoever asks, whatever the page size and the number of offers: 6 queries at most.
# - Through the API, for the public and a programme's students: the total, the four facets and the ids of the first
#   results counted in memory (`cms_pages.offer_index`, read in two queries by the first search after the offers
#   change), the ids matching the words (one query, with words only), one page of offers by their ids with their
#   keywords (a subquery of the same statement); the same search again reads that page only (`search_cache`). By SQL
#   (a city, a company's people): the total and the four facets (one aggregate, the view restrictions and the
#   targeting inside it), the ids of the first results (the public's), the page. The filters' codes are checked
#   against the reference tables held in memory.
# - Signed in, the person with their student record (the targeting reads it, with their school's country) and
#   whether they hold a role in an organisation (a programme's students share their kept searches), in one query
#   whether they come with the session (read from the cache) or with a token.
SEARCH_API_MAX_QUERIES = {"anonymous": 3, "student": 3, "token": 3}
# - The search page: the site with its root page, the home page, the offer index with its own fields (one query),
#   then the API's two; the form's lists of sectors and countries come from memory.
SEARCH_PAGE_MAX_QUERIES = {"anonymous": 6, "student": 6}
# A company's workspace tab (`/espace/entreprises/<company>/offres/?tab=current`), its administrator signed in: the
# person, the company with its hub, the offers they work on, the counts of the tabs (one query), one page of rows,
# the campaigns (an offer of the page may be renewed into one). 8 at most.
WORKSPACE_TAB_MAX_QUERIES = 8
# Signed in (session, user, student record, and the menus): the rows, their documents, the page count (through the
# API, what permissions the caller holds at all first: `access.applications.listed_q`).
STUDENT_APPLICATIONS_MAX_QUERIES = 7
STUDENT_APPLICATIONS_API_MAX_QUERIES = 6
# The company, the caller's scope there, the tab counts, the page count, the rows, their documents.
COMPANY_APPLICATIONS_MAX_QUERIES = 10
COMPANY_APPLICATIONS_API_MAX_QUERIES = 8
# An offer's applications through the API: the offer with its keywords and targeting (4), the caller's scope in
# its company (4), the count, the rows, their documents.
OFFER_APPLICATIONS_API_MAX_QUERIES = 14
# An export: the caller, the company and their scope, the rows in one chunk and their documents (through the API,
# the offer with its keywords and targeting first).
EXPORT_MAX_QUERIES = 10
API_EXPORT_MAX_QUERIES = 13
# The hub moderator's queue: the caller, the page count, the offers, the versions awaiting a decision.
MODERATION_MAX_QUERIES = 8
MODERATION_API_MAX_QUERIES = 10
# The directory: the site, its route, the view restrictions, the count, the rows, their keywords (and programmes).
DIRECTORY_MAX_QUERIES = 10
DIRECTORY_API_MAX_QUERIES = 6
# Wagtail's page API filtered to the offers: the view restrictions, the count, the rows, their companies and keywords.
WAGTAIL_OFFERS_MAX_QUERIES = 8


def measured(client, url, limit, django_assert_max_num_queries, params=None):
    """The answer and the queries it ran (at most `limit`), once the caches of a first serving are warm; a streamed
    answer is read to its end inside the measure."""
    client.get(url, params or {})
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url, params or {})
        body = response.getvalue()
    assert response.status_code == 200, body[:500]
    return response, body, [query["sql"] for query in captured.captured_queries]


def same_queries_for_few_and_many(add_rows, read, *, few=FEW, many=MANY):
    """`read()` with `few` rows, then with `many`: the answers and their query counts (which must be equal)."""
    add_rows(0, few)
    small = read()
    add_rows(few, many - few)
    large = read()
    assert len(small[2]) == len(large[2]), (small[2], large[2])
    return small, large


# Data, created in bulk where the portal allows it


def live_offers(company, first: int, count: int, **fields) -> list[OfferPage]:
    """`count` live offers of `company`, each with two keywords, written to the search index in one go."""
    start = timezone.now() - datetime.timedelta(days=2)
    offers = [
        OfferFactory(
            parent=company,
            title=f"Stage numéro {first + n}",
            live=True,
            status=OfferStatus.PUBLISHED,
            first_published_at=start + datetime.timedelta(minutes=first + n),
            internship_type=InternshipType.values[(first + n) % len(InternshipType.values)],
            study_level=StudyLevel.values[(first + n) % len(StudyLevel.values)],
            country_id=["BE", "FR", "TN"][(first + n) % 3],
            **fields,
        )
        for n in range(count)
    ]
    tags = [Tag.objects.get_or_create(name=name, slug=name)[0] for name in ("python", "data", "web")]
    OfferKeyword.objects.bulk_create(
        OfferKeyword(content_object=offer, tag=tags[(index + shift) % 3])
        for index, offer in enumerate(offers)
        for shift in (0, 1)
    )
    get_search_backend().add_bulk(OfferPage, offers)
    return offers


def applications(offer, first: int, count: int, *, programme_school, student_user=None) -> list[Application]:
    """`count` applications to `offer` (from as many new students, or all from `student_user`), with their CV and
    letter rows (the files are not read by the lists)."""
    from tests.recruitment.test_web_pages import with_documents

    if student_user is None:
        users = User.objects.bulk_create(
            User(email=f"candidat{n}@example.test", first_name=f"Prénom{n}", last_name=f"Nom{n}", password="!")
            for n in range(first, first + count)
        )
        Student.objects.bulk_create(Student(user=user, school=programme_school, study_level="master") for user in users)
    else:
        users = [student_user] * count
    statuses = [ApplicationStatus.PENDING, ApplicationStatus.READ, ApplicationStatus.INTERVIEW]
    created = Application.objects.bulk_create(
        Application(
            student=user,
            offer=offer if student_user is None or n % 2 else None,
            company=offer.company,
            status=statuses[n % len(statuses)] if student_user is None else ApplicationStatus.CANCELLED,
        )
        for n, user in enumerate(users)
    )
    with_documents(created)
    return created


@pytest.fixture(autouse=True)
def _files_on_disk(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"


# The offer search

SEARCHES = {"facets": {}, "words": {"q": "numéro"}, "filters": {"sector": "62", "country": "BE"}}


def signed_in(client, kind: str, applicant) -> None:
    """`client` as an anonymous visitor, a student signed in on the web pages (a session), or an API client holding
    the student's token."""
    if kind == "student":
        assert client.login(request=HttpRequest(), email=applicant.email, password=PASSWORD)
    elif kind == "token":
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=applicant).key}")


def offers_and_one_for_the_school(company, school):
    """`live_offers`, and once an offer targeted to `school`: its students find it, nobody else does."""

    def add(first, count):
        if first == 0:
            reserved = live_offers(company, MANY, 1)[0]
            reserved.target_organisations.add(school)
            reserved.save()
        live_offers(company, first, count)

    return add


def found_by(kind: str, rows: int) -> int:
    return rows + (kind != "anonymous")  # the offer targeted to the student's school


@pytest.mark.parametrize("kind", list(SEARCH_API_MAX_QUERIES))
@pytest.mark.parametrize("search", list(SEARCHES))
def test_offer_search_api_runs_the_same_queries_for_few_and_many_offers(
    api_client, company, applicant, kind, search, django_assert_max_num_queries
):
    signed_in(api_client, kind, applicant)
    params, limit = SEARCHES[search], SEARCH_API_MAX_QUERIES[kind]
    school = applicant.student.school

    def read():
        return measured(api_client, SEARCH_API, limit, django_assert_max_num_queries, params)

    small, large = same_queries_for_few_and_many(offers_and_one_for_the_school(company, school), read)

    if search == "filters":
        matching = OfferPage.objects.live().filter(country="BE").exclude(target_organisations=school).count()
        assert large[0].json()["count"] == found_by(kind, matching) > 1
    else:
        assert (small[0].json()["count"], large[0].json()["count"]) == (found_by(kind, FEW), found_by(kind, MANY))
        assert len(large[0].json()["results"]) == PAGE
        assert sum(term["count"] for term in large[0].json()["facets"]["country"]) == found_by(kind, MANY)
        assert all(len(offer["keywords"]) == 2 for offer in large[0].json()["results"])


@pytest.mark.parametrize("kind", list(SEARCH_PAGE_MAX_QUERIES))
@pytest.mark.parametrize("search", list(SEARCHES))
def test_offer_search_page_runs_the_same_queries_for_few_and_many_offers(
    client, company, applicant, kind, search, django_assert_max_num_queries
):
    signed_in(client, kind, applicant)
    params, limit = SEARCHES[search], SEARCH_PAGE_MAX_QUERIES[kind]
    school = applicant.student.school

    def read():
        return measured(client, SEARCH_PAGE, limit, django_assert_max_num_queries, params)

    small, large = same_queries_for_few_and_many(offers_and_one_for_the_school(company, school), read)

    if search != "filters":
        assert small[0].context["offers"].paginator.count == found_by(kind, FEW)
        assert large[0].context["offers"].paginator.count == found_by(kind, MANY)
        assert large[1].decode().count('class="card__title"') == PAGE
        assert large[1].decode().count('<li class="tag">') == 2 * PAGE
    # The form lists every sector and country (from memory), the chosen ones selected.
    assert '<option value="62"' in large[1].decode() and '<option value="BE"' in large[1].decode()


def searched_twice(api_client, company, params: dict, django_assert_max_num_queries):
    """The queries of a public search never made before, and of its second page; its answer checked on both."""
    live_offers(company, 0, MANY)
    # The process's own caches warm and the offers read into its index (`cms_pages.offer_index`); this search not kept.
    api_client.get(SEARCH_API, {"ordering": "start_date"})

    with django_assert_max_num_queries(SEARCH_API_MAX_QUERIES["anonymous"]) as first:
        response = api_client.get(SEARCH_API, params)
    with django_assert_max_num_queries(1) as kept:
        again = api_client.get(SEARCH_API, {**params, "page": 2})

    assert response.json()["count"] == again.json()["count"] == MANY
    assert len(response.json()["results"]) == len(again.json()["results"]) == 5
    assert again.json()["facets"] == response.json()["facets"]
    return response, first, kept


@pytest.mark.parametrize("params", [{"page_size": 5}, {"q": "numéro", "page_size": 5}], ids=["all", "words"])
def test_offer_search_counts_in_memory_and_reads_only_the_page(
    api_client, company, params, django_assert_max_num_queries
):
    response, first, kept = searched_twice(api_client, company, params, django_assert_max_num_queries)
    assert sum(term["count"] for term in response.json()["facets"]["country"]) == MANY
    offer_table = OfferPage._meta.db_table
    reading_offers = [query["sql"] for query in first.captured_queries if f'"{offer_table}"' in query["sql"]]
    # The total and the facets are counted in memory: no aggregate.
    assert not [sql for sql in reading_offers if "COUNT(" in sql]
    # The words alone are asked of the search backend: the ids of the offers matching them.
    matching = [sql for sql in reading_offers if "indexentry" in sql]
    assert len(matching) == ("q" in params)
    assert all(sql.startswith('SELECT "cms_pages_offerpage"."page_ptr_id" AS "pk" FROM ') for sql in matching)
    # The rows: those of the page, by their ids, without the long texts a result does not show.
    (rows,) = [sql for sql in reading_offers if sql not in matching]
    assert '"mission"' not in rows and '"profile_sought"' not in rows
    # Another page of the same search: its rows only, by their ids.
    assert [query["sql"].split(" IN (")[0] for query in kept.captured_queries] == [rows.split(" IN (")[0]]


@pytest.mark.parametrize("params", [{"page_size": 5}, {"q": "numéro", "page_size": 5}], ids=["all", "words"])
def test_offer_search_by_city_counts_in_sql_and_reads_only_the_page(
    api_client, company, params, django_assert_max_num_queries
):
    # A city is matched by the database (`icontains`): such a search is counted in SQL.
    params = {**params, "city": "amu"}
    _response, first, kept = searched_twice(api_client, company, params, django_assert_max_num_queries)
    offer_table = OfferPage._meta.db_table
    reading_offers = [query["sql"] for query in first.captured_queries if f'"{offer_table}"' in query["sql"]]
    # The total and the facets: one aggregate over the filtered offers, never their rows.
    aggregates = [sql for sql in reading_offers if "COUNT(*)" in sql]
    assert len(aggregates) == 1
    assert "GROUP BY" in aggregates[0]
    # The order of the first results, kept: their ids only. Ranked by relevance on PostgreSQL, they are sorted in the
    # aggregate's own statement, over the offers it counts.
    ids = [sql for sql in reading_offers if f"LIMIT {search.FIRST_RESULTS_KEPT}" in sql]
    if "q" in params and connection.vendor == "postgresql":
        assert ids == aggregates
    else:
        (read_apart,) = ids
        assert read_apart.startswith('SELECT "cms_pages_offerpage"."page_ptr_id" AS "pk" FROM ')
    # The rows: those of the page, by their ids, without the long texts a result does not show.
    (rows,) = [sql for sql in reading_offers if sql not in (*aggregates, *ids)]
    assert '"mission"' not in rows and '"profile_sought"' not in rows
    # Another page of the same search: its rows only, by their ids.
    assert [query["sql"].split(" IN (")[0] for query in kept.captured_queries] == [rows.split(" IN (")[0]]


# The company workspace


def test_workspace_tab_runs_the_same_queries_for_few_and_many_offers(
    client, company, admin, django_assert_max_num_queries
):
    assert client.login(request=HttpRequest(), email=admin.email, password=PASSWORD)
    url = f"/espace/entreprises/{company.pk}/offres/"

    def read():
        return measured(client, url, WORKSPACE_TAB_MAX_QUERIES, django_assert_max_num_queries, {"tab": "current"})

    small, large = same_queries_for_few_and_many(lambda first, count: live_offers(company, first, count), read)

    assert (small[0].context["page"].paginator.count, large[0].context["page"].paginator.count) == (FEW, MANY)
    assert all("renew" in offer.workspace_actions for offer in large[0].context["page"])
    assert large[0].context["campaigns"] == []


# The hub moderator's queue


@pytest.fixture
def moderator(company):
    return hub_moderator(company.reference_hub)


def offers_awaiting_the_hub(company, first: int, count: int) -> None:
    for n in range(count):
        OfferFactory(parent=company, title=f"À valider {first + n}", status=OfferStatus.AWAITING_HUB_VALIDATION)


def test_moderation_queue_runs_the_same_queries_for_few_and_many_offers(
    client, company, moderator, django_assert_max_num_queries
):
    client.force_login(moderator)

    def read():
        return measured(client, "/espace/moderation/", MODERATION_MAX_QUERIES, django_assert_max_num_queries)

    small, large = same_queries_for_few_and_many(
        lambda first, count: offers_awaiting_the_hub(company, first, count), read
    )

    assert small[0].context["page"].paginator.count == FEW
    assert large[0].context["page"].paginator.count == MANY


def test_moderation_queue_api_runs_the_same_queries_for_few_and_many_offers(
    api_client, company, moderator, django_assert_max_num_queries
):
    api_client.force_login(moderator)

    def read():
        return measured(
            api_client, "/api/v1/moderation/offers", MODERATION_API_MAX_QUERIES, django_assert_max_num_queries
        )

    small, large = same_queries_for_few_and_many(
        lambda first, count: offers_awaiting_the_hub(company, first, count), read
    )

    assert (small[0].json()["count"], large[0].json()["count"]) == (FEW, MANY)
    assert all(offer["actions"] for offer in large[0].json()["results"])


# Applications: the student's, the company's, the exports


def test_student_applications_page_runs_the_same_queries_for_few_and_many(
    client, offer, applicant, programme, django_assert_max_num_queries
):
    client.force_login(applicant)

    def add(first, count):
        applications(offer, first, count, programme_school=programme.organisation, student_user=applicant)

    def read():
        return measured(client, "/candidatures/", STUDENT_APPLICATIONS_MAX_QUERIES, django_assert_max_num_queries)

    small, large = same_queries_for_few_and_many(add, read)

    assert large[0].context["page"].paginator.count == MANY
    assert len(large[0].context["page"].object_list) == PAGE


def test_student_applications_api_runs_the_same_queries_for_few_and_many(
    api_client, offer, applicant, programme, django_assert_max_num_queries
):
    api_client.force_login(applicant)

    def add(first, count):
        applications(offer, first, count, programme_school=programme.organisation, student_user=applicant)

    def read():
        return measured(
            api_client, "/api/v1/applications", STUDENT_APPLICATIONS_API_MAX_QUERIES, django_assert_max_num_queries
        )

    small, large = same_queries_for_few_and_many(add, read)

    assert (small[0].json()["count"], large[0].json()["count"]) == (FEW, MANY)
    assert all(len(row["documents"]) == 2 for row in large[0].json()["results"])


def test_company_applications_page_runs_the_same_queries_for_few_and_many(
    client, company, offer, admin, programme, django_assert_max_num_queries
):
    client.force_login(admin)
    url = f"/candidatures/entreprises/{company.pk}/"

    def add(first, count):
        applications(offer, first, count, programme_school=programme.organisation)

    def read():
        return measured(client, url, COMPANY_APPLICATIONS_MAX_QUERIES, django_assert_max_num_queries)

    small, large = same_queries_for_few_and_many(add, read)

    assert large[0].context["page"].paginator.count == MANY


@pytest.mark.parametrize(
    ("url", "limit"),
    [
        ("/api/v1/applications", COMPANY_APPLICATIONS_API_MAX_QUERIES),
        ("/api/v1/offers/{offer}/applications", OFFER_APPLICATIONS_API_MAX_QUERIES),
    ],
)
def test_company_applications_api_runs_the_same_queries_for_few_and_many(
    api_client, company, offer, admin, programme, url, limit, django_assert_max_num_queries
):
    api_client.force_login(admin)
    url = url.format(offer=offer.pk)

    def add(first, count):
        applications(offer, first, count, programme_school=programme.organisation)

    def read():
        return measured(api_client, url, limit, django_assert_max_num_queries)

    small, large = same_queries_for_few_and_many(add, read)

    assert (small[0].json()["count"], large[0].json()["count"]) == (FEW, MANY)
    assert all(row["student"]["school"] for row in large[0].json()["results"])


EXPORTS = [
    "/candidatures/entreprises/{company}/export.csv?offer={offer}",
    "/candidatures/entreprises/{company}/export.xlsx",
    "/api/v1/offers/{offer}/applications.csv",
    "/api/v1/offers/{offer}/applications.xlsx",
]


def exported_rows(url: str, body: bytes) -> list:
    if ".xlsx" in url:
        return list(openpyxl.load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(values_only=True))
    return body.decode("utf-8-sig").splitlines()


@pytest.mark.parametrize("url", EXPORTS)
def test_exports_are_streamed_with_the_same_queries_for_few_and_many(
    client, company, offer, admin, programme, url, django_assert_max_num_queries
):
    client.force_login(admin)
    limit = API_EXPORT_MAX_QUERIES if url.startswith("/api/") else EXPORT_MAX_QUERIES
    url = url.format(company=company.pk, offer=offer.pk)

    def add(first, count):
        applications(offer, first, count, programme_school=programme.organisation)

    def read():
        return measured(client, url, limit, django_assert_max_num_queries)

    small, large = same_queries_for_few_and_many(add, read)

    assert isinstance(large[0], StreamingHttpResponse)
    assert large[0]["Content-Disposition"].startswith('attachment; filename="candidatures-')
    assert (len(exported_rows(url, small[1])), len(exported_rows(url, large[1]))) == (1 + FEW, 1 + MANY)


# The organisation directory and Wagtail's page API


def companies(first: int, count: int) -> None:
    for n in range(count):
        CompanyFactory(title=f"Société {first + n:03d}", reference_hub=None)


def test_organisation_directory_runs_the_same_queries_for_few_and_many(client, django_assert_max_num_queries):
    SchoolFactory()

    def read():
        return measured(client, "/organisations/", DIRECTORY_MAX_QUERIES, django_assert_max_num_queries)

    small, large = same_queries_for_few_and_many(companies, read)

    assert large[0].context["organisations"].paginator.count == 1 + MANY
    assert large[1].decode().count('class="card__title"') == PAGE


@pytest.mark.parametrize("params", [{}, {"kind": "company"}, {"q": "Liège"}], ids=["all", "kind", "words"])
def test_organisation_directory_api_runs_the_same_queries_for_few_and_many(
    api_client, params, django_assert_max_num_queries
):
    SchoolFactory()

    def read():
        return measured(
            api_client, "/api/v1/organisations", DIRECTORY_API_MAX_QUERIES, django_assert_max_num_queries, params
        )

    small, large = same_queries_for_few_and_many(companies, read)

    assert large[0].json()["count"] >= MANY
    assert len(large[0].json()["results"]) == PAGE


def test_wagtail_page_api_lists_offers_with_the_same_queries_for_few_and_many(
    api_client, company, django_assert_max_num_queries
):
    params = {
        "type": "cms_pages.OfferPage",
        "fields": "company,keyword_list,country_code,sector_code,city,start_date,status,number",
        "limit": PAGE,
    }

    def read():
        return measured(api_client, "/api/v2/pages/", WAGTAIL_OFFERS_MAX_QUERIES, django_assert_max_num_queries, params)

    small, large = same_queries_for_few_and_many(lambda first, count: live_offers(company, first, count), read)

    assert (small[0].json()["meta"]["total_count"], large[0].json()["meta"]["total_count"]) == (FEW, MANY)
    assert all(len(page["keyword_list"]) == 2 for page in large[0].json()["items"])
    assert all(page["company"]["id"] == company.pk for page in large[0].json()["items"])
