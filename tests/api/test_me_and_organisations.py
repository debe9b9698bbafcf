"""`/me`, token login, the public `/organisations` directory and `PATCH /companies/{id}`."""

import pytest
from rest_framework.test import APIClient

from portal.accounts.models import SchoolStaff
from tests.factories import (
    PASSWORD,
    CompanyFactory,
    HubFactory,
    ProgrammeFactory,
    SchoolFactory,
    company_admin,
    hub_moderator,
    school_staff,
    secondary_contact,
    student,
)

ME = "/api/v1/me"
LOGIN = "/api/v1/auth/login"
ORGANISATIONS = "/api/v1/organisations"

ADMIN_CODENAMES = [
    "approve_offers",
    "create_offers",
    "manage_company",
    "manage_contacts",
    "receive_spontaneous_applications",
    "view_company_offers",
]


def organisation_url(organisation) -> str:
    return f"{ORGANISATIONS}/{organisation.pk}"


def company_url(company) -> str:
    return f"/api/v1/companies/{company.pk}"


def result_ids(response) -> set[int]:
    return {item["id"] for item in response.json()["results"]}


def assert_error_format(body: dict, code: str | None = None) -> None:
    assert set(body) == {"detail", "code", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    if code is not None:
        assert body["code"] == code


# GET /me


@pytest.mark.django_db
def test_me_refuses_an_anonymous_caller(api_client):
    response = api_client.get(ME)

    assert response.status_code == 401
    assert_error_format(response.json(), "not_authenticated")
    assert response.json()["errors"] == {}


@pytest.mark.django_db
def test_me_describes_a_company_admin(api_client):
    company = CompanyFactory()
    admin = company_admin(company)
    api_client.force_authenticate(admin)

    response = api_client.get(ME)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == admin.pk
    assert body["email"] == admin.email
    assert body["roles"] == ["admin"]
    assert [(m["organisation"], m["role"]) for m in body["memberships"]] == [(company.pk, "admin")]
    assert body["permissions"] == {str(company.pk): ADMIN_CODENAMES}
    assert body["student"] is None


@pytest.mark.django_db
def test_me_describes_a_secondary_contact_allowed_to_create_offers(api_client):
    company = CompanyFactory()
    contact = secondary_contact(company, can_create_offers=True)
    api_client.force_authenticate(contact)

    body = api_client.get(ME).json()

    assert body["roles"] == ["secondary"]
    assert [(m["organisation"], m["role"], m["can_create_offers"]) for m in body["memberships"]] == [
        (company.pk, "secondary", True)
    ]
    assert body["permissions"] == {str(company.pk): ["create_offers"]}


@pytest.mark.django_db
def test_me_describes_a_secondary_contact_without_rights(api_client):
    company = CompanyFactory()
    contact = secondary_contact(company, can_create_offers=False)
    api_client.force_authenticate(contact)

    body = api_client.get(ME).json()

    assert body["roles"] == ["secondary"]
    assert body["memberships"][0]["can_create_offers"] is False
    assert body["permissions"] == {}


@pytest.mark.django_db
def test_me_describes_a_hub_moderator(api_client):
    hub = HubFactory()
    HubFactory()
    moderator = hub_moderator(hub)
    api_client.force_authenticate(moderator)

    body = api_client.get(ME).json()

    assert body["roles"] == ["hub_moderator"]
    assert [h["hub"] for h in body["hub_roles"]] == [hub.pk]
    assert body["permissions"] == {str(hub.pk): ["moderate_offers"]}
    assert body["memberships"] == []


@pytest.mark.django_db
def test_me_describes_a_programme_head(api_client):
    school = SchoolFactory()
    head = school_staff(school, role=SchoolStaff.Role.PROGRAMME_HEAD)
    api_client.force_authenticate(head)

    body = api_client.get(ME).json()

    assert body["roles"] == ["programme_head"]
    assert [(r["school"], r["programme"], r["role"]) for r in body["school_roles"]] == [
        (school.pk, None, "programme_head")
    ]
    assert body["permissions"] == {str(school.pk): ["follow_students", "read_confidential_evaluations"]}


@pytest.mark.django_db
def test_me_describes_an_academic_tutor(api_client):
    school = SchoolFactory()
    tutor = school_staff(school, role=SchoolStaff.Role.ACADEMIC_TUTOR)
    api_client.force_authenticate(tutor)

    body = api_client.get(ME).json()

    assert body["roles"] == ["academic_tutor"]
    assert body["permissions"] == {str(school.pk): ["follow_students"]}


@pytest.mark.django_db
def test_me_describes_a_student(api_client):
    programme = ProgrammeFactory()
    person = student(programme)
    api_client.force_authenticate(person)

    body = api_client.get(ME).json()

    assert body["roles"] == ["student"]
    assert body["student"] == {
        "school": programme.organisation.pk,
        "programme": programme.pk,
        "study_level": programme.level,
    }
    assert body["memberships"] == []
    assert body["permissions"] == {}


@pytest.mark.django_db
def test_login_answers_a_token_and_the_user(api_client):
    admin = company_admin(CompanyFactory())

    response = api_client.post(LOGIN, {"email": admin.email, "password": PASSWORD}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["token"]
    assert body["user"]["id"] == admin.pk
    assert body["user"]["roles"] == ["admin"]


@pytest.mark.django_db
def test_token_from_login_authenticates_me(api_client):
    admin = company_admin(CompanyFactory())
    token = api_client.post(LOGIN, {"email": admin.email, "password": PASSWORD}, format="json").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = client.get(ME)

    assert response.status_code == 200
    assert response.json()["email"] == admin.email


@pytest.mark.django_db
def test_login_accepts_the_email_in_another_case(api_client):
    admin = company_admin(CompanyFactory())

    response = api_client.post(LOGIN, {"email": admin.email.upper(), "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert response.json()["user"]["id"] == admin.pk


@pytest.mark.django_db
def test_login_with_a_wrong_password_is_refused(api_client):
    admin = company_admin(CompanyFactory())

    response = api_client.post(LOGIN, {"email": admin.email, "password": "not-the-password"}, format="json")

    assert response.status_code == 401
    assert_error_format(response.json(), "invalid_credentials")
    assert "token" not in response.json()


@pytest.mark.django_db
def test_an_unknown_token_is_refused(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    response = api_client.get(ME)

    assert response.status_code == 401
    assert_error_format(response.json(), "authentication_failed")


# GET /organisations


@pytest.fixture
def directory(db):
    """One live organisation of each kind, and a company that is not live."""
    hub = HubFactory(title="Pôle Wallonie", city="Namur")
    company = CompanyFactory(title="Acme Robotics", city="Liège", reference_hub=hub)
    company.keywords.add("robotique")
    company.save()
    school = SchoolFactory(title="Haute École du Nord", city="Mons")
    ProgrammeFactory(organisation=school, name="Informatique de gestion")
    hidden = CompanyFactory(title="Hidden Works", city="Liège", reference_hub=hub, live=False)
    return {"hub": hub, "company": company, "school": school, "hidden": hidden}


def as_role(role: str, directory: dict):
    makers = {
        "anonymous": lambda: None,
        "company_admin": lambda: company_admin(directory["company"]),
        "secondary_contact": lambda: secondary_contact(directory["company"], can_create_offers=True),
        "hub_moderator": lambda: hub_moderator(directory["hub"]),
        "school_staff": lambda: school_staff(directory["school"]),
        "student": lambda: student(ProgrammeFactory(organisation=directory["school"])),
        "admin_of_the_hidden_company": lambda: company_admin(directory["hidden"]),
    }
    return makers[role]()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [
        "anonymous",
        "company_admin",
        "secondary_contact",
        "hub_moderator",
        "school_staff",
        "student",
        "admin_of_the_hidden_company",
    ],
)
def test_organisation_list_is_the_same_public_list_for_everyone(api_client, directory, role):
    user = as_role(role, directory)
    if user is not None:
        api_client.force_authenticate(user)

    response = api_client.get(ORGANISATIONS)

    assert response.status_code == 200
    assert result_ids(response) == {directory["hub"].pk, directory["company"].pk, directory["school"].pk}
    assert response.json()["count"] == 3


@pytest.mark.django_db
def test_organisation_list_shows_the_public_presentation(api_client, directory):
    response = api_client.get(ORGANISATIONS, {"kind": "school"})

    [school] = response.json()["results"]
    assert school["name"] == "Haute École du Nord"
    assert school["kind"] == "school"
    assert school["city"] == "Mons"
    assert school["country"] == "BE"
    assert [p["name"] for p in school["programmes"]] == ["Informatique de gestion"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["company", "school", "hub"])
def test_organisation_list_filters_by_kind(api_client, directory, kind):
    response = api_client.get(ORGANISATIONS, {"kind": kind})

    assert response.status_code == 200
    assert result_ids(response) == {directory[kind].pk}
    assert {item["kind"] for item in response.json()["results"]} == {kind}


@pytest.mark.django_db
def test_organisation_list_refuses_an_unknown_kind(api_client, directory):
    response = api_client.get(ORGANISATIONS, {"kind": "bank"})

    assert response.status_code == 400
    body = response.json()
    assert_error_format(body, "invalid")
    assert list(body["errors"]) == ["kind"]
    assert body["errors"]["kind"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("acme", "company"),
        ("ROBOTICS", "company"),
        ("mons", "school"),
        ("namur", "hub"),
        ("Robotique", "company"),
    ],
    ids=["name", "name-any-case", "city", "hub-city", "keyword"],
)
def test_organisation_list_searches_name_city_and_keyword(api_client, directory, query, expected):
    response = api_client.get(ORGANISATIONS, {"q": query})

    assert response.status_code == 200
    assert result_ids(response) == {directory[expected].pk}


@pytest.mark.django_db
def test_organisation_search_never_finds_an_organisation_that_is_not_live(api_client, directory):
    response = api_client.get(ORGANISATIONS, {"q": "Hidden"})

    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.django_db
def test_organisation_search_lists_a_company_once_when_several_criteria_match(api_client, directory):
    directory["company"].keywords.add("liège")
    directory["company"].save()

    response = api_client.get(ORGANISATIONS, {"q": "Liège"})

    assert [item["id"] for item in response.json()["results"]] == [directory["company"].pk]


@pytest.mark.django_db
def test_organisation_list_is_paginated(api_client, directory):
    response = api_client.get(ORGANISATIONS, {"page_size": 2})

    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] is not None
    assert body["previous"] is None


@pytest.mark.django_db
def test_organisation_list_second_page_holds_the_rest(api_client, directory):
    first = api_client.get(ORGANISATIONS, {"page_size": 2}).json()

    second = api_client.get(ORGANISATIONS, {"page_size": 2, "page": 2}).json()

    assert len(second["results"]) == 1
    assert second["next"] is None
    assert second["previous"] is not None
    assert result_ids_of(first) | result_ids_of(second) == {
        directory["hub"].pk,
        directory["company"].pk,
        directory["school"].pk,
    }


def result_ids_of(body: dict) -> set[int]:
    return {item["id"] for item in body["results"]}


@pytest.mark.django_db
def test_organisation_page_size_is_capped_at_100(api_client):
    HubFactory.create_batch(101)

    response = api_client.get(ORGANISATIONS, {"page_size": 1000})

    body = response.json()
    assert body["count"] == 101
    assert len(body["results"]) == 100
    assert body["next"] is not None


def build_directory(size: int) -> None:
    """`size` live organisations with keywords, programmes and a reference hub, as the listing shows them."""
    hub = HubFactory()
    hub.keywords.add("hub")
    hub.save()
    for n in range(size - 1):
        if n % 2:
            school = SchoolFactory()
            ProgrammeFactory.create_batch(2, organisation=school)
            organisation = school
        else:
            organisation = CompanyFactory(reference_hub=hub)
        organisation.keywords.add(f"keyword-{n}", "shared")
        organisation.save()


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 25])
def test_organisation_list_runs_a_constant_number_of_queries(api_client, django_assert_max_num_queries, size):
    build_directory(size)

    # One of them reads the sites' root paths once, for the public pages' addresses (`url`).
    with django_assert_max_num_queries(6):
        response = api_client.get(ORGANISATIONS, {"page_size": 100})

    assert response.json()["count"] == size
    assert all(item["keywords"] for item in response.json()["results"])


