"""Menus and quick access show exactly what the person may open: every link a member sees answers 200."""

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import access
from portal.accounts.models import Membership
from tests.factories import CompanyFactory, OfferFactory, UserFactory, company_admin, secondary_contact


class _Links(HTMLParser):
    """The links inside the elements of class `company-menu` and `quick-links`."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self.depth:
            self.depth += 1
        elif {"company-menu", "quick-links"} & set(classes):
            self.depth = 1
        if self.depth and tag == "a":
            self.links.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1


def menu_links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


@pytest.fixture
def company():
    return CompanyFactory(title="Talos Health Solutions")


@pytest.fixture
def people(company):
    author = secondary_contact(company, can_create_offers=True, email="author@talos.test")
    OfferFactory(parent=company, author=author)
    return {
        "admin": company_admin(company, email="admin@talos.test"),
        "writer without offers": secondary_contact(company, can_create_offers=True, email="writer@talos.test"),
        "author": author,
        "contact without the right to create": secondary_contact(company, email="reader@talos.test"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "writer without offers", "author", "contact without the right to create"])
def test_every_link_of_the_menus_opens(client, people, role):
    client.force_login(people[role])

    dashboard = client.get(reverse("accounts:dashboard"))
    links = [link for link in menu_links(dashboard.content.decode()) if link.startswith("/")]

    assert links, "the dashboard shows a menu"
    answers = {link: client.get(link).status_code for link in links}
    assert {link: code for link, code in answers.items() if code != 200} == {}


@pytest.mark.django_db
def test_a_contact_without_the_right_to_create_offers_is_not_offered_to_publish(client, company, people):
    client.force_login(people["contact without the right to create"])

    html = client.get(reverse("accounts:dashboard")).content.decode()

    workspace = reverse("offers:workspace", args=[company.pk])
    assert workspace not in menu_links(html)
    assert client.get(workspace).status_code == 404
    assert "Diffuser mes offres" not in html and "Publish my offers" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "publishes", "spontaneous", "manages"),
    [
        ("admin", True, True, True),
        ("writer without offers", True, False, False),
        ("author", True, False, False),
        ("contact without the right to create", False, False, False),
    ],
)
def test_the_menu_follows_the_company_space(client, company, people, role, publishes, spontaneous, manages):
    client.force_login(people[role])

    links = menu_links(client.get(reverse("accounts:dashboard")).content.decode())

    space = access.spaces.company_space(people[role], company)
    assert (space.publishes, space.spontaneous, space.manages_company) == (publishes, spontaneous, manages)
    assert (reverse("offers:workspace", args=[company.pk]) in links) is publishes
    assert (f"{reverse('offers:workspace', args=[company.pk])}?tab=spontaneous" in links) is spontaneous
    assert (reverse("accounts:company_contacts", args=[company.pk]) in links) is manages


def _member_of(user, count: int) -> None:
    for number in range(count):
        company = CompanyFactory(title=f"Company {user.pk}-{number}")
        role = Membership.Role.ADMIN if number % 2 else Membership.Role.SECONDARY
        membership = Membership.objects.create(user=user, organisation=company, role=role, can_create_offers=True)
        access.organisations.sync_membership(membership)
        OfferFactory(parent=company, author=user)


def _dashboard_queries(client, user) -> int:
    client.force_login(user)
    client.get(reverse("accounts:dashboard"))  # the site's root is cached after the first page
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_dashboard_reads_every_company_space_in_constant_queries(client):
    few, many = UserFactory(), UserFactory()
    _member_of(few, 1)
    _member_of(many, 6)

    assert _dashboard_queries(client, many) == _dashboard_queries(client, few)
