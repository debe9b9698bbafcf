"""Matching offers and profiles: one score with its reasons in both directions, targeting always applied, and a
constant number of queries whatever the number of profiles or offers."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cms_pages.models import OfferPage
from portal.cvbook import matching, services
from portal.recruitment import services as recruitment
from portal.reference.choices import OfferStatus
from tests.cvbook.conftest import many_profiles
from tests.factories import (
    CompanyFactory,
    OfferFactory,
    ProgrammeFactory,
    SchoolFactory,
    company_admin,
    cvbook_profile,
    student,
)
from tests.recruitment.files import cv, letter
from tests.recruitment.fixtures import published_offer

EVERY_REASON = {"keywords", "sector", "level", "country", "availability"}


@pytest.fixture
def python_offer(company, admin):
    """A Belgian master-level Python offer starting on 1 February 2027: everything Inès asks for."""
    offer = published_offer(
        company,
        admin,
        title="Développeur web",
        mission="Développer l'API REST de notre portail patient en Python et Django.",
        profile_sought="Étudiant·e en master d'informatique.",
        sector_id="62",
        country_id="BE",
        study_level="master",
        start_date=datetime.date(2027, 2, 1),
    )
    offer.keywords.add("cloud")
    offer.save()
    return offer


def codes(match) -> set[str]:
    return {reason["code"] for reason in match.reasons}


def labels(match) -> list[str]:
    return [reason["label"] for reason in match.reasons]


@pytest.mark.django_db
def test_a_pair_scores_the_same_in_both_directions_with_the_same_reasons(ines, ines_profile, company, python_offer):
    with translation.override("en"):
        [for_student] = matching.offers_for(ines, ines_profile)
        [for_company] = matching.profiles_for(company, python_offer)

    assert for_student.item == python_offer and for_company.item == ines_profile
    assert for_student.score == for_company.score == 1.0
    assert for_student.reasons == for_company.reasons
    assert codes(for_student) == EVERY_REASON
    assert labels(for_student) == [
        "3 keywords in common",
        "Same sector",
        "Level: Master",
        "Country: Belgium",
        "Available on the start date",
    ]


@pytest.mark.django_db
def test_a_partial_match_gives_only_its_reasons_and_a_lower_score(ines, ines_profile, company):
    # Given a French bachelor-level offer of the same sector, whose text names one of Inès's keywords
    offer = published_offer(
        company,
        title="Assistant DevOps",
        mission="Automatiser les déploiements en Python.",
        profile_sought="Bachelier en informatique.",
        sector_id="62",
        country_id="FR",
        study_level="bachelor",
        start_date=datetime.date(2027, 1, 4),
    )

    with translation.override("en"):
        [for_student] = matching.offers_for(ines, ines_profile)
        [for_company] = matching.profiles_for(company, offer)

    assert labels(for_student) == labels(for_company) == ["1 keyword in common", "Same sector"]
    assert for_student.score == for_company.score == round(0.35 / 3 + 0.25, 2)


@pytest.mark.django_db
def test_keywords_are_found_in_the_text_whatever_their_accents_and_an_unrelated_offer_is_not_suggested(
    ines, company, programme
):
    profile = cvbook_profile(ines, visible=True, sector="26", keywords=["electronique", "Robotique"])
    offer = published_offer(
        company,
        title="Stage",
        mission="Concevoir des cartes en électronique embarquée.",
        sector_id="71",
        study_level="bachelor",
    )
    published_offer(company, title="Comptable", mission="Tenir la comptabilité.", sector_id="69")

    with translation.override("en"):
        [found] = matching.offers_for(ines, profile)

    assert found.item == offer
    assert labels(found) == ["1 keyword in common"]
    assert [match.item for match in matching.profiles_for(company, offer)] == [profile]


@pytest.mark.django_db
def test_a_targeted_offer_is_suggested_to_its_audience_only_in_both_directions(ines, ines_profile, company, programme):
    # Given an offer targeted at another school, and one targeted at Inès's programme
    other_school = SchoolFactory(title="Institut de Nabeul", country_id="TN")
    outsider_programme = ProgrammeFactory(organisation=other_school)
    outsider = student(outsider_programme, email="outsider@student.test")
    outsider_profile = cvbook_profile(
        outsider, visible=True, sector="62", country="BE", study_level="master", keywords=["Python"]
    )
    elsewhere = published_offer(company, title="Pour Nabeul", mission="Python.", sector_id="62")
    elsewhere.target_organisations.set([other_school])
    elsewhere.save()
    for_programme = published_offer(
        company, title="Pour le génie logiciel", mission="Python et Django.", sector_id="62"
    )
    for_programme.target_programmes.set([programme])
    for_programme.save()

    # Then each student is suggested the offer aimed at them, never the other
    assert [m.item for m in matching.offers_for(ines, ines_profile)] == [for_programme]
    assert [m.item for m in matching.offers_for(outsider, outsider_profile)] == [elsewhere]
    # And each offer suggests its audience only
    assert [m.item for m in matching.profiles_for(company, for_programme)] == [ines_profile]
    assert [m.item for m in matching.profiles_for(company, elsewhere)] == [outsider_profile]
    [aimed] = matching.offers_for(ines, ines_profile)
    assert "targeted" in codes(aimed)


@pytest.mark.django_db
def test_offers_already_applied_to_and_offers_no_longer_online_are_not_suggested(
    ines, ines_profile, company, python_offer
):
    closed = published_offer(company, title="Ancienne offre", mission="Python et Django.", sector_id="62")
    closed.live = False
    closed.status = OfferStatus.UNPUBLISHED
    closed.save()
    assert [m.item for m in matching.offers_for(ines, ines_profile)] == [python_offer]

    recruitment.apply(ines, offer=python_offer, cv=cv(), motivation_letter=letter())

    assert matching.offers_for(ines, ines_profile) == []


@pytest.mark.django_db
def test_a_hidden_profile_is_never_suggested_to_a_company(ines, ines_profile, company, python_offer):
    services.set_visible(ines, False, by=ines)

    assert matching.profiles_for(company, python_offer) == []
    # The student still sees the offers for them
    assert [m.item for m in matching.offers_for(ines, ines_profile)] == [python_offer]


@pytest.mark.django_db
def test_the_api_answers_the_ranked_suggestions_with_their_reasons(
    api_client, ines, ines_profile, admin, python_offer, company
):
    api_client.force_authenticate(ines)
    offers = api_client.get("/api/v1/profiles/me/matching-offers")
    assert offers.status_code == 200
    [suggested] = offers.data["results"]
    assert suggested["offer"]["id"] == python_offer.pk and suggested["offer"]["title"] == "Développeur web"
    assert suggested["score"] == 1.0
    assert {reason["code"] for reason in suggested["reasons"]} == EVERY_REASON
    assert all(set(reason) == {"code", "label"} for reason in suggested["reasons"])

    api_client.force_authenticate(admin)
    profiles = api_client.get(f"/api/v1/offers/{python_offer.pk}/matching-profiles", {"limit": 5})
    assert profiles.status_code == 200
    [profile] = profiles.data["results"]
    assert profile["profile"]["id"] == ines_profile.pk and profile["profile"]["student"] == {"name": "Inès Ben Amor"}
    assert profile["score"] == 1.0 and profile["reasons"] == suggested["reasons"]
    assert api_client.get(f"/api/v1/offers/{python_offer.pk}/matching-profiles", {"limit": 0}).status_code == 400
    assert api_client.get(f"/api/v1/offers/{python_offer.pk}/matching-profiles", {"limit": "a"}).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("student", 403),
        ("hub moderator", 403),
        ("secondary contact not working on it", 403),
        ("another company", 403),
        ("administrator", 200),
    ],
)
def test_an_offers_suggested_profiles_are_for_its_company_side(
    api_client, ines, ines_profile, moderator, contact, admin, python_offer, who, status
):
    user = {
        "anonymous": None,
        "student": ines,
        "hub moderator": moderator,
        "secondary contact not working on it": contact,
        "another company": company_admin(CompanyFactory(title="Nexa"), email="admin@nexa.test"),
        "administrator": admin,
    }[who]
    if user:
        api_client.force_authenticate(user)

    assert api_client.get(f"/api/v1/offers/{python_offer.pk}/matching-profiles").status_code == status


@pytest.mark.django_db
def test_a_draft_is_unknown_outside_its_company_and_has_suggestions_inside(api_client, company, admin, ines_profile):
    draft = OfferFactory(parent=company, author=admin, title="Brouillon", mission="Python.", sector_id="62")
    other = CompanyFactory(title="Nexa")
    api_client.force_authenticate(company_admin(other, email="admin@nexa.test"))
    assert api_client.get(f"/api/v1/offers/{draft.pk}/matching-profiles").status_code == 404
    api_client.force_authenticate(admin)
    response = api_client.get(f"/api/v1/offers/{draft.pk}/matching-profiles")
    assert response.status_code == 200 and response.data["count"] == 1


def _queries(run) -> int:
    run()  # the content types of the search index are cached after the first time
    with CaptureQueriesContext(connection) as queries:
        result = run()
    assert result
    return len(queries)


@pytest.mark.django_db
def test_both_directions_take_as_many_queries_for_ten_profiles_or_offers_as_for_many(
    ines, ines_profile, company, python_offer, programme
):
    # The offer as the page and the API read it: with its targeting
    python_offer = (
        OfferPage.objects.prefetch_related("target_countries", "target_organisations", "target_programmes")
        .select_related("country")
        .get(pk=python_offer.pk)
    )
    many_profiles(10, programme, seed=3)
    for number in range(3):
        published_offer(company, title=f"Python {number}", mission="Python et Django.", sector_id="62")
    few = (
        _queries(lambda: matching.profiles_for(company, python_offer)),
        _queries(lambda: matching.offers_for(ines, ines_profile)),
    )

    many_profiles(190, programme, seed=4)
    for number in range(20):
        published_offer(company, title=f"Django {number}", mission="Django et API REST.", sector_id="62")

    many = (
        _queries(lambda: matching.profiles_for(company, python_offer)),
        _queries(lambda: matching.offers_for(ines, ines_profile)),
    )
    assert many == few
    # Profiles: the ranked query, their keywords, their documents. Offers: the profile's keywords, the ranked query
    # (the view restrictions and the offers' keywords are read inside it). On PostgreSQL, each also turns JIT
    # compilation off in a transaction of its own (a savepoint inside the test's transaction, the SET, its release).
    without_jit = 3 if connection.vendor == "postgresql" else 0
    assert few == (3 + without_jit, 2 + without_jit)


@pytest.mark.django_db
def test_a_shared_keyword_is_needed_unless_the_profile_has_none_then_the_sector_is(ines, ines_profile, company):
    # Given an offer of Inès's sector whose text holds none of her keywords
    sector_only = published_offer(company, title="Intégrateur", mission="Relier les outils internes.", sector_id="62")

    # Then it is not suggested to her, nor she to it
    assert matching.offers_for(ines, ines_profile) == []
    assert matching.profiles_for(company, sector_only) == []

    # When she removes her keywords, the offers of her sector are suggested both ways
    services.update_profile(ines, {"keywords": []}, by=ines)
    with translation.override("en"):
        [for_student] = matching.offers_for(ines, ines_profile)
        [for_company] = matching.profiles_for(company, sector_only)
    assert for_student.item == sector_only and for_company.item == ines_profile
    assert labels(for_student)[0] == "Same sector" and for_student.reasons == for_company.reasons


@pytest.mark.django_db
def test_the_best_few_offers_are_the_first_of_the_whole_ranking_when_offers_outside_her_sector_and_level_lead(
    ines, ines_profile, company
):
    # Given ten offers of Inès's sector and level naming two of her keywords, in another country and starting before
    # she is available — enough of them to be ranked first on their own (`matching.SPARSE`)
    for day in range(10):
        published_offer(
            company,
            title=f"Développeur {day}",
            mission="Développer en Python et Django.",
            country_id="FR",
            start_date=datetime.date(2026, 12, 1) + datetime.timedelta(days=day),
        )
    # And offers naming her three keywords, in Belgium, once she is available, but of another level or sector, which
    # score more: two of her sector, the earlier first, and one of her level
    text = {"mission": "Une API REST en Python et Django.", "country_id": "BE"}
    later = published_offer(company, title="Bachelier", study_level="bachelor", **text, start_date="2027-03-01")
    earlier = published_offer(company, title="Bachelier bis", study_level="bachelor", **text, start_date="2027-02-15")
    of_her_level = published_offer(company, title="Électronique", sector_id="26", **text, start_date="2027-02-01")
    published_offer(company, title="Autre", sector_id="26", study_level="bachelor", **text, start_date="2027-02-01")

    # When every candidate is scored (more offers asked for than there are)
    whole = matching.offers_for(ines, ines_profile, limit=matching.MAX_LIMIT)

    # Then the few best, found from her sector and level first, are the first of that ranking, in the same order
    assert [match.item for match in whole[:3]] == [earlier, later, of_her_level]
    for limit in (1, 2, 3):
        assert matching.offers_for(ines, ines_profile, limit=limit) == whole[:limit]
    # And so when a minimum score leaves none of her sector and level
    assert matching.offers_for(ines, ines_profile, limit=1, min_score=0.7) == whole[:1]