# GET /organisations/{id}


@pytest.mark.django_db
def test_organisation_detail_shows_a_live_organisation(api_client, directory):
    company = directory["company"]

    response = api_client.get(organisation_url(company))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == company.pk
    assert body["name"] == "Acme Robotics"
    assert body["kind"] == "company"
    assert body["keywords"] == ["robotique"]
    assert body["reference_hub"] == directory["hub"].pk


@pytest.mark.django_db
def test_organisation_detail_hides_an_organisation_that_is_not_live(api_client, directory):
    api_client.force_authenticate(company_admin(directory["hidden"]))

    response = api_client.get(organisation_url(directory["hidden"]))

    assert response.status_code == 404
    assert_error_format(response.json(), "not_found")


@pytest.mark.django_db
def test_organisation_detail_answers_404_for_an_unknown_id(api_client):
    response = api_client.get(f"{ORGANISATIONS}/999999")

    assert response.status_code == 404
    assert_error_format(response.json(), "not_found")


# PATCH /companies/{id}


@pytest.mark.django_db
def test_company_admin_updates_the_company(api_client, directory):
    company = directory["company"]
    api_client.force_authenticate(company_admin(company))

    response = api_client.patch(
        company_url(company),
        {"city": "Namur", "website": "https://acme.example", "keywords": ["cobotique", "vision"], "sector": "72"},
        format="json",
    )

    assert response.status_code == 200
    shown = api_client.get(organisation_url(company)).json()
    assert shown["city"] == "Namur"
    assert shown["website"] == "https://acme.example"
    assert shown["keywords"] == ["cobotique", "vision"]
    assert shown["sector"] == "72"


