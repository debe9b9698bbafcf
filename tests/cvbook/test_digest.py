"""The weekly digest: each student with a visible profile receives their new matching offers, each offer once ever,
with a link that stops the digest."""

import datetime
import re

import pytest
from django.core import mail

from portal.cvbook import services, tasks
from portal.cvbook.models import OfferSuggestion, Profile
from portal.notifications.models import Notification
from tests.factories import cvbook_profile, student
from tests.recruitment.fixtures import published_offer


def python_offer(company, title: str, **fields):
    """A Belgian master-level Python offer: it matches Inès's profile well above the digest's threshold."""
    return published_offer(
        company,
        title=title,
        mission="Développer une API REST en Python et Django.",
        sector_id="62",
        country_id="BE",
        study_level="master",
        start_date=datetime.date(2027, 3, 1),
        **fields,
    )


@pytest.fixture(autouse=True)
def _english_mail(ines):
    """Inès reads her e-mails in English, so that the assertions read the msgids."""
    ines.language = "en"
    ines.save(update_fields=["language"])


def digest(on_commit) -> None:
    """The weekly task runs: it enqueues one digest per student, which Huey (immediate in tests) sends at once."""
    with on_commit():
        tasks.send_weekly_digests.call_local()


@pytest.mark.django_db
def test_each_new_matching_offer_is_sent_once_across_runs(ines, ines_profile, company, on_commit):
    # Given two offers that match Inès's profile, and one that does not
    first, second = python_offer(company, "Développeur Django"), python_offer(company, "Développeur API")
    published_offer(company, title="Comptable", mission="Tenir la comptabilité.", sector_id="69")

    # When the weekly digest runs
    digest(on_commit)

    # Then Inès receives both offers in one e-mail, with their reasons and the opt-out link
    [message] = mail.outbox
    assert message.to == [ines.email]
    assert "2 new offers match your profile" in message.subject
    assert "Développeur Django" in message.body and "Développeur API" in message.body
    assert "Comptable" not in message.body
    assert "3 keywords in common" in message.body
    assert "/cv-book/offres-pour-vous/desinscription/" in message.body
    assert set(OfferSuggestion.objects.values_list("offer_id", flat=True)) == {first.pk, second.pk}

    # When it runs again with nothing new, nothing is sent
    mail.outbox.clear()
    digest(on_commit)
    assert mail.outbox == []

    # When a new matching offer is published, the next digest names it alone
    third = python_offer(company, "Intégrateur Python")
    digest(on_commit)
    [message] = mail.outbox
    assert "1 new offer matches your profile" in message.subject
    assert "Intégrateur Python" in message.body and "Développeur Django" not in message.body
    assert OfferSuggestion.objects.filter(offer=third).count() == 1
    assert Notification.objects.filter(kind="matching_offers").count() == 2


@pytest.mark.django_db
def test_the_digest_is_idempotent_for_the_same_offers(ines, ines_profile, company, on_commit):
    python_offer(company, "Développeur Django")
    with on_commit():
        assert services.send_digest(ines_profile.pk) == 1
        # A second consumer running the same digest afterwards finds the offers recorded
        assert services.send_digest(ines_profile.pk) == 0

    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_hidden_profiles_and_students_who_opted_out_receive_no_digest(
    ines, ines_profile, programme, company, on_commit
):
    karim = student(programme, first_name="Karim", email="karim@student.test")
    cvbook_profile(karim, title="Stage", sector="62", keywords=["Python"])  # hidden
    python_offer(company, "Développeur Django")
    services.update_profile(ines, {"receives_digest": False}, by=ines)

    digest(on_commit)
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_opt_out_link_stops_the_digest_without_signing_in(client, ines, ines_profile, company, on_commit):
    python_offer(company, "Développeur Django")
    digest(on_commit)
    link = re.search(r"https?://\S+/desinscription/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    confirmation = client.get(f"/{path}")
    assert confirmation.status_code == 200
    assert Profile.objects.get(pk=ines_profile.pk).receives_digest  # a mail scanner's visit changes nothing
    done = client.post(f"/{path}")

    assert done.status_code == 200
    assert not Profile.objects.get(pk=ines_profile.pk).receives_digest
    python_offer(company, "Intégrateur Python")
    mail.outbox.clear()
    digest(on_commit)
    assert mail.outbox == []
    assert client.post("/cv-book/offres-pour-vous/desinscription/forged-token/").status_code == 404
