"""One internship's follow-up in the browser, from the accepted application to the awarded label, as the
SEMSEM-stages guide tells it: the company starts the follow-up, the student and the programme head agree, the three
parties sign the agreement (the company with the scan of the signed paper), the student writes the logbook and an
intermediate review that both tutors validate, each actor validates their steps, the company tutor evaluates the
intern, the programme head grades, the student evaluates the internship, and the label's certificate is downloaded.

The browser asks for English: the follow-up's French texts come with the catalogue, the journey's steps do not
depend on them.
"""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone, translation
from playwright.sync_api import expect
from pypdf import PdfReader

from portal.followup.models import Internship
from tests.browser.support import assert_accessible, browser_test, screenshot, sign_in
from tests.followup.fixtures import MANUAL_MANDATORY, build_world
from tests.recruitment.files import pdf_bytes

pytestmark = browser_test


@pytest.fixture
def world():
    return build_world()


def field(scope, label: str):
    """The form field labelled `label` (Django adds « : » after labels)."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*:?\s*$"))


def recipients() -> set[str]:
    found = {message.to[0] for message in mail.outbox}
    mail.outbox.clear()
    return found


def test_followup_journey_from_the_accepted_application_to_the_label(open_page, live_server, world, tmp_path):
    w = world
    tabs = {}
    for name in ("company_admin", "student", "programme_head", "company_tutor", "academic_tutor"):
        tabs[name] = open_page(locale="en-US")
        sign_in(tabs[name], getattr(w, name), live_server.url)
    admin, student, head, tutor, academic = (
        tabs[n] for n in ("company_admin", "student", "programme_head", "company_tutor", "academic_tutor")
    )
    start = timezone.localdate() - datetime.timedelta(days=60)
    end = timezone.localdate() + datetime.timedelta(days=7)

    # The company's administrator finds the accepted application in « Suivre mes stagiaires » and starts the follow-up
    admin.goto("/comptes/mon-compte/")
    admin.get_by_role("navigation", name=re.compile("Menu of")).get_by_role(
        "link", name="Overall follow-up of the interns"
    ).click()
    assert_accessible(admin)
    admin.get_by_role("link", name=re.compile("Start the follow-up")).click()
    field(admin, "Company tutor's e-mail").fill(w.company_tutor.email)
    field(admin, "Start date").fill(start.isoformat())
    field(admin, "End date").fill(end.isoformat())
    admin.get_by_role("button", name="Record the internship").click()
    expect(admin.locator(".page-header .status:not(.followup-label)")).to_have_text("Proposed")
    internship = Internship.objects.get()
    base = f"/suivi/{internship.pk}/"
    assert recipients() == {w.student.email, w.programme_head.email}

    # The student, then the programme head naming the academic tutor, agree: the follow-up starts
    student.goto(base)
    student.get_by_role("button", name="I agree to follow my internship on the portal").click()
    head.goto(base)
    field(head, "Academic tutor").select_option(label=w.academic_tutor.get_full_name())
    head.get_by_role("button", name="Agree and name the academic tutor").click()
    expect(head.locator(".page-header .status:not(.followup-label)")).to_have_text("Followed")
    assert recipients() == {w.student.email, w.company_tutor.email, w.academic_tutor.email, w.programme_head.email}
    assert_accessible(head)
    screenshot(head, "followup-01-steps")

    # The three parties sign the agreement; the company tutor uploads the scan of the signed paper
    scan = tmp_path / "convention-signee.pdf"
    scan.write_bytes(pdf_bytes("Convention signée"))
    for name in ("student", "company_tutor", "programme_head"):
        tab = tabs[name]
        tab.goto(base)
        tab.get_by_role("navigation", name="The internship").get_by_role("link", name="Agreement").click()
        if name == "company_tutor":
            field(tab, "Scan of the signed paper (optional)").set_input_files(str(scan))
        tab.get_by_role("button", name="Sign", exact=True).click()
        expect(tab.get_by_role("status")).to_contain_text("Your signature is recorded.")
    signatures = head.get_by_role("table", name="Signatures of the three parties")
    expect(signatures).to_contain_text("Signed on paper (scan)")
    expect(signatures).not_to_contain_text("awaited")
    assert_accessible(head)
    with head.expect_download() as download:
        head.get_by_role("link", name="Download the agreement (PDF)").click()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(download.value.path()).read_bytes())).pages)
    assert "Ben Amor" in text and "Talos Health Solutions" in text
    mail.outbox.clear()

    # The student writes in the logbook and an intermediate review; both tutors validate it
    student.goto(f"{base}journal/")
    field(student, "Date").fill(timezone.localdate().isoformat())
    field(student, "What I did, what I learnt, what puzzles me").fill("Installation du poste, première tâche.")
    student.get_by_role("button", name="Add to my logbook").click()
    expect(student.get_by_role("article")).to_contain_text("Installation du poste")
    student.goto(f"{base}bilans/")
    field(student, "My intermediate review").fill("À mi-parcours, tout se passe bien.")
    student.get_by_role("button", name="Send to my tutors").click()
    assert {w.company_tutor.email, w.academic_tutor.email} <= recipients()
    for tab in (tutor, academic):
        tab.goto(f"{base}bilans/")
        expect(tab.get_by_text("does not count in the final grade", exact=False)).to_be_visible()
        tab.get_by_role("button", name="I have read this review and validate it").click()
        expect(tab.get_by_role("status")).to_contain_text("Your validation of the review is recorded.")

    # Each actor validates their manual mandatory steps on the steps' page
    people = {"academic_tutor": academic, "company_tutor": tutor, "programme_head": head}
    for code, actor in MANUAL_MANDATORY.items():
        tab = people[actor]
        tab.goto(base)
        tab.get_by_role("button", name=re.compile(rf"^Validate\s+— Step {re.escape(code)}$")).click()
        expect(tab.get_by_role("status")).to_contain_text("The step is validated")
    assert recipients()  # each crossing tells the next actor

    # The company tutor evaluates the intern just before the end
    tutor.goto(f"{base}evaluations/")
    with translation.override("en"):
        company_criteria, student_criteria = internship.criteria("company"), internship.criteria("student")
    for criterion in company_criteria:
        tutor.get_by_role("group", name=criterion["label"]).get_by_label("4").check()
    field(tutor, "Comment").fill("Stagiaire autonome et rigoureux.")
    tutor.get_by_role("button", name="Send my evaluation").click()
    expect(tutor.get_by_role("status")).to_contain_text("Your evaluation is sent.")

    # The programme head sees it beside the final grade they record; the student is invited to evaluate
    head.goto(f"{base}evaluations/")
    expect(head.locator("#company-evaluation")).to_contain_text("Stagiaire autonome et rigoureux.")
    assert_accessible(head)
    field(head, "Final grade (out of 20)").fill("15.5")
    head.get_by_role("button", name="Record the final grade").click()
    assert recipients() >= {w.student.email}

    # The student evaluates the internship, confidentially
    student.goto(f"{base}evaluations/")
    for criterion in student_criteria:
        student.get_by_role("group", name=criterion["label"]).get_by_label("5").check()
    field(student, "Comment").fill("Secret : ambiance un peu tendue.")
    student.get_by_role("button", name="Send my confidential evaluation").click()
    expect(student.get_by_role("status")).to_contain_text("Your evaluation is sent.")
    expect(student.locator("main")).not_to_contain_text("ambiance un peu tendue")
    tutor.goto(f"{base}evaluations/")
    expect(tutor.locator("main")).not_to_contain_text("ambiance un peu tendue")
    head.goto(f"{base}evaluations/")
    expect(head.locator("#student-evaluation")).to_contain_text("ambiance un peu tendue")
    mail.outbox.clear()

    # Every mandatory step is done: the programme head awards the label, the student downloads the certificate
    head.goto(base)
    head.get_by_role("button", name="Award the quality label").click()
    expect(head.locator(".page-header")).to_contain_text("Awarded")
    assert recipients() == {w.student.email, w.company_tutor.email, w.company_admin.email}
    student.goto(base)
    with student.expect_download() as download:
        student.get_by_role("link", name="Download the certificate (PDF)").click()
    certificate = Path(download.value.path()).read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(certificate)).pages)
    assert "Ben Amor" in text and f"LBL-{internship.pk:05d}" in text
    screenshot(student, "followup-02-labelled")

    # The company's dashboard shows the internship with every mandatory step ticked, the label awarded
    admin.goto(f"/suivi/?company={w.company.pk}")
    row = admin.get_by_role("article").filter(has_text="BEN AMOR")
    expect(row.locator(".followup-label")).to_have_text("Awarded")
    expect(row.locator("progress")).to_have_attribute("value", str(internship.steps.filter(mandatory=True).count()))
    assert_accessible(admin)
