"""One internship through the API, from the accepted application to the awarded label, with the e-mails of each step."""

import datetime
import io

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from portal.followup.models import Internship
from tests.followup.fixtures import MANUAL_MANDATORY, active, dates
from tests.recruitment.files import pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(api_client, django_capture_on_commit_callbacks):
    """Send a request as `user`, run the e-mails it enqueues, and return the answer and {recipient: [subjects]}."""

    def send(user, method, path, data=None, **options):
        mail.outbox.clear()
        api_client.force_authenticate(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = getattr(api_client, method)(f"/api/v1{path}", data, **options)
        sent = {}
        for message in mail.outbox:
            sent.setdefault(message.to[0], []).append(message.subject)
        return response, sent

    return send


def pdf_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_an_internship_goes_from_the_accepted_application_to_the_awarded_label(world, call):
    w = world
    start, end = dates(days_before_today=60, days_after_today=7)

    # Given an accepted application, when the company's administrator starts the internship naming a new tutor
    response, sent = call(
        w.company_admin,
        "post",
        "/internships",
        {
            "application": w.application.pk,
            "company_tutor": "new.tutor@talos.test",
            "company_tutor_first_name": "Nadia",
            "company_tutor_last_name": "Trabelsi",
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
        },
        format="json",
    )
    # then it is proposed, the tutor is invited as a contact, the student and the programme head are asked to agree
    assert response.status_code == 201, response.data
    assert response.data["status"] == "proposed" and response.data["label"] == "none"
    internship_id = response.data["id"]
    assert response.data["company_tutor"]["email"] == "new.tutor@talos.test"
    assert set(sent) == {"new.tutor@talos.test", w.student.email, w.programme_head.email}
    invitation = next(m.body for m in mail.outbox if m.to == ["new.tutor@talos.test"])
    assert "/comptes/mot-de-passe/nouveau/" in invitation  # the set-password link
    assert [s["phase"] for s in response.data["steps"]][:1] == ["before"]
    tutor = Internship.objects.get(pk=internship_id).company_tutor
    tutor.set_password("Tutor-Password-42")
    tutor.save()

    # When the student agrees, then the programme head agrees naming the academic tutor, the follow-up starts
    response, sent = call(w.student, "post", f"/internships/{internship_id}/agree")
    assert response.status_code == 200 and response.data["status"] == "proposed"
    assert sent == {}
    response, sent = call(
        w.programme_head, "post", f"/internships/{internship_id}/agree", {"academic_tutor": w.academic_tutor.pk}
    )
    assert response.status_code == 200, response.data
    assert response.data["status"] == "active"
    assert response.data["academic_tutor"]["id"] == w.academic_tutor.pk
    assert set(sent) == {w.student.email, tutor.email, w.academic_tutor.email, w.programme_head.email}
    # the student, actor of the first step, learns it is their turn
    assert len(sent[w.student.email]) == 2

    # The three parties sign the agreement: the company tutor with the scan of the signed paper
    response, sent = call(w.student, "post", f"/internships/{internship_id}/agreement/approve", {}, format="json")
    assert response.status_code == 201 and response.data["method"] == "online"
    assert set(sent) == {tutor.email, w.programme_head.email}
    scan = upload("convention-signee.pdf", pdf_bytes("Convention signée"))
    response, sent = call(
        tutor, "post", f"/internships/{internship_id}/agreement/approve", {"scan": scan}, format="multipart"
    )
    assert response.status_code == 201 and response.data["method"] == "scan", response.data
    response, sent = call(w.programme_head, "post", f"/internships/{internship_id}/agreement/approve")
    assert response.status_code == 201
    # all parties learn it is signed; step 3 completed by itself
    assert {w.student.email, tutor.email, w.academic_tutor.email} <= set(sent)
    detail, _ = call(w.student, "get", f"/internships/{internship_id}")
    steps = {step["code"]: step for step in detail.data["steps"]}
    assert steps["3"]["done_at"] and steps["3"]["done_by_event"]
    assert all(detail.data["agreement"]["approved_by"].values())
    document, _ = call(tutor, "get", f"/internships/{internship_id}/agreement")
    assert document.status_code == 200 and document["Content-Type"] == "application/pdf"
    text = pdf_text(document)
    assert "Convention de stage" in text and "Ben Amor" in text and "Talos Health Solutions" in text
    assert "Trabelsi" in text

    # The student writes in the logbook and an intermediate review; both tutors validate it
    response, _ = call(
        w.student,
        "post",
        f"/internships/{internship_id}/journal",
        {"date": timezone.localdate().isoformat(), "text": "J'ai installé l'environnement."},
    )
    assert response.status_code == 201
    response, sent = call(w.student, "post", f"/internships/{internship_id}/reviews", {"text": "Bilan : tout va bien."})
    assert response.status_code == 201
    review_id = response.data["id"]
    assert {tutor.email, w.academic_tutor.email} <= set(sent)
    response, _ = call(tutor, "post", f"/internships/{internship_id}/reviews/{review_id}/validate")
    assert response.status_code == 200 and not response.data["validated"]
    again, _ = call(tutor, "post", f"/internships/{internship_id}/reviews/{review_id}/validate")
    assert again.status_code == 409
    response, _ = call(w.academic_tutor, "post", f"/internships/{internship_id}/reviews/{review_id}/validate")
    assert response.status_code == 200 and response.data["validated"]
    assert response.data["counts_in_grade"] is False

    # Each manual mandatory step is validated by its actor, and by nobody else
    wrong, _ = call(w.student, "post", f"/internships/{internship_id}/steps/5/validate")
    assert wrong.status_code == 403
    people = {"academic_tutor": w.academic_tutor, "company_tutor": tutor, "programme_head": w.programme_head}
    for code, actor in MANUAL_MANDATORY.items():
        response, sent = call(people[actor], "post", f"/internships/{internship_id}/steps/{code}/validate")
        assert response.status_code == 200, (code, response.data)
        assert response.data["done_by"]["id"] == people[actor].pk
    twice, _ = call(w.programme_head, "post", f"/internships/{internship_id}/steps/6/validate")
    assert twice.status_code == 409

    # The label cannot be awarded while the evaluations are missing
    early, _ = call(w.programme_head, "post", f"/internships/{internship_id}/label")
    assert early.status_code == 409 and "12" in early.data["detail"]

    # The company tutor evaluates the intern just before the end; the programme head sees it and grades
    criteria = detail.data["evaluation_criteria"]["company"]
    scores = {criterion["code"]: 4 for criterion in criteria}
    wrong, _ = call(
        w.student, "post", f"/internships/{internship_id}/evaluations/company", {"scores": scores}, format="json"
    )
    assert wrong.status_code == 403
    response, _ = call(
        tutor,
        "post",
        f"/internships/{internship_id}/evaluations/company",
        {"scores": scores, "comment": "Très bien"},
        format="json",
    )
    assert response.status_code == 201, response.data
    again, _ = call(
        tutor, "post", f"/internships/{internship_id}/evaluations/company", {"scores": scores}, format="json"
    )
    assert again.status_code == 409
    seen, _ = call(w.programme_head, "get", f"/internships/{internship_id}/evaluations/company")
    assert seen.status_code == 200 and seen.data["scores"] == scores and seen.data["average"] == 4.0
    response, sent = call(
        w.programme_head, "post", f"/internships/{internship_id}/grade", {"grade": 15.5}, format="json"
    )
    assert response.status_code == 200, response.data
    assert response.data["status"] == "completed" and response.data["final_grade"] == "15.50"
    # the student is invited to evaluate the internship
    assert set(sent) >= {w.student.email}

    # The student's confidential evaluation: read by the programme head alone
    student_scores = {criterion["code"]: 5 for criterion in detail.data["evaluation_criteria"]["student"]}
    response, sent = call(
        w.student,
        "post",
        f"/internships/{internship_id}/evaluations/student",
        {"scores": student_scores, "comment": "Ambiance confidentielle"},
        format="json",
    )
    assert response.status_code == 201
    assert all("Ambiance confidentielle" not in m.body for m in mail.outbox)
    read, _ = call(w.programme_head, "get", f"/internships/{internship_id}/evaluations/student")
    assert read.status_code == 200 and read.data["comment"] == "Ambiance confidentielle"
    for other in (w.student, tutor, w.academic_tutor, w.company_admin):
        refused, _ = call(other, "get", f"/internships/{internship_id}/evaluations/student")
        assert refused.status_code == 404

    # Every mandatory step is done: the label is eligible, the programme head awards it
    detail, _ = call(w.student, "get", f"/internships/{internship_id}")
    assert detail.data["label"] == "eligible"
    assert detail.data["progress"]["done"] == detail.data["progress"]["total"]
    response, sent = call(w.programme_head, "post", f"/internships/{internship_id}/label")
    assert response.status_code == 200 and response.data["label"] == "awarded"
    assert set(sent) == {w.student.email, tutor.email, w.company_admin.email}
    again, _ = call(w.programme_head, "post", f"/internships/{internship_id}/label")
    assert again.status_code == 409

    # Both the student and the company download the certificate
    for reader in (w.student, w.company_admin):
        certificate, _ = call(reader, "get", f"/internships/{internship_id}/certificate")
        assert certificate.status_code == 200
        text = pdf_text(certificate)
        assert "Ben Amor" in text and "Talos Health Solutions" in text and f"LBL-{internship_id:05d}" in text


def test_the_evaluation_is_refused_before_the_end_approaches(world, call):
    start = timezone.localdate() - datetime.timedelta(days=10)
    end = timezone.localdate() + datetime.timedelta(days=60)
    internship = active(world, days_before_today=10, days_after_today=60)
    assert (internship.start_date, internship.end_date) == (start, end)
    scores = {criterion["code"]: 3 for criterion in internship.evaluation_criteria["company"]}

    response, sent = call(
        world.company_tutor,
        "post",
        f"/internships/{internship.pk}/evaluations/company",
        {"scores": scores},
        format="json",
    )

    assert response.status_code == 409
    assert "opens on" in response.data["detail"] or "ouvre" in response.data["detail"]
    assert not internship.evaluations.exists()
