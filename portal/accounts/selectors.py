"""Who is who around an organisation or a student: the people the portal writes to."""

from __future__ import annotations

import functools

import psycopg
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import OuterRef, Q, QuerySet
from rest_framework.authtoken.models import Token

from portal.accounts.models import HubModerator, Membership, Student, User, has_organisation_roles
from portal.ids import within_range

# What the compiled reads of `person_for_request` and `token_for_request` take in place of the key or id asked for:
# values no token and no person has.
TOKEN_PLACEHOLDER = "\x1f token key \x1f"
ID_PLACEHOLDER = -(2**31)


def company_admins(company) -> QuerySet[User]:
    """The active administrators of `company`."""
    return User.objects.filter(
        is_active=True, memberships__organisation=company, memberships__role=Membership.Role.ADMIN
    )


def hub_moderators(hub) -> list[User]:
    """The active moderators of `hub`."""
    return [m.user for m in HubModerator.objects.filter(hub=hub, user__is_active=True).select_related("user")]


def followers_of(student_user) -> list[User]:
    """The school staff who follow `student_user`: the whole school's staff and their programme's."""
    student = getattr(student_user, "student", None)
    if student is None:
        return []
    scope = Q(school_roles__school_id=student.school_id, school_roles__programme__isnull=True)
    if student.programme_id:
        scope |= Q(school_roles__programme_id=student.programme_id)
    return list(User.objects.filter(scope, is_active=True).distinct())


class _PreparedDebugCursor(CursorDebugWrapper):
    """Django's logged cursor, logging the statement as it was written: psycopg tells nothing of a prepared one."""

    def execute(self, sql, params=None):
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)


def _prepared_cursor(connection):
    """A cursor whose statements PostgreSQL plans once per connection: planning the request's read (its joins and its
    `EXISTS`) took the server several times longer than running it. Django's cursors bind their parameters on the
    client, and psycopg prepares none of their statements; this one binds them on the server, so that psycopg
    prepares what it runs as the connection's `prepare_threshold` says (`PG_PREPARE_THRESHOLD`, settings). It is
    wrapped as Django wraps its own: its statements are counted and logged as theirs. Elsewhere, a cursor of
    Django's (SQLite keeps its statements compiled itself)."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    # As `BaseDatabaseWrapper.cursor()` makes one, with psycopg's own cursor class.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        cursor = psycopg.Cursor(connection.connection)
    if connection.queries_logged:
        return _PreparedDebugCursor(cursor, connection)
    return connection.make_cursor(cursor)


class _RequestRead:
    """The SQL reading a person as each request reads them, compiled once per process and database: the SQL of a
    few joins and three `EXISTS` takes Django longer to write than the database to run. `queryset` holds the one row
    of the key the request knows (a token's key, a session's person id), written as `placeholder`; `parts` are the
    models read in that row, each with its path from the query's model; `person` is the person's id in the query;
    their organisation roles come last, then the country of a student's school (`school`: its path)."""

    def __init__(
        self, queryset: QuerySet, placeholder, parts: list[tuple[type, str]], person: str, school: str, alias: str
    ):
        self.placeholder, self.alias = placeholder, alias
        self.layout = [(model, [field.attname for field in model._meta.concrete_fields]) for model, _path in parts]
        names = [f"{path}{field.name}" for model, path in parts for field in model._meta.concrete_fields]
        read = queryset.annotate(roles=has_organisation_roles(OuterRef(person)))
        read = read.values_list(*names, "roles", f"{school}__country_id")
        self.compiler = read[:1].query.get_compiler(using=alias)
        self.sql, self.params = self.compiler.as_sql()
        if list(self.params).count(placeholder) != 1:
            raise ImproperlyConfigured("The request's read must take its key once.")

    def row(self, value) -> list | None:
        """The columns of the one row for `value`, converted as the ORM converts them, or None."""
        params = [value if param == self.placeholder else param for param in self.params]
        with _prepared_cursor(connections[self.alias]) as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        return next(iter(self.compiler.results_iter(results=[rows])), None)

    def objects(self, value) -> list | None:
        """The instances of `parts` in order, None for a part the row does not hold (a person with no student
        record), the person's roles and their school's country; None when no row matches."""
        row = self.row(value)
        if row is None:
            return None
        found, start = [], 0
        for model, attnames in self.layout:
            values = row[start : start + len(attnames)]
            start += len(attnames)
            found.append(None if values[0] is None else model.from_db(self.alias, attnames, values))
        return [*found, bool(row[start]), row[start + 1]]


@functools.cache
def _person_read(by: str, alias: str) -> _RequestRead:
    if by == "token":
        return _RequestRead(
            Token.objects.filter(key=TOKEN_PLACEHOLDER),
            TOKEN_PLACEHOLDER,
            [(Token, ""), (User, "user__"), (Student, "user__student__")],
            person="user_id",
            school="user__student__school",
            alias=alias,
        )
    return _RequestRead(
        User.objects.filter(pk=ID_PLACEHOLDER),
        ID_PLACEHOLDER,
        [(User, ""), (Student, "student__")],
        person="pk",
        school="student__school",
        alias=alias,
    )


def _joined(user: User, student: Student | None, roles: bool, school_country: str | None) -> User:
    """`user` holding their student record (or its absence) and `has_organisation_roles`, as a `select_related` and
    an annotation would; the student record holds its school's country (`school_country_id`), which the offers'
    targeting reads."""
    User.student.related.set_cached_value(user, student)
    if student is not None:
        Student.user.field.set_cached_value(student, user)
        student.school_country_id = school_country
    user.has_organisation_roles = roles
    return user


def person_for_request(user_id) -> User | None:
    """The person `user_id` as each request reads them: with their student record (absent for everybody else), which
    the offers' targeting reads, and whether they hold a role in an organisation (`has_organisation_roles`), which
    tells the offer search whether what they find is their programme's (`access.offers.audience_key`), and their
    school's country, which the targeting reads too. One query."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    if not within_range(user_id):  # no person, and more than the database's integers hold
        return None
    found = _person_read("id", DEFAULT_DB_ALIAS).objects(user_id)
    return None if found is None else _joined(*found)


def token_for_request(key: str) -> Token | None:
    """The API token `key` with its person read as `person_for_request` reads them, in one query; None if unknown."""
    if len(key) > Token._meta.get_field("key").max_length or "\x00" in key:
        return None  # no token is such a key (and PostgreSQL's text holds no NUL)
    found = _person_read("token", DEFAULT_DB_ALIAS).objects(key)
    if found is None:
        return None
    token, *person = found
    Token.user.field.set_cached_value(token, _joined(*person))
    return token
