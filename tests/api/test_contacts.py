"""`/companies/{id}/contacts`: the administrator manages the company's secondary contacts."""

import pytest
from django.core import mail
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from portal import access
from portal.accounts.models import Membership, OfferUserPermission, OrganisationUserPermission, User
from portal.notifications.models import Notification
from tests.factories import PASSWORD, CompanyFactory, UserFactory, company_admin, secondary_contact, student

SET_PASSWORD_PATH = "/comptes/mot-de-passe/nouveau/"


def contacts_url(company) -> str:
    return f"/api/v1/companies/{company.pk}/contacts"


def contact_url(company, user) -> str:
    return f"{contacts_url(company)}/{user.pk}"


def new_contact(**overrides) -> dict:
    return {
        "email": "ada.lovelace@example.test",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "can_create_offers": False,
        **overrides,
    }


def stored_rows() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "active_users": User.objects.filter(is_active=True).count(),
        "memberships": Membership.objects.count(),
        "memberships_with_rights": Membership.objects.filter(can_create_offers=True).count(),
        "organisation_permissions": OrganisationUserPermission.objects.count(),
        "offer_permissions": OfferUserPermission.objects.count(),
        "tokens": Token.objects.count(),
        "notifications": Notification.objects.count(),
    }


def assert_error_format(body: dict, code: str) -> None:
    assert set(body) == {"detail", "code", "errors"}
    assert body["code"] == code


@pytest.fixture
def company(db):
    return CompanyFactory()


@pytest.fixture
def admin(company):
    return company_admin(company)


@pytest.fixture
def contact(company):
    """A secondary contact who may not create offers, with an API token."""
    user = secondary_contact(company, can_create_offers=False)
    Token.objects.create(user=user)
    return user


@pytest.fixture
def as_admin(api_client, admin):
    api_client.force_authenticate(admin)
    return api_client


# The administrator


@pytest.mark.django_db
def test_admin_lists_the_admin_and_the_secondary_contacts(as_admin, company, admin, contact):
    other_company_contact = secondary_contact(CompanyFactory())

    response = as_admin.get(contacts_url(company))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {(c["user_id"], c["role"]) for c in body["results"]} == {(admin.pk, "admin"), (contact.pk, "secondary")}
    assert other_company_contact.pk not in {c["user_id"] for c in body["results"]}
    listed = next(c for c in body["results"] if c["user_id"] == contact.pk)
    assert listed["email"] == contact.email
    assert listed["can_create_offers"] is False


