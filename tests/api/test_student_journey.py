"""The student's journey through the API: search, read, apply, and follow each status the company sets."""

import pytest
from django.core import mail

from portal.recruitment.models import Application, ApplicationDocument
from portal.reference.choices import OfferStatus
from tests.recruitment.files import cv, letter, pdf_bytes
from tests.recruitment.fixtures import published_offer


@pytest.mark.django_db
def test_student_finds_applies_and_follows_statuses_seen_by_the_school(
    api_client, company, admin, author, applicant, tutor, django_capture_on_commit_callbacks
):
    offer = published_offer(company, author, title="Développeur Python", sector_id="62")
    offer.keywords.add("django")
    offer.save()
    published_offer(company, author, title="Comptable", sector_id="69", mission="Tenir la comptabilité.")

    # Search with a keyword and a facet, then open the offer.
    api_client.force_authenticate(applicant)
    found = api_client.get("/api/v1/offers", {"q": "python", "sector": "62"})
    assert found.status_code == 200
    assert [row["id"] for row in found.data["results"]] == [offer.pk]
    assert found.data["facets"]["sector"] == [{"code": "62", "label": offer.sector.label, "count": 1}]
    by_keyword = api_client.get("/api/v1/offers", {"q": "django"})
    assert [row["id"] for row in by_keyword.data["results"]] == [offer.pk]
    detail = api_client.get(f"/api/v1/offers/{offer.pk}")
    assert detail.status_code == 200

    # Apply with real PDF bytes.
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/applications",
            {"offer": offer.pk, "message": "Madame, Monsieur,", "cv": cv(), "motivation_letter": letter()},
            format="multipart",
        )
    assert response.status_code == 201, response.data
    assert response.data["status"] == "pending"
    assert {(d["kind"], d["name"]) for d in response.data["documents"]} == {
        ("cv", "cv.pdf"),
        ("motivation_letter", "lettre.pdf"),
    }
    application_id = response.data["id"]
    assert [m.to for m in mail.outbox] == [[author.email]]
    assert "Développeur Python" in mail.outbox[0].subject
    mail.outbox.clear()

    # The offer's author opens it: it becomes "read", the student and the school are told.
    api_client.force_authenticate(author)
    with django_capture_on_commit_callbacks(execute=True):
        opened = api_client.get(f"/api/v1/applications/{application_id}")
    assert opened.status_code == 200
    assert opened.data["status"] == "read"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([applicant.email, tutor.email])
    mail.outbox.clear()
    document = ApplicationDocument.objects.get(application_id=application_id, kind="cv")
    download = api_client.get(f"/api/v1/applications/{application_id}/documents/{document.pk}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes("Curriculum vitae")

    # Interview, then accepted with a comment: the single place is taken, the offer is filled.
    for status, comment in (("interview", "Rendez-vous lundi à 10 h."), ("accepted", "Bienvenue !")):
        with django_capture_on_commit_callbacks(execute=True):
            changed = api_client.post(
                f"/api/v1/applications/{application_id}/status", {"status": status, "comment": comment}, format="json"
            )
        assert changed.status_code == 200, changed.data
        assert changed.data["status"] == status
        assert sorted(m.to[0] for m in mail.outbox) == sorted([applicant.email, tutor.email])
        assert all(comment in m.body for m in mail.outbox)
        mail.outbox.clear()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.FILLED and not offer.live

    # The student and the school staff see each status in the history.
    for reader in (applicant, tutor):
        api_client.force_authenticate(reader)
        seen = api_client.get(f"/api/v1/applications/{application_id}")
        assert seen.status_code == 200
        assert seen.data["status"] == "accepted"
        assert [(e["before"], e["after"]) for e in seen.data["history"]] == [
            ("", "pending"),
            ("pending", "read"),
            ("read", "interview"),
            ("interview", "accepted"),
        ]
        assert seen.data["history"][-1]["comment"] == "Bienvenue !"
    assert Application.objects.get(pk=application_id).status == "accepted"
