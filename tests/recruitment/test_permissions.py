"""Who sees and handles which application, per role, through the API.

- the offer's author (a secondary contact) receives and manages the applications to their offers only;
- the company's administrators see every application of the company, and alone the spontaneous ones;
- school staff follow their students' applications read only (their whole school, or their programme);
- a student sees their own; everybody else, the hub moderators included, gets 404 (never a hint that
  an application exists) and anonymous callers 401.
"""

import csv
import io

import openpyxl
import pytest

from portal import access
from portal.accounts.models import SchoolStaff
from portal.recruitment import services
from portal.recruitment.models import Application, ApplicationMessage
from tests.factories import (
    CompanyFactory,
    ProgrammeFactory,
    company_admin,
    hub_moderator,
    school_staff,
    secondary_contact,
    student,
)
from tests.recruitment.files import cv, letter, pdf_bytes
from tests.recruitment.fixtures import published_offer

pytestmark = pytest.mark.django_db

APPLICATIONS = "/api/v1/applications"
# The list runs this many queries whatever the number of applications: which permissions the caller holds at all,
# count, rows with their joins, documents.
MAX_LIST_QUERIES = 4


def applied(student_user, *, offer=None, company=None):
    return services.apply(
        student_user, offer=offer, company=company, message="Madame, Monsieur,", cv=cv(), motivation_letter=letter()
    )


@pytest.fixture
def world(company, admin, author, offer, programme, applicant, tutor):
    """A company with two offer authors, students of two programmes and of another school, and their staff.

    Applications: `to_offer` (applicant → the author's offer), `classmate_to_offer` (a student of another
    programme of the same school → the same offer), `to_colleague_offer` (a student of another school → the
    colleague's offer), `spontaneous` (applicant → the company) and `elsewhere` (the classmate → an offer
    of another company).
    """
    school = programme.organisation
    other_programme = ProgrammeFactory(organisation=school, name="Réseaux")
    people = {
        "admin": admin,
        "author": author,
        "colleague": secondary_contact(company, can_create_offers=True, email="colleague@talos.test"),
        "contact": secondary_contact(company, email="contact@talos.test"),
        "applicant": applicant,
        "classmate": student(other_programme, email="classmate@student.test"),
        "stranger": student(email="stranger@student.test"),
        "tutor": tutor,
        "school_head": school_staff(school, email="head@school.test"),
        "other_programme_staff": school_staff(
            school, role=SchoolStaff.Role.ACADEMIC_TUTOR, programme=other_programme, email="reseaux@school.test"
        ),
        "moderator": hub_moderator(company.reference_hub, email="moderator@hub.test"),
    }
    people["other_school_staff"] = school_staff(people["stranger"].student.school, email="head@other-school.test")
    other_company = CompanyFactory(title="Autre Entreprise")
    people["other_admin"] = company_admin(other_company, email="admin@other.test")
    colleague_offer = published_offer(company, people["colleague"], title="Graphiste")
    other_offer = published_offer(other_company, None, title="Analyste")
    applications = {
        "to_offer": applied(applicant, offer=offer),
        "classmate_to_offer": applied(people["classmate"], offer=offer),
        "to_colleague_offer": applied(people["stranger"], offer=colleague_offer),
        "spontaneous": applied(applicant, company=company),
        "elsewhere": applied(people["classmate"], offer=other_offer),
    }
    return {"people": people, "applications": applications, "offer": offer, "colleague_offer": colleague_offer}


def as_user(client, user):
    client.force_authenticate(user)
    return client


def detail(client, application):
    return client.get(f"{APPLICATIONS}/{application.pk}")


def set_status(client, application, status, comment=""):
    return client.post(f"{APPLICATIONS}/{application.pk}/status", {"status": status, "comment": comment}, format="json")


def document_url(application, kind="cv"):
    return f"{APPLICATIONS}/{application.pk}/documents/{application.documents.get(kind=kind).pk}"


# The list: exactly each role's scope

SCOPES = {
    "author": ["to_offer", "classmate_to_offer"],
    "colleague": ["to_colleague_offer"],
    "contact": [],
    "admin": ["to_offer", "classmate_to_offer", "to_colleague_offer", "spontaneous"],
    "other_admin": ["elsewhere"],
    "moderator": [],
    "tutor": ["to_offer", "spontaneous"],
    "school_head": ["to_offer", "classmate_to_offer", "spontaneous", "elsewhere"],
    "other_programme_staff": ["classmate_to_offer", "elsewhere"],
    "other_school_staff": ["to_colleague_offer"],
    "applicant": ["to_offer", "spontaneous"],
    "classmate": ["classmate_to_offer", "elsewhere"],
    "stranger": ["to_colleague_offer"],
}


