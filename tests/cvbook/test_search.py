"""The companies' CV book through the API: who searches it, the facets and their counts, the schools' sharing, a
profile, its documents and « contacter l'étudiant », bad input, and a constant number of queries."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.cvbook import services
from portal.cvbook.models import ProfileContact, ProfileDocument, ProfileView
from tests.cvbook.conftest import many_profiles
from tests.factories import (
    CompanyFactory,
    HubFactory,
    ProgrammeFactory,
    SchoolFactory,
    company_admin,
    cvbook_profile,
    student,
)
from tests.recruitment.files import cv, letter, pdf_bytes

CVBOOK = "/api/v1/cvbook"


def search(api_client, user, **params):
    api_client.force_authenticate(user)
    return api_client.get(CVBOOK, params)


def titles(response) -> list[str]:
    return sorted(row["title"] for row in response.data["results"])


def counts(response, facet: str) -> dict[str, int]:
    return {term["code"]: term["count"] for term in response.data["facets"][facet]}


@pytest.fixture
def book(programme, school):
    """Six students' requests: four visible, in three sectors, two countries and two levels; two hidden."""
    bachelor = ProgrammeFactory(organisation=school, name="Bachelier en électronique", level="bachelor")

    def request(title, programme_, **fields):
        return cvbook_profile(student(programme_), title=title, **fields)

    return {
        "python": request(
            "Développeur Python", programme, visible=True, sector="62", country="BE", keywords=["Python", "Django"]
        ),
        "data": request(
            "Analyste de données", programme, visible=True, sector="62", country="TN", keywords=["Python", "SQL"]
        ),
        "robot": request(
            "Électronique embarquée", bachelor, visible=True, sector="26", country="BE", keywords=["Robotique"]
        ),
        "quality": request("Qualité HACCP", bachelor, visible=True, sector="10", country="BE", keywords=["HACCP"]),
        "hidden": request("Profil caché", programme, visible=False, sector="62", country="BE", keywords=["Python"]),
        "draft": request("Brouillon", programme, sector="62", keywords=["Python"]),
    }


@pytest.mark.django_db
def test_the_facets_count_the_results_under_every_filter_combined(api_client, admin, book):
    # Everything visible, and the counts of every facet over it
    everything = search(api_client, admin)
    assert everything.status_code == 200
    assert everything.data["count"] == 4
    assert counts(everything, "sector") == {"62": 2, "26": 1, "10": 1}
    assert [term["code"] for term in everything.data["facets"]["sector"]] == ["62", "10", "26"]
    assert counts(everything, "country") == {"BE": 3, "TN": 1}
    assert counts(everything, "level") == {"master": 2, "bachelor": 2}
    assert counts(everything, "keywords") == {"Python": 2, "Django": 1, "SQL": 1, "Robotique": 1, "HACCP": 1}
    assert everything.data["facets"]["sector"][0]["label"]

    # A first term of the guided search: the counts follow the filtered results
    in_it = search(api_client, admin, sector="62")
    assert titles(in_it) == ["Analyste de données", "Développeur Python"]
    assert counts(in_it, "sector") == {"62": 2}
    assert counts(in_it, "country") == {"BE": 1, "TN": 1}
    assert counts(in_it, "keywords") == {"Python": 2, "Django": 1, "SQL": 1}

    # « Affiner encore »: several filters at once, then a keyword on top
    narrowed = search(api_client, admin, sector="62", country="BE", level="master")
    assert titles(narrowed) == ["Développeur Python"]
    assert counts(narrowed, "country") == {"BE": 1}
    with_keyword = search(api_client, admin, country="BE", keywords="Python")
    assert titles(with_keyword) == ["Développeur Python"]
    both_keywords = search(api_client, admin, keywords=["python", "sql"])
    assert titles(both_keywords) == ["Analyste de données"]
    assert search(api_client, admin, keywords="python,haccp").data["count"] == 0


@pytest.mark.django_db
def test_words_are_found_in_the_title_the_summary_and_the_keywords_without_accents(api_client, admin, book):
    assert titles(search(api_client, admin, q="electronique")) == ["Électronique embarquée"]
    assert titles(search(api_client, admin, q="django")) == ["Développeur Python"]
    assert titles(search(api_client, admin, q="python", country="TN")) == ["Analyste de données"]
    found = search(api_client, admin, q="python")
    assert titles(found) == ["Analyste de données", "Développeur Python"]
    assert counts(found, "sector") == {"62": 2}


