"""Fixtures of the application tests: a company with its administrator and an offer author, a student, a tutor."""

import datetime

import pytest
from django.utils import timezone

from portal.accounts.models import SchoolStaff
from portal.reference.choices import OfferStatus
from tests.factories import (
    CompanyFactory,
    OfferFactory,
    ProgrammeFactory,
    company_admin,
    school_staff,
    secondary_contact,
    student,
)


@pytest.fixture
def company():
    return CompanyFactory(title="Talos Health Solutions", description="<p>Start-up en e-santé.</p>")


@pytest.fixture
def admin(company):
    return company_admin(company, first_name="Aurélie", last_name="Hogge", email="admin@talos.test")


@pytest.fixture
def author(company):
    return secondary_contact(
        company, can_create_offers=True, first_name="Valentin", last_name="Bouquet", email="author@talos.test"
    )


def published_offer(company, author=None, **fields):
    """A live offer, as the hub's approval leaves it."""
    defaults = {"title": "Développeur web", "places": 1}
    offer = OfferFactory(
        parent=company,
        author=author,
        live=True,
        status=OfferStatus.PUBLISHED,
        first_published_at=timezone.now() - datetime.timedelta(days=1),
        **{**defaults, **fields},
    )
    return offer


@pytest.fixture
def offer(company, author):
    return published_offer(company, author)


@pytest.fixture
def programme():
    return ProgrammeFactory(name="Génie logiciel")


@pytest.fixture
def applicant(programme):
    return student(programme, first_name="Talel", last_name="Jlassi", email="talel@student.test")


@pytest.fixture
def tutor(programme):
    """An academic tutor of the applicant's programme: follows the programme's students."""
    return school_staff(
        programme.organisation,
        role=SchoolStaff.Role.ACADEMIC_TUTOR,
        programme=programme,
        first_name="Hakim",
        last_name="Sharif",
        email="tutor@school.test",
    )
