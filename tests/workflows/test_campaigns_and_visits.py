"""The campaign calendar (warnings, archiving, bulk renewal) and visit counting."""

import datetime

import pytest
from django.core import mail

from cms_pages.models import OfferPage
from tests.factories import CompanyFactory, OfferFactory, company_admin, hub_moderator
from workflows import campaigns, services
from workflows.models import Campaign

TODAY = datetime.date(2027, 6, 20)


@pytest.fixture
def campaign():
    return Campaign.objects.create(
        name="2026-2027", starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2027, 6, 30)
    )


def published_offer(company, admin, campaign, **fields):
    offer = OfferFactory(parent=company, author=admin, campaign=campaign, **fields)
    services.submit_offer(offer, by=admin)
    moderator = hub_moderator(company.reference_hub)
    services.approve_offer(OfferPage.objects.get(pk=offer.pk), by=moderator)
    return OfferPage.objects.get(pk=offer.pk)


@pytest.mark.django_db
def test_administrators_are_warned_once_before_the_campaign_ends(campaign, on_commit):
    company = CompanyFactory()
    admin = company_admin(company, email="admin@talos.example")
    published_offer(company, admin, campaign)
    mail.outbox.clear()

    with on_commit():
        first = campaigns.warn_campaigns_ending(today=TODAY)
        second = campaigns.warn_campaigns_ending(today=TODAY)

    assert (first, second) == (1, 0)
    assert [m.to for m in mail.outbox] == [["admin@talos.example"]]


@pytest.mark.django_db
def test_campaign_end_archives_offers_not_renewed_and_tells_the_company(campaign, on_commit):
    company = CompanyFactory()
    admin = company_admin(company, email="admin@talos.example")
    kept = published_offer(company, admin, campaign, title="Renouvelée")
    dropped = published_offer(company, admin, campaign, title="Oubliée")
    next_campaign = Campaign.objects.create(
        name="2027-2028", starts_on=datetime.date(2027, 6, 1), ends_on=datetime.date(2028, 6, 30)
    )
    services.renew_offer(kept, by=admin, campaign=next_campaign)
    mail.outbox.clear()

    with on_commit():
        archived = campaigns.close_ended_campaigns(today=datetime.date(2027, 7, 1))

    assert archived == 1
    dropped.refresh_from_db()
    kept.refresh_from_db()
    assert dropped.status == "archived" and not dropped.live
    assert kept.status != "archived" and kept.campaign == next_campaign
    assert [m.to for m in mail.outbox] == [["admin@talos.example"]]
    assert "Oubliée" in mail.outbox[0].body
    assert campaigns.close_ended_campaigns(today=datetime.date(2027, 7, 2)) == 0


@pytest.mark.django_db
def test_bulk_renew_sends_several_offers_back_through_moderation(api_client, campaign):
    company = CompanyFactory()
    admin = company_admin(company)
    offers = [published_offer(company, admin, campaign) for _ in range(2)]
    next_campaign = Campaign.objects.create(
        name="2027-2028", starts_on=datetime.date(2027, 6, 1), ends_on=datetime.date(2028, 6, 30)
    )
    api_client.force_authenticate(admin)

    response = api_client.post(
        f"/api/v1/companies/{company.pk}/offers/renew",
        {"offers": [o.pk for o in offers], "campaign": next_campaign.pk},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert {o["status"] for o in response.json()["results"]} == {"awaiting_hub_validation"}
    assert set(OfferPage.objects.filter(pk__in=[o.pk for o in offers]).values_list("campaign", flat=True)) == {
        next_campaign.pk
    }


@pytest.mark.django_db
def test_a_visit_counts_once_per_session_and_never_for_crawlers(client, campaign, on_commit):
    company = CompanyFactory()
    offer = published_offer(company, company_admin(company), campaign)
    browser = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}

    with on_commit():
        client.get(f"/api/v1/offers/{offer.pk}", **browser)
        client.get(f"/api/v1/offers/{offer.pk}", **browser)
        client.get(offer.url, **browser)
        client.get(f"/api/v1/offers/{offer.pk}", HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)")

    offer.refresh_from_db()
    assert offer.visits == 1


@pytest.mark.django_db
def test_another_visitor_session_counts_again(campaign, on_commit):
    from django.test import Client

    company = CompanyFactory()
    offer = published_offer(company, company_admin(company), campaign)
    browser = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}

    with on_commit():
        Client().get(offer.url, **browser)
        Client().get(offer.url, **browser)

    offer.refresh_from_db()
    assert offer.visits == 2
