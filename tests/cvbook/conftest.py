"""Fixtures of the CV-book tests: a company with its members, students of a Belgian school, their profiles."""

import random

import pytest

from portal.accounts.models import SchoolStaff, Student
from portal.cvbook.models import Profile
from portal.demo.profiles import create_profiles
from tests.factories import (
    CompanyFactory,
    HubFactory,
    ProgrammeFactory,
    SchoolFactory,
    UserFactory,
    company_admin,
    cvbook_profile,
    hub_moderator,
    school_staff,
    secondary_contact,
    student,
)


@pytest.fixture(autouse=True)
def _english(client, api_client):
    """Pages and API answers in English, so that the assertions read the msgids."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def hub():
    return HubFactory(title="Pôle Wallonie")


@pytest.fixture
def company(hub):
    """A Belgian IT company attached to the hub."""
    return CompanyFactory(title="Talos Health Solutions", country_id="BE", sector_id="62", reference_hub=hub)


@pytest.fixture
def admin(company):
    return company_admin(company, first_name="Aurélie", last_name="Hogge", email="admin@talos.test")


@pytest.fixture
def contact(company):
    """A secondary contact who may not create offers: a member all the same, who searches the CV book."""
    return secondary_contact(company, first_name="Marc", last_name="Lenoir", email="contact@talos.test")


@pytest.fixture
def school():
    return SchoolFactory(title="Haute École du Val de Meuse", country_id="BE")


@pytest.fixture
def programme(school):
    return ProgrammeFactory(organisation=school, name="Génie logiciel", level="master")


@pytest.fixture
def ines(programme):
    return student(programme, first_name="Inès", last_name="Ben Amor", email="ines@student.test")


@pytest.fixture
def ines_profile(ines):
    """Inès's visible request: Python development in Belgium, master level, from mid-January."""
    return cvbook_profile(
        ines,
        visible=True,
        title="Demande de PFE en développement Python",
        summary="Je cherche un stage de six mois dans une équipe de développement web.",
        sector="62",
        country="BE",
        study_level="master",
        keywords=["Python", "Django", "API REST"],
        available_from="2027-01-15",
    )


@pytest.fixture
def moderator(hub):
    return hub_moderator(hub, email="moderator@hub.test")


@pytest.fixture
def staff(school):
    return school_staff(school, role=SchoolStaff.Role.PROGRAMME_HEAD, email="head@school.test")


def many_profiles(count: int, programme, *, seed: int = 7) -> list[Profile]:
    """`count` visible profiles of new students of `programme`, written in bulk as the demo writes them."""
    users = UserFactory.create_batch(count)
    students = Student.objects.bulk_create(
        Student(user=user, school=programme.organisation, programme=programme, study_level=programme.level)
        for user in users
    )
    students = list(
        Student.objects.filter(pk__in=[s.pk for s in students]).select_related("user", "school", "programme")
    )
    return create_profiles(students, random.Random(seed))
