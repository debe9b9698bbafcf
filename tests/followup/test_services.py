"""The follow-up's rules and refusals: clear errors, nothing written, never a 500."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from portal.accounts.models import SchoolStaff, User
from portal.exceptions import AlreadyDone, InvalidTransition, PortalError
from portal.followup import services
from portal.followup.models import Internship, StepDefinition, StepSet
from portal.notifications.services import without_notifications
from portal.reference.choices import ApplicationStatus
from tests.factories import school_staff
from tests.followup.fixtures import active, dates, labelled_ready, proposed
from tests.recruitment.files import docx_bytes, upload

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def start_payload(world, **changes) -> dict:
    start, end = dates()
    return {
        "application": world.application.pk,
        "company_tutor": world.company_tutor.email,
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        **changes,
    }


# Starting an internship


def test_an_application_that_is_not_accepted_starts_nothing(world):
    world.application.status = ApplicationStatus.INTERVIEW
    world.application.save()

    response = api(world.company_admin).post(
        "/api/v1/internships", start_payload(world, company_tutor="unknown@talos.test"), format="json"
    )

    assert response.status_code == 409 and response.data["code"] == "invalid_transition"
    assert not Internship.objects.exists()
    assert not User.objects.filter(email="unknown@talos.test").exists()


def test_an_end_before_the_start_is_refused_and_nothing_is_written(world):
    response = api(world.company_admin).post(
        "/api/v1/internships",
        start_payload(world, start_date="2027-03-01", end_date="2027-02-01", company_tutor="unknown@talos.test"),
        format="json",
    )

    assert response.status_code == 400 and "end_date" in response.data["errors"]
    assert not Internship.objects.exists() and not User.objects.filter(email="unknown@talos.test").exists()


@pytest.mark.parametrize(
    "changes", [{"company_tutor": "not-an-email"}, {"start_date": "31/02/2027"}, {"application": "x"}, {"end_date": ""}]
)
def test_malformed_input_gets_a_400_in_the_error_format(world, changes):
    response = api(world.company_admin).post("/api/v1/internships", start_payload(world, **changes), format="json")

    assert response.status_code == 400
    assert set(response.data) == {"detail", "code", "errors"} and response.data["errors"]
    assert not Internship.objects.exists()


def test_an_application_starts_one_internship_only(world):
    proposed(world)

    response = api(world.company_admin).post("/api/v1/internships", start_payload(world), format="json")

    assert response.status_code == 409 and Internship.objects.count() == 1


def test_the_past_may_be_recorded(world):
    internship = proposed(world, days_before_today=400, days_after_today=-300)

    assert internship.end_date < timezone.localdate() and internship.academic_year < timezone.localdate().year


# Agreeing


def test_agreeing_twice_is_a_conflict(world):
    internship = proposed(world)
    services.internships.agree(internship, by=world.student)

    with pytest.raises(AlreadyDone):
        services.internships.agree(internship, by=world.student)


def test_the_programme_head_names_an_academic_tutor_of_the_students_organisation(world):
    internship = proposed(world)

    with pytest.raises(PortalError) as missing:
        services.internships.agree(internship, by=world.programme_head)
    with pytest.raises(PortalError) as stranger:
        services.internships.agree(internship, by=world.programme_head, academic_tutor=world.other_school_head)

    assert missing.value.field == stranger.value.field == "academic_tutor"
    assert Internship.objects.get(pk=internship.pk).school_agreed_at is None


# Steps


def test_a_step_completed_by_an_event_is_not_validated_by_hand(world):
    internship = active(world)

    response = api(world.programme_head).post(f"/api/v1/internships/{internship.pk}/steps/3/validate")

    assert response.status_code == 409 and internship.steps.get(code="3").done_at is None


def test_an_unknown_step_is_not_found(world):
    internship = active(world)

    assert api(world.student).post(f"/api/v1/internships/{internship.pk}/steps/99/validate").status_code == 404


def test_steps_of_a_proposed_internship_wait_for_the_agreement(world):
    internship = proposed(world)

    with pytest.raises(InvalidTransition):
        services.steps.validate_step(internship, "1", by=world.student)


def test_an_internship_copies_its_programmes_step_set_and_keeps_it(world):
    own = StepSet.objects.create(name="Filière courte", school=world.school, programme=world.programme)
    StepDefinition.objects.create(
        step_set=own,
        sort_order=0,
        code="a",
        title_fr="Seule étape",
        title_en="Only step",
        phase="during",
        mandatory=True,
        actor="student",
    )
    internship = proposed(world)

    StepDefinition.objects.filter(step_set=own).update(title_fr="Modifiée")
    StepDefinition.objects.create(
        step_set=own, sort_order=1, code="b", title_fr="Ajoutée", title_en="Added", phase="after", actor="student"
    )

    assert list(internship.steps.values_list("code", "title_fr")) == [("a", "Seule étape")]


# Logbook and reviews


@pytest.mark.parametrize("offset", [1, -400])
def test_a_logbook_entry_dated_in_the_future_or_outside_the_internship_is_refused(world, offset):
    internship = active(world)

    response = api(world.student).post(
        f"/api/v1/internships/{internship.pk}/journal",
        {"date": (timezone.localdate() + datetime.timedelta(days=offset)).isoformat(), "text": "Bonjour"},
    )

    assert response.status_code == 400 and "date" in response.data["errors"]
    assert not internship.journal.exists()


def test_the_first_logbook_entry_completes_its_step_and_a_comment_is_told_to_the_student(world, on_commit):
    internship = active(world)
    with on_commit():
        entry = services.logbook.write_entry(internship, by=world.student, date=timezone.localdate(), text="Jour 1")
    mail.outbox.clear()

    with on_commit():
        services.logbook.comment_entry(entry, by=world.academic_tutor, text="Bien noté")

    assert internship.steps.get(code="8").done_via == "event"
    assert [message.to for message in mail.outbox] == [[world.student.email]]
    assert "Bien noté" in mail.outbox[0].body


# Evaluations and grade


@pytest.mark.parametrize(
    ("scores", "field"),
    [({}, "scores.objectives"), ({"objectives": 6}, "scores.objectives"), ({"nope": 3}, "scores"), ("bad", "scores")],
)
def test_an_evaluation_with_missing_or_wrong_scores_is_refused(world, scores, field):
    internship = active(world)
    complete = {c["code"]: 3 for c in internship.evaluation_criteria["company"]}
    payload = {**complete, **scores} if isinstance(scores, dict) and scores else scores
    if scores == {}:
        payload = {code: value for code, value in complete.items() if code != "objectives"}

    response = api(world.company_tutor).post(
        f"/api/v1/internships/{internship.pk}/evaluations/company", {"scores": payload}, format="json"
    )

    assert response.status_code == 400, response.data
    assert field in response.data["errors"] or "scores" in response.data["errors"]
    assert not internship.evaluations.exists()


def test_the_grade_waits_for_the_company_evaluation_and_lies_between_0_and_20(world):
    internship = active(world)
    head = api(world.programme_head)

    early = head.post(f"/api/v1/internships/{internship.pk}/grade", {"grade": 12}, format="json")
    too_high = head.post(f"/api/v1/internships/{internship.pk}/grade", {"grade": 25}, format="json")

    assert early.status_code == 409 and too_high.status_code == 400
    assert Internship.objects.get(pk=internship.pk).final_grade is None


def test_the_student_evaluates_only_once_graded(world):
    internship = active(world)
    scores = {c["code"]: 3 for c in internship.evaluation_criteria["student"]}

    response = api(world.student).post(
        f"/api/v1/internships/{internship.pk}/evaluations/student", {"scores": scores}, format="json"
    )

    assert response.status_code == 409 and not internship.evaluations.exists()


# The agreement


def test_undoing_a_signature_reopens_the_agreement_step_and_the_label(world, on_commit):
    internship = labelled_ready(world)
    assert internship.label == "eligible"

    with on_commit():
        services.agreement.undo_signature(internship, "student", by=world.programme_head)

    internship.refresh_from_db()
    assert internship.label == "none" and internship.steps.get(code="3").done_at is None
    assert [message.to for message in mail.outbox] == [[world.student.email]]
    services.agreement.approve_agreement(internship, by=world.student)
    internship.refresh_from_db()
    assert internship.label == "eligible" and internship.steps.get(code="3").done_at


def test_a_signature_is_undone_only_once_and_never_after_the_label(world):
    internship = labelled_ready(world)
    services.agreement.undo_signature(internship, "student", by=world.programme_head)

    with pytest.raises(InvalidTransition):
        services.agreement.undo_signature(internship, "student", by=world.programme_head)
    services.agreement.approve_agreement(internship, by=world.student)
    services.steps.award_label(Internship.objects.get(pk=internship.pk), by=world.programme_head)
    with pytest.raises(InvalidTransition):
        services.agreement.undo_signature(internship, "company", by=world.programme_head)


@pytest.mark.parametrize(
    ("name", "content", "status"),
    [("scan.docx", docx_bytes(), 415), ("scan.pdf", b"", 400), ("scan.png", b"GIF89a not a png", 415)],
)
def test_a_refused_scan_signs_nothing(world, name, content, status):
    internship = active(world)

    response = api(world.student).post(
        f"/api/v1/internships/{internship.pk}/agreement/approve", {"scan": upload(name, content)}, format="multipart"
    )

    assert response.status_code == status, response.data
    assert not internship.signatures.exists()


def test_a_scan_over_10_mb_is_too_large(world, settings):
    internship = active(world)
    big = upload("scan.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))

    response = api(world.student).post(
        f"/api/v1/internships/{internship.pk}/agreement/approve", {"scan": big}, format="multipart"
    )

    assert response.status_code == 413 and not internship.signatures.exists()


def test_an_amendment_changes_nothing_until_the_three_parties_approve_it(world, on_commit):
    internship = active(world)
    new_end = internship.end_date + datetime.timedelta(days=30)
    before = internship.steps.get(code="12").due_date

    with on_commit():
        amendment = services.agreement.propose_amendment(
            internship, by=world.company_admin, reason="Prolongation", end_date=new_end
        )
        services.agreement.approve_amendment(amendment, by=world.student)
        services.agreement.approve_amendment(amendment, by=world.company_tutor)
    assert Internship.objects.get(pk=internship.pk).end_date == internship.end_date
    with on_commit():
        services.agreement.approve_amendment(amendment, by=world.programme_head)

    internship.refresh_from_db()
    amendment.refresh_from_db()
    assert internship.end_date == new_end and amendment.status == "applied"
    assert internship.steps.get(code="12").due_date == before + datetime.timedelta(days=30)
    assert amendment.previous["end_date"] != new_end.isoformat()
    assert world.student.email in {message.to[0] for message in mail.outbox}


@pytest.mark.parametrize(
    "changes",
    [{}, {"start_date": "2030-01-01"}, {"company_tutor": "tutor@talos.test"}],
    ids=["nothing changed", "start after the end", "same tutor"],
)
def test_an_amendment_that_changes_nothing_or_breaks_the_dates_is_refused(world, changes):
    internship = active(world)

    response = api(world.student).post(
        f"/api/v1/internships/{internship.pk}/amendments", {"reason": "Pourquoi pas", **changes}, format="json"
    )

    assert response.status_code == 400, response.data
    assert not internship.amendments.exists()


def test_one_amendment_awaits_approvals_at_a_time(world):
    internship = active(world)
    services.agreement.propose_amendment(internship, by=world.student, reason="Un", mission="Autre mission")

    with pytest.raises(InvalidTransition):
        services.agreement.propose_amendment(internship, by=world.student, reason="Deux", mission="Encore")


# Cancelling


def test_a_cancelled_follow_up_takes_no_more_steps(world):
    internship = active(world)
    with without_notifications():
        services.internships.cancel(internship, by=world.company_admin, reason="Stage annulé")

    response = api(world.company_tutor).post(f"/api/v1/internships/{internship.pk}/steps/5/validate")

    assert response.status_code == 409
    assert Internship.objects.get(pk=internship.pk).status == "cancelled"


def test_a_year_head_follows_the_internship_without_acting_in_it(world):
    year_head = school_staff(world.school, SchoolStaff.Role.YEAR_HEAD)
    internship = active(world)
    client = api(year_head)

    assert client.get(f"/api/v1/internships/{internship.pk}").status_code == 200
    assert client.post(f"/api/v1/internships/{internship.pk}/steps/6/validate").status_code == 403
    assert client.get(f"/api/v1/internships/{internship.pk}/evaluations/student").status_code == 404
