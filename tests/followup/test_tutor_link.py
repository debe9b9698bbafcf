"""The company tutor's link: a tutor without a password acts on their internship from an e-mail, until the link
expires, is revoked, or another tutor is named."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from rest_framework.test import APIClient

from portal import access
from portal.followup import services
from portal.followup.models import TutorLink
from portal.notifications.models import Notification
from portal.notifications.services import without_notifications
from portal.notifications.tasks import send_notification
from tests.followup.fixtures import active

pytestmark = pytest.mark.django_db


@pytest.fixture
def tutor_without_password(world):
    world.company_tutor.set_unusable_password()
    world.company_tutor.save()
    return world.company_tutor


def link_in(message) -> str:
    return re.search(r"https?://\S+(/suivi/lien/[\w-]+/)", message.body).group(1)


def links_mailed_to(email: str) -> list[str]:
    return [link_in(message) for message in mail.outbox if message.to == [email] and "/suivi/lien/" in message.body]


@pytest.fixture
def link(world, tutor_without_password, on_commit):
    """The link the tutor receives when it is their turn (steps 1 to 4 done: step 5 is theirs)."""
    internship = active(world)
    internship.steps.filter(code__in=["1", "2", "3"]).update(done_at=timezone.now())
    with on_commit():
        services.steps.validate_step(internship, "4", by=tutor_without_password)  # their own turn again: step 5
        services.links.send_link(internship, by=world.programme_head)
    links = links_mailed_to(tutor_without_password.email)
    assert links
    return internship, links[-1]


def test_the_link_lets_the_tutor_validate_their_step_without_signing_in(client, world, link):
    internship, path = link
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert not TutorLink.objects.filter(token_hash=token).exists()  # only its hash is kept
    assert TutorLink.objects.filter(token_hash=access.followup.hash_token(token)).exists()

    page = client.get(path)
    validated = client.post(reverse("followup:link_validate_step", args=[token, "5"]), follow=True)

    assert page.status_code == 200 and page["Referrer-Policy"] == "no-referrer"
    assert world.student.last_name in page.content.decode()
    assert validated.status_code == 200
    step = internship.steps.get(code="5")
    assert (step.done_by, step.done_via) == (world.company_tutor, "link")
    assert not client.session.get("_auth_user_id")  # nobody was signed in


def test_the_link_does_not_validate_another_actors_step(client, world, link):
    internship, path = link
    token = path.rstrip("/").rsplit("/", 1)[1]

    client.post(reverse("followup:link_validate_step", args=[token, "6"]), follow=True)

    assert internship.steps.get(code="6").done_at is None


def test_the_link_validates_a_review_and_sends_the_evaluation(client, world, link):
    internship, path = link
    token = path.rstrip("/").rsplit("/", 1)[1]
    with without_notifications():
        review = services.logbook.write_review(internship, by=world.student, text="Bilan")
    scores = {f"score_{c['code']}": 5 for c in internship.evaluation_criteria["company"]}

    client.post(reverse("followup:link_validate_review", args=[token, review.pk]))
    client.post(reverse("followup:link_evaluate", args=[token]), {**scores, "comment": "Excellent stagiaire"})

    review.refresh_from_db()
    assert review.company_validated_by == world.company_tutor
    evaluation = internship.evaluations.get(audience="company")
    assert evaluation.sent_by == world.company_tutor and evaluation.comment == "Excellent stagiaire"


def test_an_expired_link_opens_nothing(client, link):
    _internship, path = link

    with freeze_time(timezone.now() + datetime.timedelta(days=31)):
        assert client.get(path).status_code == 404


def test_a_revoked_link_opens_nothing(client, world, link):
    internship, path = link
    api = APIClient()
    api.force_authenticate(world.company_admin)

    revoked = api.post(f"/api/v1/internships/{internship.pk}/tutor-links/revoke")

    assert revoked.status_code == 200 and revoked.data["revoked"] >= 1
    assert client.get(path).status_code == 404


def test_naming_another_tutor_closes_the_former_tutors_link(client, world, link):
    internship, path = link
    with without_notifications():
        amendment = services.agreement.propose_amendment(
            internship,
            by=world.programme_head,
            reason="Départ du tuteur",
            company_tutor=services.internships.Tutor("new@talos.test"),
        )
        for person in (world.student, world.company_admin, world.programme_head):
            services.agreement.approve_amendment(amendment, by=person)

    internship.refresh_from_db()
    assert internship.company_tutor.email == "new@talos.test"
    assert client.get(path).status_code == 404


def test_a_tutor_with_a_password_signs_in_and_receives_no_link(world, on_commit):
    internship = active(world)

    with on_commit():
        services.links.send_link(internship, by=world.programme_head)

    assert [message.to for message in mail.outbox] == [[world.company_tutor.email]]
    assert links_mailed_to(world.company_tutor.email) == []
    assert not TutorLink.objects.exists()


def test_sending_the_same_email_again_replaces_the_link_it_carried(world, tutor_without_password, on_commit):
    internship = active(world)
    with on_commit():
        services.links.send_link(internship, by=world.programme_head)
    first = links_mailed_to(tutor_without_password.email)[-1]
    notification = Notification.objects.get(kind="tutor_link")
    Notification.objects.filter(pk=notification.pk).update(sent_at=None)

    send_notification(notification.pk)  # a retried delivery

    second = links_mailed_to(tutor_without_password.email)[-1]
    assert first != second
    assert access.followup.tutor_link(first.rstrip("/").rsplit("/", 1)[1]) is None
    assert access.followup.tutor_link(second.rstrip("/").rsplit("/", 1)[1]) is not None
