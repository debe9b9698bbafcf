"""Every follow-up endpoint × every person around an internship: who may, who is refused (403), who may not even know
the internship exists (404), and the anonymous visitor (401).

Each person's request runs in a savepoint rolled back afterwards, so that all of them meet the same internship.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from portal.followup import services
from portal.followup.models import Internship
from portal.notifications.services import without_notifications
from tests.followup.fixtures import active, labelled_ready, proposed
from tests.recruitment.files import pdf_bytes, upload

pytestmark = pytest.mark.django_db

PEOPLE = (
    "student",
    "other_student",
    "company_tutor",
    "other_company_admin",
    "academic_tutor",
    "programme_head",
    "other_school_head",
    "anonymous",
)
OUTSIDERS = {"other_student": 404, "other_company_admin": 404, "other_school_head": 404, "anonymous": 401}


def expect(student, company_tutor, academic_tutor, programme_head, **outsiders) -> dict:
    """The expected answers: the four people of the internship, then the outsiders (404 / 401 unless told)."""
    return {
        "student": student,
        "company_tutor": company_tutor,
        "academic_tutor": academic_tutor,
        "programme_head": programme_head,
        **OUTSIDERS,
        **outsiders,
    }


def answers(world, method: str, path: str, data=None, fmt="json") -> dict:
    """What each person gets, each request rolled back so that all meet the same state."""
    found = {}
    for name in PEOPLE:
        client = APIClient()
        if name != "anonymous":
            client.force_authenticate(getattr(world, name))
        payload = data() if callable(data) else data
        with transaction.atomic():
            response = getattr(client, method)(f"/api/v1{path}", payload, format=fmt)
            transaction.set_rollback(True)
        found[name] = response.status_code
    return found


def muted(build):
    def run(world):
        with without_notifications():
            return build(world)

    return run


def with_entry(world):
    internship = active(world)
    entry = services.logbook.write_entry(internship, by=world.student, date=timezone.localdate(), text="Jour 1")
    return internship, entry


def with_review(world):
    internship = active(world)
    return internship, services.logbook.write_review(internship, by=world.student, text="Bilan")


def evaluated(world):
    internship = active(world)
    scores = {c["code"]: 3 for c in internship.evaluation_criteria["company"]}
    services.evaluations.send_company_evaluation(internship, by=world.company_tutor, scores=scores)
    return internship


def graded(world):
    internship = evaluated(world)
    services.evaluations.record_grade(internship, by=world.programme_head, grade="14")
    return Internship.objects.get(pk=internship.pk)


def awarded(world):
    internship = labelled_ready(world)
    services.steps.award_label(internship, by=world.programme_head)
    return internship


def with_scan(world):
    internship = active(world)
    signature = services.agreement.approve_agreement(
        internship, by=world.company_tutor, scan=upload("convention.pdf", pdf_bytes("Signée"))
    )
    return internship, signature


def with_amendment(world):
    internship = active(world)
    amendment = services.agreement.propose_amendment(
        internship, by=world.company_admin, reason="Prolongation", end_date=internship.end_date.replace(day=1)
    )
    return internship, amendment


def scores_of(audience):
    def build(world, internship):
        return {"scores": {c["code"]: 4 for c in internship.evaluation_criteria[audience]}, "comment": "ok"}

    return build


READERS = expect(200, 200, 200, 200)

# (name, set-up, method, path given the set-up's objects, payload, expected answers)
MATRIX = [
    ("detail", active, "get", "/internships/{i}", None, READERS),
    (
        "agree",
        proposed,
        "post",
        "/internships/{i}/agree",
        lambda w, i: {"academic_tutor": w.academic_tutor.pk},
        expect(200, 403, 403, 200),
    ),
    ("cancel", active, "post", "/internships/{i}/cancel", None, expect(403, 403, 403, 200)),
    ("validate a step", active, "post", "/internships/{i}/steps/5/validate", None, expect(403, 200, 403, 403)),
    ("read the logbook", active, "get", "/internships/{i}/journal", None, READERS),
    (
        "write in the logbook",
        active,
        "post",
        "/internships/{i}/journal",
        lambda w, i: {"date": timezone.localdate().isoformat(), "text": "Jour 2"},
        expect(201, 403, 403, 403),
    ),
    (
        "comment the logbook",
        with_entry,
        "post",
        "/internships/{i}/journal/{o}/comments",
        lambda w, i: {"text": "Bravo"},
        expect(403, 201, 201, 403),
    ),
    ("read the reviews", active, "get", "/internships/{i}/reviews", None, READERS),
    (
        "write a review",
        active,
        "post",
        "/internships/{i}/reviews",
        lambda w, i: {"text": "Mon bilan"},
        expect(201, 403, 403, 403),
    ),
    (
        "validate a review",
        with_review,
        "post",
        "/internships/{i}/reviews/{o}/validate",
        None,
        expect(403, 200, 200, 403),
    ),
    (
        "read the company's evaluation",
        evaluated,
        "get",
        "/internships/{i}/evaluations/company",
        None,
        expect(403, 200, 200, 200),
    ),
    (
        "send the company's evaluation",
        active,
        "post",
        "/internships/{i}/evaluations/company",
        scores_of("company"),
        expect(403, 201, 403, 403),
    ),
    (
        "read the student's evaluation",
        labelled_ready,
        "get",
        "/internships/{i}/evaluations/student",
        None,
        expect(404, 404, 404, 200),
    ),
    (
        "send the student's evaluation",
        graded,
        "post",
        "/internships/{i}/evaluations/student",
        scores_of("student"),
        expect(201, 403, 403, 403),
    ),
    (
        "record the grade",
        evaluated,
        "post",
        "/internships/{i}/grade",
        lambda w, i: {"grade": 12},
        expect(403, 403, 403, 200),
    ),
    ("award the label", labelled_ready, "post", "/internships/{i}/label", None, expect(403, 403, 403, 200)),
    ("download the certificate", awarded, "get", "/internships/{i}/certificate", None, READERS),
    ("download the agreement", active, "get", "/internships/{i}/agreement", None, READERS),
    ("sign the agreement", active, "post", "/internships/{i}/agreement/approve", None, expect(201, 201, 403, 201)),
    (
        "undo a signature",
        with_scan,
        "post",
        "/internships/{i}/agreement/signatures/company/undo",
        None,
        expect(403, 403, 200, 200),
    ),
    ("download a scan", with_scan, "get", "/internships/{i}/agreement/signatures/{o}/scan", None, READERS),
    ("list the amendments", active, "get", "/internships/{i}/amendments", None, READERS),
    (
        "propose an amendment",
        active,
        "post",
        "/internships/{i}/amendments",
        lambda w, i: {"mission": "Nouvelle mission", "reason": "Besoin du service"},
        expect(201, 201, 403, 201),
    ),
    (
        "approve an amendment",
        with_amendment,
        "post",
        "/internships/{i}/amendments/{o}/approve",
        None,
        expect(201, 201, 403, 201),
    ),
    ("download an amendment", with_amendment, "get", "/internships/{i}/amendments/{o}", None, READERS),
    (
        "withdraw an amendment",
        with_amendment,
        "post",
        "/internships/{i}/amendments/{o}/withdraw",
        None,
        expect(403, 403, 403, 200),
    ),
    ("send the tutor a link", active, "post", "/internships/{i}/tutor-links", None, expect(403, 403, 202, 202)),
    (
        "revoke the tutor's links",
        active,
        "post",
        "/internships/{i}/tutor-links/revoke",
        None,
        expect(403, 403, 200, 200),
    ),
]


@pytest.mark.parametrize(
    ("setup", "method", "path", "payload", "expected"),
    [row[1:] for row in MATRIX],
    ids=[row[0] for row in MATRIX],
)
def test_each_person_gets_the_expected_answer(world, setup, method, path, payload, expected):
    built = muted(setup)(world)
    internship, other = built if isinstance(built, tuple) else (built, None)
    url = path.format(i=internship.pk, o=getattr(other, "pk", ""))
    data = (lambda: payload(world, internship)) if payload else None

    assert answers(world, method, url, data) == expected


def test_the_list_shows_each_person_the_internships_of_their_scope(world):
    internship = muted(active)(world)

    counts = {}
    for name in PEOPLE[:-1]:
        client = APIClient()
        client.force_authenticate(getattr(world, name))
        response = client.get("/api/v1/internships")
        assert response.status_code == 200
        counts[name] = [row["id"] for row in response.data["results"]]

    assert counts == {
        "student": [internship.pk],
        "other_student": [],
        "company_tutor": [internship.pk],
        "other_company_admin": [],
        "academic_tutor": [internship.pk],
        "programme_head": [internship.pk],
        "other_school_head": [],
    }
    assert APIClient().get("/api/v1/internships").status_code == 401


def test_only_the_company_side_starts_an_internship_from_the_application(world):
    start, end = timezone.localdate(), timezone.localdate().replace(year=timezone.localdate().year + 1)
    payload = {
        "application": world.application.pk,
        "company_tutor": world.company_tutor.email,
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
    }

    found = answers(world, "post", "/internships", payload)

    # the student and the school staff read the application but do not act for the company; the others never saw it
    assert found == expect(403, 404, 403, 403)


def test_only_the_school_staff_who_follow_the_student_record_an_internship_found_elsewhere(world):
    start, end = timezone.localdate(), timezone.localdate().replace(year=timezone.localdate().year + 1)
    payload = {
        "student": world.student.pk,
        "company": world.company.pk,
        "title": "Stage trouvé par relation",
        "company_tutor": world.company_tutor.email,
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
    }

    found = answers(world, "post", "/internships", payload)

    assert found == expect(404, 404, 201, 201)
