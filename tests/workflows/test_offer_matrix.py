"""Who may take which lifecycle action on a company's offer: every action × every actor, through the API.

The rules (the product's spec):
- anonymous callers get 401 for every write;
- 404 when the caller may not know the offer exists: a non-live offer is known only to the company's
  administrators, its author (with or without the right to create offers) and, once the company
  validated it, the moderators of the company's reference hub; a live public offer is known to all;
- 403 when the caller knows the offer but may not take the action;
- 409 (`invalid_transition`) when the caller may take the action but not from the offer's status;
- a refused call writes nothing.
"""

import pytest
from wagtail.models import Page, PageLogEntry, Revision

from cms_pages.models import OfferPage
from portal.accounts.models import Membership
from portal.accounts.services import set_contact_rights
from portal.reference.choices import OfferStatus as S
from tests.factories import CompanyFactory, HubFactory, company_admin, hub_moderator, secondary_contact, student
from workflows import offer_input, services

OFFER = {
    "title": "Stagiaire développeur web",
    "internship_type": "insertion",
    "mission": "Développer une application web.",
    "study_level": "master",
    "duration_weeks": 12,
    "start_date": "2027-02-01",
    "city": "Namur",
    "country": "BE",
    "sector": "62",
}
NEW_TITLE = "Stagiaire développeur web et mobile"


def _author_without_right(actors):
    """The author of the offer, whose right to create offers the administrator then withdrew."""
    author = actors["author"]
    membership = Membership.objects.get(user=author, organisation=actors["company"])
    set_contact_rights(membership, can_create_offers=False, by=actors["admin"])
    return author


BUILDERS = {
    "admin": lambda a: company_admin(a["company"]),
    "author": lambda a: secondary_contact(a["company"], can_create_offers=True),
    "colleague": lambda a: secondary_contact(a["company"], can_create_offers=True),
    "author_without_right": _author_without_right,
    "other_company": lambda a: company_admin(CompanyFactory()),
    "hub_moderator": lambda a: hub_moderator(a["company"].reference_hub),
    "other_hub": lambda a: hub_moderator(HubFactory()),
    "student": lambda a: student(),
    "anonymous": lambda a: None,
}
ACTORS = tuple(BUILDERS)


class Actors(dict):
    """The company and its people, each person built the first time a cell asks for them."""

    def __missing__(self, name):
        self[name] = BUILDERS[name](self)
        return self[name]


@pytest.fixture
def actors():
    return Actors(company=CompanyFactory())


# How a fresh offer, written by the secondary contact "author", reaches each status.
ROUTE = (
    (S.AWAITING_COMPANY_VALIDATION, lambda offer, a: services.submit_offer(offer, by=a["author"])),
    (S.AWAITING_HUB_VALIDATION, lambda offer, a: services.approve_offer(offer, by=a["admin"])),
    (S.PUBLISHED, lambda offer, a: services.approve_offer(offer, by=a["hub_moderator"])),
    (S.UNPUBLISHED, lambda offer, a: services.unpublish_offer(offer, by=a["author"])),
)


@pytest.fixture
def offer_in(actors):
    def build(status):
        offer = services.create_offer(actors["company"], offer_input.validate(OFFER), by=actors["author"])
        for reached, step in ROUTE:
            if offer.status == status:
                break
            step(offer, actors)
            offer = OfferPage.objects.get(pk=offer.pk)
            assert offer.status == reached
        assert offer.status == status
        assert offer.live is (status == S.PUBLISHED)
        return offer

    return build


# The expected answer of each actor, in the order of ACTORS; OK is the success (200, 201 for duplicate).
OK = "ok"
#                   admin author colleague no-right other-co hub-mod other-hub student anonymous
DRAFT_OF_AUTHOR = (OK, OK, 404, 403, 404, 404, 404, 404, 401)
LIVE = (OK, OK, 403, 403, 403, 403, 403, 403, 401)
OFFLINE_KNOWN_TO_HUB = (OK, OK, 404, 403, 404, 403, 404, 404, 401)
COMPANY_STEP = (OK, 403, 404, 403, 404, 404, 404, 404, 401)
HUB_STEP = (403, 403, 404, 403, 404, OK, 404, 404, 401)

