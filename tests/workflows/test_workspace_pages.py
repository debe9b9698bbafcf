"""The company workspace web pages: the offer form, the tabs and their buttons, the moderation queue."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core import mail

from cms_pages.models import OfferPage
from portal.reference.choices import OfferStatus
from tests.factories import (
    CompanyFactory,
    OfferFactory,
    ProgrammeFactory,
    UserFactory,
    company_admin,
    hub_moderator,
    secondary_contact,
    student,
)
from workflows import offer_input, services
from workflows.models import Campaign

S = OfferStatus


def offer_form(**changes) -> dict:
    data = {
        "title": "Stagiaire en qualité agro-industrie",
        "internship_type": "insertion",
        "mission": "Suivre la qualité de la production.",
        "profile_sought": "Étudiant en agronomie, rigoureux.",
        "study_level": "master",
        "duration_weeks": "16",
        "places": "2",
        "sector": "10",
        "keywords": "qualité, agroalimentaire",
        "remuneration": "600.00",
        "start_date": "2027-02-01",
        "end_date": "2027-05-28",
        "city": "Clapiers",
        "country": "FR",
        "campaign": "",
    }
    data.update(changes)
    return data


@pytest.fixture(autouse=True)
def _english_pages(client):
    """The pages in English, so that the assertions read the msgids (e-mails follow each recipient's language)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def people():
    company = CompanyFactory(title="Talos Health Solutions")
    return {
        "company": company,
        "admin": company_admin(company, email="admin@talos.example", language="fr"),
        "author": secondary_contact(company, can_create_offers=True, email="author@talos.example", language="en"),
        "moderator": hub_moderator(company.reference_hub, email="moderator@hub.example"),
    }


def post(client, on_commit, user, url, data=None):
    client.force_login(user)
    mail.outbox.clear()
    with on_commit():
        return client.post(url, data or {})


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def notices(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def workspace_url(company, tab=None) -> str:
    url = f"/espace/entreprises/{company.pk}/offres/"
    return f"{url}?tab={tab}" if tab else url


def action_url(offer, action) -> str:
    return f"/espace/offres/{offer.pk}/action/{action}/"


def rows(response) -> list[int]:
    return [offer.pk for offer in response.context["page"]]


@pytest.mark.django_db
def test_offer_cycle_through_the_workspace_pages(client, on_commit, people):
    company, admin, author, moderator = people["company"], people["admin"], people["author"], people["moderator"]
    programme = ProgrammeFactory()

    # A secondary contact with the right writes an offer through the form.
    client.force_login(author)
    assert client.get(f"/espace/entreprises/{company.pk}/offres/nouvelle/").status_code == 200
    created = post(
        client,
        on_commit,
        author,
        f"/espace/entreprises/{company.pk}/offres/nouvelle/",
        offer_form(target_programmes=[programme.pk]),
    )
    assert created.status_code == 302
    assert created["Location"] == workspace_url(company, "to_validate")
    assert "The offer was saved as a draft." in notices(created)
    offer = OfferPage.objects.get(title="Stagiaire en qualité agro-industrie")
    assert offer.status == S.DRAFT and offer.author == author
    assert list(offer.target_programmes.all()) == [programme]
    assert sorted(offer.keyword_list) == ["agroalimentaire", "qualité"]
    assert mail.outbox == []

    # The author submits it from the workspace: the administrator is told.
    page = client.get(workspace_url(company, "to_validate"))
    assert rows(page) == [offer.pk]
    assert action_url(offer, "submit") in page.content.decode()
    submitted = post(client, on_commit, author, action_url(offer, "submit"))
    assert submitted.status_code == 302
    assert "The offer was submitted for validation." in notices(submitted)
    offer.refresh_from_db()
    assert offer.status == S.AWAITING_COMPANY_VALIDATION
    assert recipients() == ["admin@talos.example"]

    # The administrator sees it in "to validate" and approves it: the hub's moderators and the author are told.
    client.force_login(admin)
    page = client.get(workspace_url(company, "to_validate"))
    assert rows(page) == [offer.pk]
    assert action_url(offer, "approve") in page.content.decode()
    approved = post(
        client, on_commit, admin, action_url(offer, "approve"), {"next": workspace_url(company, "to_validate")}
    )
    assert approved["Location"] == workspace_url(company, "to_validate")
    offer.refresh_from_db()
    assert offer.status == S.AWAITING_HUB_VALIDATION
    assert "moderator@hub.example" in recipients() and "author@talos.example" in recipients()

    # The hub moderator approves it from the moderation page: it is published, the author and the admin are told.
    client.force_login(moderator)
    queue = client.get("/espace/moderation/")
    assert queue.status_code == 200
    assert [o.pk for o in queue.context["offers"]] == [offer.pk]
    published = post(client, on_commit, moderator, action_url(offer, "approve"), {"next": "/espace/moderation/"})
    assert published["Location"] == "/espace/moderation/"
    assert "The offer was approved." in notices(published)
    offer.refresh_from_db()
    assert offer.status == S.PUBLISHED and offer.live
    assert set(recipients()) == {"admin@talos.example", "author@talos.example"}
    to_author = next(message for message in mail.outbox if message.to == ["author@talos.example"])
    assert "published" in to_author.subject.lower()
    assert client.get("/espace/moderation/").context["offers"] == []

    # Targeted at one programme: its students read it, anonymous visitors get a 404.
    client.logout()
    assert client.get(offer.url).status_code == 404
    client.force_login(student(programme))
    assert client.get(offer.url).status_code == 200
    client.force_login(admin)
    current = client.get(workspace_url(company, "current"))
    assert rows(current) == [offer.pk]
    assert f'href="/espace/offres/{offer.pk}/"' in current.content.decode()

    # The administrator renews it through the edit form: it goes back to the hub, still online meanwhile.
    edit = client.get(f"/espace/offres/{offer.pk}/modifier/")
    assert edit.status_code == 200
    assert edit.context["form"].initial["title"] == offer.title
    renewed = post(
        client,
        on_commit,
        admin,
        f"/espace/offres/{offer.pk}/modifier/",
        offer_form(places="3", target_programmes=[programme.pk]),
    )
    assert renewed.status_code == 302
    assert "The offer was sent for validation again." in notices(renewed)
    offer.refresh_from_db()
    assert offer.status == S.AWAITING_HUB_VALIDATION and offer.live
    assert recipients() == ["moderator@hub.example"]
    assert offer.places == 2 and offer.get_latest_revision_as_object().places == 3

    # The moderator approves the new version from the workspace.
    client.force_login(moderator)
    assert rows(client.get(workspace_url(company, "to_validate"))) == [offer.pk]
    post(client, on_commit, moderator, action_url(offer, "approve"))
    offer.refresh_from_db()
    assert offer.status == S.PUBLISHED and offer.places == 3

    # 📄 Duplicate: a new draft with the same targeting, opened in the form.
    duplicated = post(client, on_commit, admin, action_url(offer, "duplicate"))
    copy = OfferPage.objects.exclude(pk=offer.pk).get(company=company)
    assert duplicated["Location"] == f"/espace/offres/{copy.pk}/modifier/"
    assert "The offer was duplicated as a new draft." in notices(duplicated)
    assert copy.status == S.DRAFT and not copy.live and copy.author == admin
    assert list(copy.target_programmes.all()) == [programme]

    # ✘ Cancel the copy, then mark the original as filled and archive it.
    cancelled = post(client, on_commit, admin, action_url(copy, "cancel"))
    assert "The offer was closed without a candidate." in notices(cancelled)
    filled = post(client, on_commit, admin, action_url(offer, "fill"))
    assert "The offer was marked as filled." in notices(filled)
    offer.refresh_from_db()
    assert offer.status == S.FILLED and not offer.live
    archived = post(client, on_commit, admin, action_url(offer, "archive"))
    assert "The offer was archived." in notices(archived)
    copy.refresh_from_db()
    offer.refresh_from_db()
    assert (copy.status, offer.status) == (S.CANCELLED, S.ARCHIVED)
    archive_tab = client.get(workspace_url(company, "archived"))
    assert sorted(rows(archive_tab)) == sorted([offer.pk, copy.pk])
    assert [(key, count) for key, _label, count in archive_tab.context["tabs"]] == [
        ("to_validate", 0),
        ("current", 0),
        ("spontaneous", 0),
        ("archived", 2),
    ]


@pytest.mark.django_db
def test_request_changes_needs_a_comment_and_returns_the_offer_to_its_author(client, on_commit, people):
    offer = services.create_offer(people["company"], services_data(), by=people["author"])
    services.submit_offer(offer, by=people["author"])

    refused = post(client, on_commit, people["admin"], action_url(offer, "request-changes"), {"comment": "  "})
    offer.refresh_from_db()
    assert refused.status_code == 302
    assert offer.status == S.AWAITING_COMPANY_VALIDATION
    assert notices(refused) == ["Say what should change."]

    returned = post(
        client, on_commit, people["admin"], action_url(offer, "request-changes"), {"comment": "Précisez la mission."}
    )
    offer.refresh_from_db()
    assert offer.status == S.DRAFT
    assert "Changes were requested from the author." in notices(returned)
    to_author = next(message for message in mail.outbox if message.to == ["author@talos.example"])
    assert "Précisez la mission." in to_author.body


def services_data(**changes) -> dict:
    """The offer form's data, checked by the offer's schema as the services take it."""
    data = offer_form(**changes)
    data["keywords"] = [k.strip() for k in data["keywords"].split(",")]
    data.pop("campaign")
    return offer_input.validate(data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start_date": "2027-05-01", "end_date": "2027-02-01"}, "end_date"),
        ({"title": ""}, "title"),
        ({"target_programmes": ["999999"]}, "target_programmes"),
    ],
    ids=["end-before-start", "missing-title", "unknown-programme"],
)
def test_form_errors_rerender_what_was_typed_and_write_nothing(client, people, changes, field):
    client.force_login(people["author"])

    response = client.post(f"/espace/entreprises/{people['company'].pk}/offres/nouvelle/", offer_form(**changes))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["form"]["city"].value() == "Clapiers"
    assert 'value="Clapiers"' in response.content.decode()
    assert not OfferPage.objects.exists()


@pytest.mark.django_db
def test_editing_a_draft_with_end_before_start_shows_the_services_error(client, people):
    offer = services.create_offer(people["company"], services_data(), by=people["author"])
    client.force_login(people["author"])

    response = client.post(
        f"/espace/offres/{offer.pk}/modifier/",
        offer_form(title="Autre intitulé", start_date="2027-05-01", end_date="2027-02-01"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["end_date"] == ["The end date must not be before the start date."]
    offer.refresh_from_db()
    assert offer.title == "Stagiaire en qualité agro-industrie"


@pytest.mark.django_db
def test_author_edits_a_draft_and_it_stays_a_draft(client, on_commit, people):
    offer = services.create_offer(people["company"], services_data(), by=people["author"])

    response = post(
        client, on_commit, people["author"], f"/espace/offres/{offer.pk}/modifier/", offer_form(city="Namur")
    )

    assert response.status_code == 302
    assert "The offer was saved as a draft." in notices(response)
    offer.refresh_from_db()
    assert (offer.status, offer.city) == (S.DRAFT, "Namur")
    assert mail.outbox == []


@pytest.mark.django_db
def test_secondary_contact_without_the_right_cannot_open_the_offer_form(client, people):
    contact = secondary_contact(people["company"], can_create_offers=False)
    client.force_login(contact)
    url = f"/espace/entreprises/{people['company'].pk}/offres/nouvelle/"

    assert client.get(url).status_code == 403
    assert client.post(url, offer_form()).status_code == 403
    assert not OfferPage.objects.exists()


@pytest.mark.django_db
def test_another_company_admin_gets_404_on_the_workspace_and_the_edit_page(client, people):
    offer = services.create_offer(people["company"], services_data(), by=people["author"])
    outsider = company_admin(CompanyFactory())
    client.force_login(outsider)

    assert client.get(workspace_url(people["company"])).status_code == 404
    assert client.get(f"/espace/offres/{offer.pk}/modifier/").status_code == 404
    assert client.post(action_url(offer, "cancel")).status_code == 404
    offer.refresh_from_db()
    assert offer.status == S.DRAFT


@pytest.mark.django_db
def test_secondary_contact_only_sees_their_own_offers(client, people):
    mine = services.create_offer(people["company"], services_data(), by=people["author"])
    services.create_offer(people["company"], services_data(title="Offre de l'administrateur"), by=people["admin"])
    client.force_login(people["author"])

    response = client.get(workspace_url(people["company"], "to_validate"))

    assert rows(response) == [mine.pk]
    assert [count for _key, _label, count in response.context["tabs"]] == [1, 0, 0]


@pytest.mark.django_db
def test_an_action_the_status_does_not_allow_shows_a_message_instead_of_failing(client, on_commit, people):
    offer = services.create_offer(people["company"], services_data(), by=people["admin"])

    response = post(client, on_commit, people["admin"], action_url(offer, "fill"), {"next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == workspace_url(people["company"])  # the foreign `next` is ignored
    assert len(notices(response)) == 1
    offer.refresh_from_db()
    assert offer.status == S.DRAFT


@pytest.mark.django_db
def test_actions_are_post_only_and_unknown_actions_are_404(client, people):
    offer = services.create_offer(people["company"], services_data(), by=people["admin"])
    client.force_login(people["admin"])

    assert client.get(action_url(offer, "submit")).status_code == 405
    assert client.post(action_url(offer, "delete")).status_code == 404


@pytest.mark.django_db
def test_edit_page_of_an_offer_awaiting_validation_redirects_with_a_message(client, people):
    offer = services.create_offer(people["company"], services_data(), by=people["author"])
    services.submit_offer(offer, by=people["author"])
    client.force_login(people["author"])

    response = client.get(f"/espace/offres/{offer.pk}/modifier/")

    assert response.status_code == 302
    assert response["Location"] == f"/espace/offres/{offer.pk}/"
    assert notices(response) == ["You cannot edit this offer while it is “Awaiting company validation”."]


@pytest.mark.django_db
def test_admin_renews_several_offers_for_a_campaign_at_once(client, on_commit, people):
    campaign = Campaign.objects.create(
        name="2027-2028", starts_on=datetime.date(2027, 9, 1), ends_on=datetime.date(2028, 6, 30)
    )
    company = people["company"]
    offers = [OfferFactory(parent=company, status=S.ARCHIVED, author=people["admin"]) for _ in range(2)]
    client.force_login(people["admin"])
    archive_tab = client.get(workspace_url(company, "archived"))
    assert archive_tab.context["renewable"]
    assert 'form="bulk-renew"' in archive_tab.content.decode()

    response = post(
        client,
        on_commit,
        people["admin"],
        f"/espace/entreprises/{company.pk}/offres/renouveler/",
        {"offers": [o.pk for o in offers], "campaign": campaign.pk},
    )

    assert response.status_code == 302
    assert notices(response) == ["2 offers were sent for validation again."]
    for offer in offers:
        offer.refresh_from_db()
        assert offer.status == S.AWAITING_HUB_VALIDATION
        assert offer.get_latest_revision_as_object().campaign_id == campaign.pk
    assert recipients() == ["moderator@hub.example", "moderator@hub.example"]


@pytest.mark.django_db
def test_bulk_renew_is_all_or_nothing(client, on_commit, people):
    company = people["company"]
    archived = OfferFactory(parent=company, status=S.ARCHIVED)
    draft = OfferFactory(parent=company, status=S.DRAFT)

    response = post(
        client,
        on_commit,
        people["admin"],
        f"/espace/entreprises/{company.pk}/offres/renouveler/",
        {"offers": [archived.pk, draft.pk]},
    )

    assert response.status_code == 302
    assert len(notices(response)) == 1
    archived.refresh_from_db()
    assert archived.status == S.ARCHIVED


@pytest.mark.django_db
def test_moderation_page_is_empty_for_someone_with_nothing_to_decide(client):
    client.force_login(UserFactory())

    response = client.get("/espace/moderation/")

    assert response.status_code == 200
    assert response.context["offers"] == []
    assert "empty-state" in response.content.decode()


@pytest.mark.django_db
def test_dashboard_links_to_the_workspace_and_the_moderation_page(client, people):
    client.force_login(people["admin"])
    assert workspace_url(people["company"]) in client.get("/comptes/mon-compte/").content.decode()
    client.force_login(people["moderator"])
    assert "/espace/moderation/" in client.get("/comptes/mon-compte/").content.decode()


@pytest.mark.django_db
def test_workspace_filters_by_title_and_status_and_paginates_keeping_the_filters(client, people):
    company = people["company"]
    for n in range(7):
        OfferFactory(parent=company, title=f"Stage data {n}", status=S.PUBLISHED)
    OfferFactory(parent=company, title="Stage data filled", status=S.FILLED)
    OfferFactory(parent=company, title="Stage comptable", status=S.PUBLISHED)
    client.force_login(people["admin"])

    first = client.get(workspace_url(company), {"tab": "current", "q": "data", "status": "published"})
    second = client.get(workspace_url(company), {"tab": "current", "q": "data", "status": "published", "page": 2})

    assert first.context["page"].paginator.count == 7
    assert len(rows(first)) == 5  # « Affichage : 5 par page »
    assert len(rows(second)) == 2
    assert "?tab=current&amp;q=data&amp;status=published&amp;page=2" in first.content.decode()
    assert [choice for choice, _label in first.context["filter_form"].fields["status"].choices] == [
        "",
        "published",
        "unpublished",
        "filled",
    ]


# The user (the session is read from the cache), the company, the offers they work on, the tab counts (with the
# page's count), the page's rows, the campaigns: whatever the size.
WORKSPACE_MAX_QUERIES = 8


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 60])
def test_workspace_page_runs_a_constant_number_of_queries(client, people, django_assert_max_num_queries, count):
    company = people["company"]
    campaign = Campaign.objects.create(
        name="2026-2027", starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2027, 6, 30)
    )
    statuses = [S.PUBLISHED, S.UNPUBLISHED, S.FILLED, S.DRAFT, S.ARCHIVED]
    for n in range(count):
        status = statuses[n % len(statuses)]
        OfferFactory(
            parent=company,
            status=status,
            live=status == S.PUBLISHED,
            author=people["author"] if n % 2 else people["admin"],
            campaign=campaign,
        )
    client.force_login(people["admin"])
    client.get(workspace_url(company))  # Wagtail caches the site root paths on the first page served

    with django_assert_max_num_queries(WORKSPACE_MAX_QUERIES):
        response = client.get(workspace_url(company), {"tab": "current", "page_size": 25})

    assert response.status_code == 200
    assert len(rows(response)) == min(25, len([n for n in range(count) if statuses[n % 5] in statuses[:3]]))


def published_offer(people, **changes) -> OfferPage:
    offer = services.create_offer(people["company"], services_data(**changes), by=people["admin"])
    services.submit_offer(offer, by=people["admin"])
    services.approve_offer(offer, by=people["moderator"])
    offer.refresh_from_db()
    return offer


@pytest.mark.django_db
def test_moderation_page_shows_the_renewed_version_awaiting_approval(client, on_commit, people):
    offer = published_offer(people)
    post(
        client, on_commit, people["admin"], f"/espace/offres/{offer.pk}/modifier/", offer_form(title="Nouvel intitulé")
    )
    client.force_login(people["moderator"])

    response = client.get("/espace/moderation/")

    assert [o.title for o in response.context["offers"]] == ["Nouvel intitulé"]
    assert "Nouvel intitulé" in response.content.decode()


@pytest.mark.django_db
def test_changes_to_a_renewed_offer_sent_back_stay_offline_until_approved(client, on_commit, people):
    offer = published_offer(people)
    post(
        client, on_commit, people["admin"], f"/espace/offres/{offer.pk}/modifier/", offer_form(title="Nouvel intitulé")
    )
    post(
        client,
        on_commit,
        people["moderator"],
        action_url(offer, "request-changes"),
        {"comment": "Précisez la mission."},
    )

    post(
        client,
        on_commit,
        people["admin"],
        f"/espace/offres/{offer.pk}/modifier/",
        offer_form(title="Nouvel intitulé", mission="Mission non validée"),
    )

    client.logout()
    public = client.get(offer.url).content.decode()
    assert "Mission non validée" not in public
    assert "Suivre la qualité de la production." in public
