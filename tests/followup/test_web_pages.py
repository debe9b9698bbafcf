"""The follow-up's web pages: each person's dashboard and lists, one internship's pages, the forms and their errors."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from portal.accounts.models import Student, User
from portal.followup import services
from portal.followup.choices import Phase
from portal.followup.models import Internship, InternshipStep
from portal.followup.services.steps import copy_steps
from tests.followup.fixtures import active, labelled_ready, proposed

pytestmark = pytest.mark.django_db

LISTS = ["dashboard", "label", "agreements", "logbooks", "reviews_list", "evaluations_list"]
PARTS = ["detail", "agreement", "journal", "reviews", "evaluations"]
PARTIES = ["student", "company_tutor", "company_admin", "author", "academic_tutor", "programme_head"]


@pytest.mark.parametrize("person", PARTIES)
def test_every_follow_up_page_opens_for_each_person_of_the_internship(client, world, person):
    internship = labelled_ready(world)
    client.force_login(getattr(world, person))

    answers = {name: client.get(reverse(f"followup:{name}")).status_code for name in LISTS}
    answers |= {name: client.get(reverse(f"followup:{name}", args=[internship.pk])).status_code for name in PARTS}

    assert set(answers.values()) == {200}, answers
    dashboard = client.get(reverse("followup:dashboard")).content.decode()
    assert "Ben Amor" in dashboard.upper() or "BEN AMOR" in dashboard


@pytest.mark.parametrize("person", ["other_student", "other_company_admin", "other_school_head"])
def test_an_internship_is_not_found_by_anybody_outside_it(client, world, person):
    internship = active(world)
    client.force_login(getattr(world, person))

    answers = {name: client.get(reverse(f"followup:{name}", args=[internship.pk])).status_code for name in PARTS}
    dashboard = client.get(reverse("followup:dashboard"))

    assert set(answers.values()) == {404}
    assert dashboard.status_code == 200 and "Ben Amor" not in dashboard.content.decode()


def test_the_dashboard_shows_the_three_columns_of_steps_with_the_mandatory_ones_starred(client, world):
    internship = active(world)
    client.force_login(world.company_tutor)

    html = client.get(reverse("followup:dashboard"), {"company": world.company.pk}).content.decode()

    with translation.override("fr"):
        assert all(str(label) in html for label in Phase.labels)
    assert html.count("followup-step__star") == internship.steps.filter(mandatory=True).count()
    assert f'id="progress-{internship.pk}"' in html and "<details" in html
    assert reverse("followup:agreement_pdf", args=[internship.pk]) in html


def _many_internships(world, count: int) -> None:
    """`count` more internships of distinct students of the programme, with the default steps (in bulk)."""
    first = User.objects.filter(email__startswith="bulk").count()
    users = User.objects.bulk_create(
        User(email=f"bulk{n}@student.test", last_name=f"Étudiant {n}") for n in range(first, first + count)
    )
    Student.objects.bulk_create(
        Student(user=user, school=world.school, programme=world.programme, study_level="master") for user in users
    )
    start = timezone.localdate() - datetime.timedelta(days=30)
    internships = Internship.objects.bulk_create(
        Internship(
            student=user,
            school=world.school,
            programme=world.programme,
            company=world.company,
            company_tutor=world.company_tutor,
            academic_tutor=world.academic_tutor,
            title="Stage",
            start_date=start,
            end_date=start + datetime.timedelta(days=90),
            academic_year=start.year if start.month >= 9 else start.year - 1,
            status="active",
        )
        for user in users
    )
    for internship in internships:
        copy_steps(internship)


def _queries(client, path: str, params=None) -> int:
    client.get(path, params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "path", ["/suivi/", "/suivi/conventions/", "/suivi/journaux/", "/suivi/bilans/", "/suivi/evaluations/"]
)
def test_the_lists_read_5_or_200_internships_in_the_same_number_of_queries(client, world, path):
    client.force_login(world.programme_head)
    _many_internships(world, 5)
    few = _queries(client, path)
    _many_internships(world, 195)

    many = _queries(client, path)

    assert Internship.objects.count() == 200 and InternshipStep.objects.count() == 200 * 15
    assert many == few


def test_the_api_list_reads_5_or_200_internships_in_the_same_number_of_queries(client, world):
    client.force_login(world.programme_head)
    _many_internships(world, 5)
    few = _queries(client, "/api/v1/internships", {"page_size": 100})
    _many_internships(world, 195)

    assert _queries(client, "/api/v1/internships", {"page_size": 100}) == few


def test_the_company_tutor_validates_a_step_and_the_next_actor_is_told(
    client, world, django_capture_on_commit_callbacks
):
    internship = active(world)
    for code in ("1", "2", "3", "4"):  # the steps before step 5, done
        internship.steps.filter(code=code).update(done_at=timezone.now())
    client.force_login(world.company_tutor)
    page = client.get(reverse("followup:detail", args=[internship.pk])).content.decode()
    assert reverse("followup:validate_step", args=[internship.pk, "5"]) in page
    assert reverse("followup:validate_step", args=[internship.pk, "6"]) not in page  # the programme head's

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("followup:validate_step", args=[internship.pk, "5"]), follow=True)

    assert response.status_code == 200
    assert internship.steps.get(code="5").done_by == world.company_tutor
    assert [message.to for message in mail.outbox] == [[world.programme_head.email]]  # step 6 is theirs


def test_a_step_of_another_actor_is_refused_with_a_message_and_nothing_changes(client, world):
    internship = active(world)
    client.force_login(world.student)

    response = client.post(reverse("followup:validate_step", args=[internship.pk, "5"]), follow=True)

    assert response.status_code == 200
    assert "company tutor" in response.content.decode() or "tuteur en entreprise" in response.content.decode()
    assert internship.steps.get(code="5").done_at is None


def test_starting_with_the_end_before_the_start_shows_the_error_and_writes_nothing(client, world):
    client.force_login(world.company_admin)
    url = reverse("followup:start", args=[world.application.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url, {"company_tutor": world.company_tutor.email, "start_date": "2027-03-01", "end_date": "2027-02-01"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["end_date"]
    assert not Internship.objects.exists()


def test_the_accepted_applications_are_offered_to_start_and_the_start_form_records_the_internship(client, world):
    client.force_login(world.company_admin)
    dashboard = client.get(reverse("followup:dashboard"), {"company": world.company.pk}).content.decode()
    url = reverse("followup:start", args=[world.application.pk])
    assert url in dashboard

    response = client.post(
        url, {"company_tutor": world.company_tutor.email, "start_date": "2027-02-01", "end_date": "2027-06-30"}
    )

    internship = Internship.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("followup:detail", args=[internship.pk])
    assert (internship.status, internship.company_tutor, internship.application) == (
        "proposed",
        world.company_tutor,
        world.application,
    )
    assert url not in client.get(reverse("followup:dashboard")).content.decode()


def test_school_staff_record_an_internship_found_outside_the_portal(client, world):
    client.force_login(world.academic_tutor)
    assert client.get(reverse("followup:record")).status_code == 200

    response = client.post(
        reverse("followup:record"),
        {
            "student": world.student.pk,
            "company": world.company.pk,
            "title": "Stage trouvé par relation",
            "company_tutor": "someone.new@talos.test",
            "start_date": "2027-02-01",
            "end_date": "2027-06-30",
        },
    )

    internship = Internship.objects.get()
    assert response.status_code == 302
    assert internship.application is None and internship.created_by == world.academic_tutor
    assert internship.company_tutor.memberships.filter(organisation=world.company).exists()


def test_the_record_page_is_not_found_by_a_company_contact(client, world):
    client.force_login(world.company_admin)

    assert client.get(reverse("followup:record")).status_code == 404


def test_the_programme_head_agrees_naming_the_academic_tutor_on_the_page(client, world):
    internship = proposed(world)
    client.force_login(world.programme_head)
    page = client.get(reverse("followup:detail", args=[internship.pk])).content.decode()
    assert world.academic_tutor.last_name in page

    client.post(reverse("followup:agree", args=[internship.pk]), {"academic_tutor": world.academic_tutor.pk})

    internship.refresh_from_db()
    assert internship.school_agreed_at and internship.academic_tutor == world.academic_tutor
    assert internship.status == "proposed"  # the student has not agreed yet


def test_the_company_presentation_shows_its_labelled_internships(client, world):
    internship = labelled_ready(world)
    assert "labellis" not in client.get(world.company.url).content.decode()

    services.steps.award_label(internship, by=world.programme_head)

    page = client.get(world.company.url).content.decode()
    assert "1 stage labellisé" in page or "1 labelled internship" in page


def test_an_amendment_is_proposed_approved_and_undone_on_the_agreement_page(client, world):
    internship = active(world)
    page = reverse("followup:agreement", args=[internship.pk])
    client.force_login(world.student)
    new_end = (internship.end_date + datetime.timedelta(days=14)).isoformat()

    client.post(reverse("followup:propose_amendment", args=[internship.pk]), {"end_date": new_end, "reason": "Projet"})
    amendment = internship.amendments.get()
    html = client.get(page).content.decode()
    assert reverse("followup:approve_amendment", args=[internship.pk, amendment.pk]) in html
    client.post(reverse("followup:approve_amendment", args=[internship.pk, amendment.pk]), {"party": "student"})
    assert amendment.signatures.filter(party="student", undone_at__isnull=True).exists()

    client.force_login(world.programme_head)
    html = client.get(page).content.decode()
    assert "Projet" in html and reverse("followup:amendment_pdf", args=[internship.pk, amendment.pk]) in html
    client.post(
        reverse("followup:undo_signature", args=[internship.pk]), {"party": "student", "amendment": amendment.pk}
    )
    client.post(reverse("followup:withdraw_amendment", args=[internship.pk, amendment.pk]))

    amendment.refresh_from_db()
    assert amendment.status == "cancelled"
    assert not amendment.signatures.filter(undone_at__isnull=True).exists()
    assert client.get(reverse("followup:amendment_pdf", args=[internship.pk, amendment.pk])).status_code == 200


def test_a_refused_scan_is_shown_on_the_agreement_form(client, world):
    internship = active(world)
    client.force_login(world.student)
    text = SimpleUploadedFile("convention.pdf", b"not a pdf at all")

    response = client.post(reverse("followup:approve_agreement", args=[internship.pk]), {"scan": text})

    assert response.status_code == 400
    assert "convention.pdf" in response.content.decode()
    assert not internship.signatures.exists()
