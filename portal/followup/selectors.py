"""Reading the follow-up: each person's internships (the dashboard and the menus' pages), one internship's parts,
who is each actor, and what is due — every list filtered by the access rules in the database, in a constant
number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet

from cms_pages.models import OrganisationPage, Programme
from portal import access
from portal.accounts.models import Membership, SchoolStaff, Student, User
from portal.accounts.selectors import company_admins
from portal.followup.choices import Actor, Audience, InternshipStatus, LabelState, Phase
from portal.followup.models import (
    Amendment,
    Evaluation,
    Internship,
    InternshipStep,
    JournalComment,
    JournalEntry,
    Review,
    Signature,
)
from portal.recruitment.models import Application
from portal.reference.choices import ApplicationStatus


def visible_to(user) -> QuerySet[Internship]:
    """Every internship `user` may read."""
    return Internship.objects.filter(access.followup.visible_q(user))


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters: academic year (its first calendar year), programme, company, label state, status."""

    year: int | None = None
    programme: int | None = None
    company: int | None = None
    label: str = ""
    status: str = ""


def dashboard(user, filters: Filters = Filters()) -> QuerySet[Internship]:
    """« Suivi global des stagiaires »: the internships in the person's scope, filtered, with their steps and
    signatures (a constant number of queries, whatever their number)."""
    internships = visible_to(user)
    if filters.year:
        internships = internships.filter(academic_year=filters.year)
    if filters.programme:
        internships = internships.filter(programme_id=filters.programme)
    if filters.company:
        internships = internships.filter(company_id=filters.company)
    if filters.label in LabelState.values:
        internships = internships.filter(label=filters.label)
    if filters.status in InternshipStatus.values:
        internships = internships.filter(status=filters.status)
    return internships.for_listing().order_by("-academic_year", "student__last_name", "student__first_name", "pk")


def filter_choices(user) -> dict[str, list]:
    """The values the dashboard's filters offer: those present in the person's scope (three queries)."""
    scope = visible_to(user).order_by()
    years = sorted(set(scope.values_list("academic_year", flat=True)), reverse=True)
    programmes = Programme.objects.filter(Exists(scope.filter(programme_id=OuterRef("pk")))).order_by("name")
    companies = OrganisationPage.objects.filter(
        Exists(scope.filter(company_id=OuterRef("pk")))
        | Exists(Membership.objects.filter(user=user, organisation=OuterRef("pk")))
        if user.is_authenticated
        else Exists(scope.filter(company_id=OuterRef("pk")))
    ).order_by("title")
    return {
        "years": [(year, f"{year}-{year + 1}") for year in years],
        "programmes": [(programme.pk, programme.name) for programme in programmes],
        "companies": [(company.pk, company.title) for company in companies],
    }


def detail(user, internship_id: int) -> Internship | None:
    """One internship the person may read, with what its pages show, or None."""
    return visible_to(user).for_listing().select_related("application").filter(pk=internship_id).first()


def internship(internship_id: int) -> Internship | None:
    """One internship, whoever asks (for the tutor's link, whose access rule is checked by the caller)."""
    return Internship.objects.for_listing().filter(pk=internship_id).first()


def accepted_to_start(user, company=None) -> QuerySet[Application]:
    """The accepted applications the person's company side manages whose follow-up has not been started."""
    applications = Application.objects.filter(
        access.applications.company_q(user), status=ApplicationStatus.ACCEPTED, internship__isnull=True
    )
    if company is not None:
        applications = applications.filter(company=company)
    return applications.for_listing()


def followed_students(user) -> QuerySet[Student]:
    """The students whose internships found outside the portal the person may record."""
    return (
        Student.objects.filter(access.followup.followed_students_q(user))
        .select_related("user", "school", "programme")
        .order_by("user__last_name", "user__first_name")
    )


def academic_tutor_candidates(internship: Internship) -> QuerySet[User]:
    """Staff of the student's training organisation who follow them: who may be named academic tutor."""
    scope = Q(school_id=internship.school_id) & (Q(programme__isnull=True) | Q(programme_id=internship.programme_id))
    return (
        User.objects.filter(is_active=True)
        .filter(Exists(SchoolStaff.objects.filter(scope, user=OuterRef("pk"))))
        .order_by("last_name", "first_name")
    )


def programme_heads(internship: Internship) -> list[User]:
    """The heads of the internship's programme: the one who agreed to the follow-up, else all of them."""
    if internship.programme_head_id and internship.programme_head.is_active:
        return [internship.programme_head]
    scope = Q(programme__isnull=True)
    if internship.programme_id:
        scope |= Q(programme_id=internship.programme_id)
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Exists(
                SchoolStaff.objects.filter(
                    scope, user=OuterRef("pk"), school_id=internship.school_id, role=SchoolStaff.Role.PROGRAMME_HEAD
                )
            )
        )
        .order_by("pk")
    )


