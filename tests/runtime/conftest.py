"""Fixtures of the tests of the real processes: an SMTP server, the people of a company and a school, the portal.

The tests here are transactional (their data is committed, for the processes to see it) and restore the migrated
data afterwards, like the other transactional tests of the suite.
"""

from dataclasses import dataclass, field

import pytest
from rest_framework.authtoken.models import Token

from portal.accounts.models import User
from tests.factories import (
    CompanyFactory,
    HubFactory,
    ProgrammeFactory,
    company_admin,
    hub_moderator,
    secondary_contact,
    student,
)
from tests.recruitment.fixtures import published_offer
from tests.runtime.support import FAST_DELIVERY, Portal, SharedDatabase, SmtpSink

STUDENTS = 8


@dataclass
class People:
    """A company (its administrator, two authors, two published offers), its hub's moderator, eight students."""

    company: object
    admin: User
    authors: list[User]
    moderator: User
    programme: object
    students: list[User]
    offers: list = field(default_factory=list)
    tokens: dict[int, str] = field(default_factory=dict)

    def token(self, user: User) -> str:
        return self.tokens[user.pk]


@pytest.fixture
def people() -> People:
    hub = HubFactory(title="Pôle agro-industrie")
    company = CompanyFactory(title="Talos Health Solutions", reference_hub=hub)
    found = People(
        company=company,
        admin=company_admin(company, email="admin@talos.test", language="fr"),
        authors=[
            secondary_contact(company, can_create_offers=True, email=f"auteur{n}@talos.test", language="en")
            for n in range(2)
        ],
        moderator=hub_moderator(hub, email="moderateur@pole.test"),
        programme=ProgrammeFactory(name="Génie logiciel"),
        students=[],
    )
    found.students = [student(found.programme, email=f"etudiant{n}@ecole.test") for n in range(STUDENTS)]
    found.offers = [
        published_offer(company, author, title=f"Développeur web {n}", places=STUDENTS)
        for n, author in enumerate(found.authors)
    ]
    everyone = [found.admin, *found.authors, found.moderator, *found.students]
    found.tokens = {user.pk: Token.objects.create(user=user).key for user in everyone}
    return found


@pytest.fixture
def sink():
    server = SmtpSink()
    server.start()
    yield server
    server.release()
    server.stop()


@pytest.fixture
def portal(tmp_path, sink, people):
    """The web server and the task consumer, started on the committed data of `people`."""
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    running = Portal(var_dir, sink, SharedDatabase(var_dir), **FAST_DELIVERY)
    try:
        running.start()
        yield running
    finally:
        running.close()