PROFILES = (
    (("edit", "submit", "cancel", "duplicate"), S.DRAFT, DRAFT_OF_AUTHOR),
    (("unpublish", "fill", "renew", "archive", "cancel", "duplicate"), S.PUBLISHED, LIVE),
    (("fill", "archive", "renew", "cancel", "republish"), S.UNPUBLISHED, OFFLINE_KNOWN_TO_HUB),
    (("approve", "request-changes"), S.AWAITING_COMPANY_VALIDATION, COMPANY_STEP),
    (("approve", "request-changes"), S.AWAITING_HUB_VALIDATION, HUB_STEP),
)
EXTRA = (
    # In scope, but the status does not allow the action: 409.
    ("fill", S.DRAFT, "admin", 409),
    ("fill", S.DRAFT, "author", 409),
    ("unpublish", S.DRAFT, "admin", 409),
    ("archive", S.DRAFT, "author", 409),
    ("renew", S.DRAFT, "admin", 409),
    ("approve", S.DRAFT, "admin", 409),
    ("submit", S.AWAITING_HUB_VALIDATION, "admin", 409),
    ("edit", S.PUBLISHED, "admin", 409),
    ("edit", S.PUBLISHED, "author", 409),
    ("submit", S.PUBLISHED, "author", 409),
    ("approve", S.PUBLISHED, "admin", 409),
    ("approve", S.PUBLISHED, "hub_moderator", 409),
    ("request-changes", S.PUBLISHED, "hub_moderator", 409),
    ("unpublish", S.UNPUBLISHED, "admin", 409),
    ("unpublish", S.UNPUBLISHED, "author", 409),
    ("republish", S.PUBLISHED, "admin", 409),
    ("republish", S.DRAFT, "author", 409),
    # Who may know the offer, then who may act, are decided before the status.
    ("fill", S.DRAFT, "colleague", 404),
    ("approve", S.DRAFT, "hub_moderator", 404),
    ("unpublish", S.UNPUBLISHED, "other_company", 404),
    ("approve", S.PUBLISHED, "author", 403),
    ("submit", S.PUBLISHED, "colleague", 403),
    ("edit", S.PUBLISHED, "student", 403),
    ("fill", S.DRAFT, "anonymous", 401),
)


def _success(action):
    return 201 if action == "duplicate" else 200


CELLS = [
    pytest.param(action, status, actor, code, id=f"{action}-{status}-{actor}-{code}")
    for actions, status, answers in PROFILES
    for action in actions
    for actor, answer in zip(ACTORS, answers, strict=True)
    for code in [_success(action) if answer == OK else answer]
] + [pytest.param(*cell, id="-".join(map(str, cell))) for cell in EXTRA]


def _written(offer):
    """What a call could have written: the offer's own state and the rows of pages, revisions and logs."""
    offer = OfferPage.objects.get(pk=offer.pk)
    return {
        "status": offer.status,
        "live": offer.live,
        "title": offer.title,
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "log entries": PageLogEntry.objects.count(),
    }


def _assert_error_body(response, expected):
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}, body
    if expected == 409:
        assert body["code"] == "invalid_transition", body


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "status", "actor", "expected"), CELLS)
def test_offer_action_answers_by_actor_and_status(api_client, actors, offer_in, action, status, actor, expected):
    offer = offer_in(status)
    user = actors[actor]
    before = _written(offer)
    if user is not None:
        api_client.force_authenticate(user)

    if action == "edit":
        response = api_client.patch(f"/api/v1/offers/{offer.pk}", {"title": NEW_TITLE}, format="json")
    else:
        response = api_client.post(f"/api/v1/offers/{offer.pk}/{action}", {"comment": "x"}, format="json")

    assert response.status_code == expected, response.json()
    after = _written(offer)
    if expected >= 400:
        _assert_error_body(response, expected)
        assert after == before
    elif action == "edit":
        assert after["title"] == NEW_TITLE
    elif action == "duplicate":
        copy = OfferPage.objects.get(pk=response.json()["id"])
        assert copy.pk != offer.pk and copy.status == S.DRAFT and copy.author == user
        assert after["pages"] == before["pages"] + 1
    else:
        assert after["status"] == response.json()["status"] != before["status"]


CREATE_CELLS = [
    pytest.param(actor, code, id=f"create-{actor}-{code}")
    for actor, code in (
        ("admin", 201),
        ("author", 201),
        ("colleague", 201),
        ("author_without_right", 403),
        ("other_company", 403),
        ("hub_moderator", 403),
        ("other_hub", 403),
        ("student", 403),
        ("anonymous", 401),
    )
]


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "expected"), CREATE_CELLS)
def test_offer_creation_answers_by_actor(api_client, actors, actor, expected):
    user = actors[actor]
    company = actors["company"]
    pages = Page.objects.count()
    if user is not None:
        api_client.force_authenticate(user)

    response = api_client.post("/api/v1/offers", {**OFFER, "company": company.pk}, format="json")

    assert response.status_code == expected, response.json()
    if expected == 201:
        offer = OfferPage.objects.get(pk=response.json()["id"])
        assert (offer.status, offer.live, offer.company, offer.author) == (S.DRAFT, False, company, user)
        assert Page.objects.count() == pages + 1
    else:
        _assert_error_body(response, expected)
        assert Page.objects.count() == pages
