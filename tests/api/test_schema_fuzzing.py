"""Schema fuzzing: every /api/v1 operation of the OpenAPI document, called with requests generated from it.

Schemathesis generates valid and invalid requests for each operation, as an anonymous visitor, a student
and a company administrator (token authentication), and checks that no answer is a server error and that
each answer is one the document declares: its status code, its content type and its body's schema.
The ids in paths are aimed at the objects of a small portal (a company, its offers, an application with its
documents and messages), or left as generated to meet the 404s. The examples are few and derandomised, so
a run is short and the same every time.
"""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.notifications.models import Notification
from portal.recruitment import services as recruitment
from portal.reference.choices import OfferStatus
from portal.wsgi import application as wsgi_application
from tests.factories import (
    CompanyFactory,
    OfferFactory,
    ProgrammeFactory,
    company_admin,
    secondary_contact,
    student,
)
from tests.recruitment.files import cv, letter
from workflows.models import Campaign

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
FUZZING = settings(
    max_examples=8,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
CONFIG = {
    "generation": {"mode": "all", "deterministic": True, "no-shrink": True},
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
}


@pytest.fixture
def connection_kept(db):
    """As Django's test client does: a request must not close the test's connection, in its open transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def portal(connection_kept, django_capture_on_commit_callbacks):
    """A small portal: a company with its people, a live and a draft offer, an application with a message."""
    company = CompanyFactory()
    admin = company_admin(company)
    author = secondary_contact(company, can_create_offers=True)
    applicant = student(ProgrammeFactory())
    Campaign.objects.create(name="2027", starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2027, 8, 31))
    live = OfferFactory(
        parent=company,
        author=author,
        live=True,
        status=OfferStatus.PUBLISHED,
        first_published_at=timezone.now() - datetime.timedelta(days=1),
    )
    draft = OfferFactory(parent=company, author=admin, status=OfferStatus.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        applied = recruitment.apply(applicant, offer=live, message="Bonjour", cv=cv(), motivation_letter=letter())
        recruitment.send_message(applied, "Êtes-vous disponible mardi ?", by=admin)
    return {
        "admin": admin,
        "student": applicant,
        "ids": {
            "company_id": [company.pk],
            "id": [company.pk, applicant.student.school_id],
            "offer_id": [live.pk, draft.pk],
            "application_id": [applied.pk],
            "document_id": list(applied.documents.values_list("pk", flat=True)),
            "user_id": [author.pk, admin.pk],
            "notification_id": list(Notification.objects.values_list("pk", flat=True)),
        },
    }


# The public document, read once, as a client reads it.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/schema/?format=json", wsgi_application, config=schemathesis.Config.from_dict(CONFIG)
)


def aim(case, ids: dict[str, list[int]]) -> None:
    """Point the path's ids at the portal's objects, but one generated id in (len + 1), kept to meet a 404."""
    for name, value in list((case.path_parameters or {}).items()):
        known = ids.get(name)
        if known and isinstance(value, int) and not isinstance(value, bool):
            choice = value % (len(known) + 1)
            if choice < len(known):
                case.path_parameters[name] = known[choice]


def token_headers(user) -> dict[str, str]:
    # Recreated when a generated `POST /auth/logout` deleted it, so that the next calls stay authenticated.
    token, _created = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


@schema.parametrize()
@FUZZING
def test_every_operation_answers_anonymous_students_and_companies_as_the_schema_says(case, portal):
    aim(case, portal["ids"])
    for role, headers in (
        ("anonymous", {}),
        ("student", token_headers(portal["student"])),
        ("company administrator", token_headers(portal["admin"])),
    ):
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except Exception as failure:
            failure.add_note(f"Called as: {role}")
            raise