def actor_users(internship: Internship, actor: str) -> list[User]:
    """The people who act as `actor` in the internship (whom its steps concern)."""
    if actor == Actor.PROGRAMME_HEAD:
        return programme_heads(internship)
    person = {
        Actor.STUDENT: internship.student,
        Actor.COMPANY_TUTOR: internship.company_tutor,
        Actor.ACADEMIC_TUTOR: internship.academic_tutor,
    }.get(actor)
    return [person] if person is not None and person.is_active else []


def parties(internship: Internship) -> list[User]:
    """Everybody the follow-up writes to: the student, both tutors and the programme head(s)."""
    people = [internship.student, internship.company_tutor, internship.academic_tutor, *programme_heads(internship)]
    seen, found = set(), []
    for person in people:
        if person is not None and person.is_active and person.pk not in seen:
            seen.add(person.pk)
            found.append(person)
    return found


def company_people(internship: Internship) -> list[User]:
    """The company tutor and the company's administrators."""
    return [internship.company_tutor, *company_admins(internship.company_id)]


# One internship's parts


def steps(internship: Internship) -> list[InternshipStep]:
    return list(internship.steps.select_related("done_by").order_by("position", "pk"))


def journal(internship: Internship) -> QuerySet[JournalEntry]:
    comments = JournalComment.objects.select_related("author")
    return internship.journal.select_related("author").prefetch_related(Prefetch("comments", queryset=comments))


def reviews(internship: Internship) -> QuerySet[Review]:
    return internship.reviews.select_related("author", "company_validated_by", "academic_validated_by")


def evaluation(internship: Internship, audience: str) -> Evaluation | None:
    return internship.evaluations.filter(audience=audience).select_related("sent_by").first()


def company_evaluation(internship: Internship) -> Evaluation | None:
    return evaluation(internship, Audience.COMPANY)


def sent_evaluations(internship: Internship) -> set[str]:
    """Which evaluations were sent (their content aside): {"company", "student"}."""
    return set(internship.evaluations.values_list("audience", flat=True))


def signatures(internship: Internship, amendment: Amendment | None = None) -> QuerySet[Signature]:
    """Every signature of the agreement (or of an amendment), undone ones included, oldest first."""
    return internship.signatures.filter(amendment=amendment).select_related("signed_by", "undone_by")


def amendments(internship: Internship) -> QuerySet[Amendment]:
    signatures_ = Signature.objects.filter(undone_at__isnull=True).select_related("signed_by")
    return internship.amendments.select_related("proposed_by").prefetch_related(
        Prefetch("signatures", queryset=signatures_)
    )


# Badges: the labelled internships a company or a student can show


def labelled_count(company) -> int:
    return Internship.objects.filter(company=company, label=LabelState.AWARDED).count()


def labelled_count_for_student(student_user) -> int:
    return Internship.objects.filter(student=student_user, label=LabelState.AWARDED).count()


# What is due (the reminders)


def phase_started_q(today: datetime.date) -> Q:
    """Steps whose phase has started: before, once the follow-up is active; during, from the first day; after, from
    the last day."""
    return (
        Q(phase=Phase.BEFORE)
        | Q(phase=Phase.DURING, internship__start_date__lte=today)
        | Q(phase=Phase.AFTER, internship__end_date__lte=today)
    )


def due_steps(today: datetime.date) -> QuerySet[InternshipStep]:
    """The open steps of the followed internships that are due: their phase has started or their date has passed.

    After the end, only the steps of the "after" phase still concern a completed internship."""
    followed = Q(internship__status=InternshipStatus.ACTIVE) | Q(
        internship__status=InternshipStatus.COMPLETED, phase=Phase.AFTER
    )
    return (
        InternshipStep.objects.filter(followed, done_at__isnull=True)
        .filter(phase_started_q(today) | Q(due_date__lte=today))
        .select_related("internship", "internship__student", "internship__company_tutor", "internship__academic_tutor")
        .select_related("internship__programme_head", "internship__company")
        .order_by("internship_id", "position")
    )


def silent_logbooks(today: datetime.date, *, days: int) -> QuerySet[Internship]:
    """The internships under way whose logbook has had no entry for `days` days (or none since the start)."""
    return (
        Internship.objects.running()
        .filter(start_date__lte=today - datetime.timedelta(days=days), end_date__gte=today)
        .annotate(last_entry=Max("journal__date"))
        .filter(Q(last_entry__isnull=True) | Q(last_entry__lte=today - datetime.timedelta(days=days)))
        .select_related("student", "company_tutor", "academic_tutor")
        .order_by("pk")
    )
