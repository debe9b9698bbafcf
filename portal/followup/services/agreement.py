"""The internship agreement ("convention de stage") and its amendments ("avenants").

The three parties — the student, the company (its tutor or an administrator), the school (the programme head) —
each record their signature, online (who, when) or with the scan of the signed paper. The school may undo a
signature, which its party then gives again. When the three have signed, the agreement's step completes.
An amendment to the dates, the tutor or the mission goes through the same approvals and, once the three have
approved it, updates the internship.

One standing signature per party is enforced by the database: of two simultaneous approvals, one lands.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import access
from portal.exceptions import AlreadyDone, InvalidTransition, PortalError
from portal.followup import scans, selectors
from portal.followup.choices import AmendmentStatus, InternshipStatus, LabelState, Party, SignatureMethod, StepEvent
from portal.followup.errors import NotTheActor
from portal.followup.models import Amendment, Internship, Signature
from portal.followup.services.common import check_dates, clean_text, locked, require_status, tell
from portal.followup.services.internships import Tutor, contact_for
from portal.followup.services.steps import complete_event, move_due_dates, reopen_event
from portal.recruitment.documents import private_storage

# The agreement may be signed after the internship (one recorded after the fact, a signature undone); amendments
# change a follow-up that runs.
SIGNABLE = (InternshipStatus.PROPOSED, InternshipStatus.ACTIVE, InternshipStatus.COMPLETED)
AMENDABLE = (InternshipStatus.PROPOSED, InternshipStatus.ACTIVE)


def _party(roles, party: str | None) -> str:
    if not roles.parties:
        raise NotTheActor(_("The agreement is signed by the student, the company and the programme head."))
    if party:
        if party not in roles.parties:
            raise NotTheActor(_("You do not sign for this party."))
        return party
    if len(roles.parties) > 1:
        raise PortalError(_("Say for which party you sign."), field="party")
    return roles.parties[0]


def people_of(internship: Internship, party: str) -> list:
    """Who signs for `party` (and is told when their signature is awaited)."""
    if party == Party.STUDENT:
        return [internship.student]
    if party == Party.COMPANY:
        return [internship.company_tutor]
    return selectors.programme_heads(internship)


def _signed(internship: Internship, amendment: Amendment | None) -> set[str]:
    return set(
        Signature.objects.filter(internship=internship, amendment=amendment, undone_at__isnull=True).values_list(
            "party", flat=True
        )
    )


def _sign(internship: Internship, amendment, *, party: str, by, scan, written: list) -> tuple[Signature, set[str]]:
    """Record the signature (inside the caller's transaction); returns it and the parties that have signed."""
    if party in _signed(internship, amendment):
        raise AlreadyDone(_("This party has already signed."))
    signature = Signature(
        internship=internship,
        amendment=amendment,
        party=party,
        method=SignatureMethod.SCAN if scan else SignatureMethod.ONLINE,
        signed_by=by,
    )
    if scan:
        scans.store(scan, signature)
        written.append(signature.scan.name)
    with transaction.atomic():
        signature.save()
    signed = _signed(internship, amendment)
    waiting = [person for party_ in Party.values if party_ not in signed for person in people_of(internship, party_)]
    document = {"amendment": amendment.number} if amendment else {}
    tell(
        "agreement_signed",
        waiting if len(signed) < len(Party.values) else selectors.parties(internship),
        key=f"agreement_signed:{signature.pk}",
        internship=internship,
        page="agreement",
        exclude=by,
        party=party,
        complete=len(signed) == len(Party.values),
        **document,
    )
    return signature, signed


def _signing(run):
    """Run a signature's transaction; the scan written for it is removed again if it does not land."""
    written: list[str] = []
    try:
        with transaction.atomic():
            return run(written)
    except IntegrityError as error:  # a simultaneous signature of the same party landed first
        for name in written:
            private_storage.delete(name)
        raise AlreadyDone(_("This party has already signed.")) from error
    except BaseException:
        for name in written:
            private_storage.delete(name)
        raise


def approve_agreement(internship: Internship, *, by, party: str | None = None, scan=None) -> Signature:
    """A party approves the agreement, online or with the scan of the signed paper (PDF, JPEG or PNG).

    Refusals: outside the internship (404), not a party (403), signed already (409), the follow-up over (409), a
    refused scan (400, 413, 415). When the third party signs, the agreement's step completes."""
    roles = access.followup.require_roles(by, internship)
    party = _party(roles, party)
    checked = scans.check_scan(scan) if scan else None

    def run(written):
        locked_ = locked(internship)
        require_status(locked_, *SIGNABLE)
        signature, signed = _sign(locked_, None, party=party, by=by, scan=checked, written=written)
        if len(signed) == len(Party.values):
            complete_event(locked_, StepEvent.AGREEMENT_SIGNED, by=by)
        return signature

    return _signing(run)


@transaction.atomic
def undo_signature(internship: Internship, party: str, *, by, amendment: Amendment | None = None) -> Signature:
    """The school undoes a party's signature (a wrong scan, a mistake): the party signs again, and the agreement's
    step opens again. Refusals: not the school (403), no signature (409), an applied amendment or an awarded
    label (409)."""
    access.followup.require_roles(by, internship, lambda roles: roles.may_undo_signatures)
    internship = locked(internship)
    if internship.label == LabelState.AWARDED:
        raise InvalidTransition(_("The label is awarded: the agreement can no longer change."))
    if amendment is not None and amendment.status != AmendmentStatus.PROPOSED:
        raise InvalidTransition(_("This amendment is no longer awaiting approvals."))
    signature = Signature.objects.filter(
        internship=internship, amendment=amendment, party=party, undone_at__isnull=True
    ).first()
    if signature is None:
        raise InvalidTransition(_("This party has not signed."))
    complete = amendment is None and len(_signed(internship, None)) == len(Party.values)
    signature.undone_at, signature.undone_by = timezone.now(), by
    signature.save(update_fields=["undone_at", "undone_by"])
    if complete:
        reopen_event(internship, StepEvent.AGREEMENT_SIGNED)
    tell(
        "signature_undone",
        [signature.signed_by] if signature.signed_by else people_of(internship, party),
        key=f"signature_undone:{signature.pk}",
        internship=internship,
        page="agreement",
        exclude=by,
        party=party,
        **({"amendment": amendment.number} if amendment else {}),
    )
    return signature


def _tutor_change(internship: Internship, tutor: Tutor | None) -> Tutor | None:
    if tutor is None or not (tutor.email or "").strip():
        return None
    tutor.email = tutor.email.strip().lower()
    try:
        validate_email(tutor.email)
    except ValidationError:
        raise PortalError(_("Enter a valid e-mail address."), field="company_tutor") from None
    if tutor.email == internship.company_tutor.email:
        raise PortalError(_("This person is already the company tutor."), field="company_tutor")
    return tutor


@transaction.atomic
def propose_amendment(
    internship: Internship,
    *,
    by,
    reason: str,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    company_tutor: Tutor | None = None,
    mission: str = "",
) -> Amendment:
    """A party proposes an amendment to the dates, the tutor or the mission; the three parties then approve it.

    Refusals: not a party (403), another amendment awaiting approvals or the follow-up over (409), nothing
    changed, no reason, or an end before the start (400)."""
    roles = access.followup.require_roles(by, internship)
    if not roles.parties:
        raise NotTheActor(_("An amendment is proposed by one of the agreement's parties."))
    internship = locked(internship)
    require_status(internship, *AMENDABLE)
    reason = clean_text(reason, field="reason", required=True)
    mission = clean_text(mission, field="mission")
    tutor = _tutor_change(internship, company_tutor)
    if not (start_date or end_date or tutor or mission):
        raise PortalError(_("Change the dates, the company tutor or the mission."), field="start_date")
    check_dates(start_date or internship.start_date, end_date or internship.end_date)
    if internship.amendments.filter(status=AmendmentStatus.PROPOSED).exists():
        raise InvalidTransition(_("Another amendment is awaiting approvals."))
    number = (internship.amendments.aggregate(last=Max("number"))["last"] or 0) + 1
    try:
        with transaction.atomic():
            amendment = Amendment.objects.create(
                internship=internship,
                number=number,
                start_date=start_date,
                end_date=end_date,
                company_tutor_email=tutor.email if tutor else "",
                company_tutor_first_name=tutor.first_name if tutor else "",
                company_tutor_last_name=tutor.last_name if tutor else "",
                mission=mission,
                reason=reason,
                proposed_by=by,
            )
    except IntegrityError as error:
        raise InvalidTransition(_("Another amendment is awaiting approvals.")) from error
    tell(
        "amendment_proposed",
        selectors.parties(internship),
        key=f"amendment_proposed:{amendment.pk}",
        internship=internship,
        page="agreement",
        exclude=by,
        amendment=amendment.number,
        reason=reason,
    )
    return amendment


def _apply(internship: Internship, amendment: Amendment, *, by) -> None:
    """The three parties approved: the internship takes the amendment's dates, tutor and mission."""
    amendment.previous = {
        "start_date": internship.start_date.isoformat(),
        "end_date": internship.end_date.isoformat(),
        "company_tutor": internship.company_tutor.email,
        "mission": internship.mission,
    }
    fields = ["updated_at"]
    if amendment.start_date:
        internship.start_date = amendment.start_date
        fields.append("start_date")
    if amendment.end_date:
        internship.end_date = amendment.end_date
        fields.append("end_date")
    if amendment.mission:
        internship.mission = amendment.mission
        fields.append("mission")
    if amendment.company_tutor_email:
        tutor = Tutor(
            amendment.company_tutor_email, amendment.company_tutor_first_name, amendment.company_tutor_last_name
        )
        internship.company_tutor = contact_for(internship.company, tutor, language=by.language)
        fields.append("company_tutor")
        internship.tutor_links.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    internship.save(update_fields=fields)
    if amendment.start_date or amendment.end_date:
        move_due_dates(internship)
    amendment.status, amendment.applied_at = AmendmentStatus.APPLIED, timezone.now()
    amendment.save(update_fields=["status", "applied_at", "previous"])
    tell(
        "amendment_applied",
        selectors.parties(internship),
        key=f"amendment_applied:{amendment.pk}",
        internship=internship,
        page="agreement",
        amendment=amendment.number,
    )


def approve_amendment(amendment: Amendment, *, by, party: str | None = None, scan=None) -> Signature:
    """A party approves the amendment, like the agreement; the third approval applies it to the internship."""
    internship = amendment.internship
    roles = access.followup.require_roles(by, internship)
    party = _party(roles, party)
    checked = scans.check_scan(scan) if scan else None

    def run(written):
        locked_ = locked(internship)
        require_status(locked_, *AMENDABLE)
        current = Amendment.objects.select_for_update().get(pk=amendment.pk)
        if current.status != AmendmentStatus.PROPOSED:
            raise InvalidTransition(_("This amendment is no longer awaiting approvals."))
        signature, signed = _sign(locked_, current, party=party, by=by, scan=checked, written=written)
        if len(signed) == len(Party.values):
            _apply(locked_, current, by=by)
        return signature

    return _signing(run)


@transaction.atomic
def withdraw_amendment(amendment: Amendment, *, by) -> Amendment:
    """The party who proposed an amendment, or the programme head, withdraws it while it awaits approvals."""
    access.followup.require_roles(
        by, amendment.internship, lambda roles: roles.programme_head or amendment.proposed_by_id == by.pk
    )
    updated = Amendment.objects.filter(pk=amendment.pk, status=AmendmentStatus.PROPOSED).update(
        status=AmendmentStatus.CANCELLED
    )
    if not updated:
        raise InvalidTransition(_("This amendment is no longer awaiting approvals."))
    amendment.status = AmendmentStatus.CANCELLED
    return amendment
