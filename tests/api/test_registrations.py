"""`/api/v1/registrations/*` and `/api/v1/auth/*`: registration, confirmation and password reset."""

import re

import pytest
from django.core import mail

from cms_pages.models import OrganisationPage
from portal.accounts.models import Membership, Student, TermsAcceptance, User
from tests.factories import CompanyFactory, HubFactory, ProgrammeFactory, UserFactory


def payload(hub, **overrides):
    data = {
        "name": "Talos Health Solutions",
        "registration_number": "BE0123456789",
        "city": "Liège",
        "country": "BE",
        "admin": {"email": "aurelie@talos.example", "first_name": "Aurélie", "last_name": "Hogge", "language": "en"},
        "contacts": [
            {
                "email": "valentin@talos.example",
                "first_name": "Valentin",
                "last_name": "Bouquet",
                "can_create_offers": True,
            },
        ],
        "sector": "62",
        "keywords": ["santé", "logiciel"],
        "description": "Logiciels pour la santé.",
        "website": "https://talos.example",
        "reference_hub": hub.pk,
        "accept_terms": True,
    }
    data.update(overrides)
    return data


def link_path(message, prefix):
    match = re.search(rf"https?://[^/\s]+({prefix}[^\s\"<]+)", message.body)
    assert match, message.body
    return match.group(1)


def snapshot():
    return (
        OrganisationPage.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        TermsAcceptance.objects.count(),
    )


@pytest.mark.django_db
def test_company_registration_in_one_call_mails_set_password_links_in_each_language(api_client, on_commit):
    hub = HubFactory()

    with on_commit():
        response = api_client.post("/api/v1/registrations/companies", payload(hub), format="json")

    assert response.status_code == 201, response.json()
    company = OrganisationPage.objects.get(pk=response.json()["id"])
    assert company.reference_hub == hub and company.live
    assert Membership.objects.get(organisation=company, role="admin").user.email == "aurelie@talos.example"
    assert Membership.objects.get(organisation=company, role="secondary").can_create_offers is True
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {"aurelie@talos.example", "valentin@talos.example"}
    assert "Your access to the internship portal" in by_recipient["aurelie@talos.example"].subject
    assert "Votre accès au portail des stages" in by_recipient["valentin@talos.example"].subject
    for message in mail.outbox:
        assert "/comptes/mot-de-passe/nouveau/" in message.body


