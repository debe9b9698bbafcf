"""The student's evaluation of the internship is confidential: the programme head of that programme reads it, and
nobody else finds it anywhere — in the API, the web pages, the notifications, the Wagtail admin or the exports."""

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from portal.accounts.models import SchoolStaff, User
from portal.followup.models import Evaluation
from portal.notifications.models import Notification
from tests.factories import ProgrammeFactory, school_staff
from tests.followup.fixtures import labelled_ready

pytestmark = pytest.mark.django_db

SECRET = "CONFIDENTIEL: ambiance pesante"
EVERYBODY_BUT_THE_HEAD = ("student", "company_tutor", "company_admin", "author", "academic_tutor", "other_student")


@pytest.fixture
def internship(world):
    internship = labelled_ready(world)
    assert Evaluation.objects.get(internship=internship, audience="student").comment == SECRET
    return internship


@pytest.fixture
def editor():
    return User.objects.create_superuser(email="editor@portal.test", password="Editor-Password-42")


def api_pages(internship) -> list[str]:
    base = f"/api/v1/internships/{internship.pk}"
    return [
        "/api/v1/internships",
        base,
        f"{base}/journal",
        f"{base}/reviews",
        f"{base}/evaluations/company",
        f"{base}/evaluations/student",
        "/api/v1/notifications",
        "/api/v1/me",
    ]


def web_pages(internship) -> list[str]:
    pages = ["dashboard", "label", "agreements", "logbooks", "reviews_list", "evaluations_list", "export"]
    parts = ["detail", "agreement", "journal", "reviews", "evaluations"]
    return [reverse(f"followup:{name}") for name in pages] + [
        reverse(f"followup:{name}", args=[internship.pk]) for name in parts
    ]


def read(client, path: str) -> str:
    response = client.get(path)
    return response.content.decode() if response.status_code == 200 else ""


@pytest.mark.parametrize("person", EVERYBODY_BUT_THE_HEAD)
def test_nobody_but_the_programme_head_finds_the_students_evaluation_in_the_api(world, internship, person):
    client = APIClient()
    client.force_authenticate(getattr(world, person))

    seen = " ".join(read(client, path) for path in api_pages(internship))

    assert SECRET not in seen
    assert client.get(f"/api/v1/internships/{internship.pk}/evaluations/student").status_code == 404


@pytest.mark.parametrize("person", EVERYBODY_BUT_THE_HEAD)
def test_nobody_but_the_programme_head_finds_the_students_evaluation_in_the_pages(client, world, internship, person):
    client.force_login(getattr(world, person))

    seen = " ".join(read(client, path) for path in web_pages(internship))

    assert SECRET not in seen


def test_the_programme_head_reads_it_in_the_api_and_on_the_evaluations_page(client, world, internship):
    api = APIClient()
    api.force_authenticate(world.programme_head)
    client.force_login(world.programme_head)

    answer = api.get(f"/api/v1/internships/{internship.pk}/evaluations/student")
    page = read(client, reverse("followup:evaluations", args=[internship.pk]))

    assert answer.status_code == 200 and answer.data["comment"] == SECRET
    assert SECRET in page


def test_the_programme_head_of_another_programme_of_the_school_does_not_read_it(world, internship):
    other_programme = ProgrammeFactory(organisation=world.school, name="Chimie")
    head = school_staff(world.school, SchoolStaff.Role.PROGRAMME_HEAD, programme=other_programme)
    api = APIClient()
    api.force_authenticate(head)

    assert api.get(f"/api/v1/internships/{internship.pk}").status_code == 404
    assert api.get(f"/api/v1/internships/{internship.pk}/evaluations/student").status_code == 404


def test_the_exports_never_hold_it_even_for_the_programme_head(client, world, internship):
    client.force_login(world.programme_head)

    export = client.get(reverse("followup:export"))

    assert export.status_code == 200 and "Ben Amor" in export.content.decode("utf-8-sig")
    assert SECRET not in export.content.decode("utf-8-sig")


def test_no_notification_or_email_carries_it(world, internship):
    assert all(SECRET not in str(notification.payload) for notification in Notification.objects.all())
    assert all(SECRET not in message.body for message in mail.outbox)


def test_a_superuser_does_not_find_it_in_the_api_or_the_wagtail_admin(client, world, internship, editor):
    api = APIClient()
    api.force_authenticate(editor)
    client.force_login(editor)

    assert api.get(f"/api/v1/internships/{internship.pk}").status_code == 200  # editors read internships
    assert api.get(f"/api/v1/internships/{internship.pk}/evaluations/student").status_code == 404
    assert client.get("/admin/snippets/followup/evaluation/").status_code == 404
    admin_pages = [
        "/admin/",
        "/admin/snippets/",
        "/admin/snippets/followup/evaluationform/",
        "/admin/snippets/followup/stepset/",
        f"/admin/search/?q={SECRET[:12]}",
    ]
    seen = " ".join(read(client, path) for path in admin_pages)
    assert "evaluationform" in seen  # the admin shows the forms' configuration, never an evaluation
    assert SECRET not in seen
