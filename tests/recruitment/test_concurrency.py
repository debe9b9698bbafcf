"""Simultaneous applications: one active application per student and offer, and no orphan file on disk.

Fifty requests land at once through the real API, each of twenty-five students sending the same
application twice: the database lets one of each pair in (201), the other is told it already applied
(409), and the loser's files do not stay in the private folder.
"""

import threading
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from portal.recruitment.models import Application, ApplicationDocument
from tests.factories import student
from tests.recruitment.files import pdf_bytes, private_files, upload
from tests.recruitment.fixtures import published_offer

pytestmark = [pytest.mark.postgresql_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STUDENTS = 25
ATTEMPTS_EACH = 2


def test_simultaneous_double_submissions_land_once_per_student_and_leave_no_orphan_file(company, author, programme):
    # Given a published offer with enough places and twenty-five students, each about to apply twice at once
    offer = published_offer(company, author, title="Développeur Django", places=STUDENTS)
    students = [student(programme, email=f"etudiant{n}@student.test") for n in range(STUDENTS)]
    senders = [user for user in students for _ in range(ATTEMPTS_EACH)]
    start = threading.Barrier(len(senders), timeout=60)
    outcomes: list[tuple[int, int, str]] = []
    record = threading.Lock()

    def send(user):
        client = APIClient()
        client.force_authenticate(user)
        form = {
            "offer": offer.pk,
            "message": "Madame, Monsieur,",
            "cv": upload("cv.pdf", pdf_bytes(f"CV {user.email}")),
            "motivation_letter": upload("lettre.pdf", pdf_bytes(f"Lettre {user.email}")),
        }
        try:
            start.wait()
            response = client.post("/api/v1/applications", form, format="multipart")
            is_json = response["Content-Type"].startswith("application/json")
            outcome = (user.pk, response.status_code, response.json().get("code", "") if is_json else "")
        except Exception as error:
            # The test client raises what the view did not handle: to the student, a 500.
            outcome = (user.pk, 500, repr(error))
        finally:
            connection.close()
        with record:
            outcomes.append(outcome)

    threads = [threading.Thread(target=send, args=(user,)) for user in senders]

    # When the fifty submissions are sent at the same moment
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # Then every request answered: one 201 and one 409 ("conflict") per student, never a 500
    assert not any(thread.is_alive() for thread in threads)
    assert len(outcomes) == STUDENTS * ATTEMPTS_EACH
    assert Counter(status for _, status, _ in outcomes) == {201: STUDENTS, 409: STUDENTS}, outcomes
    assert {code for _, status, code in outcomes if status == 409} == {"conflict"}
    per_student = Counter((pk, status) for pk, status, _ in outcomes)
    assert all(per_student[(user.pk, 201)] == 1 and per_student[(user.pk, 409)] == 1 for user in students)
    # And the database holds one application per student, with its CV and letter
    assert Application.objects.filter(offer=offer).count() == STUDENTS
    assert sorted(Application.objects.values_list("student_id", flat=True)) == sorted(user.pk for user in students)
    assert ApplicationDocument.objects.count() == STUDENTS * 2
    # And the private folder holds exactly those fifty files: the losers left nothing behind
    stored = private_files(settings.PRIVATE_ROOT)
    assert len(stored) == STUDENTS * 2
    assert stored == sorted(ApplicationDocument.objects.values_list("file", flat=True))
