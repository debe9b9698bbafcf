"""A student's CV-book profile through the API: written, switched on and off, its documents, who consulted it.

`/profiles/me` answers the student only; documents follow the upload rules of applications; another student's
profile cannot be read or changed (404).
"""

import pytest
from django.conf import settings

from portal.cvbook import selectors, services
from portal.cvbook.models import Profile, ProfileDocument
from portal.exceptions import NotVisible
from tests.factories import cvbook_profile, student
from tests.recruitment.files import cv, letter, pdf_bytes, private_files
from tests.recruitment.test_hostile_uploads import EXE, SIX_MB_PDF, File, multipart_body

ME = "/api/v1/profiles/me"
DOCUMENTS = "/api/v1/profiles/me/documents"
PROFILE = {
    "title": "Demande de PFE",
    "summary": "Étudiante en génie logiciel.",
    "sector": "62",
    "country": "TN",
    "study_level": "master",
    "keywords": ["Python", "Django"],
    "available_from": "2027-02-01",
}


def found_by(api_client, member) -> list[int]:
    """The ids of the CV book's first page, as a company member finds it."""
    api_client.force_authenticate(member)
    response = api_client.get("/api/v1/cvbook")
    assert response.status_code == 200, response.data
    return [row["id"] for row in response.data["results"]]


@pytest.mark.django_db
def test_a_new_profile_is_hidden_until_the_student_switches_it_on(api_client, ines, admin):
    # Given a student who writes their request through the API
    api_client.force_authenticate(ines)
    written = api_client.put(ME, PROFILE, format="json")

    # Then it is saved, hidden from companies
    assert written.status_code == 200, written.data
    assert written.data["visible"] is False and written.data["searchable"] is False
    assert {key: written.data[key] for key in PROFILE} == {**PROFILE, "keywords": ["Django", "Python"]}
    assert found_by(api_client, admin) == []

    # When they switch it on (the other fields keep their value)
    api_client.force_authenticate(ines)
    switched = api_client.put(ME, {"visible": True}, format="json")

    # Then every company member finds it
    assert switched.status_code == 200
    assert switched.data["visible"] is True and switched.data["searchable"] is True
    assert switched.data["title"] == "Demande de PFE"
    assert found_by(api_client, admin) == [switched.data["id"]]


@pytest.mark.django_db
def test_switching_the_profile_off_removes_it_from_the_search_at_once(api_client, ines, ines_profile, admin, contact):
    assert found_by(api_client, contact) == [ines_profile.pk]

    api_client.force_authenticate(ines)
    assert api_client.put(ME, {"visible": False}, format="json").status_code == 200

    assert found_by(api_client, admin) == []
    assert found_by(api_client, contact) == []
    api_client.force_authenticate(admin)
    assert api_client.get(f"/api/v1/cvbook/{ines_profile.pk}").status_code == 404


@pytest.mark.django_db
def test_a_profile_without_title_cannot_be_switched_on(api_client, ines):
    api_client.force_authenticate(ines)

    response = api_client.put(ME, {"visible": True, "sector": "62"}, format="json")

    assert response.status_code == 400
    assert list(response.data["errors"]) == ["title"]
    assert not Profile.objects.filter(visible=True).exists()


@pytest.mark.django_db
def test_bad_fields_are_all_refused_at_once_and_nothing_is_written(api_client, ines):
    api_client.force_authenticate(ines)

    response = api_client.put(
        ME,
        {
            "sector": "00",
            "country": "XX",
            "study_level": "kindergarten",
            "keywords": [f"mot{n}" for n in range(11)],
            "available_from": "demain",
            "visible": "yes",
        },
        format="json",
    )

    assert response.status_code == 400
    assert set(response.data["errors"]) == {"sector", "country", "study_level", "keywords", "available_from", "visible"}
    assert not Profile.objects.exists()


@pytest.mark.django_db
def test_keywords_are_kept_once_whatever_their_case_and_spacing(api_client, ines):
    api_client.force_authenticate(ines)

    response = api_client.put(ME, {"keywords": ["  API   REST ", "api rest", "Python", '"Django"', ""]}, format="json")

    assert response.status_code == 200
    assert response.data["keywords"] == ["API REST", "Django", "Python"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("company member", 403), ("school staff", 403)],
)
def test_only_a_student_has_a_profile(api_client, admin, staff, who, status):
    user = {"anonymous": None, "company member": admin, "school staff": staff}[who]
    if user:
        api_client.force_authenticate(user)

    assert api_client.get(ME).status_code == status
    assert api_client.put(ME, PROFILE, format="json").status_code == status
    assert api_client.get("/api/v1/profiles/me/matching-offers").status_code == status
    assert not Profile.objects.exists()


