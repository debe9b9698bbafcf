"""Whose offer searches may be shared (`access.offers.audience_key`), role by role.

Two people with the same key must be admitted to the same offers: the public, or the students of one programme with
no role in any organisation. Anyone else (a company's people, a hub's moderators, a school's staff, a superuser, a
student who is also a company contact) finds offers of their own and gets no key.
"""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from wagtail.models import Page

from cms_pages.models import OfferPage
from portal import access
from portal.access.offers import PUBLIC_AUDIENCE, audience_key
from portal.accounts.models import Membership, User
from portal.accounts.selectors import person_for_request
from tests.factories import (
    CompanyFactory,
    OfferFactory,
    ProgrammeFactory,
    SchoolFactory,
    UserFactory,
    company_admin,
    hub_moderator,
    school_staff,
    secondary_contact,
    student,
)

pytestmark = pytest.mark.django_db


def as_read_for_a_request(user: User) -> User:
    return person_for_request(user.pk)


@pytest.fixture
def programme():
    return ProgrammeFactory(organisation=SchoolFactory(country_id="FR"))


def test_visitors_and_inactive_accounts_share_the_public_s_audience(programme):
    inactive = student(programme, is_active=False)

    assert audience_key(AnonymousUser()) == audience_key(inactive) == PUBLIC_AUDIENCE


def test_the_students_of_one_programme_share_theirs_and_no_one_else_s(programme):
    first, second = student(programme), student(programme)
    other_programme = student(ProgrammeFactory(organisation=programme.organisation))
    other_school = student(ProgrammeFactory(organisation=SchoolFactory(country_id="FR")))

    keys = [audience_key(as_read_for_a_request(user)) for user in (first, second, other_programme, other_school)]

    assert keys[0] == keys[1] == f"students:{programme.organisation_id}:{programme.pk}"
    assert len(set(keys)) == 3 and PUBLIC_AUDIENCE not in keys


@pytest.mark.parametrize(
    "role",
    ["company administrator", "secondary contact", "offer author", "hub moderator", "school staff", "superuser"],
)
def test_people_with_a_role_in_an_organisation_find_offers_of_their_own(role, programme):
    company = CompanyFactory()
    person = {
        "company administrator": lambda: company_admin(company),
        "secondary contact": lambda: secondary_contact(company),
        "offer author": lambda: OfferFactory(parent=company, author=UserFactory()).author,
        "hub moderator": lambda: hub_moderator(company.reference_hub),
        "school staff": lambda: school_staff(programme.organisation),
        "superuser": lambda: UserFactory(is_superuser=True),
    }[role]()

    assert audience_key(as_read_for_a_request(person)) is None


@pytest.mark.parametrize("tie", ["membership", "offer author"])
def test_a_student_with_a_role_in_a_company_finds_offers_of_their_own(tie, programme):
    company = CompanyFactory()
    person = student(programme)
    if tie == "membership":
        Membership.objects.create(user=person, organisation=company, role=Membership.Role.SECONDARY)
    else:
        access.offers.grant_author(person, OfferFactory(parent=company))

    assert audience_key(as_read_for_a_request(person)) is None
    assert audience_key(User.objects.get(pk=person.pk)) is None  # read otherwise: asked with one query


def test_the_key_of_a_person_read_for_the_request_costs_no_query(programme, django_assert_num_queries):
    person = as_read_for_a_request(student(programme))

    with django_assert_num_queries(0):
        assert audience_key(person).startswith("students:")


def test_the_key_of_a_person_read_otherwise_costs_one_query_more(programme, django_assert_num_queries):
    person = User.objects.select_related("student").get(pk=student(programme).pk)

    with django_assert_num_queries(1):
        assert audience_key(person).startswith("students:")


# Each target list of an offer, as seen by one student: empty, holding theirs alone, holding another entry alone, or
# both.
LIST_STATES = ("empty", "theirs", "another", "both")


def test_a_student_is_admitted_when_every_list_is_empty_or_holds_theirs(programme):
    """Every combination of the three lists (64 offers), for a student with no role and for one who is a company's
    contact elsewhere (the company's lists add nothing here): the rule in the database is the rule in words."""
    school = programme.organisation
    other_school = SchoolFactory(country_id="BE")
    other_programme = ProgrammeFactory(organisation=school)
    company = CompanyFactory()
    entries = {
        "target_countries": ("FR", "BE"),
        "target_organisations": (school, other_school),
        "target_programmes": (programme, other_programme),
    }
    expected = set()
    for index, states in enumerate(itertools.product(LIST_STATES, repeat=3)):
        offer = OfferFactory(parent=company, title=f"Stage {index}", live=True)
        for (field_name, (theirs, another)), state in zip(entries.items(), states, strict=True):
            chosen = {"empty": [], "theirs": [theirs], "another": [another], "both": [theirs, another]}[state]
            getattr(offer, field_name).set(chosen)
        offer.save()
        if all(state != "another" for state in states):
            expected.add(offer.pk)
    plain, contact = student(programme), student(programme)
    Membership.objects.create(user=contact, organisation=CompanyFactory(), role=Membership.Role.SECONDARY)

    for person in (plain, contact):
        reader = as_read_for_a_request(person)
        admitted = set(OfferPage.objects.filter(access.offers.audience_q(reader)).values_list("pk", flat=True))
        assert admitted == expected
    assert len(expected) == 27  # 3 admitting states for each of the 3 lists


@pytest.mark.parametrize("searched", [False, True])
def test_the_page_api_lists_every_page_but_the_targeted_offers(programme, searched):
    """Wagtail's page API (`untargeted_pages`): the pages of every type, and the offers with three empty lists; both
    forms of the rule, the one a search engine reads and the other, leave out the same offers."""
    company = CompanyFactory()
    targeted = set()
    for index, states in enumerate(itertools.product(("empty", "listed"), repeat=3)):
        offer = OfferFactory(parent=company, title=f"Stage {index}", live=True)
        for field_name, state, entry in zip(
            access.offers.TARGET_LISTS, states, ("FR", programme.organisation, programme), strict=True
        ):
            if state == "listed":
                getattr(offer, field_name).set([entry])
                targeted.add(offer.pk)
        offer.save()

    listed = set(access.offers.untargeted_pages(Page.objects.all(), searched=searched).values_list("pk", flat=True))

    assert listed == set(Page.objects.values_list("pk", flat=True)) - targeted
    assert len(targeted) == 7 and company.pk in listed