@pytest.mark.django_db
def test_company_admin_renames_the_company(api_client, directory):
    company = directory["company"]
    api_client.force_authenticate(company_admin(company))

    response = api_client.patch(company_url(company), {"name": "Acme Automation"}, format="json")

    assert response.status_code == 200
    assert response.json()["name"] == "Acme Automation"
    assert api_client.get(organisation_url(company)).json()["name"] == "Acme Automation"


@pytest.mark.django_db
def test_secondary_contact_cannot_update_the_company(api_client, directory):
    company = directory["company"]
    api_client.force_authenticate(secondary_contact(company, can_create_offers=True))

    response = api_client.patch(company_url(company), {"city": "Namur"}, format="json")

    assert response.status_code == 403
    assert_error_format(response.json(), "permission_denied")
    assert api_client.get(organisation_url(company)).json()["city"] == "Liège"


@pytest.mark.django_db
def test_admin_of_another_company_cannot_update_the_company(api_client, directory):
    company = directory["company"]
    api_client.force_authenticate(company_admin(CompanyFactory()))

    response = api_client.patch(company_url(company), {"city": "Namur"}, format="json")

    assert response.status_code == 403
    assert api_client.get(organisation_url(company)).json()["city"] == "Liège"


@pytest.mark.django_db
def test_anonymous_caller_cannot_update_a_company(api_client, directory):
    company = directory["company"]

    response = api_client.patch(company_url(company), {"city": "Namur"}, format="json")

    assert response.status_code == 401
    assert_error_format(response.json(), "not_authenticated")
    assert api_client.get(organisation_url(company)).json()["city"] == "Liège"


