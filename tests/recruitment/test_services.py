"""The rules of applications: applying, reading, the statuses and their history, the e-mails, the limits.

Each rule is exercised through the HTTP API (what a client sees) or through `portal.recruitment.services`
(what the web pages and the API share), with real PDF files and the e-mails the queue delivers on commit.
"""

import pytest
from django.core import mail

from portal.exceptions import AlreadyDone, InvalidTransition, PortalError
from portal.recruitment import services
from portal.recruitment.models import Application, ApplicationDocument, ApplicationEvent, ApplicationMessage
from portal.reference.choices import OfferStatus
from portal.reference.models import Country
from tests.factories import (
    OfferFactory,
    ProgrammeFactory,
    SchoolFactory,
    UserFactory,
    company_admin,
    school_staff,
    secondary_contact,
    student,
)
from tests.recruitment.files import cv, letter, private_files, upload
from tests.recruitment.fixtures import published_offer
from workflows import services as offer_services

pytestmark = pytest.mark.django_db

APPLICATIONS = "/api/v1/applications"
TOO_LONG = "x" * (services.MAX_MESSAGE_LENGTH + 1)


def post_application(client, user, **fields):
    client.force_authenticate(user)
    return client.post(APPLICATIONS, {"cv": cv(), "motivation_letter": letter(), **fields}, format="multipart")


def applied(student_user, *, offer=None, company=None):
    """An application sent through the service, with a real CV and letter."""
    return services.apply(
        student_user, offer=offer, company=company, message="Madame, Monsieur,", cv=cv(), motivation_letter=letter()
    )


def post_status(client, user, application, status, comment=""):
    client.force_authenticate(user)
    return client.post(f"{APPLICATIONS}/{application.pk}/status", {"status": status, "comment": comment}, format="json")


def post_message(client, user, application, body):
    client.force_authenticate(user)
    return client.post(f"{APPLICATIONS}/{application.pk}/messages", {"body": body}, format="json")


def application_in(status, applicant, offer, by):
    """An application to `offer` brought to `status` by the company side `by`, as the portal would."""
    application = applied(applicant, offer=offer)
    if status == "read":
        services.open_application(application, by=by)
    elif status != "pending":
        services.change_status(application, status, by=by)
    application.refresh_from_db()
    assert application.status == status
    return application


def addressees():
    return sorted(address for message in mail.outbox for address in message.to)


def mail_to(address):
    found = [message for message in mail.outbox if message.to == [address]]
    assert len(found) == 1, [message.to for message in mail.outbox]
    return found[0]


# Applying to an offer


def test_student_applies_to_a_published_offer(api_client, offer, applicant):
    response = post_application(api_client, applicant, offer=offer.pk, message="Madame, Monsieur,")

    assert response.status_code == 201, response.data
    assert response.data["status"] == "pending"
    application = Application.objects.get(pk=response.data["id"])
    assert (application.student, application.offer, application.company) == (applicant, offer, offer.company)
    assert sorted(application.documents.values_list("kind", flat=True)) == ["cv", "motivation_letter"]
    assert list(application.events.values_list("by", "before", "after")) == [(applicant.pk, "", "pending")]


def test_applying_twice_to_the_same_offer_answers_409_and_stores_nothing_more(api_client, offer, applicant, settings):
    first = post_application(api_client, applicant, offer=offer.pk)
    assert first.status_code == 201
    files_after_first = private_files(settings.PRIVATE_ROOT)

    second = post_application(api_client, applicant, offer=offer.pk)

    assert second.status_code == 409
    assert second.data["code"] == "conflict"
    assert set(second.data) == {"detail", "code", "errors"}
    assert Application.objects.filter(student=applicant, offer=offer).count() == 1
    assert private_files(settings.PRIVATE_ROOT) == files_after_first
    assert len(files_after_first) == 2


def test_applying_twice_through_the_service_raises_already_done(offer, applicant):
    applied(applicant, offer=offer)

    with pytest.raises(AlreadyDone):
        applied(applicant, offer=offer)

    assert Application.objects.filter(student=applicant, offer=offer).count() == 1


