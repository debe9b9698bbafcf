"""`/comptes/` and `/espace/`, the addresses the README gives, lead each person to their own space."""

import pytest

from tests.factories import (
    CompanyFactory,
    HubFactory,
    SchoolFactory,
    company_admin,
    hub_moderator,
    school_staff,
    secondary_contact,
    student,
)

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/connexion/"
DASHBOARD = "/comptes/mon-compte/"


@pytest.mark.parametrize("path", ["/comptes/", "/espace/"])
def test_anonymous_visitor_is_sent_to_the_login_page_and_back(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={path}"


def test_my_space_leads_a_signed_in_person_to_the_dashboard(client):
    client.force_login(student())

    response = client.get("/comptes/", follow=True)

    assert response.redirect_chain == [(DASHBOARD, 302)]
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["admin", "contact allowed to create offers"])
def test_workspace_leads_a_company_member_to_the_company_workspace(client, role):
    company = CompanyFactory()
    user = company_admin(company) if role == "admin" else secondary_contact(company, can_create_offers=True)
    client.force_login(user)

    response = client.get("/espace/", follow=True)

    assert response.redirect_chain == [(f"/espace/entreprises/{company.pk}/offres/", 302)]
    assert response.status_code == 200


def test_workspace_leads_a_hub_moderator_to_the_moderation_queue(client):
    client.force_login(hub_moderator(HubFactory()))

    response = client.get("/espace/", follow=True)

    assert response.redirect_chain == [("/espace/moderation/", 302)]
    assert response.status_code == 200


@pytest.mark.parametrize("person", ["student", "school staff", "contact without the right to create offers"])
def test_workspace_leads_anybody_without_a_workspace_to_the_dashboard(client, person):
    user = {
        "student": lambda: student(),
        "school staff": lambda: school_staff(SchoolFactory()),
        "contact without the right to create offers": lambda: secondary_contact(CompanyFactory()),
    }[person]()
    client.force_login(user)

    response = client.get("/espace/", follow=True)

    assert response.redirect_chain == [(DASHBOARD, 302)]
    assert response.status_code == 200
