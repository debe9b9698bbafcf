"""The offer review page: company administrators and hub moderators read an offer before deciding on it, see what
the moderators asked and what happened to it, and bring an unpublished offer back online."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail

from cms_pages.models import OfferPage
from portal.exceptions import InvalidTransition
from portal.reference.choices import OfferStatus
from tests.factories import (
    OFFER_INPUT,
    CompanyFactory,
    HubFactory,
    ProgrammeFactory,
    SchoolFactory,
    company_admin,
    hub_moderator,
    secondary_contact,
    student,
)
from workflows import offer_input, review, services

S = OfferStatus


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def people():
    company = CompanyFactory(title="Talos Health Solutions")
    return {
        "company": company,
        "admin": company_admin(company, email="admin@talos.example", first_name="Aurélie", last_name="Hogge"),
        "author": secondary_contact(
            company, can_create_offers=True, email="author@talos.example", first_name="Valentin", last_name="Bouquet"
        ),
        "moderator": hub_moderator(company.reference_hub, email="moderator@hub.example", first_name="Mona"),
    }


def review_url(offer) -> str:
    return f"/espace/offres/{offer.pk}/"


def action_url(offer, action) -> str:
    return f"/espace/offres/{offer.pk}/action/{action}/"


def notices(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def submitted_offer(people, **changes):
    offer = services.create_offer(
        people["company"], offer_input.validate({**OFFER_INPUT, **changes}), by=people["author"]
    )
    services.submit_offer(offer, by=people["author"])
    return OfferPage.objects.get(pk=offer.pk)


def published_offer(people, **changes):
    offer = submitted_offer(people, **changes)
    services.approve_offer(offer, by=people["admin"])
    services.approve_offer(OfferPage.objects.get(pk=offer.pk), by=people["moderator"])
    return OfferPage.objects.get(pk=offer.pk)


def unpublished_offer(people, **changes):
    offer = published_offer(people, **changes)
    services.unpublish_offer(offer, by=people["admin"])
    return OfferPage.objects.get(pk=offer.pk)


@pytest.mark.django_db
def test_administrator_reads_every_field_of_an_offer_awaiting_validation(client, people):
    school = SchoolFactory(title="Université de Namur")
    programme = ProgrammeFactory(name="Master en biologie")
    offer = submitted_offer(people, target_organisations=[school.pk], target_programmes=[programme.pk])
    client.force_login(people["admin"])

    response = client.get(review_url(offer))

    assert response.status_code == 200
    page = response.content.decode()
    for shown in (
        "Stagiaire en qualité agro-industrie",
        "Suivre la qualité de la production.",
        "Étudiant en agronomie, rigoureux.",
        "Clapiers",
        "Valentin Bouquet",
        "Awaiting company validation",
        "Université de Namur",
        "Master en biologie",
        "Targeted",
        "agroalimentaire, qualité",
        "Company workspace",
        f"No. {offer.number}",
    ):
        assert shown in page, shown
    assert response.context["actions"] == ["approve", "request-changes", "cancel", "duplicate"]
    assert action_url(offer, "approve") in page
    assert 'name="comment"' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "outsider",
    [
        lambda people: company_admin(CompanyFactory()),
        lambda people: secondary_contact(people["company"], can_create_offers=True),
        lambda people: hub_moderator(HubFactory()),
        lambda people: student(),
    ],
    ids=["other-company", "colleague", "other-hub", "student"],
)
def test_people_who_do_not_work_on_an_offline_offer_get_a_404(client, people, outsider):
    offer = submitted_offer(people)
    client.force_login(outsider(people))

    assert client.get(review_url(offer)).status_code == 404


@pytest.mark.django_db
def test_hub_moderator_sees_no_draft_but_reads_what_awaits_the_hub(client, people):
    draft = services.create_offer(people["company"], offer_input.validate(OFFER_INPUT), by=people["author"])
    waiting = submitted_offer(people)
    services.approve_offer(waiting, by=people["admin"])
    client.force_login(people["moderator"])

    assert client.get(review_url(draft)).status_code == 404
    response = client.get(review_url(waiting))
    assert response.status_code == 200
    assert response.context["actions"] == ["approve", "request-changes"]


@pytest.mark.django_db
def test_a_reader_of_a_live_offer_outside_the_company_is_sent_to_its_public_page(client, people):
    offer = published_offer(people)
    client.force_login(student())

    response = client.get(review_url(offer))

    assert response.status_code == 302
    assert response["Location"] == offer.url


@pytest.mark.django_db
def test_titles_in_the_workspace_tabs_and_the_moderation_queue_open_the_review_page(client, people):
    offer = submitted_offer(people)
    client.force_login(people["admin"])

    tab = client.get(f"/espace/entreprises/{people['company'].pk}/offres/?tab=to_validate").content.decode()
    queue = client.get("/espace/moderation/").content.decode()

    assert f'href="{review_url(offer)}"' in tab
    assert f'href="{review_url(offer)}"' in queue


@pytest.mark.django_db
def test_review_page_of_a_renewed_offer_lists_the_changes_since_the_published_version(client, people):
    offer = published_offer(people)
    services.renew_offer(offer, by=people["admin"], data={"title": "Stagiaire qualité et sécurité", "places": 3})
    client.force_login(people["moderator"])

    response = client.get(review_url(offer))

    changes = [(change.field, change.before, change.after) for change in response.context["changes"]]
    assert changes == [
        ("title", "Stagiaire en qualité agro-industrie", "Stagiaire qualité et sécurité"),
        ("places", "2", "3"),
    ]
    assert "<h1>Stagiaire qualité et sécurité</h1>" in response.content.decode()
    assert response.context["actions"] == ["approve", "request-changes"]


@pytest.mark.django_db
def test_hub_moderator_who_sends_an_offer_back_returns_to_the_queue(client, on_commit, people):
    offer = submitted_offer(people)
    services.approve_offer(offer, by=people["admin"])
    client.force_login(people["moderator"])
    page = client.get(review_url(offer)).content.decode()
    assert 'name="next" value="/espace/moderation/"' in page

    with on_commit():
        response = client.post(
            action_url(offer, "request-changes"), {"comment": "Ajoutez les dates.", "next": "/espace/moderation/"}
        )

    assert response["Location"] == "/espace/moderation/"
    assert client.get(review_url(offer)).status_code == 404


@pytest.mark.django_db
def test_an_offer_never_published_has_no_changes_to_list(client, people):
    offer = submitted_offer(people)
    client.force_login(people["admin"])

    assert client.get(review_url(offer)).context["changes"] == []


@pytest.mark.django_db
def test_edit_address_of_an_offer_someone_may_not_edit_leads_to_the_review_page(client, people):
    offer = submitted_offer(people)
    services.approve_offer(offer, by=people["admin"])
    client.force_login(people["moderator"])

    response = client.get(f"/espace/offres/{offer.pk}/modifier/")

    assert response.status_code == 302
    assert response["Location"] == review_url(offer)
    assert notices(response) == ["You cannot edit this offer while it is “Awaiting hub validation”."]


@pytest.mark.django_db
def test_refusals_name_the_action_in_words_not_its_code(people):
    offer = submitted_offer(people)

    with pytest.raises(InvalidTransition) as refused:
        services.renew_offer(offer, by=people["admin"])

    assert "“Renew / edit” is not allowed" in refused.value.message
    assert "renew”" not in refused.value.message


@pytest.mark.django_db
def test_the_comment_of_a_request_for_changes_shows_until_the_offer_is_submitted_again(client, on_commit, people):
    offer = submitted_offer(people)
    client.force_login(people["admin"])
    with on_commit():
        sent_back = client.post(
            action_url(offer, "request-changes"),
            {"comment": "Précisez la durée du stage.", "next": review_url(offer)},
        )
    assert sent_back["Location"] == review_url(offer)

    client.force_login(people["author"])
    page = client.get(review_url(offer))
    assert page.context["moderation_comment"].text == "Précisez la durée du stage."
    assert page.context["moderation_comment"].by == people["admin"]
    assert "Précisez la durée du stage." in page.content.decode()
    row = client.get(f"/espace/entreprises/{people['company'].pk}/offres/?tab=to_validate")
    assert [offer.changes_requested for offer in row.context["page"]] == [True]
    assert "Changes requested" in row.content.decode()

    services.submit_offer(OfferPage.objects.get(pk=offer.pk), by=people["author"])
    page = client.get(review_url(offer))
    assert page.context["moderation_comment"] is None
    row = client.get(f"/espace/entreprises/{people['company'].pk}/offres/?tab=to_validate")
    assert [offer.changes_requested for offer in row.context["page"]] == [False]


@pytest.mark.django_db
def test_moderation_history_tells_who_did_what_and_what_was_said(client, people):
    offer = submitted_offer(people)
    services.request_changes(offer, by=people["admin"], comment="Ajoutez le profil.")
    services.submit_offer(OfferPage.objects.get(pk=offer.pk), by=people["author"], comment="Profil ajouté.")
    services.approve_offer(OfferPage.objects.get(pk=offer.pk), by=people["admin"])
    services.approve_offer(OfferPage.objects.get(pk=offer.pk), by=people["moderator"])
    services.unpublish_offer(OfferPage.objects.get(pk=offer.pk), by=people["admin"], comment="Pause.")
    services.republish_offer(OfferPage.objects.get(pk=offer.pk), by=people["admin"])
    client.force_login(people["admin"])

    history = client.get(review_url(offer)).context["history"]

    assert [(entry.action, entry.step, entry.by, entry.comment) for entry in history] == [
        ("created", None, people["author"], ""),
        ("submitted", None, people["author"], ""),
        ("changes_requested", "company", people["admin"], "Ajoutez le profil."),
        ("submitted", None, people["author"], "Profil ajouté."),
        ("approved", "company", people["admin"], ""),
        ("approved", "hub", people["moderator"], ""),
        ("published", None, people["moderator"], ""),
        ("unpublished", None, people["admin"], "Pause."),
        ("republished", None, people["admin"], ""),
    ]


@pytest.mark.django_db
def test_history_selector_and_review_page_run_a_constant_number_of_queries(
    client, people, django_assert_max_num_queries
):
    offer = published_offer(people)
    for _ in range(3):
        services.unpublish_offer(OfferPage.objects.get(pk=offer.pk), by=people["admin"])
        services.republish_offer(OfferPage.objects.get(pk=offer.pk), by=people["admin"])
    services.renew_offer(OfferPage.objects.get(pk=offer.pk), by=people["admin"], data={"title": "Nouvel intitulé"})
    offer = OfferPage.objects.get(pk=offer.pk)

    with django_assert_max_num_queries(2):
        history = review.moderation_history(offer)
    assert len(history) >= 10

    client.force_login(people["moderator"])
    with django_assert_max_num_queries(32):
        response = client.get(review_url(offer))
    assert response.status_code == 200
    assert [change.field for change in response.context["changes"]] == ["title"]


@pytest.mark.django_db
def test_owner_republishes_an_unchanged_unpublished_offer_at_once(client, on_commit, people):
    offer = unpublished_offer(people)
    client.force_login(people["author"])
    current = client.get(f"/espace/entreprises/{people['company'].pk}/offres/?tab=current")
    assert [row.pk for row in current.context["page"]] == [offer.pk]
    assert action_url(offer, "republish") in current.content.decode()
    assert "republish" in client.get(review_url(offer)).context["actions"]
    mail.outbox.clear()

    with on_commit():
        response = client.post(action_url(offer, "republish"), {"next": review_url(offer)})

    assert response["Location"] == review_url(offer)
    assert notices(response) == ["The offer was republished."]
    offer.refresh_from_db()
    assert offer.status == S.PUBLISHED and offer.live
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "admin@talos.example",
        "author@talos.example",
    ]
    client.logout()
    assert client.get(offer.url).status_code == 200


@pytest.mark.django_db
def test_an_offer_edited_since_it_was_unpublished_goes_through_moderation_again(client, on_commit, people):
    offer = unpublished_offer(people)
    # An editor changes it in the Wagtail admin after it went offline.
    edited = offer.get_latest_revision_as_object()
    edited.mission = "Une mission revue après la dépublication."
    edited.save_revision()
    client.force_login(people["admin"])
    mail.outbox.clear()

    with on_commit():
        client.post(action_url(offer, "republish"))

    offer.refresh_from_db()
    assert offer.status == S.AWAITING_HUB_VALIDATION
    assert not offer.live
    assert [message.to for message in mail.outbox] == [["moderator@hub.example"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who",
    [
        lambda people: people["moderator"],
        lambda people: secondary_contact(people["company"], can_create_offers=True),
        lambda people: student(),
    ],
    ids=["hub-moderator", "colleague", "student"],
)
def test_only_the_owners_may_republish(client, people, who):
    offer = unpublished_offer(people)
    client.force_login(who(people))

    response = client.post(action_url(offer, "republish"))

    assert response.status_code in (403, 404)
    offer.refresh_from_db()
    assert offer.status == S.UNPUBLISHED and not offer.live
