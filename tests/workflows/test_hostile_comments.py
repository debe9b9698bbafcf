"""A lifecycle action's comment is plain text of bounded length, from the workspace pages as from the API.

Like every free text of the portal (`portal.markup.clean_plain_text`), it loses the control characters that pasted
text may carry (PostgreSQL refuses a NUL in text): it is kept without them, never refused for them.
"""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import PageLogEntry

from portal.reference.choices import OfferStatus
from tests.factories import CompanyFactory, OfferFactory, company_admin
from workflows import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return CompanyFactory()


@pytest.fixture
def admin(company):
    return company_admin(company)


@pytest.fixture
def draft(company, admin):
    return OfferFactory(parent=company, author=admin, status=OfferStatus.DRAFT)


def test_workspace_button_with_a_nul_character_in_the_comment_keeps_the_comment_without_it(client, admin, draft):
    client.force_login(admin)

    response = client.post(f"/espace/offres/{draft.pk}/action/submit/", {"comment": "Prête\x00"}, follow=True)

    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status != OfferStatus.DRAFT
    assert PageLogEntry.objects.filter(page=draft, action="portal.offer.submit").get().data["comment"] == "Prête"


@pytest.mark.parametrize("comment", ["Prête\x00", "\x1b[31mPrête"])
def test_action_service_drops_the_control_characters_of_a_comment(admin, draft, comment):
    services.perform(draft, "submit", by=admin, comment=comment)

    draft.refresh_from_db()
    assert draft.status != OfferStatus.DRAFT
    assert "\x00" not in str(PageLogEntry.objects.filter(page=draft).values_list("data", flat=True))


@pytest.mark.parametrize("comment", ["x" * 5001, ["a list"]])
def test_action_service_refuses_a_comment_that_is_not_plain_bounded_text(admin, draft, comment):
    with pytest.raises(ValidationError) as refused:
        services.perform(draft, "submit", by=admin, comment=comment)

    assert "comment" in refused.value.message_dict
    draft.refresh_from_db()
    assert draft.status == OfferStatus.DRAFT


def test_api_action_with_a_comment_too_long_is_refused(api_client, admin, draft):
    api_client.force_authenticate(admin)

    response = api_client.post(f"/api/v1/offers/{draft.pk}/submit", {"comment": "x" * 5001}, format="json")

    assert response.status_code == 400
    assert "comment" in response.json()["errors"]


def test_action_comment_with_line_breaks_is_kept(api_client, admin, draft):
    api_client.force_authenticate(admin)

    response = api_client.post(f"/api/v1/offers/{draft.pk}/submit", {"comment": "Prête.\n\tÀ valider."}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] != OfferStatus.DRAFT
