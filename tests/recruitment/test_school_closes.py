"""The school closes an application of its student (« annulée par l'établissement »), with a comment, notified."""

import pytest
from django.urls import reverse

from portal.accounts.models import SchoolStaff
from portal.recruitment.models import Application, ApplicationEvent
from tests.factories import ProgrammeFactory, school_staff
from tests.recruitment.test_services import addressees, application_in, applied, mail_to, post_status

pytestmark = pytest.mark.django_db

REASON = "Stage incompatible avec le calendrier des examens."


@pytest.fixture
def programme_head(programme):
    return school_staff(programme.organisation, email="head@school.test", first_name="Nadia", last_name="Ben Salah")


@pytest.fixture
def year_head(programme):
    return school_staff(programme.organisation, role=SchoolStaff.Role.YEAR_HEAD, email="year@school.test")


@pytest.mark.parametrize("closer", ["programme_head", "tutor"])
def test_programme_head_or_academic_tutor_closes_an_application_through_the_api(
    api_client, request, offer, author, applicant, closer, on_commit
):
    application = applied(applicant, offer=offer)
    person = request.getfixturevalue(closer)

    with on_commit():
        response = post_status(api_client, person, application, "cancelled", REASON)

    assert response.status_code == 200, response.data
    assert response.data["status"] == "cancelled"
    event = ApplicationEvent.objects.get(application=application, after="cancelled")
    assert (event.by, event.before, event.comment) == (person, "pending", REASON)
    assert person.email not in addressees()
    assert REASON in mail_to(applicant.email).body
    company_mail = mail_to(author.email)
    assert "closed" in company_mail.subject or "clôturé" in company_mail.subject
    assert REASON in company_mail.body


def test_the_school_closes_an_application_from_its_page(
    client, offer, author, applicant, programme_head, tutor, on_commit
):
    application = application_in("interview", applicant, offer, author)
    client.force_login(programme_head)
    page = client.get(reverse("recruitment:detail", args=[application.pk]))
    assert reverse("recruitment:close", args=[application.pk]) in page.content.decode()

    with on_commit():
        response = client.post(reverse("recruitment:close", args=[application.pk]), {"comment": REASON}, follow=True)

    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == "cancelled"
    assert sorted(addressees()) == sorted([applicant.email, author.email, tutor.email])


def test_the_school_must_say_why_it_closes_an_application(api_client, client, offer, applicant, programme_head):
    application = applied(applicant, offer=offer)

    response = post_status(api_client, programme_head, application, "cancelled", "  ")
    client.force_login(programme_head)
    page = client.post(reverse("recruitment:close", args=[application.pk]), {"comment": ""}, follow=True)

    assert response.status_code == 400
    assert "comment" in response.data["errors"]
    assert [message.level_tag for message in page.context["messages"]] == ["error"]
    assert Application.objects.get(pk=application.pk).status == "pending"
    assert not ApplicationEvent.objects.filter(application=application, after="cancelled").exists()


def test_the_school_may_only_close_not_move_an_application_along(api_client, offer, applicant, programme_head):
    application = applied(applicant, offer=offer)

    response = post_status(api_client, programme_head, application, "interview", REASON)

    assert response.status_code == 403
    assert Application.objects.get(pk=application.pk).status == "pending"


def test_a_year_head_follows_but_may_not_close(api_client, client, offer, applicant, year_head):
    application = applied(applicant, offer=offer)
    client.force_login(year_head)

    page = client.get(reverse("recruitment:detail", args=[application.pk]))
    response = post_status(api_client, year_head, application, "cancelled", REASON)

    assert page.status_code == 200
    assert reverse("recruitment:close", args=[application.pk]) not in page.content.decode()
    assert response.status_code == 403
    assert Application.objects.get(pk=application.pk).status == "pending"


def test_another_schools_programme_head_gets_404(api_client, client, offer, applicant):
    stranger = school_staff(ProgrammeFactory().organisation, email="other@school.test")
    application = applied(applicant, offer=offer)
    client.force_login(stranger)

    response = post_status(api_client, stranger, application, "cancelled", REASON)
    page = client.post(reverse("recruitment:close", args=[application.pk]), {"comment": REASON})

    assert (response.status_code, page.status_code) == (404, 404)
    assert Application.objects.get(pk=application.pk).status == "pending"


def test_a_cancelled_application_cannot_be_closed_again(api_client, offer, applicant, programme_head):
    application = applied(applicant, offer=offer)
    post_status(api_client, applicant, application, "cancelled")

    response = post_status(api_client, programme_head, application, "cancelled", REASON)

    assert response.status_code == 409
    assert ApplicationEvent.objects.filter(application=application, after="cancelled").count() == 1
