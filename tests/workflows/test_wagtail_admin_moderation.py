"""Hub moderators can also approve offers from the Wagtail admin."""

import pytest
from django.core import mail

from cms_pages.models import OfferPage
from tests.factories import CompanyFactory, OfferFactory, company_admin, hub_moderator
from workflows import services


@pytest.fixture
def awaiting_hub():
    company = CompanyFactory()
    admin = company_admin(company, email="admin@talos.example")
    offer = OfferFactory(parent=company, author=admin)
    services.submit_offer(offer, by=admin)
    offer.refresh_from_db()
    return offer


@pytest.mark.django_db
def test_hub_moderator_sees_the_offer_on_the_admin_dashboard(client, awaiting_hub):
    moderator = hub_moderator(awaiting_hub.company.reference_hub)
    client.force_login(moderator)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert awaiting_hub.title in response.content.decode()


@pytest.mark.django_db
def test_hub_moderator_approves_from_the_admin_and_the_offer_is_published(client, on_commit, awaiting_hub):
    moderator = hub_moderator(awaiting_hub.company.reference_hub)
    client.force_login(moderator)
    task_state = awaiting_hub.current_workflow_task_state
    assert awaiting_hub.status == "awaiting_hub_validation"

    with on_commit():
        response = client.post(
            f"/admin/pages/workflow/action/{awaiting_hub.pk}/approve/{task_state.pk}/", {"comment": "Parfait."}
        )

    assert response.status_code == 302
    offer = OfferPage.objects.get(pk=awaiting_hub.pk)
    assert offer.live and offer.status == "published"
    assert [m.to for m in mail.outbox] == [["admin@talos.example"]]


@pytest.mark.django_db
def test_moderator_of_another_hub_cannot_approve_from_the_admin(client, awaiting_hub):
    outsider = hub_moderator(CompanyFactory().reference_hub)
    client.force_login(outsider)
    task_state = awaiting_hub.current_workflow_task_state

    response = client.post(f"/admin/pages/workflow/action/{awaiting_hub.pk}/approve/{task_state.pk}/", {})

    assert response.status_code in (302, 403)
    offer = OfferPage.objects.get(pk=awaiting_hub.pk)
    assert not offer.live and offer.status == "awaiting_hub_validation"