@pytest.mark.parametrize("role", SCOPES)
def test_application_list_holds_exactly_the_callers_scope(api_client, world, role):
    client = as_user(api_client, world["people"][role])

    response = client.get(APPLICATIONS)

    assert response.status_code == 200
    expected = sorted(world["applications"][name].pk for name in SCOPES[role])
    assert sorted(row["id"] for row in response.data["results"]) == expected
    assert response.data["count"] == len(expected)


@pytest.mark.parametrize("role", SCOPES)
def test_the_lists_rule_admits_what_the_rule_of_each_application_admits(world, role):
    user = world["people"][role]

    listed = Application.objects.filter(access.applications.listed_q(user)).values_list("pk", flat=True)
    one_by_one = [name for name, found in world["applications"].items() if access.applications.can_read(user, found)]

    assert sorted(listed) == sorted(world["applications"][name].pk for name in one_by_one)


def test_a_students_list_reads_their_own_applications_only(world, django_assert_num_queries):
    with django_assert_num_queries(2) as captured:  # what they hold, then the list
        list(Application.objects.filter(access.applications.listed_q(world["people"]["applicant"])))

    listing = captured.captured_queries[-1]["sql"]
    assert "userpermission" not in listing
    condition = listing.split(" WHERE ")[1].split(" ORDER BY ")[0]
    assert condition == f'"recruitment_application"."student_id" = {world["people"]["applicant"].pk}'


def test_administrators_list_filtered_on_spontaneous_applications(api_client, world):
    client = as_user(api_client, world["people"]["admin"])

    response = client.get(APPLICATIONS, {"spontaneous": "true"})

    assert [row["id"] for row in response.data["results"]] == [world["applications"]["spontaneous"].pk]


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v1/applications"),
        ("get", "/api/v1/applications/{id}"),
        ("post", "/api/v1/applications/{id}/status"),
        ("get", "/api/v1/applications/{id}/messages"),
        ("post", "/api/v1/applications/{id}/messages"),
        ("get", "/api/v1/applications/{id}/documents/{doc}"),
        ("get", "/api/v1/offers/{offer}/applications"),
        ("get", "/api/v1/offers/{offer}/applications.csv"),
    ],
)
def test_anonymous_caller_gets_401(api_client, world, method, path):
    application = world["applications"]["to_offer"]
    url = path.format(id=application.pk, doc=application.documents.first().pk, offer=world["offer"].pk)

    if method == "post":
        response = api_client.post(url, {"status": "cancelled", "body": "Bonjour"}, format="json")
    else:
        response = api_client.get(url)

    assert response.status_code == 401
    assert response.data["code"] == "not_authenticated"
    assert Application.objects.get(pk=application.pk).status == "pending"


# The offer's author and their colleagues


def test_offer_author_reads_an_application_to_their_offer(api_client, world):
    client = as_user(api_client, world["people"]["author"])

    response = detail(client, world["applications"]["to_offer"])

    assert response.status_code == 200
    assert response.data["student"]["name"] == "Talel Jlassi"
    assert response.data["allowed_statuses"] == ["interview", "accepted", "cancelled"]


def test_offer_author_changes_the_status_of_an_application_to_their_offer(api_client, world):
    client = as_user(api_client, world["people"]["author"])

    response = set_status(client, world["applications"]["to_offer"], "interview")

    assert response.status_code == 200, response.data
    assert Application.objects.get(pk=world["applications"]["to_offer"].pk).status == "interview"


@pytest.mark.parametrize("name", ["to_colleague_offer", "spontaneous", "elsewhere"])
def test_offer_author_gets_404_outside_their_offers(api_client, world, name):
    client = as_user(api_client, world["people"]["author"])
    application = world["applications"][name]

    assert detail(client, application).status_code == 404
    assert set_status(client, application, "interview").status_code == 404
    assert client.get(document_url(application)).status_code == 404
    assert Application.objects.get(pk=application.pk).status == "pending"


@pytest.mark.parametrize("who", ["colleague", "contact"])
def test_secondary_contact_cannot_see_a_colleagues_applications(api_client, world, who):
    client = as_user(api_client, world["people"][who])
    application = world["applications"]["to_offer"]

    assert detail(client, application).status_code == 404
    assert set_status(client, application, "interview").status_code == 404
    assert client.get(f"{APPLICATIONS}/{application.pk}/messages").status_code == 404
    assert client.get(document_url(application)).status_code == 404
    assert client.get(APPLICATIONS, {"offer": world["offer"].pk}).data["results"] == []
    assert Application.objects.get(pk=application.pk).status == "pending"


# The company's administrators


