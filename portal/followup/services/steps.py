"""The steps of the label and the label itself.

Steps are copied from the step set of the internship's programme (else its organisation's, else the default)
when the internship is recorded. A step with an event completes by itself when the event happens; any other is
validated by its actor, once. Every crossing tells the actor of the next open step that it is their turn; when
every mandatory step is done the label becomes `eligible`, and the programme head awards it.

Each crossing is a conditional update (`done_at IS NULL`), so that two simultaneous validations record one.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import access
from portal.exceptions import AlreadyDone, InvalidTransition, NotVisible
from portal.followup import selectors
from portal.followup.choices import InternshipStatus, LabelState, Via
from portal.followup.errors import NotTheActor
from portal.followup.models import Internship, InternshipStep, StepSet
from portal.followup.services.common import locked, tell

# The steps validated by hand while the follow-up runs; after the final grade only the "after" steps are left.
OPEN_FOR_STEPS = (InternshipStatus.ACTIVE, InternshipStatus.COMPLETED)


def copy_steps(internship: Internship) -> list[InternshipStep]:
    """Copy the label's step set of the internship's programme into the internship (once, when it is recorded)."""
    step_set = StepSet.objects.for_scope(internship.school_id, internship.programme_id)
    definitions = list(step_set.steps.order_by("sort_order", "pk")) if step_set else []
    steps = []
    for position, definition in enumerate(definitions, start=1):
        step = InternshipStep(
            internship=internship,
            position=position,
            code=definition.code,
            title_fr=definition.title_fr,
            title_en=definition.title_en,
            phase=definition.phase,
            mandatory=definition.mandatory,
            actor=definition.actor,
            event=definition.event,
            due_anchor=definition.due_anchor,
            due_offset_days=definition.due_offset_days,
        )
        step.due_date = step.compute_due_date(internship)
        steps.append(step)
    return InternshipStep.objects.bulk_create(steps)


def move_due_dates(internship: Internship) -> None:
    """The steps' dates follow the internship's dates (an amendment changed them)."""
    changed = []
    for step in internship.steps.exclude(due_anchor=""):
        due = step.compute_due_date(internship)
        if due != step.due_date:
            step.due_date = due
            changed.append(step)
    InternshipStep.objects.bulk_update(changed, ["due_date"])


def _step_payload(step: InternshipStep) -> dict:
    return {"step_code": step.code, "step_title_fr": step.title_fr, "step_title_en": step.title_en}


def announce_next(internship: Internship, *, after: InternshipStep | None, by=None, key: str) -> None:
    """« C'est à vous »: the actor of the first open step learns that it is their turn (not the person acting)."""
    following = internship.steps.filter(done_at__isnull=True).order_by("position", "pk").first()
    if following is None:
        return
    crossed = _step_payload(after) if after else {}
    tell(
        "followup_your_turn",
        selectors.actor_users(internship, following.actor),
        key=key,
        internship=internship,
        exclude=by,
        **_step_payload(following),
        **{f"crossed_{name}": value for name, value in crossed.items()},
    )


def _cross(internship: Internship, step: InternshipStep, *, by, via: str) -> bool:
    """Mark the step done unless it is already: True if this call crossed it."""
    now = timezone.now()
    crossed = InternshipStep.objects.filter(pk=step.pk, done_at__isnull=True).update(
        done_at=now, done_by=by, done_via=via
    )
    if crossed:
        step.done_at, step.done_by, step.done_via = now, by, via
        announce_next(
            internship, after=step, by=by, key=f"followup_your_turn:{step.pk}:{now.strftime('%Y%m%d%H%M%S%f')}"
        )
    return bool(crossed)


@transaction.atomic
def validate_step(internship: Internship, code: str, *, by, via: str = Via.ACCOUNT) -> InternshipStep:
    """The step's actor validates it: 404 outside the internship, 403 for anybody but its actor, 409 for a step
    that completes by an event, one already done, or a follow-up that does not run."""
    roles = access.followup.require_roles(by, internship)
    step = internship.steps.filter(code=code).first()
    if step is None:
        raise NotVisible
    if not roles.is_actor(step.actor):
        raise NotTheActor(_("This step is validated by the %(actor)s.") % {"actor": step.get_actor_display().lower()})
    internship = locked(internship)
    if step.event:
        raise InvalidTransition(_("This step completes by itself when its event happens."))
    if internship.status not in OPEN_FOR_STEPS:
        raise InvalidTransition(_("The follow-up of this internship is not running."))
    if step.done_at or not _cross(internship, step, by=by, via=via):
        raise AlreadyDone(_("This step is already validated."))
    refresh_label(internship)
    return step


def complete_event(internship: Internship, event: str, *, by=None) -> list[InternshipStep]:
    """The event happened: the open steps it completes are done (inside the caller's transaction)."""
    crossed = []
    for step in internship.steps.filter(event=event, done_at__isnull=True).order_by("position"):
        if _cross(internship, step, by=by, via=Via.EVENT):
            crossed.append(step)
    if crossed:
        refresh_label(internship)
    return crossed


def reopen_event(internship: Internship, event: str) -> int:
    """The event was undone (a signature of the agreement): its steps are open again, and the label with them."""
    reopened = InternshipStep.objects.filter(internship=internship, event=event, done_at__isnull=False).update(
        done_at=None, done_by=None, done_via="", reminders_sent=0, last_reminded_at=None
    )
    if reopened:
        refresh_label(internship)
    return reopened


def refresh_label(internship: Internship) -> str:
    """`eligible` when every mandatory step is done, `none` otherwise; an awarded label stays awarded.

    The programme head learns that a label may be awarded."""
    if internship.label == LabelState.AWARDED:
        return internship.label
    open_mandatory = internship.steps.filter(mandatory=True, done_at__isnull=True).exists()
    wanted = LabelState.NONE if open_mandatory else LabelState.ELIGIBLE
    changed = Internship.objects.filter(pk=internship.pk).exclude(label=LabelState.AWARDED).exclude(label=wanted)
    if changed.update(label=wanted):
        internship.label = wanted
        if wanted == LabelState.ELIGIBLE:
            tell(
                "label_eligible",
                selectors.programme_heads(internship),
                key=f"label_eligible:{internship.pk}:{timezone.now().strftime('%Y%m%d%H%M%S%f')}",
                internship=internship,
            )
    return internship.label


@transaction.atomic
def award_label(internship: Internship, *, by) -> Internship:
    """The programme head awards the quality label: 403 for anybody else, 409 while a mandatory step is open or once
    awarded. The student, the company tutor and the company's administrators are told."""
    access.followup.require_roles(by, internship, lambda roles: roles.programme_head)
    internship = locked(internship)
    if internship.label == LabelState.AWARDED:
        raise AlreadyDone(_("The label is already awarded."))
    if internship.status == InternshipStatus.CANCELLED:
        raise InvalidTransition(_("This internship is cancelled."))
    missing = list(internship.steps.filter(Q(mandatory=True), done_at__isnull=True).order_by("position"))
    if missing:
        raise InvalidTransition(
            _("Mandatory steps are still open: %(steps)s.") % {"steps": ", ".join(step.code for step in missing)}
        )
    now = timezone.now()
    Internship.objects.filter(pk=internship.pk).update(
        label=LabelState.AWARDED, label_awarded_at=now, label_awarded_by=by
    )
    internship.label, internship.label_awarded_at, internship.label_awarded_by = LabelState.AWARDED, now, by
    tell(
        "label_awarded",
        [internship.student, *selectors.company_people(internship)],
        key=f"label_awarded:{internship.pk}",
        internship=internship,
        exclude=by,
    )
    return internship
