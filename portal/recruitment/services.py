"""What people do with applications: apply, read, change the status, withdraw, write to the student.

Every operation checks access through the access rules (`portal.access`), writes inside one transaction and
enqueues its notifications on commit. Files are written only once the whole submission is accepted,
and removed again if the submission does not land.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cms_pages.models import OfferPage, OrganisationPage
from portal import access
from portal.accounts.selectors import followers_of
from portal.exceptions import AlreadyDone, InvalidTransition, NotVisible, PortalError
from portal.markup import clean_plain_text
from portal.notifications.services import notify, notify_many
from portal.recruitment import documents, selectors
from portal.recruitment.lifecycle import SETTABLE
from portal.recruitment.models import Application, ApplicationDocument, ApplicationEvent, ApplicationMessage
from portal.reference.choices import ApplicationStatus as A
from portal.reference.choices import OfferStatus
from workflows.services import fill_by_acceptances

MAX_MESSAGE_LENGTH = 5000


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _payload(application: Application) -> dict:
    return {
        "application_id": application.pk,
        "student": application.student.get_full_name() or application.student.email,
        "offer_title": application.offer.title if application.offer_id else "",
        "offer_number": application.offer.number if application.offer_id else "",
        "company": application.company.title,
        "url": _absolute(reverse("recruitment:detail", args=[application.pk])),
    }


def _student_of(user):
    student = getattr(user, "student", None) if user is not None and user.is_authenticated else None
    if student is None:
        raise PermissionDenied(_("Only a student may apply."))
    return student


# An offer that was online and is closed now: saying so (409) reveals nothing its readers did not see.
CLOSED = (OfferStatus.UNPUBLISHED, OfferStatus.FILLED, OfferStatus.CANCELLED, OfferStatus.ARCHIVED)


def _check_offer_open(offer: OfferPage, user) -> None:
    """An offer takes applications while it is online, from the students its targeting admits."""
    if offer.live and access.offers.visible(user, offer):
        return
    if (
        not offer.live
        and offer.first_published_at is not None
        and offer.status in CLOSED
        and OfferPage.objects.filter(access.offers.audience_q(user), pk=offer.pk).exists()
    ):
        raise InvalidTransition(_("This offer no longer accepts applications."))
    raise NotVisible


def _check_text(text: str, *, field: str) -> str:
    """A free text (message, comment) without control characters and surrounding blanks, refused when too long."""
    text = clean_plain_text(text)
    if len(text) > MAX_MESSAGE_LENGTH:
        raise PortalError(
            _("The text must not be longer than %(count)s characters.") % {"count": MAX_MESSAGE_LENGTH}, field=field
        )
    return text


def apply(
    student_user,
    *,
    offer: OfferPage | None = None,
    company: OrganisationPage | None = None,
    message: str = "",
    cv=None,
    motivation_letter=None,
    others=(),
) -> Application:
    """Apply to a published offer the student may see, or spontaneously to a company.

    Refusals: not a student (403), an offer or company the student may not see (404), an offer that
    no longer takes applications or an active application already sent (409), missing or refused
    files (400, 413, 415). Nothing is stored when refused: no row, no file.
    """
    _student_of(student_user)
    if (offer is None) == (company is None):
        raise PortalError(_("Choose an offer or a company."), field="offer")
    if offer is not None:
        _check_offer_open(offer, student_user)
        company = offer.company
    elif not (company.live and company.is_company):
        raise NotVisible
    message = _check_text(message, field="message")
    uploads = documents.check_uploads(cv, motivation_letter, others)
    if _already_applied(student_user, offer=offer, company=company):
        raise AlreadyDone(_("You have already applied to this offer.") if offer else _("You have already applied."))

    written: list[str] = []
    try:
        with transaction.atomic():
            application = Application.objects.create(
                student=student_user, offer=offer, company=company, message=message
            )
            for upload in uploads:
                document = ApplicationDocument(application=application)
                documents.store(upload, document)
                written.append(document.file.name)
                document.save()
            ApplicationEvent.objects.create(application=application, by=student_user, before="", after=A.PENDING)
            notify_many(
                "application_received",
                selectors.recipients(application),
                key=f"application_received:{application.pk}",
                spontaneous=offer is None,
                message=message,
                **_payload(application),
            )
    except IntegrityError as error:
        documents.delete_files(written)
        if _already_applied(student_user, offer=offer, company=company):
            # A simultaneous submission of the same student landed first.
            raise AlreadyDone(_("You have already applied to this offer.")) from error
        raise
    except BaseException:
        documents.delete_files(written)
        raise
    return application


def active_application(student_user, *, offer=None, company=None) -> Application | None:
    """The student's application still alive to `offer` (or spontaneous to `company`), if any."""
    applications = Application.objects.active().filter(student=student_user)
    if offer is not None:
        return applications.filter(offer=offer).first()
    return applications.filter(offer__isnull=True, company=company).first()


def _already_applied(student_user, *, offer, company) -> bool:
    return active_application(student_user, offer=offer, company=company) is not None