@pytest.mark.django_db
def test_set_password_link_from_the_mail_works_through_the_api(api_client, on_commit):
    hub = HubFactory()
    with on_commit():
        api_client.post("/api/v1/registrations/companies", payload(hub, contacts=[]), format="json")
    uid, token = link_path(mail.outbox[0], "/comptes/mot-de-passe/nouveau/").strip("/").split("/")[-2:]

    confirm = api_client.post(
        "/api/v1/auth/password-reset/confirm",
        {"uid": uid, "token": token, "new_password": "Un-Mot-De-Passe-Solide-42"},
        format="json",
    )
    login = api_client.post(
        "/api/v1/auth/login",
        {"email": "aurelie@talos.example", "password": "Un-Mot-De-Passe-Solide-42"},
        format="json",
    )
    reuse = api_client.post(
        "/api/v1/auth/password-reset/confirm",
        {"uid": uid, "token": token, "new_password": "Un-Autre-Mot-De-Passe-43"},
        format="json",
    )

    assert confirm.status_code == 204
    assert login.status_code == 200 and login.json()["token"]
    assert reuse.status_code == 400 and "token" in reuse.json()["errors"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"admin": {"email": "not-an-email", "first_name": "A", "last_name": "B"}}, "admin.email"),
        ({"accept_terms": False}, "accept_terms"),
        ({"sector": "00"}, "sector"),
        ({"country": "XX"}, "country"),
        ({"reference_hub": 999999}, "reference_hub"),
        ({"name": ""}, "name"),
        (
            {
                "contacts": [
                    {"email": "twice@talos.example", "first_name": "A", "last_name": "B"},
                    {"email": "twice@talos.example", "first_name": "C", "last_name": "D"},
                ]
            },
            "contacts.1.email",
        ),
        (
            {"contacts": [{"email": "aurelie@talos.example", "first_name": "A", "last_name": "B"}]},
            "contacts.0.email",
        ),
    ],
)
@pytest.mark.django_db
def test_bad_registration_gets_a_field_error_and_writes_nothing(api_client, on_commit, change, field):
    hub = HubFactory()
    before = snapshot()

    with on_commit():
        response = api_client.post("/api/v1/registrations/companies", payload(hub, **change), format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"]
    assert field in body["errors"], body
    assert snapshot() == before
    assert mail.outbox == []


@pytest.mark.django_db
def test_duplicate_company_is_refused(api_client):
    hub = HubFactory()
    CompanyFactory(title="Talos Health Solutions", country_id="BE")
    before = snapshot()

    response = api_client.post("/api/v1/registrations/companies", payload(hub), format="json")

    assert response.status_code == 400
    assert "name" in response.json()["errors"]
    assert snapshot() == before


@pytest.mark.django_db
def test_duplicate_registration_number_is_refused_whatever_the_name(api_client):
    hub = HubFactory()
    CompanyFactory(title="Talos SA", registration_number="BE0123456789")

    response = api_client.post("/api/v1/registrations/companies", payload(hub), format="json")

    assert response.status_code == 400 and "name" in response.json()["errors"]


@pytest.mark.django_db
def test_malformed_json_is_a_400_not_a_500(api_client):
    response = api_client.post("/api/v1/registrations/companies", data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.django_db
def test_lookup_answers_whether_the_company_is_registered(api_client):
    CompanyFactory(title="Talos Health Solutions", registration_number="BE0123456789")

    found = api_client.get("/api/v1/registrations/companies/lookup", {"q": "talos"}).json()
    missing = api_client.get("/api/v1/registrations/companies/lookup", {"q": "Nobody"}).json()
    too_short = api_client.get("/api/v1/registrations/companies/lookup", {"q": "t"})

    assert found["registered"] is True and found["results"][0]["name"] == "Talos Health Solutions"
    assert missing == {"count": 0, "registered": False, "results": []}
    assert too_short.status_code == 400 and "q" in too_short.json()["errors"]


@pytest.mark.django_db
def test_student_signs_up_confirms_the_email_and_signs_in(api_client, on_commit):
    programme = ProgrammeFactory()
    data = {
        "email": "Leila@Student.example",
        "password": "Un-Mot-De-Passe-Solide-42",
        "first_name": "Leïla",
        "last_name": "Ben Salah",
        "school": programme.organisation_id,
        "programme": programme.pk,
        "study_level": "master",
        "accept_terms": True,
    }

    with on_commit():
        response = api_client.post("/api/v1/registrations/students", data, format="json")
    before_confirmation = api_client.post(
        "/api/v1/auth/login", {"email": "leila@student.example", "password": data["password"]}, format="json"
    )
    uid, token = link_path(mail.outbox[0], "/comptes/etudiants/confirmer/").strip("/").split("/")[-2:]
    confirmed = api_client.post("/api/v1/registrations/students/confirm", {"uid": uid, "token": token}, format="json")
    after_confirmation = api_client.post(
        "/api/v1/auth/login", {"email": "leila@student.example", "password": data["password"]}, format="json"
    )

    assert response.status_code == 201
    assert mail.outbox[0].to == ["leila@student.example"]
    assert before_confirmation.status_code == 401
    assert confirmed.status_code == 200
    assert after_confirmation.status_code == 200
    student = Student.objects.get(user__email="leila@student.example")
    assert student.programme == programme and student.email_confirmed_at is not None
    assert TermsAcceptance.objects.filter(accepted_by=student.user, organisation=None).exists()


@pytest.mark.django_db
def test_student_sign_up_with_a_programme_of_another_school_is_refused(api_client):
    programme = ProgrammeFactory()
    other = ProgrammeFactory()
    data = {
        "email": "leila@student.example",
        "password": "Un-Mot-De-Passe-Solide-42",
        "first_name": "Leïla",
        "last_name": "Ben Salah",
        "school": programme.organisation_id,
        "programme": other.pk,
        "study_level": "master",
        "accept_terms": True,
    }

    response = api_client.post("/api/v1/registrations/students", data, format="json")

    assert response.status_code == 400 and "programme" in response.json()["errors"]
    assert not User.objects.filter(email="leila@student.example").exists()


@pytest.mark.django_db
def test_password_reset_mails_a_link_only_to_known_active_accounts(api_client, on_commit):
    UserFactory(email="known@example.test")

    with on_commit():
        known = api_client.post("/api/v1/auth/password-reset", {"email": "known@example.test"}, format="json")
        unknown = api_client.post("/api/v1/auth/password-reset", {"email": "nobody@example.test"}, format="json")

    assert known.status_code == unknown.status_code == 202
    assert [m.to for m in mail.outbox] == [["known@example.test"]]
    assert "/comptes/mot-de-passe/nouveau/" in mail.outbox[0].body


@pytest.mark.django_db
def test_logout_revokes_the_token(api_client):
    UserFactory(email="known@example.test")
    token = api_client.post(
        "/api/v1/auth/login", {"email": "known@example.test", "password": "Correct-Horse-42"}, format="json"
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert api_client.post("/api/v1/auth/logout").status_code == 204
    assert api_client.get("/api/v1/me").status_code == 401
