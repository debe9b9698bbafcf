"""The people of an internship's follow-up, and internships brought to each stage through the real services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from portal.accounts.models import SchoolStaff, User
from portal.followup import services
from portal.followup.models import Internship
from portal.notifications.services import without_notifications
from portal.recruitment.models import Application
from portal.reference.choices import ApplicationStatus
from tests.factories import (
    CompanyFactory,
    ProgrammeFactory,
    SchoolFactory,
    company_admin,
    school_staff,
    secondary_contact,
    student,
)
from tests.recruitment.fixtures import published_offer

# The manual mandatory steps of the default step set, by actor (portal/followup/migrations/0002).
MANUAL_MANDATORY = {"2": "academic_tutor", "5": "company_tutor", "6": "programme_head", "11bis": "academic_tutor"}


@dataclass
class World:
    school: object
    programme: object
    company: object
    offer: object
    student: User
    company_admin: User
    author: User
    company_tutor: User
    programme_head: User
    academic_tutor: User
    other_student: User
    other_company_admin: User
    other_school_head: User
    application: Application


def build_world() -> World:
    school = SchoolFactory(title="École d'ingénieurs de Sfax")
    programme = ProgrammeFactory(organisation=school, name="Génie logiciel")
    company = CompanyFactory(title="Talos Health Solutions")
    admin = company_admin(company, email="admin@talos.test", first_name="Aurélie", last_name="Hogge")
    author = secondary_contact(company, can_create_offers=True, email="author@talos.test")
    tutor = secondary_contact(company, email="tutor@talos.test", first_name="Valentin", last_name="Bouquet")
    offer = published_offer(company, author, title="Développeur web Django")
    learner = student(programme, email="ines@student.test", first_name="Inès", last_name="Ben Amor")
    head = school_staff(
        school,
        SchoolStaff.Role.PROGRAMME_HEAD,
        programme=programme,
        email="head@school.test",
        first_name="Anne",
        last_name="Lemaire",
    )
    academic = school_staff(
        school,
        SchoolStaff.Role.ACADEMIC_TUTOR,
        programme=programme,
        email="academic@school.test",
        first_name="Hakim",
        last_name="Sharif",
    )
    other_school = SchoolFactory(title="Autre école")
    other_company = CompanyFactory(title="Autre entreprise")
    application = Application.objects.create(
        student=learner, offer=offer, company=company, status=ApplicationStatus.ACCEPTED
    )
    return World(
        school=school,
        programme=programme,
        company=company,
        offer=offer,
        student=learner,
        company_admin=admin,
        author=author,
        company_tutor=tutor,
        programme_head=head,
        academic_tutor=academic,
        other_student=student(programme, email="other@student.test"),
        other_company_admin=company_admin(other_company, email="admin@other.test"),
        other_school_head=school_staff(other_school, SchoolStaff.Role.PROGRAMME_HEAD, email="head@other.test"),
        application=application,
    )


def dates(days_before_today: int = 60, days_after_today: int = 7) -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    return today - datetime.timedelta(days=days_before_today), today + datetime.timedelta(days=days_after_today)


def proposed(world: World, **dates_) -> Internship:
    start, end = dates(**dates_)
    return services.internships.start(
        world.application,
        company_tutor=services.internships.Tutor(world.company_tutor.email),
        start_date=start,
        end_date=end,
        by=world.company_admin,
    )


def active(world: World, **dates_) -> Internship:
    """An internship whose follow-up runs (both agreed), set up without any e-mail."""
    with without_notifications():
        internship = proposed(world, **dates_)
        services.internships.agree(internship, by=world.student)
        services.internships.agree(internship, by=world.programme_head, academic_tutor=world.academic_tutor)
    return Internship.objects.get(pk=internship.pk)


def actor(world: World, name: str) -> User:
    return getattr(world, name)


def labelled_ready(world: World) -> Internship:
    """An active internship with every mandatory step done but the label (eligible), set up without e-mail."""
    internship = active(world)
    with without_notifications():
        for party_user in (world.student, world.company_tutor, world.programme_head):
            services.agreement.approve_agreement(internship, by=party_user)
        services.logbook.write_entry(internship, by=world.student, date=timezone.localdate(), text="Jour 1")
        review = services.logbook.write_review(internship, by=world.student, text="Tout va bien.")
        services.logbook.validate_review(review, by=world.company_tutor)
        services.logbook.validate_review(review, by=world.academic_tutor)
        for code, name in MANUAL_MANDATORY.items():
            services.steps.validate_step(internship, code, by=actor(world, name))
        scores = {c["code"]: 4 for c in internship.evaluation_criteria["company"]}
        services.evaluations.send_company_evaluation(internship, by=world.company_tutor, scores=scores, comment="Bien")
        services.evaluations.record_grade(internship, by=world.programme_head, grade="15.5")
        scores = {c["code"]: 5 for c in internship.evaluation_criteria["student"]}
        services.evaluations.send_student_evaluation(
            internship, by=world.student, scores=scores, comment="CONFIDENTIEL: ambiance pesante"
        )
    return Internship.objects.get(pk=internship.pk)
