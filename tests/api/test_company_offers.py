"""`GET /companies/{id}/offers?tab=…` (the workspace tabs) and `GET /moderation/offers`."""

import pytest

from cms_pages.models import OfferPage
from portal import access
from portal.reference.choices import OfferStatus
from tests.factories import (
    CompanyFactory,
    OfferFactory,
    company_admin,
    hub_moderator,
    secondary_contact,
    student,
)
from workflows import offer_input, services


def offers_in_every_tab(company, author, count):
    """`count` offers spread over the statuses of the three tabs."""
    statuses = [OfferStatus.DRAFT, OfferStatus.PUBLISHED, OfferStatus.FILLED, OfferStatus.ARCHIVED]
    for index in range(count):
        OfferFactory(
            parent=company,
            author=author,
            status=statuses[index % len(statuses)],
            live=statuses[index % len(statuses)] == OfferStatus.PUBLISHED,
        )


@pytest.mark.parametrize("count", [3, 60])
@pytest.mark.django_db
def test_workspace_tab_runs_a_constant_number_of_queries(api_client, django_assert_max_num_queries, count):
    company = CompanyFactory()
    admin = company_admin(company)
    offers_in_every_tab(company, admin, count)
    api_client.force_authenticate(admin)

    with django_assert_max_num_queries(8):
        response = api_client.get(f"/api/v1/companies/{company.pk}/offers", {"tab": "current", "page_size": 25})

    assert response.status_code == 200
    body = response.json()
    assert set(body["tabs"]) == {"to_validate", "current", "archived"}
    assert body["count"] == body["tabs"]["current"]
    assert len(body["results"]) == min(body["count"], 25)


@pytest.mark.django_db
def test_tabs_count_and_filter_the_offers(api_client):
    company = CompanyFactory()
    admin = company_admin(company)
    OfferFactory(parent=company, author=admin, title="Développeur web", status=OfferStatus.PUBLISHED, live=True)
    OfferFactory(parent=company, author=admin, title="Analyste", status=OfferStatus.FILLED)
    OfferFactory(parent=company, author=admin, title="Brouillon", status=OfferStatus.DRAFT)
    OfferFactory(parent=company, author=admin, title="Ancienne", status=OfferStatus.ARCHIVED)
    api_client.force_authenticate(admin)

    current = api_client.get(f"/api/v1/companies/{company.pk}/offers", {"tab": "current"}).json()
    by_title = api_client.get(f"/api/v1/companies/{company.pk}/offers", {"tab": "current", "q": "web"}).json()
    by_status = api_client.get(f"/api/v1/companies/{company.pk}/offers", {"tab": "current", "status": "filled"}).json()
    bad_tab = api_client.get(f"/api/v1/companies/{company.pk}/offers", {"tab": "spontaneous-ish"})

    assert current["tabs"] == {"to_validate": 1, "current": 2, "archived": 1}
    assert {row["title"] for row in current["results"]} == {"Développeur web", "Analyste"}
    assert [row["title"] for row in by_title["results"]] == ["Développeur web"]
    assert [row["title"] for row in by_status["results"]] == ["Analyste"]
    assert bad_tab.status_code == 400 and "tab" in bad_tab.json()["errors"]
    row = current["results"][0]
    assert {"number", "title", "status", "visits", "actions"} <= set(row)


@pytest.mark.django_db
def test_secondary_contact_sees_only_the_offers_they_wrote(api_client):
    company = CompanyFactory()
    admin = company_admin(company)
    contact = secondary_contact(company, can_create_offers=True)
    OfferFactory(parent=company, author=admin, title="De l'administrateur", status=OfferStatus.DRAFT)
    mine = services.create_offer(
        company,
        offer_input.validate(
            {
                "title": "La mienne",
                "internship_type": "discovery",
                "mission": "M",
                "study_level": "master",
                "duration_weeks": 4,
                "start_date": "2027-03-01",
                "city": "Mons",
                "country": "BE",
                "sector": "62",
            }
        ),
        by=contact,
    )
    api_client.force_authenticate(contact)

    body = api_client.get(f"/api/v1/companies/{company.pk}/offers", {"tab": "to_validate"}).json()

    assert [row["id"] for row in body["results"]] == [mine.pk]
    assert body["results"][0]["actions"] == ["edit", "submit", "cancel", "duplicate"]


@pytest.mark.parametrize("outsider", ["other_company", "student", "other_hub"])
@pytest.mark.django_db
def test_workspace_of_a_company_answers_404_outside_its_scope(api_client, outsider):
    company = CompanyFactory()
    OfferFactory(parent=company, status=OfferStatus.PUBLISHED, live=True)
    users = {
        "other_company": lambda: company_admin(CompanyFactory()),
        "student": lambda: student(),
        "other_hub": lambda: hub_moderator(CompanyFactory().reference_hub),
    }
    api_client.force_authenticate(users[outsider]())

    response = api_client.get(f"/api/v1/companies/{company.pk}/offers")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_moderation_queue_lists_what_awaits_each_approver(api_client):
    company = CompanyFactory()
    admin = company_admin(company)
    contact = secondary_contact(company, can_create_offers=True)
    moderator = hub_moderator(company.reference_hub)
    outsider = hub_moderator(CompanyFactory().reference_hub)
    for_admin = OfferFactory(parent=company, author=contact)
    access.offers.grant_author(contact, for_admin)
    services.submit_offer(for_admin, by=contact)
    for_hub = OfferFactory(parent=company, author=admin)
    services.submit_offer(for_hub, by=admin)

    def queue(user):
        api_client.force_authenticate(user)
        return [row["id"] for row in api_client.get("/api/v1/moderation/offers").json()["results"]]

    assert queue(admin) == [for_admin.pk]
    assert queue(moderator) == [for_hub.pk]
    assert queue(outsider) == []
    assert OfferPage.objects.get(pk=for_hub.pk).status == OfferStatus.AWAITING_HUB_VALIDATION
