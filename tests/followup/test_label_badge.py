"""The awarded label shows on the student's CV-book profile, for the student and for the companies that read it."""

from django.urls import reverse

from portal.followup import services
from portal.notifications.services import without_notifications
from tests.factories import cvbook_profile
from tests.followup.fixtures import labelled_ready


def test_an_awarded_label_shows_on_the_students_cvbook_profile(client, world):
    profile = cvbook_profile(world.student, visible=True, keywords=["Django"], title="Demande de PFE")
    client.force_login(world.company_admin)
    page = reverse("cvbook:detail", args=[world.company.pk, profile.pk])
    before = client.get(page).content.decode()
    with without_notifications():
        services.steps.award_label(labelled_ready(world), by=world.programme_head)

    seen_by_company = client.get(page).content.decode()
    client.force_login(world.student)
    seen_by_student = client.get(reverse("cvbook:profile")).content.decode()

    assert "followup-badge" not in before
    assert "followup-badge" in seen_by_company and "followup-badge" in seen_by_student