@pytest.mark.django_db
def test_an_entry_shows_what_the_guided_search_lists_with_its_documents(api_client, admin, ines, ines_profile, company):
    services.upload_documents(ines, cv=cv("cv_ines.pdf"), motivation_letter=letter(), by=ines)

    entry = search(api_client, admin).data["results"][0]

    assert entry["title"] == "Demande de PFE en développement Python"
    assert entry["student"] == {"name": "Inès Ben Amor"}
    assert (entry["sector"], entry["country"], entry["study_level"]) == ("62", "BE", "master")
    assert entry["keywords"] == ["API REST", "Django", "Python"]
    assert entry["available_from"] == "2027-01-15"
    assert sorted(d["kind"] for d in entry["documents"]) == ["cv", "motivation_letter"]
    cv_url = next(d["url"] for d in entry["documents"] if d["kind"] == "cv")
    assert cv_url.endswith(f"/api/v1/cvbook/{ines_profile.pk}/documents/{ines_profile.cv.pk}?company={company.pk}")
    download = api_client.get(cv_url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == pdf_bytes("Curriculum vitae")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("student", 403),
        ("hub moderator", 403),
        ("school staff", 403),
        ("administrator", 200),
        ("secondary contact", 200),
    ],
)
def test_only_company_members_search_the_cv_book(
    api_client, ines_profile, ines, moderator, staff, admin, contact, who, status
):
    user = {
        "anonymous": None,
        "student": ines,
        "hub moderator": moderator,
        "school staff": staff,
        "administrator": admin,
        "secondary contact": contact,
    }[who]
    if user:
        api_client.force_authenticate(user)

    assert api_client.get(CVBOOK).status_code == status
    assert api_client.get(f"{CVBOOK}/{ines_profile.pk}").status_code == status
    assert ProfileView.objects.count() == (1 if status == 200 else 0)


@pytest.mark.django_db
def test_a_member_searches_for_their_own_companies_only(api_client, admin, company, ines_profile):
    other = CompanyFactory(title="Nexa Digital")
    company_admin(other, email="admin@nexa.test")

    assert search(api_client, admin, company=company.pk).status_code == 200
    assert search(api_client, admin, company=other.pk).status_code == 404
    assert search(api_client, admin, company=10**6).status_code == 404
    assert search(api_client, admin, company="first").status_code == 400

    # A member of two companies says for which one
    membership = other.memberships.get()
    membership.user = admin
    membership.save()
    ambiguous = search(api_client, admin)
    assert ambiguous.status_code == 400 and list(ambiguous.data["errors"]) == ["company"]
    assert search(api_client, admin, company=other.pk).status_code == 200


@pytest.mark.django_db
def test_a_parameter_that_cannot_be_read_is_refused_in_the_caller_s_language(api_client, admin, company, ines_profile):
    api_client.force_authenticate(admin)

    company_refused = api_client.get(CVBOOK, {"company": "first"}, HTTP_ACCEPT_LANGUAGE="fr")
    page_refused = api_client.get(CVBOOK, {"page": "0"}, HTTP_ACCEPT_LANGUAGE="fr")

    assert company_refused.json()["errors"] == {"company": ["Un nombre entier est requis."]}
    assert page_refused.json()["errors"] == {"page": ["Un numéro de page à partir de 1 est requis."]}


@pytest.mark.django_db
def test_hidden_and_draft_profiles_are_unknown_by_their_id(api_client, admin, book):
    api_client.force_authenticate(admin)

    for name in ("hidden", "draft"):
        response = api_client.get(f"{CVBOOK}/{book[name].pk}")
        assert response.status_code == 404
        assert set(response.json()) == {"detail", "code", "errors"}
    assert api_client.get(f"{CVBOOK}/{book['python'].pk}").status_code == 200
    assert api_client.get(f"{CVBOOK}/999999999999999999").status_code == 404


@pytest.mark.django_db
def test_bad_criteria_are_refused_and_a_page_past_the_end_is_empty(api_client, admin, book):
    unknown = search(api_client, admin, sector="00", country="XX", level="kindergarten")
    assert unknown.status_code == 400
    assert set(unknown.data["errors"]) == {"sector", "country", "level"}
    assert search(api_client, admin, available_by="soon").status_code == 400
    assert search(api_client, admin, keywords=["x" * 51]).status_code == 400
    assert search(api_client, admin, page="two").status_code == 400
    assert search(api_client, admin, page="0").status_code == 400

    past_the_end = search(api_client, admin, page=9, page_size=2)

    assert past_the_end.status_code == 200
    assert past_the_end.data["count"] == 4
    assert past_the_end.data["results"] == []
    assert past_the_end.data["next"] is None and past_the_end.data["previous"] is None
    last = search(api_client, admin, page=2, page_size=2)
    assert len(last.data["results"]) == 2 and last.data["next"] is None


