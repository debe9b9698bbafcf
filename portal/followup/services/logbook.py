"""What the student writes during the internship: the logbook, commented by the tutors, and the intermediate
reviews, each validated separately by the company tutor and the academic tutor (it does not count in the grade).

The first logbook entry, a review written and a review validated by both tutors complete their steps.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import access
from portal.exceptions import AlreadyDone, NotVisible, PortalError
from portal.followup.choices import InternshipStatus, StepEvent
from portal.followup.errors import NotTheActor
from portal.followup.models import Internship, JournalComment, JournalEntry, Review
from portal.followup.services.common import clean_text, locked, require_status, tell
from portal.followup.services.steps import complete_event


@transaction.atomic
def write_entry(internship: Internship, *, by, date: datetime.date | None, text: str) -> JournalEntry:
    """The student writes a dated logbook entry while the follow-up runs; both tutors read it.

    Refusals: not the student (403), the follow-up not running (409), no date, a date outside the internship or
    in the future, an empty text (400)."""
    access.followup.require_roles(by, internship, lambda roles: roles.student)
    internship = locked(internship)
    require_status(internship, InternshipStatus.ACTIVE)
    text = clean_text(text, field="text", required=True)
    if date is None:
        raise PortalError(_("Give the date of the entry."), field="date")
    if date > timezone.localdate():
        raise PortalError(_("An entry tells what happened: its date cannot be in the future."), field="date")
    if not internship.start_date <= date <= internship.end_date:
        raise PortalError(_("The date must lie within the internship."), field="date")
    entry = JournalEntry.objects.create(internship=internship, date=date, text=text, author=by)
    complete_event(internship, StepEvent.FIRST_JOURNAL_ENTRY, by=by)
    return entry


@transaction.atomic
def comment_entry(entry: JournalEntry, *, by, text: str) -> JournalComment:
    """A tutor comments an entry; the student is told. Refusals: anybody but the two tutors (403), empty (400)."""
    internship = entry.internship
    access.followup.require_roles(by, internship, lambda roles: roles.tutor)
    text = clean_text(text, field="text", required=True)
    comment = JournalComment.objects.create(entry=entry, author=by, text=text)
    tell(
        "journal_comment",
        [internship.student],
        key=f"journal_comment:{comment.pk}",
        internship=internship,
        page="journal",
        exclude=by,
        author=by.get_full_name() or by.email,
        entry_date=entry.date.isoformat(),
        comment=text,
    )
    return comment


@transaction.atomic
def write_review(internship: Internship, *, by, text: str) -> Review:
    """The student writes an intermediate review (one or more); both tutors are asked to validate it."""
    access.followup.require_roles(by, internship, lambda roles: roles.student)
    internship = locked(internship)
    require_status(internship, InternshipStatus.ACTIVE)
    text = clean_text(text, field="text", required=True)
    number = (internship.reviews.aggregate(last=Max("number"))["last"] or 0) + 1
    review = Review.objects.create(internship=internship, number=number, text=text, author=by)
    complete_event(internship, StepEvent.REVIEW_WRITTEN, by=by)
    tell(
        "review_written",
        [internship.company_tutor, internship.academic_tutor],
        key=f"review_written:{review.pk}",
        internship=internship,
        page="reviews",
        exclude=by,
        review=number,
    )
    return review


def review_of(internship: Internship, review_id: int) -> Review:
    review = internship.reviews.filter(pk=review_id).first()
    if review is None:
        raise NotVisible
    return review


@transaction.atomic
def validate_review(review: Review, *, by) -> Review:
    """The company tutor, or the academic tutor, validates the review; once both have, its step completes.

    Refusals: anybody but the two tutors (403), validated already by this tutor (409), the follow-up over (409)."""
    internship = review.internship
    roles = access.followup.require_roles(by, internship)
    if not roles.tutor:
        raise NotTheActor(_("An intermediate review is validated by the company tutor and the academic tutor."))
    internship = locked(internship)
    require_status(internship, InternshipStatus.ACTIVE, InternshipStatus.COMPLETED)
    now = timezone.now()
    sides = [side for side, holds in (("company", roles.company_tutor), ("academic", roles.academic_tutor)) if holds]
    validated = 0
    for side in sides:
        validated += Review.objects.filter(pk=review.pk, **{f"{side}_validated_at__isnull": True}).update(
            **{f"{side}_validated_at": now, f"{side}_validated_by": by}
        )
    if not validated:
        raise AlreadyDone(_("You have already validated this review."))
    review.refresh_from_db()
    if review.fully_validated:
        complete_event(internship, StepEvent.REVIEW_VALIDATED, by=by)
    return review