@pytest.mark.django_db
def test_documents_are_uploaded_privately_replaced_and_downloaded_by_their_student(api_client, ines, on_commit):
    # Given a student who sends a CV and a letter
    api_client.force_authenticate(ines)
    sent = api_client.post(DOCUMENTS, {"cv": cv("cv_ines.pdf"), "motivation_letter": letter()}, format="multipart")

    # Then both are kept under random names in the private folder
    assert sent.status_code == 201, sent.data
    assert {(d["kind"], d["name"]) for d in sent.data["documents"]} == {
        ("cv", "cv_ines.pdf"),
        ("motivation_letter", "lettre.pdf"),
    }
    first = private_files(settings.PRIVATE_ROOT)
    assert len(first) == 2 and all(name.startswith("profiles/") and "ines" not in name for name in first)

    # When a new CV replaces the first one, the old file is removed once the change is committed
    with on_commit():
        replaced = api_client.post(DOCUMENTS, {"cv": cv("cv_2027.pdf")}, format="multipart")
    assert replaced.status_code == 201
    assert sorted(d["name"] for d in replaced.data["documents"]) == ["cv_2027.pdf", "lettre.pdf"]
    assert len(private_files(settings.PRIVATE_ROOT)) == 2
    assert set(first) - set(private_files(settings.PRIVATE_ROOT))

    # And the student downloads their CV as an attachment
    document = ProfileDocument.objects.get(kind="cv")
    download = api_client.get(f"{DOCUMENTS}/{document.pk}")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == pdf_bytes("Curriculum vitae")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("file", "status", "code"),
    [
        (File("cv.pdf", EXE), 415, "unsupported_file_type"),
        (File("cv.pdf", SIX_MB_PDF), 413, "file_too_large"),
        (File("../../etc/cv.pdf", pdf_bytes("CV")), 400, "error"),
        (File("cv.pdf", b""), 400, "error"),
    ],
    ids=["executable", "too large", "name with folders", "empty"],
)
def test_a_hostile_cv_is_refused_as_applications_refuse_it_and_nothing_is_stored(api_client, ines, file, status, code):
    api_client.force_authenticate(ines)
    body, content_type = multipart_body({}, [("cv", file)])

    response = api_client.post(DOCUMENTS, body, content_type=content_type)

    assert response.status_code == status, response.content[:300]
    assert response.json()["code"] == code
    assert list(response.json()["errors"]) == ["cv"]
    assert not ProfileDocument.objects.exists()
    assert private_files(settings.PRIVATE_ROOT) == []


@pytest.mark.django_db
def test_another_students_profile_cannot_be_read_or_changed(api_client, ines, ines_profile, programme):
    # Given Inès's profile with a CV, and another student
    services.upload_documents(ines, cv=cv(), by=ines)
    document = ProfileDocument.objects.get()
    other = student(programme, email="other@student.test")
    api_client.force_authenticate(other)

    # Then her document is unknown to the other student, who can neither read nor delete it
    assert api_client.get(f"{DOCUMENTS}/{document.pk}").status_code == 404
    assert api_client.delete(f"{DOCUMENTS}/{document.pk}").status_code == 404
    # And the service refuses to write her profile for anybody else
    with pytest.raises(NotVisible):
        services.update_profile(ines, {"title": "Changé"}, by=other)
    # While the other student's own profile stays their own
    assert api_client.get(ME).data["id"] is None
    ines_profile.refresh_from_db()
    assert ines_profile.title == "Demande de PFE en développement Python"
    assert ProfileDocument.objects.filter(pk=document.pk).exists()


@pytest.mark.django_db
def test_the_student_sees_which_company_consulted_their_profile_and_when_nothing_more(
    api_client, ines, ines_profile, admin, contact, company
):
    # Given two members of a company who open the profile, one of them twice
    for member in (admin, contact, admin):
        api_client.force_authenticate(member)
        assert api_client.get(f"/api/v1/cvbook/{ines_profile.pk}").status_code == 200

    # Then the student sees the company once for the day, without the person
    api_client.force_authenticate(ines)
    consultations = api_client.get(ME).data["consultations"]
    assert len(consultations) == 1
    assert consultations[0]["company"] == {"id": company.pk, "name": "Talos Health Solutions"}
    assert set(consultations[0]) == {"company", "date"}


@pytest.mark.django_db
def test_a_profile_written_through_the_factory_is_found_by_its_keywords(ines, admin, company):
    """The keywords are indexed with the profile: the search finds them as soon as they are saved."""
    profile = cvbook_profile(ines, visible=True, keywords=["Robotique"])

    found = selectors.search_profiles(company, {"q": "robotique"})
    assert [p.pk for p in found.profiles] == [profile.pk]
    cvbook_profile(ines, keywords=["Électronique"])
    assert list(selectors.search_profiles(company, {"q": "robotique"}).profiles) == []
    assert [p.pk for p in selectors.search_profiles(company, {"q": "electronique"}).profiles] == [profile.pk]
