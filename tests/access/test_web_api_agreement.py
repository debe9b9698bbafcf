"""The web pages and the API agree, for every role: who may read an offer or an application, and which actions
each may take on it.

For each role and each status: the offer's review page (or the public page it leads a reader outside the company
to) and `GET /api/v1/offers/{id}` both answer or both refuse; the buttons of the review page and of the workspace
rows are the `actions` the API reports, and exactly those are the ones the API accepts (each tried in a savepoint
rolled back afterwards). The same for an application's page and `GET /api/v1/applications/{id}` with the statuses
each person may set.
"""

import pytest
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from cms_pages.models import OfferPage
from portal.accounts.models import SchoolStaff
from portal.recruitment import services as recruitment
from portal.recruitment.lifecycle import SETTABLE
from portal.reference.choices import ApplicationStatus
from portal.reference.choices import OfferStatus as S
from tests.factories import (
    CompanyFactory,
    HubFactory,
    ProgrammeFactory,
    SchoolFactory,
    UserFactory,
    company_admin,
    hub_moderator,
    school_staff,
    secondary_contact,
    student,
)
from tests.recruitment.files import cv, letter
from workflows import offer_input, services, workspace
from workflows.lifecycle import ACTIONS

pytestmark = pytest.mark.django_db

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

ROLES = {
    "admin": lambda w: company_admin(w["company"]),
    "author": lambda w: w["author"],
    "contact_with_right": lambda w: secondary_contact(w["company"], can_create_offers=True),
    "contact_without_right": lambda w: secondary_contact(w["company"], can_create_offers=False),
    "other_company": lambda w: secondary_contact(CompanyFactory(), can_create_offers=True),
    "other_company_admin": lambda w: company_admin(CompanyFactory()),
    "hub_moderator": lambda w: hub_moderator(w["company"].reference_hub),
    "other_hub": lambda w: hub_moderator(HubFactory()),
    "student": lambda w: w["student"],
    "other_student": lambda w: student(),
    "programme_head": lambda w: school_staff(
        w["programme"].organisation, role=SchoolStaff.Role.PROGRAMME_HEAD, programme=w["programme"]
    ),
    "academic_tutor": lambda w: school_staff(
        w["programme"].organisation, role=SchoolStaff.Role.ACADEMIC_TUTOR, programme=w["programme"]
    ),
    "other_school_staff": lambda w: school_staff(SchoolFactory()),
    "anonymous": lambda w: None,
    "superuser": lambda w: UserFactory(is_superuser=True, is_staff=True),
}


@pytest.fixture
def world():
    programme = ProgrammeFactory()
    company = CompanyFactory()
    world = {"company": company, "programme": programme}
    world["author"] = secondary_contact(company, can_create_offers=True)
    world["admin"] = company_admin(company)
    world["student"] = student(programme)
    world["moderator"] = hub_moderator(company.reference_hub)
    world["people"] = {role: build(world) for role, build in ROLES.items()}
    return world


def fresh(offer):
    return OfferPage.objects.get(pk=offer.pk)


def offer_in(world, status) -> OfferPage:
    """An offer written by the secondary contact `author`, taken to `status` through the services."""
    author, admin, moderator = world["author"], world["admin"], world["moderator"]
    offer = services.create_offer(world["company"], offer_input.validate(OFFER), by=author)
    if status == S.DRAFT:
        return fresh(offer)
    services.submit_offer(offer, by=author)
    if status == S.AWAITING_COMPANY_VALIDATION:
        return fresh(offer)
    services.approve_offer(fresh(offer), by=admin)
    if status == S.AWAITING_HUB_VALIDATION:
        return fresh(offer)
    services.approve_offer(fresh(offer), by=moderator)
    then = {
        S.PUBLISHED: None,
        "renewed": lambda o: services.renew_offer(o, by=admin, data={"title": "Stagiaire développeur mobile"}),
        S.UNPUBLISHED: lambda o: services.unpublish_offer(o, by=admin),
        S.FILLED: lambda o: services.fill_offer(o, by=admin),
        S.CANCELLED: lambda o: services.cancel_offer(o, by=admin),
        S.ARCHIVED: lambda o: services.archive_offer(o, by=admin),
    }[status]
    if then is not None:
        then(fresh(offer))
    return fresh(offer)


class Rollback(Exception):
    pass


def answer_in_savepoint(call):
    """What `call()` answers, with everything it wrote undone."""
    answered = {}
    try:
        with transaction.atomic():
            answered["response"] = call()
            raise Rollback
    except Rollback:
        pass
    return answered["response"]


def clients_for(user):
    web, api = Client(HTTP_ACCEPT_LANGUAGE="en"), APIClient()
    if user is not None:
        web.force_login(user)
        api.force_authenticate(user)
    return web, api


def web_offer(web, offer):
    """(reads, actions) on the web: the review page, or the public page it sends a reader outside the company to."""
    response = web.get(f"/espace/offres/{offer.pk}/")
    if response.status_code == 200:
        return True, response.context["actions"]
    if response.status_code == 302 and response["Location"] == offer.url:
        return web.get(offer.url).status_code == 200, []
    assert response.status_code in (302, 404), response.status_code
    return False, []