@pytest.mark.django_db
def test_admin_adds_a_contact(as_admin, company):
    response = as_admin.post(contacts_url(company), new_contact(can_create_offers=True), format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "ada.lovelace@example.test"
    assert body["role"] == "secondary"
    assert body["can_create_offers"] is True
    added = User.objects.get(email="ada.lovelace@example.test")
    assert body["user_id"] == added.pk
    assert Membership.objects.get(user=added).organisation_id == company.pk
    assert access.can(added, access.organisations.CREATE_OFFERS, company)
    assert not access.can(added, access.organisations.MANAGE_CONTACTS, company)


@pytest.mark.django_db
def test_added_contact_receives_a_set_password_link_and_no_password(as_admin, company, on_commit):
    with on_commit():
        response = as_admin.post(contacts_url(company), new_contact(email="Ada.Lovelace@Example.test"), format="json")

    assert response.status_code == 201
    added = User.objects.get(email="ada.lovelace@example.test")
    assert [message.to for message in mail.outbox] == [["ada.lovelace@example.test"]]
    [message] = mail.outbox
    assert SET_PASSWORD_PATH in message.body
    assert PASSWORD not in message.body
    assert not added.has_usable_password()


@pytest.mark.django_db
def test_admin_allows_a_contact_to_create_offers(as_admin, company, contact):
    response = as_admin.patch(contact_url(company, contact), {"can_create_offers": True}, format="json")

    assert response.status_code == 200
    assert response.json()["can_create_offers"] is True
    assert access.can(contact, access.organisations.CREATE_OFFERS, company)
    assert Membership.objects.get(user=contact, organisation=company).can_create_offers is True


@pytest.mark.django_db
def test_admin_forbids_a_contact_to_create_offers(as_admin, company):
    allowed = secondary_contact(company, can_create_offers=True)

    response = as_admin.patch(contact_url(company, allowed), {"can_create_offers": False}, format="json")

    assert response.status_code == 200
    assert response.json()["can_create_offers"] is False
    assert not access.can(allowed, access.organisations.CREATE_OFFERS, company)


@pytest.mark.django_db
def test_admin_removes_a_contact(as_admin, company, contact):
    response = as_admin.delete(contact_url(company, contact))

    assert response.status_code == 204
    assert not Membership.objects.filter(user=contact, organisation=company).exists()
    contact.refresh_from_db()
    assert contact.is_active is False
    assert [c["user_id"] for c in as_admin.get(contacts_url(company)).json()["results"]] == [
        Membership.objects.get(organisation=company, role="admin").user_id
    ]


@pytest.mark.django_db
def test_removed_contacts_old_token_is_refused(as_admin, company, contact):
    old_key = Token.objects.get(user=contact).key
    as_admin.delete(contact_url(company, contact))
    removed = APIClient()
    removed.credentials(HTTP_AUTHORIZATION=f"Token {old_key}")

    response = removed.get("/api/v1/me")

    assert response.status_code == 401
    assert_error_format(response.json(), "authentication_failed")


@pytest.mark.django_db
def test_removed_contact_cannot_sign_in_again(as_admin, company, contact):
    as_admin.delete(contact_url(company, contact))

    response = APIClient().post("/api/v1/auth/login", {"email": contact.email, "password": PASSWORD}, format="json")

    assert response.status_code == 401
    assert not Token.objects.filter(user=contact).exists()


@pytest.mark.django_db
def test_removed_contact_who_is_also_a_student_keeps_their_account(as_admin, company):
    person = student()
    membership = Membership.objects.create(user=person, organisation=company, role=Membership.Role.SECONDARY)
    access.organisations.sync_membership(membership)

    response = as_admin.delete(contact_url(company, person))

    assert response.status_code == 204
    person.refresh_from_db()
    assert person.is_active is True
    assert not Membership.objects.filter(user=person).exists()


# Bad input writes nothing


@pytest.mark.django_db
def test_adding_a_contact_with_an_invalid_email_is_refused(as_admin, company):
    before = stored_rows()

    response = as_admin.post(contacts_url(company), new_contact(email="not-an-address"), format="json")

    assert response.status_code == 400
    assert_error_format(response.json(), "invalid")
    assert response.json()["errors"]["email"]
    assert stored_rows() == before


@pytest.mark.django_db
def test_adding_a_contact_without_a_name_is_refused(as_admin, company):
    before = stored_rows()

    response = as_admin.post(contacts_url(company), new_contact(first_name="", last_name=""), format="json")

    assert response.status_code == 400
    assert stored_rows() == before


@pytest.mark.django_db
def test_adding_the_same_contact_twice_is_refused(as_admin, company, contact):
    before = stored_rows()

    response = as_admin.post(contacts_url(company), new_contact(email=contact.email.upper()), format="json")

    assert response.status_code == 400
    assert_error_format(response.json(), "invalid")
    assert response.json()["errors"]["email"]
    assert Membership.objects.filter(user=contact, organisation=company).count() == 1
    assert stored_rows() == before


@pytest.mark.django_db
def test_adding_the_admin_as_a_contact_is_refused(as_admin, company, admin):
    before = stored_rows()

    response = as_admin.post(contacts_url(company), new_contact(email=admin.email), format="json")

    assert response.status_code == 400
    assert Membership.objects.get(user=admin, organisation=company).role == "admin"
    assert stored_rows() == before


@pytest.mark.django_db
def test_adding_a_contact_with_an_email_used_by_another_account_is_refused(as_admin, company):
    someone = UserFactory(email="taken@example.test")
    before = stored_rows()

    response = as_admin.post(contacts_url(company), new_contact(email="Taken@example.test"), format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["email"]
    assert not Membership.objects.filter(user=someone).exists()
    assert stored_rows() == before


@pytest.mark.django_db
def test_removing_the_admin_is_refused(as_admin, company, admin):
    before = stored_rows()

    response = as_admin.delete(contact_url(company, admin))

    assert response.status_code == 400
    assert_error_format(response.json(), "invalid")
    assert Membership.objects.filter(user=admin, organisation=company, role="admin").exists()
    assert stored_rows() == before


@pytest.mark.django_db
def test_changing_the_admins_rights_is_refused(as_admin, company, admin):
    before = stored_rows()

    response = as_admin.patch(contact_url(company, admin), {"can_create_offers": False}, format="json")

    assert response.status_code == 400
    assert access.can(admin, access.organisations.CREATE_OFFERS, company)
    assert stored_rows() == before


@pytest.mark.django_db
def test_changing_rights_without_a_boolean_is_refused(as_admin, company, contact):
    before = stored_rows()

    response = as_admin.patch(contact_url(company, contact), {"can_create_offers": "maybe"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["can_create_offers"]
    assert stored_rows() == before


@pytest.mark.django_db
def test_removing_a_contact_of_another_company_answers_404(as_admin, company):
    stranger = secondary_contact(CompanyFactory())
    before = stored_rows()

    response = as_admin.delete(contact_url(company, stranger))

    assert response.status_code == 404
    assert stored_rows() == before


# Contacts are private to the administrator


def call(client, operation: str, company, target):
    if operation == "list":
        return client.get(contacts_url(company))
    if operation == "add":
        return client.post(contacts_url(company), new_contact(can_create_offers=True), format="json")
    if operation == "allow":
        return client.patch(contact_url(company, target), {"can_create_offers": True}, format="json")
    if operation == "remove":
        return client.delete(contact_url(company, target))
    raise AssertionError(operation)


OPERATIONS = ["list", "add", "allow", "remove"]


@pytest.mark.django_db
@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("caller", ["secondary_contact", "admin_of_another_company"])
def test_contacts_are_not_found_by_anyone_but_the_admin(api_client, company, admin, contact, caller, operation):
    if caller == "secondary_contact":
        api_client.force_authenticate(secondary_contact(company, can_create_offers=True))
    else:
        api_client.force_authenticate(company_admin(CompanyFactory()))
    before = stored_rows()

    response = call(api_client, operation, company, contact)

    assert response.status_code == 404
    assert_error_format(response.json(), "not_found")
    assert stored_rows() == before


@pytest.mark.django_db
@pytest.mark.parametrize("operation", OPERATIONS)
def test_contacts_refuse_an_anonymous_caller(api_client, company, admin, contact, operation):
    before = stored_rows()

    response = call(api_client, operation, company, contact)

    assert response.status_code == 401
    assert_error_format(response.json(), "not_authenticated")
    assert stored_rows() == before


@pytest.mark.django_db
def test_contacts_of_an_unknown_company_answer_404(as_admin):
    response = as_admin.get("/api/v1/companies/999999/contacts")

    assert response.status_code == 404