def test_student_may_apply_again_after_withdrawing(api_client, offer, applicant):
    withdrawn = applied(applicant, offer=offer)
    services.withdraw(withdrawn, by=applicant)

    response = post_application(api_client, applicant, offer=offer.pk)

    assert response.status_code == 201, response.data
    assert response.data["id"] != withdrawn.pk
    assert sorted(Application.objects.filter(student=applicant, offer=offer).values_list("status", flat=True)) == [
        "cancelled",
        "pending",
    ]


def test_applying_to_a_draft_offer_answers_404(api_client, company, author, applicant):
    draft = OfferFactory(parent=company, author=author, status=OfferStatus.DRAFT, live=False)

    response = post_application(api_client, applicant, offer=draft.pk)

    assert response.status_code == 404
    assert response.data["code"] == "not_found"
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "close, status",
    [
        (offer_services.unpublish_offer, OfferStatus.UNPUBLISHED),
        (offer_services.fill_offer, OfferStatus.FILLED),
        (offer_services.cancel_offer, OfferStatus.CANCELLED),
    ],
    ids=["unpublished", "filled", "cancelled"],
)
def test_applying_to_an_offer_taken_offline_answers_409(api_client, offer, admin, applicant, settings, close, status):
    close(offer, by=admin)
    offer.refresh_from_db()
    assert (offer.status, offer.live) == (status, False)

    response = post_application(api_client, applicant, offer=offer.pk)

    assert response.status_code == 409
    assert response.data["code"] == "invalid_transition"
    assert not Application.objects.exists()
    assert private_files(settings.PRIVATE_ROOT) == []


@pytest.mark.parametrize("target", ["country", "school", "programme"])
def test_applying_to_an_offer_targeted_away_from_the_student_answers_404(api_client, offer, applicant, target):
    if target == "country":
        offer.target_countries.add(Country.objects.get(code="FR"))
    elif target == "school":
        offer.target_organisations.add(SchoolFactory())
    else:
        offer.target_programmes.add(ProgrammeFactory(organisation=applicant.student.school))
    offer.save()

    response = post_application(api_client, applicant, offer=offer.pk)

    assert response.status_code == 404
    assert not Application.objects.exists()


def test_applying_to_an_offer_targeted_at_the_students_programme_is_accepted(api_client, offer, applicant):
    offer.target_programmes.add(applicant.student.programme)
    offer.save()

    response = post_application(api_client, applicant, offer=offer.pk)

    assert response.status_code == 201, response.data


@pytest.mark.parametrize("who", ["admin", "author", "tutor"])
def test_only_a_student_may_apply(api_client, offer, admin, author, tutor, who):
    user = {"admin": admin, "author": author, "tutor": tutor}[who]

    response = post_application(api_client, user, offer=offer.pk)

    assert response.status_code == 403
    assert response.data["code"] == "permission_denied"
    assert not Application.objects.exists()


def test_anonymous_caller_may_not_apply(api_client, offer):
    response = api_client.post(
        APPLICATIONS, {"offer": offer.pk, "cv": cv(), "motivation_letter": letter()}, format="multipart"
    )

    assert response.status_code == 401
    assert not Application.objects.exists()


def test_application_with_a_refused_file_stores_no_row_and_no_file(api_client, offer, applicant, settings):
    api_client.force_authenticate(applicant)

    response = api_client.post(
        APPLICATIONS,
        {"offer": offer.pk, "cv": cv(), "motivation_letter": upload("lettre.txt", b"Madame, Monsieur", "text/plain")},
        format="multipart",
    )

    assert response.status_code == 415
    assert list(response.data["errors"]) == ["motivation_letter"]
    assert not Application.objects.exists()
    assert not ApplicationDocument.objects.exists()
    assert private_files(settings.PRIVATE_ROOT) == []


# Who is told of a new application