def open_application(application: Application, *, by) -> Application:
    """`by` opens the application: refused outside its readers (404); the first opening by the company's own people
    marks it read (a superuser's does not)."""
    access.applications.require_reader(by, application)
    if application.status == A.PENDING and access.applications.opening_marks_read(by, application):
        with transaction.atomic():
            now = timezone.now()
            # Conditional, so that two simultaneous first openings record one change.
            if Application.objects.filter(pk=application.pk, status=A.PENDING).update(
                status=A.READ, read_at=now, updated_at=now
            ):
                ApplicationEvent.objects.create(application=application, by=by, before=A.PENDING, after=A.READ)
                _notify_status(application, A.READ, by=by, comment="")
        application.refresh_from_db(fields=["status", "read_at", "updated_at"])
    return application


def allowed_statuses(application: Application, user) -> list[str]:
    """The statuses `user` may set on the application now (for the buttons and the API)."""
    return access.applications.standing(user, application).settable(application.status)


@transaction.atomic
def change_status(application: Application, to: str, *, by, comment: str = "") -> Application:
    """Move the application to `to` with an optional comment, kept in its history and notified.

    The company side may set interview, accepted or cancelled; the student may only withdraw (cancelled), and the
    programme head or academic tutor of the student close it (cancelled) for the school. When the accepted
    applications take every place of the offer, it becomes filled.
    """
    if to not in SETTABLE:
        raise PortalError(
            _("Choose one of these statuses: %(statuses)s.") % {"statuses": ", ".join(SETTABLE)}, field="status"
        )
    access.applications.require_reader(by, application)
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("offer", "company", "student")
        .get(pk=application.pk)
    )
    standing = access.applications.standing(by, application)
    if not standing.may_ask(to):
        raise PermissionDenied
    if to not in standing.settable(application.status):
        raise InvalidTransition(
            _("An application cannot go from “%(before)s” to “%(after)s”.")
            % {"before": A(application.status).label, "after": A(to).label}
        )
    comment = _check_text(comment, field="comment")
    if standing.school_closer and not (standing.company_side or standing.own) and not comment:
        raise PortalError(_("Say why the school closes this application."), field="comment")
    if to == A.ACCEPTED and application.offer_id:
        # One acceptance at a time per offer, so that the last place is counted once (see _fill_when_complete).
        application.offer = OfferPage.objects.select_for_update().get(pk=application.offer_id)
    before = application.status
    application.status = to
    application.save(update_fields=["status", "updated_at"])
    ApplicationEvent.objects.create(application=application, by=by, before=before, after=to, comment=comment)
    if to == A.CANCELLED and not standing.company_side:
        # The company side learns that the student withdrew, or that the school closed the application.
        notify_many(
            "application_withdrawn" if standing.own else "application_closed",
            selectors.recipients(application),
            key=f"application_cancelled:{application.pk}",
            comment=comment,
            by=by.get_full_name() or by.email,
            **_payload(application),
        )
    _notify_status(application, to, by=by, comment=comment)
    if to == A.ACCEPTED and application.offer_id:
        _fill_when_complete(application.offer, by=by)
    return application


def withdraw(application: Application, *, by, comment: str = "") -> Application:
    """The student withdraws their application (status cancelled)."""
    return change_status(application, A.CANCELLED, by=by, comment=comment)


def _fill_when_complete(offer: OfferPage, *, by) -> None:
    accepted = Application.objects.filter(offer=offer, status=A.ACCEPTED).count()
    if accepted >= offer.places:
        fill_by_acceptances(offer, by=by)


def _notify_status(application: Application, status: str, *, by, comment: str) -> None:
    """The student and the school staff who follow them learn each new status (but not from themselves)."""
    recipients = [person for person in (application.student, *followers_of(application.student)) if person.pk != by.pk]
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    notify_many(
        "application_status_changed",
        recipients,
        key=f"application_status_changed:{application.pk}:{status}:{stamp}",
        status=status,
        comment=comment,
        **_payload(application),
    )


@transaction.atomic
def send_message(application: Application, body: str, *, by) -> ApplicationMessage:
    """The company side writes to the student: the message is kept with the application and e-mailed."""
    access.applications.require_manager(by, application)
    body = _check_text(body, field="body")
    if not body:
        raise PortalError(_("Write a message."), field="body")
    message = ApplicationMessage.objects.create(application=application, sender=by, body=body)
    notify(
        "application_message",
        application.student,
        key=f"application_message:{message.pk}",
        body=body,
        sender=by.get_full_name() or by.email,
        **_payload(application),
    )
    return message


def document_for(application: Application, document_id: int, *, by) -> ApplicationDocument:
    """A document of the application, for a reader of the application only (404 for anyone else).

    The company side downloading a document opens the application (its first opening sets `read`).
    """
    open_application(application, by=by)
    document = application.documents.filter(pk=document_id).first()
    if document is None:
        raise NotVisible
    return document