@pytest.mark.django_db
def test_a_school_that_opted_out_keeps_its_students_out_of_the_cv_book(api_client, admin, staff, school, book):
    other_school = SchoolFactory(title="École d'ingénieurs de Lorraine-Sud", country_id="FR")
    elsewhere = cvbook_profile(student(ProgrammeFactory(organisation=other_school)), visible=True, title="Logistique")
    assert search(api_client, admin).data["count"] == 5
    api_client.force_authenticate(None)
    assert api_client.get("/api/v1/stats").data["cvs"] == 5

    services.set_school_sharing(school, opted_out=True, by=staff)

    found = search(api_client, admin)
    assert [row["id"] for row in found.data["results"]] == [elsewhere.pk]
    assert counts(found, "sector") == {}
    assert api_client.get(f"{CVBOOK}/{book['python'].pk}").status_code == 404
    api_client.force_authenticate(None)
    assert api_client.get("/api/v1/stats").data["cvs"] == 1


@pytest.mark.django_db
def test_a_school_shows_its_students_only_to_the_companies_of_given_countries_or_hubs(
    api_client, admin, company, hub, staff, school, book
):
    french = CompanyFactory(title="Lorraine Industrie", country_id="FR", reference_hub=HubFactory(title="Pôle Est"))
    french_admin = company_admin(french, email="admin@lorraine.test")
    tunisian = CompanyFactory(title="Nabeul Data", country_id="TN", reference_hub=hub)
    tunisian_admin = company_admin(tunisian, email="admin@nabeul.test")

    # Only for the companies of Belgium, or attached to the Walloon hub
    services.set_school_sharing(school, opted_out=False, countries=["BE"], hubs=[hub], by=staff)

    assert search(api_client, admin).data["count"] == 4  # Belgian, and attached to the hub
    assert search(api_client, tunisian_admin).data["count"] == 4  # attached to the hub
    assert search(api_client, french_admin).data["count"] == 0
    api_client.force_authenticate(french_admin)
    assert api_client.get(f"{CVBOOK}/{book['python'].pk}").status_code == 404

    # Widened to France, the French company finds them too
    services.set_school_sharing(school, opted_out=False, countries=["BE", "FR"], by=staff)
    assert search(api_client, french_admin).data["count"] == 4
    assert search(api_client, tunisian_admin).data["count"] == 0


@pytest.mark.django_db
def test_a_member_contacts_the_student_by_email_through_the_queue(api_client, admin, ines, ines_profile, on_commit):
    api_client.force_authenticate(admin)

    with on_commit():
        response = api_client.post(
            f"{CVBOOK}/{ines_profile.pk}/contact",
            {"message": "Bonjour Inès, votre profil nous intéresse pour un stage de développement."},
            format="json",
        )

    assert response.status_code == 201, response.data
    contact = ProfileContact.objects.get()
    assert (contact.profile, contact.sender, contact.company.title) == (ines_profile, admin, "Talos Health Solutions")
    assert [message.to for message in mail.outbox] == [[ines.email]]
    assert "Talos Health Solutions" in mail.outbox[0].subject
    assert "votre profil nous intéresse" in mail.outbox[0].body
    assert admin.email in mail.outbox[0].body
    empty = api_client.post(f"{CVBOOK}/{ines_profile.pk}/contact", {"message": "   "}, format="json")
    assert empty.status_code == 400
    assert ProfileContact.objects.count() == 1


@pytest.mark.django_db
def test_documents_of_a_profile_the_company_does_not_find_are_unknown(api_client, admin, ines, ines_profile):
    services.upload_documents(ines, cv=cv(), by=ines)
    document = ProfileDocument.objects.get()
    api_client.force_authenticate(admin)
    url = f"{CVBOOK}/{ines_profile.pk}/documents/{document.pk}"
    assert api_client.get(url).status_code == 200

    services.set_visible(ines, False, by=ines)

    assert api_client.get(url).status_code == 404
    assert api_client.get(f"{CVBOOK}/{ines_profile.pk}/documents/{document.pk + 1}").status_code == 404


def _queries(api_client, user, **params) -> int:
    api_client.force_authenticate(user)
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(CVBOOK, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_faceted_search_takes_as_many_queries_for_ten_profiles_as_for_two_hundred(api_client, admin, programme):
    many_profiles(10, programme, seed=1)
    few = (_queries(api_client, admin), _queries(api_client, admin, q="stage", page_size=100))
    many_profiles(190, programme, seed=2)

    many = (_queries(api_client, admin), _queries(api_client, admin, q="stage", page_size=100))

    assert many == few
    # The caller's company, the count, the page, its keywords and documents, four facets (with the session's own).
    assert few[0] <= 12
