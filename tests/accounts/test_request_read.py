"""How each request reads its person (`accounts.selectors.person_for_request`, `token_for_request`): the SQL compiled
once per process gives the same person, student record and roles as the ORM's query, in one query."""

import datetime

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.db.models import OuterRef
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from portal.accounts.models import Student, User, has_organisation_roles
from portal.accounts.selectors import person_for_request, token_for_request
from tests.factories import CompanyFactory, UserFactory, company_admin, student

pytestmark = pytest.mark.django_db


def columns(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def as_the_orm_reads(user: User) -> User:
    return (
        User.objects.select_related("student")
        .annotate(has_organisation_roles=has_organisation_roles(OuterRef("pk")))
        .get(pk=user.pk)
    )


@pytest.fixture
def people():
    """A student (with a sign-in time, a date the SQL must convert), a company administrator and a person with neither
    a student record nor a role."""
    learner = student(first_name="Inès")
    User.objects.filter(pk=learner.pk).update(last_login=datetime.datetime(2026, 11, 3, 9, 30, tzinfo=datetime.UTC))
    return {"student": learner, "admin": company_admin(CompanyFactory()), "nobody": UserFactory()}


@pytest.mark.parametrize("who", ["student", "admin", "nobody"])
def test_a_person_is_read_with_their_student_record_and_roles_in_one_query(people, who, django_assert_num_queries):
    expected = as_the_orm_reads(people[who])
    school_country = expected.student.school.country_id if who == "student" else None
    person_for_request(expected.pk)  # compiled, if not yet
    with django_assert_num_queries(1):
        person = person_for_request(str(expected.pk))  # as a session holds it
        assert columns(person) == columns(expected)
        assert person.has_organisation_roles is (who == "admin")
        if who == "student":
            assert columns(person.student) == columns(expected.student)
            assert person.student.user is person
            # The offers' targeting reads their school's country: read with them.
            assert person.student.school_country_id == school_country == "BE"
        else:
            with pytest.raises(Student.DoesNotExist):
                person.student  # noqa: B018 (the absence is read with the person: no query)
    if who == "student":
        assert person.last_login == datetime.datetime(2026, 11, 3, 9, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize("who", ["student", "admin", "nobody"])
def test_a_token_is_read_with_its_person_in_one_query(people, who, django_assert_num_queries):
    expected = as_the_orm_reads(people[who])
    school_country = expected.student.school.country_id if who == "student" else None
    key = Token.objects.create(user=expected).key
    stored = columns(Token.objects.get(key=key))
    token_for_request(key)
    with django_assert_num_queries(1):
        token = token_for_request(key)
        assert columns(token) == stored
        assert token.user.pk == expected.pk and columns(token.user) == columns(expected)
        assert token.user.has_organisation_roles is (who == "admin")
        assert (getattr(token.user, "student", None) is not None) is (who == "student")
        if who == "student":
            assert token.user.student.school_country_id == school_country == "BE"


@pytest.mark.parametrize("unknown", ["", "0", "999999", "-2147483648", str(2**63), str(10**30), "not a number", None])
def test_an_unknown_person_is_none(people, unknown):
    assert person_for_request(unknown) is None


def test_an_unknown_token_is_none_even_the_placeholders_own_value(people):
    Token.objects.create(user=people["student"])
    assert token_for_request("0" * 40) is None
    assert token_for_request("\x1f token key \x1f") is None
    assert token_for_request("\x00" * 40) is None
    assert token_for_request("x" * 41) is None


def test_a_deactivated_persons_token_and_session_are_refused(people):
    person = people["student"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=person).key}")
    assert client.get("/api/v1/me").status_code == 200
    session = APIClient()
    session.force_login(person)
    assert session.get("/api/v1/me").status_code == 200
    User.objects.filter(pk=person.pk).update(is_active=False)
    refused = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 401
    assert refused.json()["detail"] == "User inactive or deleted."
    assert session.get("/api/v1/me").status_code in (401, 403)


def test_a_session_reads_its_person_through_the_compiled_read(people, client):
    person = people["admin"]
    client.force_login(person)
    stored = client.session
    assert stored[SESSION_KEY] == str(person.pk) and stored[BACKEND_SESSION_KEY] and stored[HASH_SESSION_KEY]
    answer = client.get("/api/v1/me", HTTP_ACCEPT="application/json")
    assert answer.status_code == 200
    assert answer.json()["email"] == person.email


@pytest.mark.parametrize("key", ["\x00" * 40, "x" * 5000, "clé-accentuée", "' OR 1=1 --"])
def test_a_hostile_token_is_refused_in_drfs_words(people, api_client, key):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = api_client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 401
    assert "token" in response.json()["detail"].lower()


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


@pytest.mark.postgresql_only
def test_on_postgresql_each_read_is_planned_once_per_connection(people, django_assert_num_queries):
    """PostgreSQL plans the read of a token's person once per connection, then runs it as prepared: one statement per
    request still, counted and logged with its SQL; another key runs the same prepared statement."""
    learner, admin = people["student"], people["admin"]
    keys = [Token.objects.create(user=learner).key, Token.objects.create(user=admin).key]
    token_for_request(keys[0])
    person_for_request(learner.pk)
    reads = [statement for statement in prepared_statements() if '"accounts_user"' in statement]
    assert len([statement for statement in reads if '"authtoken_token"."key" = $' in statement]) == 1
    assert len([statement for statement in reads if '"accounts_user"."id" = $' in statement]) == 1

    with django_assert_num_queries(2) as statements:
        assert token_for_request(keys[1]).user == admin
        assert person_for_request(learner.pk).student.school_country_id == "BE"

    assert all('"accounts_user"' in query["sql"] for query in statements.captured_queries)
    assert sorted(prepared_statements()) == sorted(set(prepared_statements()))
    assert len([statement for statement in prepared_statements() if '"accounts_user"' in statement]) == len(reads)