def web_rows(web, offer):
    """The buttons of the offer's row in its workspace tab, or None without a workspace there."""
    tab = next(key for key, (_label, statuses) in workspace.TABS.items() if offer.status in statuses)
    response = web.get(f"/espace/entreprises/{offer.company_id}/offres/?tab={tab}")
    if response.status_code != 200:
        return None
    return {row.pk: row.workspace_actions for row in response.context["page"]}.get(offer.pk, [])


def api_rows(api, offer):
    tab = next(key for key, (_label, statuses) in workspace.TABS.items() if offer.status in statuses)
    response = api.get(f"/api/v1/companies/{offer.company_id}/offers", {"tab": tab})
    if response.status_code != 200:
        return None
    return {row["id"]: row["actions"] for row in response.json()["results"]}.get(offer.pk, [])


def try_action(api, offer, action):
    """Take `action` through the API: a draft is edited with `PATCH /offers/{id}`, every other action has its own
    address."""
    if action == "edit":
        return api.patch(f"/api/v1/offers/{offer.pk}", {"city": "Liège"}, format="json")
    return api.post(f"/api/v1/offers/{offer.pk}/{action}", {"comment": "Précisez la mission."}, format="json")


STATUSES = [
    S.DRAFT,
    S.AWAITING_COMPANY_VALIDATION,
    S.AWAITING_HUB_VALIDATION,
    S.PUBLISHED,
    "renewed",
    S.UNPUBLISHED,
    S.FILLED,
    S.CANCELLED,
    S.ARCHIVED,
]


@pytest.mark.parametrize("status", STATUSES)
def test_offer_review_page_and_api_agree_for_every_role(world, status):
    offer = offer_in(world, status)
    disagreements, readers = [], []
    for role, user in world["people"].items():
        web, api = clients_for(user)
        web_reads, web_actions = web_offer(web, offer)
        detail = api.get(f"/api/v1/offers/{offer.pk}")
        api_reads = detail.status_code == 200
        api_actions = detail.json()["actions"] if api_reads else []
        accepted = [
            action
            for action in ACTIONS
            if answer_in_savepoint(lambda action=action, api=api: try_action(api, offer, action)).status_code
            in (200, 201)
        ]
        rows = (web_rows(web, offer), api_rows(api, offer))
        seen = (web_reads, web_actions, rows[0])
        if seen != (api_reads, api_actions, rows[1]) or accepted != api_actions:
            disagreements.append((role, seen, (api_reads, api_actions, rows[1]), accepted))
        if api_reads:
            readers.append(role)
    assert disagreements == []
    # Not vacuously equal: those who work on the offer read it whatever its status.
    assert {"admin", "author", "superuser"} <= set(readers)


APPLICATION_STATUSES = [ApplicationStatus.PENDING, ApplicationStatus.INTERVIEW, ApplicationStatus.CANCELLED]


def web_application(web, application):
    """(reads, statuses offered) on the application's page."""
    response = web.get(f"/candidatures/{application.pk}/")
    if response.status_code != 200:
        assert response.status_code in (302, 404), response.status_code
        return False, set()
    offered = set()
    if response.context["status_form"] is not None:
        offered |= {value for value, _label in response.context["status_form"].fields["status"].choices}
    if response.context["withdraw_form"] is not None or response.context["close_form"] is not None:
        offered.add(ApplicationStatus.CANCELLED)
    return True, offered


@pytest.mark.parametrize("status", APPLICATION_STATUSES)
def test_application_page_and_api_agree_for_every_role(world, status):
    offer = offer_in(world, S.PUBLISHED)
    application = recruitment.apply(
        world["student"], offer=offer, message="Madame, Monsieur,", cv=cv(), motivation_letter=letter()
    )
    if status != ApplicationStatus.PENDING:
        recruitment.change_status(application, status, by=world["author"], comment="Rendez-vous lundi.")
    disagreements = []
    for role, user in world["people"].items():
        web, api = clients_for(user)

        def both_readings(web=web, api=api):
            web_reads, offered = web_application(web, application)
            detail = api.get(f"/api/v1/applications/{application.pk}")
            api_reads = detail.status_code == 200
            allowed = set(detail.json()["allowed_statuses"]) if api_reads else set()
            return web_reads, offered, api_reads, allowed

        web_reads, offered, api_reads, allowed = answer_in_savepoint(both_readings)
        accepted = {
            to
            for to in SETTABLE
            if answer_in_savepoint(
                lambda to=to, api=api: api.post(
                    f"/api/v1/applications/{application.pk}/status",
                    {"status": to, "comment": "Motif de la décision."},
                    format="json",
                )
            ).status_code
            == 200
        }
        if (web_reads, offered) != (api_reads, allowed) or accepted != allowed:
            disagreements.append((role, (web_reads, offered), (api_reads, allowed), accepted))
    assert disagreements == []