def test_new_application_is_emailed_to_the_offer_author_and_not_to_the_administrators(
    api_client, offer, admin, author, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_application(api_client, applicant, offer=offer.pk)

    assert response.status_code == 201
    assert addressees() == [author.email]
    assert mail.outbox[0].subject == "Nouvelle candidature à l’offre Développeur web"


def test_new_application_to_an_offer_without_author_is_emailed_to_the_administrators(
    api_client, company, admin, author, applicant, django_capture_on_commit_callbacks
):
    second_admin = company_admin(company, email="direction@talos.test")
    orphan = published_offer(company, None, title="Comptable")

    with django_capture_on_commit_callbacks(execute=True):
        response = post_application(api_client, applicant, offer=orphan.pk)

    assert response.status_code == 201
    assert addressees() == sorted([admin.email, second_admin.email])


def test_spontaneous_application_alerts_each_administrator_and_no_secondary_contact(
    api_client, company, admin, author, applicant, django_capture_on_commit_callbacks
):
    second_admin = company_admin(company, email="direction@talos.test")
    secondary_contact(company, email="accueil@talos.test")

    with django_capture_on_commit_callbacks(execute=True):
        response = post_application(api_client, applicant, company=company.pk, message="Je serais ravi…")

    assert response.status_code == 201, response.data
    assert response.data["spontaneous"] is True
    assert addressees() == sorted([admin.email, second_admin.email])
    assert {message.subject for message in mail.outbox} == {"Candidature spontanée de Talel Jlassi"}
    assert all("Je serais ravi…" in message.body for message in mail.outbox)


def test_spontaneous_application_twice_to_the_same_company_answers_409(api_client, company, admin, applicant):
    assert post_application(api_client, applicant, company=company.pk).status_code == 201

    response = post_application(api_client, applicant, company=company.pk)

    assert response.status_code == 409
    assert response.data["code"] == "conflict"
    assert Application.objects.filter(student=applicant, offer__isnull=True).count() == 1


def test_spontaneous_application_to_a_school_answers_404(api_client, applicant):
    response = post_application(api_client, applicant, company=applicant.student.school_id)

    assert response.status_code == 404
    assert not Application.objects.exists()


def test_spontaneous_application_does_not_block_an_application_to_an_offer_of_the_same_company(
    api_client, company, offer, applicant
):
    applied(applicant, company=company)

    response = post_application(api_client, applicant, offer=offer.pk)

    assert response.status_code == 201, response.data


# Reading


def test_first_opening_by_the_offer_author_marks_the_application_read(api_client, offer, author, applicant):
    application = applied(applicant, offer=offer)
    api_client.force_authenticate(author)

    response = api_client.get(f"{APPLICATIONS}/{application.pk}")

    assert response.status_code == 200
    assert response.data["status"] == "read"
    application.refresh_from_db()
    assert application.status == "read"
    assert application.read_at is not None
    assert list(application.events.values_list("by", "before", "after")) == [
        (applicant.pk, "", "pending"),
        (author.pk, "pending", "read"),
    ]


def test_a_superuser_reading_the_application_leaves_it_unread(api_client, offer, applicant, on_commit):
    application = applied(applicant, offer=offer)
    api_client.force_authenticate(UserFactory(is_superuser=True, is_staff=True))
    mail.outbox.clear()

    with on_commit():
        response = api_client.get(f"{APPLICATIONS}/{application.pk}")

    assert response.status_code == 200
    assert response.data["status"] == "pending"
    application.refresh_from_db()
    assert application.status == "pending" and application.read_at is None
    assert list(application.events.values_list("after", flat=True)) == ["pending"]
    assert mail.outbox == []


def test_second_opening_records_no_second_read(
    api_client, offer, admin, author, applicant, django_capture_on_commit_callbacks
):
    application = applied(applicant, offer=offer)
    api_client.force_authenticate(author)
    api_client.get(f"{APPLICATIONS}/{application.pk}")
    first_read_at = Application.objects.get(pk=application.pk).read_at

    api_client.force_authenticate(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.get(f"{APPLICATIONS}/{application.pk}")

    assert response.status_code == 200
    assert response.data["status"] == "read"
    assert application.events.filter(after="read").count() == 1
    assert Application.objects.get(pk=application.pk).read_at == first_read_at
    assert mail.outbox == []


@pytest.mark.parametrize("who", ["applicant", "tutor"])
def test_opening_by_the_student_or_school_staff_leaves_the_application_pending(
    api_client, offer, applicant, tutor, who
):
    application = applied(applicant, offer=offer)
    api_client.force_authenticate({"applicant": applicant, "tutor": tutor}[who])

    response = api_client.get(f"{APPLICATIONS}/{application.pk}")

    assert response.status_code == 200
    assert response.data["status"] == "pending"
    application.refresh_from_db()
    assert (application.status, application.read_at) == ("pending", None)
    assert not application.events.filter(after="read").exists()


def test_downloading_a_document_by_the_company_side_marks_the_application_read(api_client, offer, author, applicant):
    application = applied(applicant, offer=offer)
    document = application.documents.get(kind="cv")
    api_client.force_authenticate(author)

    response = api_client.get(f"{APPLICATIONS}/{application.pk}/documents/{document.pk}")

    assert response.status_code == 200
    assert Application.objects.get(pk=application.pk).status == "read"


# Statuses set by the company side


@pytest.mark.parametrize(
    "before, after",
    [
        ("pending", "interview"),
        ("pending", "accepted"),
        ("pending", "cancelled"),
        ("read", "interview"),
        ("read", "accepted"),
        ("read", "cancelled"),
        ("interview", "accepted"),
        ("interview", "cancelled"),
        ("accepted", "cancelled"),
    ],
)
def test_company_side_moves_an_application_along_the_allowed_transitions(
    api_client, offer, author, applicant, before, after
):
    application = application_in(before, applicant, offer, author)

    response = post_status(api_client, author, application, after, comment="Décision du jury.")

    assert response.status_code == 200, response.data
    assert response.data["status"] == after
    assert Application.objects.get(pk=application.pk).status == after
    assert application.events.last().after == after


@pytest.mark.parametrize(
    "before, after",
    [
        ("interview", "interview"),
        ("accepted", "interview"),
        ("accepted", "accepted"),
        ("cancelled", "interview"),
        ("cancelled", "accepted"),
        ("cancelled", "cancelled"),
    ],
)
def test_transition_not_allowed_from_the_current_status_answers_409_and_changes_nothing(
    api_client, offer, author, applicant, before, after, django_capture_on_commit_callbacks
):
    application = application_in(before, applicant, offer, author)
    events = application.events.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = post_status(api_client, author, application, after)

    assert response.status_code == 409
    assert response.data["code"] == "invalid_transition"
    assert response.data["errors"] == {}
    assert response.data["detail"]
    assert Application.objects.get(pk=application.pk).status == before
    assert application.events.count() == events
    assert mail.outbox == []


def test_nothing_may_follow_cancelled_through_the_service(offer, author, applicant):
    application = application_in("cancelled", applicant, offer, author)

    assert services.allowed_statuses(application, author) == []
    with pytest.raises(InvalidTransition):
        services.change_status(application, "interview", by=author)


@pytest.mark.parametrize("value", ["hired", "pending", "read", "INTERVIEW", ""])
def test_unknown_status_value_answers_400(api_client, offer, author, applicant, value):
    application = applied(applicant, offer=offer)

    response = post_status(api_client, author, application, value)

    assert response.status_code == 400
    assert list(response.data["errors"]) == ["status"]
    assert Application.objects.get(pk=application.pk).status == "pending"
    assert application.events.count() == 1


# Withdrawal by the student


def test_student_withdraws_their_own_application(api_client, offer, author, applicant):
    application = application_in("interview", applicant, offer, author)

    response = post_status(api_client, applicant, application, "cancelled", comment="J’ai trouvé un autre stage.")

    assert response.status_code == 200, response.data
    assert response.data["status"] == "cancelled"
    last = application.events.last()
    assert (last.by, last.before, last.after, last.comment) == (
        applicant,
        "interview",
        "cancelled",
        "J’ai trouvé un autre stage.",
    )


@pytest.mark.parametrize("status", ["interview", "accepted"])
def test_student_may_not_set_a_company_status_on_their_own_application(api_client, offer, applicant, status):
    application = applied(applicant, offer=offer)

    response = post_status(api_client, applicant, application, status)

    assert response.status_code == 403
    assert response.data["code"] == "permission_denied"
    assert Application.objects.get(pk=application.pk).status == "pending"
    assert application.events.count() == 1


def test_student_may_not_withdraw_an_application_already_cancelled(api_client, offer, author, applicant):
    application = application_in("cancelled", applicant, offer, author)

    response = post_status(api_client, applicant, application, "cancelled")

    assert response.status_code == 409
    assert response.data["code"] == "invalid_transition"


def test_withdrawal_emails_the_author_and_the_following_school_staff_but_not_the_student(
    api_client, offer, admin, author, applicant, tutor, django_capture_on_commit_callbacks
):
    application = applied(applicant, offer=offer)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_status(api_client, applicant, application, "cancelled", comment="Autre stage trouvé.")

    assert response.status_code == 200
    assert addressees() == sorted([author.email, tutor.email])
    assert mail_to(author.email).subject == "Talel Jlassi a retiré sa candidature"
    assert "Autre stage trouvé." in mail_to(author.email).body
    assert mail_to(tutor.email).subject == "Candidature à Développeur web : Annulée"


# History and notifications of the statuses


def test_every_change_is_kept_in_the_history_with_who_from_to_and_comment(api_client, offer, admin, author, applicant):
    application = applied(applicant, offer=offer)
    services.open_application(application, by=author)
    services.change_status(application, "interview", by=author, comment="Rendez-vous lundi à 10 h.")
    services.change_status(application, "accepted", by=admin, comment="Bienvenue !")
    api_client.force_authenticate(applicant)

    response = api_client.get(f"{APPLICATIONS}/{application.pk}")

    expected = [
        (applicant.pk, "", "pending", ""),
        (author.pk, "pending", "read", ""),
        (author.pk, "read", "interview", "Rendez-vous lundi à 10 h."),
        (admin.pk, "interview", "accepted", "Bienvenue !"),
    ]
    rows = ApplicationEvent.objects.filter(application=application).values_list("by", "before", "after", "comment")
    assert list(rows) == expected
    assert [(e["by"]["id"], e["before"], e["after"], e["comment"]) for e in response.data["history"]] == expected


def test_status_change_is_emailed_to_the_student_and_the_school_staff_who_follow_them(
    api_client, offer, admin, author, applicant, tutor, programme, django_capture_on_commit_callbacks
):
    school = programme.organisation
    whole_school = school_staff(school, email="direction@school.test")
    school_staff(school, programme=ProgrammeFactory(organisation=school), email="autre-filiere@school.test")
    school_staff(SchoolFactory(), email="autre-ecole@school.test")
    application = applied(applicant, offer=offer)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_status(api_client, author, application, "interview", comment="Lundi à 10 h.")

    assert response.status_code == 200
    assert addressees() == sorted([applicant.email, tutor.email, whole_school.email])
    assert all("Lundi à 10 h." in message.body for message in mail.outbox)


def test_status_change_email_is_written_in_each_recipients_language(
    api_client, offer, author, applicant, tutor, django_capture_on_commit_callbacks
):
    tutor.language = "en"
    tutor.save(update_fields=["language"])
    application = applied(applicant, offer=offer)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_status(api_client, author, application, "interview")

    assert response.status_code == 200
    assert mail_to(applicant.email).subject == "Candidature à Développeur web : Rendez-vous"
    assert mail_to(tutor.email).subject == "Application to Développeur web: Interview"


def test_first_acceptance_leaves_an_offer_with_two_places_online(offer, author, applicant):
    offer.places = 2
    offer.save()
    application = applied(applicant, offer=offer)

    services.change_status(application, "accepted", by=author)

    offer.refresh_from_db()
    assert (offer.status, offer.live) == (OfferStatus.PUBLISHED, True)


def test_second_acceptance_fills_an_offer_with_two_places_and_takes_it_offline(
    api_client, offer, author, applicant, programme
):
    offer.places = 2
    offer.save()
    services.change_status(applied(applicant, offer=offer), "accepted", by=author)
    second = applied(student(programme), offer=offer)

    response = post_status(api_client, author, second, "accepted")

    assert response.status_code == 200, response.data
    offer.refresh_from_db()
    assert (offer.status, offer.live) == (OfferStatus.FILLED, False)
    api_client.force_authenticate(student(programme))
    assert api_client.get("/api/v1/offers").data["count"] == 0


def test_an_acceptance_withdrawn_frees_its_place(offer, author, applicant, programme):
    offer.places = 2
    offer.save()
    first = applied(applicant, offer=offer)
    services.change_status(first, "accepted", by=author)
    services.withdraw(first, by=applicant)

    services.change_status(applied(student(programme), offer=offer), "accepted", by=author)

    offer.refresh_from_db()
    assert (offer.status, offer.live) == (OfferStatus.PUBLISHED, True)


# Messages to the student (« Contactez l'étudiant »)


def test_message_to_the_student_is_kept_and_emailed_to_the_student(
    api_client, offer, author, applicant, tutor, django_capture_on_commit_callbacks
):
    application = applied(applicant, offer=offer)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_message(api_client, author, application, "Pouvez-vous venir lundi ?")

    assert response.status_code == 201, response.data
    assert response.data["body"] == "Pouvez-vous venir lundi ?"
    assert list(application.messages.values_list("sender", "body")) == [(author.pk, "Pouvez-vous venir lundi ?")]
    assert addressees() == [applicant.email]
    assert mail.outbox[0].subject == "Un message de Talos Health Solutions au sujet de votre candidature"
    assert "Pouvez-vous venir lundi ?" in mail.outbox[0].body


@pytest.mark.parametrize("body", ["", "   \n "])
def test_empty_message_to_the_student_answers_400(
    api_client, offer, author, applicant, body, django_capture_on_commit_callbacks
):
    application = applied(applicant, offer=offer)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_message(api_client, author, application, body)

    assert response.status_code == 400
    assert list(response.data["errors"]) == ["body"]
    assert not ApplicationMessage.objects.exists()
    assert mail.outbox == []


def test_empty_message_is_refused_by_the_service(offer, author, applicant):
    application = applied(applicant, offer=offer)

    with pytest.raises(PortalError):
        services.send_message(application, "  ", by=author)

    assert not ApplicationMessage.objects.exists()


# Texts over 5000 characters, and nothing half-written


def test_message_to_the_student_over_5000_characters_answers_400(
    api_client, offer, author, applicant, django_capture_on_commit_callbacks
):
    application = applied(applicant, offer=offer)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_message(api_client, author, application, TOO_LONG)

    assert response.status_code == 400
    assert list(response.data["errors"]) == ["body"]
    assert not ApplicationMessage.objects.exists()
    assert mail.outbox == []


def test_status_comment_over_5000_characters_answers_400_and_changes_nothing(
    api_client, offer, author, applicant, django_capture_on_commit_callbacks
):
    application = applied(applicant, offer=offer)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_status(api_client, author, application, "interview", comment=TOO_LONG)

    assert response.status_code == 400
    assert list(response.data["errors"]) == ["comment"]
    assert Application.objects.get(pk=application.pk).status == "pending"
    assert list(application.events.values_list("after", flat=True)) == ["pending"]
    assert mail.outbox == []


def test_status_comment_of_exactly_5000_characters_is_kept(api_client, offer, author, applicant):
    application = applied(applicant, offer=offer)
    comment = "x" * services.MAX_MESSAGE_LENGTH

    response = post_status(api_client, author, application, "interview", comment=comment)

    assert response.status_code == 200, response.data
    assert application.events.last().comment == comment


def test_application_message_over_5000_characters_answers_400_and_stores_nothing(
    api_client, offer, applicant, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_application(api_client, applicant, offer=offer.pk, message=TOO_LONG)

    assert response.status_code == 400
    assert list(response.data["errors"]) == ["message"]
    assert not Application.objects.exists()
    assert private_files(settings.PRIVATE_ROOT) == []
    assert mail.outbox == []


def test_refused_withdrawal_of_another_students_application_changes_nothing(api_client, offer, applicant, programme):
    application = applied(applicant, offer=offer)

    response = post_status(api_client, student(programme), application, "cancelled")

    assert response.status_code == 404
    assert Application.objects.get(pk=application.pk).status == "pending"
    assert application.events.count() == 1