@pytest.mark.parametrize("name", ["to_offer", "to_colleague_offer", "spontaneous"])
def test_company_administrator_reads_and_manages_every_application_of_the_company(api_client, world, name):
    client = as_user(api_client, world["people"]["admin"])
    application = world["applications"][name]

    read = detail(client, application)
    changed = set_status(client, application, "interview")

    assert read.status_code == 200
    assert changed.status_code == 200, changed.data
    assert Application.objects.get(pk=application.pk).status == "interview"


def test_only_administrators_receive_spontaneous_applications(api_client, world):
    spontaneous = world["applications"]["spontaneous"]

    seen_by = {
        role: detail(as_user(api_client, world["people"][role]), spontaneous).status_code
        for role in ("admin", "author", "colleague", "contact")
    }

    assert seen_by == {"admin": 200, "author": 404, "colleague": 404, "contact": 404}


@pytest.mark.parametrize("who", ["other_admin", "moderator"])
def test_outsiders_of_the_company_get_404_on_detail_and_status_change(api_client, world, who):
    client = as_user(api_client, world["people"][who])
    application = world["applications"]["to_offer"]

    read = detail(client, application)
    changed = set_status(client, application, "accepted")

    assert (read.status_code, changed.status_code) == (404, 404)
    assert changed.data == {"detail": changed.data["detail"], "code": "not_found", "errors": {}}
    assert Application.objects.get(pk=application.pk).status == "pending"
    assert application.events.count() == 1


def test_administrator_of_another_company_gets_404_on_the_documents(api_client, world):
    client = as_user(api_client, world["people"]["other_admin"])

    response = client.get(document_url(world["applications"]["to_offer"]))

    assert response.status_code == 404


# School staff: read only


@pytest.mark.parametrize("who", ["tutor", "school_head"])
def test_school_staff_read_their_students_application(api_client, world, who):
    client = as_user(api_client, world["people"][who])

    response = detail(client, world["applications"]["to_offer"])

    assert response.status_code == 200
    assert response.data["status"] == "pending"
    # They may close it for the school (« annulée par l'établissement »), nothing more.
    assert response.data["allowed_statuses"] == ["cancelled"]


@pytest.mark.parametrize("who", ["tutor", "school_head"])
@pytest.mark.parametrize("status", ["interview", "accepted"])
def test_school_staff_may_not_move_an_application_along(api_client, world, who, status):
    client = as_user(api_client, world["people"][who])
    application = world["applications"]["to_offer"]

    response = set_status(client, application, status)

    assert response.status_code == 403
    assert response.data["code"] == "permission_denied"
    assert Application.objects.get(pk=application.pk).status == "pending"
    assert application.events.count() == 1


@pytest.mark.parametrize("who", ["tutor", "school_head"])
def test_school_staff_may_not_read_the_messages_between_company_and_student(api_client, world, who):
    application = world["applications"]["to_offer"]
    services.send_message(application, "Pouvez-vous venir lundi ?", by=world["people"]["author"])
    client = as_user(api_client, world["people"][who])

    listed = client.get(f"{APPLICATIONS}/{application.pk}/messages")
    shown = detail(client, application)

    assert listed.status_code == 403
    assert shown.data["messages"] == []


@pytest.mark.parametrize("who", ["tutor", "school_head"])
def test_school_staff_may_not_write_to_the_student(api_client, world, who):
    application = world["applications"]["to_offer"]
    client = as_user(api_client, world["people"][who])

    response = client.post(f"{APPLICATIONS}/{application.pk}/messages", {"body": "Bonjour"}, format="json")

    assert response.status_code == 403
    assert not ApplicationMessage.objects.exists()


@pytest.mark.parametrize("who", ["tutor", "school_head"])
def test_school_staff_download_their_students_documents(api_client, world, who):
    client = as_user(api_client, world["people"][who])
    application = world["applications"]["to_offer"]

    response = client.get(document_url(application, kind="motivation_letter"))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes("Lettre de motivation")
    assert Application.objects.get(pk=application.pk).status == "pending"


@pytest.mark.parametrize(
    "who, name",
    [
        ("tutor", "classmate_to_offer"),
        ("other_programme_staff", "to_offer"),
        ("other_school_staff", "to_offer"),
        ("school_head", "to_colleague_offer"),
    ],
    ids=["programme-tutor-other-programme", "other-programme-staff", "other-school-staff", "head-other-school"],
)
def test_school_staff_get_404_outside_their_students(api_client, world, who, name):
    client = as_user(api_client, world["people"][who])
    application = world["applications"][name]

    assert detail(client, application).status_code == 404
    assert client.get(document_url(application)).status_code == 404


# Students


