"""The demo's internships: one at each stage of the follow-up, brought there through the real services, no e-mail.

The first school's students do their internships at the demo company, tutored by its secondary contact, followed
by the demo tutor (academic tutor and programme head of the first school). The demo student's internship was
found outside the portal and recorded by the school; the others start from accepted spontaneous applications.
Dates are fixed around the demo's reference date, so the same seed draws the same follow-up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from portal.demo.documents import pdf_bytes
from portal.followup import services
from portal.followup.models import Internship
from portal.recruitment import services as recruitment

DATA = json.loads((Path(__file__).resolve().parent / "data" / "followup.json").read_text(encoding="utf-8"))

# What happens to an internship, in order; each stage of the demo goes up to one of them.
ACTIONS = (
    "student_agrees",
    "school_agrees",
    "student_signs",
    "company_signs",
    "school_signs",
    "steps_before",
    "logbook",
    "review",
    "company_validates_review",
    "academic_validates_review",
    "steps_during",
    "company_evaluation",
    "grade",
    "student_evaluation",
    "label",
)
# The manual steps of the default step set, by the phase in which they are crossed, and who crosses them.
STEPS_BEFORE = (("1", "student"), ("2", "academic"), ("4", "company"), ("5", "company"), ("6", "school"))
STEPS_DURING = (("7", "company"), ("9", "academic"), ("11bis", "academic"))


@dataclass(frozen=True)
class Stage:
    name: str
    start: date
    end: date
    last_action: str  # the last of ACTIONS done ("" for none)
    cancelled: bool = False


STAGES = (
    Stage("proposed", date(2027, 2, 1), date(2027, 6, 30), "student_agrees"),
    Stage("before the internship", date(2027, 1, 11), date(2027, 6, 11), "company_signs"),
    Stage("graded", date(2026, 2, 9), date(2026, 6, 26), "grade"),
    Stage("eligible for the label", date(2026, 2, 2), date(2026, 6, 19), "student_evaluation"),
    Stage("labelled", date(2026, 2, 2), date(2026, 7, 3), "label"),
    Stage("cancelled", date(2027, 3, 1), date(2027, 8, 31), "", cancelled=True),
)
# The demo student's own internship, under way.
UNDER_WAY = Stage("under way", date(2026, 10, 5), date(2027, 3, 26), "company_validates_review")


@dataclass
class People:
    company_admin: object
    company: object  # the company tutor
    school: object  # the programme head (and academic tutor)
    academic: object


def _scores(internship: Internship, audience: str, base: int) -> dict[str, int]:
    return {c["code"]: min(5, base + i % 2) for i, c in enumerate(internship.evaluation_criteria[audience])}


def _act(internship: Internship, action: str, student, people: People, number: int) -> None:
    internship = Internship.objects.get(pk=internship.pk)
    by = {"student": student, "company": people.company, "school": people.school, "academic": people.academic}
    if action == "student_agrees":
        services.internships.agree(internship, by=student)
    elif action == "school_agrees":
        services.internships.agree(internship, by=people.school, academic_tutor=people.academic)
    elif action in ("student_signs", "company_signs", "school_signs"):
        services.agreement.approve_agreement(internship, by=by[action.split("_")[0]])
    elif action in ("steps_before", "steps_during"):
        for code, actor in STEPS_BEFORE if action == "steps_before" else STEPS_DURING:
            if internship.steps.filter(code=code, done_at__isnull=True).exists():
                services.steps.validate_step(internship, code, by=by[actor])
    elif action == "logbook":
        for week, text in enumerate(DATA["journal_entries"]):
            day = internship.start_date + timedelta(days=7 * week)
            services.logbook.write_entry(internship, by=student, date=day, text=text)
    elif action == "review":
        services.logbook.write_review(internship, by=student, text=DATA["reviews"][0])
    elif action in ("company_validates_review", "academic_validates_review"):
        review = internship.reviews.order_by("number").last()
        services.logbook.validate_review(review, by=by[action.split("_")[0]])
    elif action == "company_evaluation":
        services.evaluations.send_company_evaluation(
            internship,
            by=people.company,
            scores=_scores(internship, "company", 3 + number % 2),
            comment=DATA["company_comments"][number % len(DATA["company_comments"])],
        )
    elif action == "grade":
        services.evaluations.record_grade(internship, by=people.school, grade=Decimal("13.5") + number)
    elif action == "student_evaluation":
        services.evaluations.send_student_evaluation(
            internship,
            by=student,
            scores=_scores(internship, "student", 4),
            comment=DATA["student_comments"][number % len(DATA["student_comments"])],
        )
    elif action == "label":
        services.steps.award_label(internship, by=people.school)


def _bring_to(internship: Internship, stage: Stage, student, people: People, number: int) -> None:
    if stage.last_action:
        for action in ACTIONS[: ACTIONS.index(stage.last_action) + 1]:
            _act(internship, action, student, people, number)
    if stage.cancelled:
        services.internships.cancel(internship, by=people.company_admin, reason=DATA["cancel_reason"])


def _accepted_application(student, company, admin):
    name = student.last_name.replace(" ", "_")
    application = recruitment.apply(
        student,
        company=company,
        message=DATA["application_message"],
        cv=SimpleUploadedFile(f"cv_{name}.pdf", pdf_bytes(f"CV - {student.get_full_name()}")),
        motivation_letter=SimpleUploadedFile(f"lettre_{name}.pdf", pdf_bytes(f"Lettre - {student.last_name}")),
    )
    recruitment.open_application(application, by=admin)
    return recruitment.change_status(application, "accepted", by=admin, comment="Bienvenue dans l'équipe !")


def create_internships(*, company, people: People, demo_student, students: list, tick=lambda n=1: None) -> list:
    """One internship per stage of `STAGES` for `students` (in order), and the demo student's under way.

    To be called inside `without_notifications()`."""
    created = []
    recorded = services.internships.record(
        demo_student,
        company=company,
        company_tutor=services.internships.Tutor(people.company.email),
        start_date=UNDER_WAY.start,
        end_date=UNDER_WAY.end,
        title=DATA["recorded_internship"]["title"],
        mission=DATA["recorded_internship"]["mission"],
        by=people.school,
    )
    _bring_to(recorded, UNDER_WAY, demo_student, people, 0)
    created.append(recorded)
    tick(1)
    for number, (stage, student) in enumerate(zip(STAGES, students, strict=False), start=1):
        application = _accepted_application(student, company, people.company_admin)
        internship = services.internships.start(
            application,
            company_tutor=services.internships.Tutor(people.company.email),
            start_date=stage.start,
            end_date=stage.end,
            by=people.company_admin,
        )
        _bring_to(internship, stage, student, people, number)
        created.append(internship)
        tick(1)
    return created