@pytest.mark.django_db
def test_company_update_refuses_an_unknown_sector_and_changes_nothing(api_client, directory):
    company = directory["company"]
    api_client.force_authenticate(company_admin(company))
    revisions_before = company.revisions.count()

    response = api_client.patch(company_url(company), {"sector": "00", "city": "Namur"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert_error_format(body, "invalid")
    assert body["errors"]["sector"]
    shown = api_client.get(organisation_url(company)).json()
    assert shown["sector"] == "62"
    assert shown["city"] == "Liège"
    assert company.revisions.count() == revisions_before


@pytest.mark.django_db
def test_company_update_refuses_an_empty_name(api_client, directory):
    company = directory["company"]
    api_client.force_authenticate(company_admin(company))

    response = api_client.patch(company_url(company), {"name": "  "}, format="json")

    assert response.status_code == 400
    assert "name" in response.json()["errors"]
    assert api_client.get(organisation_url(company)).json()["name"] == "Acme Robotics"


@pytest.mark.django_db
def test_company_update_of_a_school_answers_404(api_client, directory):
    api_client.force_authenticate(school_staff(directory["school"]))

    response = api_client.patch(company_url(directory["school"]), {"city": "Namur"}, format="json")

    assert response.status_code == 404


@pytest.mark.django_db
def test_me_lists_the_permissions_of_staff_limited_to_a_programme(api_client):
    programme = ProgrammeFactory()
    tutor = school_staff(programme.organisation, role=SchoolStaff.Role.ACADEMIC_TUTOR, programme=programme)
    api_client.force_authenticate(tutor)

    body = api_client.get(ME).json()

    assert body["programme_permissions"] == {str(programme.pk): ["follow_students"]}
    assert body["permissions"] == {}


@pytest.mark.django_db
def test_company_update_keeps_an_unpublished_presentation_offline(api_client):
    company = CompanyFactory(live=False)
    api_client.force_authenticate(company_admin(company))

    response = api_client.patch(company_url(company), {"city": "Namur"}, format="json")

    company.refresh_from_db()
    assert response.status_code == 200
    assert company.live is False
    assert company.get_latest_revision().as_object().city == "Namur"
    assert api_client.get(organisation_url(company)).status_code == 404