def test_student_reads_their_own_application_and_its_messages(api_client, world):
    application = world["applications"]["to_offer"]
    services.send_message(application, "Pouvez-vous venir lundi ?", by=world["people"]["author"])
    client = as_user(api_client, world["people"]["applicant"])

    shown = detail(client, application)
    listed = client.get(f"{APPLICATIONS}/{application.pk}/messages")

    assert shown.status_code == 200
    assert shown.data["allowed_statuses"] == ["cancelled"]
    assert [message["body"] for message in listed.data["results"]] == ["Pouvez-vous venir lundi ?"]


def test_another_student_gets_404_on_the_detail_and_the_documents(api_client, world):
    client = as_user(api_client, world["people"]["classmate"])
    application = world["applications"]["to_offer"]

    assert detail(client, application).status_code == 404
    assert client.get(document_url(application)).status_code == 404
    assert client.get(f"{APPLICATIONS}/{application.pk}/messages").status_code == 404


def test_document_of_another_application_answers_404(api_client, world):
    client = as_user(api_client, world["people"]["applicant"])
    own = world["applications"]["to_offer"]
    foreign_document = world["applications"]["classmate_to_offer"].documents.first()

    response = client.get(f"{APPLICATIONS}/{own.pk}/documents/{foreign_document.pk}")

    assert response.status_code == 404


# The applications of one offer, and their export


@pytest.mark.parametrize("who", ["author", "admin"])
def test_offer_applications_list_for_its_author_and_the_administrator(api_client, world, who):
    client = as_user(api_client, world["people"][who])

    response = client.get(f"/api/v1/offers/{world['offer'].pk}/applications")

    assert response.status_code == 200
    assert sorted(row["id"] for row in response.data["results"]) == sorted(
        world["applications"][name].pk for name in ("to_offer", "classmate_to_offer")
    )


@pytest.mark.parametrize("who", ["applicant", "other_admin", "colleague", "tutor"])
@pytest.mark.parametrize("suffix", ["", ".csv", ".xlsx"])
def test_offer_applications_and_their_export_answer_404_outside_the_company_side(api_client, world, who, suffix):
    client = as_user(api_client, world["people"][who])

    response = client.get(f"/api/v1/offers/{world['offer'].pk}/applications{suffix}")

    assert response.status_code == 404


def test_hub_moderator_sees_no_application_of_an_offer(api_client, world):
    client = as_user(api_client, world["people"]["moderator"])

    response = client.get(f"/api/v1/offers/{world['offer'].pk}/applications")

    assert response.status_code == 404 or response.data["results"] == []


@pytest.mark.parametrize("who", ["author", "admin"])
def test_offer_applications_csv_lists_the_students_and_their_status(api_client, world, who):
    services.change_status(world["applications"]["classmate_to_offer"], "interview", by=world["people"]["author"])
    client = as_user(api_client, world["people"][who])

    response = client.get(f"/api/v1/offers/{world['offer'].pk}/applications.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="candidatures-')
    header, *rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    student, status = header.index("Étudiant"), header.index("Statut")
    classmate = world["people"]["classmate"].get_full_name()
    assert sorted((row[student], row[status]) for row in rows) == sorted(
        [("Talel Jlassi", "En cours"), (classmate, "Rendez-vous")]
    )


def test_offer_applications_xlsx_lists_the_students_and_their_status(api_client, world):
    client = as_user(api_client, world["people"]["author"])

    response = client.get(f"/api/v1/offers/{world['offer'].pk}/applications.xlsx")

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    student, status = header.index("Étudiant"), header.index("Statut")
    classmate = world["people"]["classmate"].get_full_name()
    assert sorted((row[student], row[status]) for row in rows) == sorted(
        [("Talel Jlassi", "En cours"), (classmate, "En cours")]
    )


# Query counts of the list


def test_administrators_list_runs_the_same_queries_for_10_and_60_applications(
    api_client, company, admin, author, offer, django_assert_max_num_queries
):
    orphan = published_offer(company, None, title="Comptable")
    programmes = [ProgrammeFactory(), ProgrammeFactory()]
    targets = [{"offer": offer}, {"offer": orphan}, {"company": company}]

    def add(count):
        for index in range(count):
            applied(student(programmes[index % 2]), **targets[index % 3])

    client = as_user(api_client, admin)
    add(10)
    with django_assert_max_num_queries(MAX_LIST_QUERIES) as with_10:
        first = client.get(APPLICATIONS, {"page_size": 100})
    add(50)
    with django_assert_max_num_queries(MAX_LIST_QUERIES) as with_60:
        second = client.get(APPLICATIONS, {"page_size": 100})

    assert (first.data["count"], len(second.data["results"])) == (10, 60)
    assert len(with_10.captured_queries) == len(with_60.captured_queries)
