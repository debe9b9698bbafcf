"""The stored object permissions follow the roles exactly, and `can` / `visible` read them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.authtoken.models import Token

from cms_pages.models import OrganisationPage
from portal import access
from portal.accounts import services
from portal.accounts.models import (
    Membership,
    OfferUserPermission,
    OrganisationUserPermission,
    ProgrammeUserPermission,
    SchoolStaff,
    User,
)
from tests.factories import (
    CompanyFactory,
    HubFactory,
    OfferFactory,
    ProgrammeFactory,
    SchoolFactory,
    company_admin,
    hub_moderator,
    school_staff,
    secondary_contact,
    student,
)

ADMIN_CODENAMES = {
    "manage_company",
    "manage_contacts",
    "approve_offers",
    "create_offers",
    "view_company_offers",
    "receive_spontaneous_applications",
}


def organisation_codenames(user, organisation=None) -> set[str]:
    rows = OrganisationUserPermission.objects.filter(user=user)
    if organisation is not None:
        rows = rows.filter(content_object=organisation)
    return set(rows.values_list("permission__codename", flat=True))


def offer_codenames(user, offer) -> set[str]:
    rows = OfferUserPermission.objects.filter(user=user, content_object=offer)
    return set(rows.values_list("permission__codename", flat=True))


def membership(user, company) -> Membership:
    return Membership.objects.get(user=user, organisation=company)


def stored_rows() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "organisation_permissions": OrganisationUserPermission.objects.count(),
        "offer_permissions": OfferUserPermission.objects.count(),
        "tokens": Token.objects.count(),
    }


# Company administrator


@pytest.mark.django_db
def test_company_admin_holds_exactly_the_six_company_permissions():
    company = CompanyFactory()

    admin = company_admin(company)

    assert {perm.split(".", 1)[1] for perm in access.organisations.COMPANY_ADMIN_PERMISSIONS} == ADMIN_CODENAMES
    assert organisation_codenames(admin, company) == ADMIN_CODENAMES
    assert OrganisationUserPermission.objects.filter(user=admin).count() == 6
    assert all(access.can(admin, perm, company) for perm in access.organisations.COMPANY_ADMIN_PERMISSIONS)


@pytest.mark.django_db
def test_company_admin_holds_nothing_on_another_company():
    company, other = CompanyFactory(), CompanyFactory()

    admin = company_admin(company)

    assert organisation_codenames(admin, other) == set()
    assert not any(access.can(admin, perm, other) for perm in access.organisations.COMPANY_ADMIN_PERMISSIONS)


@pytest.mark.django_db
def test_company_admin_holds_no_hub_or_school_permission_on_their_company():
    company = CompanyFactory()

    admin = company_admin(company)

    assert not access.can(admin, access.organisations.MODERATE_OFFERS, company)
    assert not access.can(admin, access.organisations.FOLLOW_STUDENTS, company)
    assert not access.can(admin, access.organisations.READ_CONFIDENTIAL_EVALUATIONS, company)


# Secondary contacts


@pytest.mark.django_db
def test_secondary_contact_with_the_right_to_create_offers_holds_only_create_offers():
    company = CompanyFactory()

    contact = secondary_contact(company, can_create_offers=True)

    assert organisation_codenames(contact) == {"create_offers"}
    assert access.can(contact, access.organisations.CREATE_OFFERS, company)
    assert not access.can(contact, access.organisations.MANAGE_CONTACTS, company)
    assert not access.can(contact, access.organisations.VIEW_COMPANY_OFFERS, company)


@pytest.mark.django_db
def test_secondary_contact_without_the_right_to_create_offers_holds_no_permission():
    company = CompanyFactory()

    contact = secondary_contact(company, can_create_offers=False)

    assert organisation_codenames(contact) == set()
    assert not any(access.can(contact, perm, company) for perm in access.organisations.COMPANY_ADMIN_PERMISSIONS)


@pytest.mark.django_db
def test_granting_the_right_to_create_offers_takes_effect_at_once():
    company = CompanyFactory()
    admin = company_admin(company)
    contact = secondary_contact(company, can_create_offers=False)
    assert not access.can(contact, access.organisations.CREATE_OFFERS, company)

    services.set_contact_rights(membership(contact, company), can_create_offers=True, by=admin)

    assert organisation_codenames(contact) == {"create_offers"}
    assert access.can(contact, access.organisations.CREATE_OFFERS, company)
    assert membership(contact, company).can_create_offers is True


@pytest.mark.django_db
def test_withdrawing_the_right_to_create_offers_takes_effect_at_once():
    company = CompanyFactory()
    admin = company_admin(company)
    contact = secondary_contact(company, can_create_offers=True)
    assert access.can(contact, access.organisations.CREATE_OFFERS, company)

    services.set_contact_rights(membership(contact, company), can_create_offers=False, by=admin)

    assert organisation_codenames(contact) == set()
    assert not access.can(contact, access.organisations.CREATE_OFFERS, company)
    assert membership(contact, company).can_create_offers is False


@pytest.mark.django_db
def test_changing_a_contacts_rights_leaves_the_admin_permissions_untouched():
    company = CompanyFactory()
    admin = company_admin(company)
    contact = secondary_contact(company, can_create_offers=True)

    services.set_contact_rights(membership(contact, company), can_create_offers=False, by=admin)

    assert organisation_codenames(admin, company) == ADMIN_CODENAMES


# Removing a contact


@pytest.mark.django_db
def test_removing_a_contact_removes_their_company_permissions():
    company = CompanyFactory()
    admin = company_admin(company)
    contact = secondary_contact(company, can_create_offers=True)

    services.remove_contact(membership(contact, company), by=admin)

    assert organisation_codenames(contact) == set()
    assert not access.can(contact, access.organisations.CREATE_OFFERS, company)
    assert not Membership.objects.filter(user=contact).exists()


@pytest.mark.django_db
def test_removing_a_contact_removes_their_offer_permissions():
    company = CompanyFactory()
    admin = company_admin(company)
    contact = secondary_contact(company, can_create_offers=True)
    offer = OfferFactory(parent=company)
    access.offers.grant_author(contact, offer)
    assert offer_codenames(contact, offer) == {"manage_offer", "view_offer_applications"}

    services.remove_contact(membership(contact, company), by=admin)

    assert offer_codenames(contact, offer) == set()
    assert not access.can(contact, access.offers.MANAGE_OFFER, offer)
    assert not access.can(contact, access.offers.VIEW_OFFER_APPLICATIONS, offer)


@pytest.mark.django_db
def test_removing_a_contact_keeps_their_permissions_in_another_company():
    company, other = CompanyFactory(), CompanyFactory()
    admin = company_admin(company)
    contact = secondary_contact(company, can_create_offers=True)
    other_membership = Membership.objects.create(
        user=contact, organisation=other, role=Membership.Role.SECONDARY, can_create_offers=True
    )
    access.organisations.sync_membership(other_membership)
    other_offer = OfferFactory(parent=other)
    access.offers.grant_author(contact, other_offer)

    services.remove_contact(membership(contact, company), by=admin)

    assert organisation_codenames(contact) == {"create_offers"}
    assert access.can(contact, access.organisations.CREATE_OFFERS, other)
    assert offer_codenames(contact, other_offer) == {"manage_offer", "view_offer_applications"}


@pytest.mark.django_db
def test_removing_a_contact_deletes_their_api_token():
    company = CompanyFactory()
    admin = company_admin(company)
    contact = secondary_contact(company)
    Token.objects.create(user=contact)

    services.remove_contact(membership(contact, company), by=admin)

    assert not Token.objects.filter(user=contact).exists()


@pytest.mark.django_db
def test_removing_a_contact_without_another_role_deactivates_the_account():
    company = CompanyFactory()
    admin = company_admin(company)
    contact = secondary_contact(company)

    services.remove_contact(membership(contact, company), by=admin)

    contact.refresh_from_db()
    assert contact.is_active is False
    assert not access.can(contact, access.organisations.CREATE_OFFERS, company)


@pytest.mark.django_db
def test_removed_contact_who_is_also_a_student_stays_active():
    company = CompanyFactory()
    admin = company_admin(company)
    person = student()
    contact_membership = Membership.objects.create(
        user=person, organisation=company, role=Membership.Role.SECONDARY, can_create_offers=True
    )
    access.organisations.sync_membership(contact_membership)

    services.remove_contact(contact_membership, by=admin)

    person.refresh_from_db()
    assert person.is_active is True
    assert organisation_codenames(person) == set()


@pytest.mark.django_db
def test_the_administrator_cannot_be_removed():
    company = CompanyFactory()
    admin = company_admin(company)

    with pytest.raises(ValidationError):
        services.remove_contact(membership(admin, company), by=admin)

    assert organisation_codenames(admin, company) == ADMIN_CODENAMES
    assert Membership.objects.filter(user=admin, organisation=company).exists()


# Hub moderators and school staff


@pytest.mark.django_db
def test_hub_moderator_moderates_offers_on_their_hub_only():
    hub, other_hub = HubFactory(), HubFactory()

    moderator = hub_moderator(hub)

    assert organisation_codenames(moderator) == {"moderate_offers"}
    assert organisation_codenames(moderator, hub) == {"moderate_offers"}
    assert access.can(moderator, access.organisations.MODERATE_OFFERS, hub)
    assert not access.can(moderator, access.organisations.MODERATE_OFFERS, other_hub)


@pytest.mark.django_db
def test_programme_head_follows_students_and_reads_confidential_evaluations():
    school = SchoolFactory()

    head = school_staff(school, role=SchoolStaff.Role.PROGRAMME_HEAD)

    assert organisation_codenames(head) == {"follow_students", "read_confidential_evaluations"}
    assert access.can(head, access.organisations.FOLLOW_STUDENTS, school)
    assert access.can(head, access.organisations.READ_CONFIDENTIAL_EVALUATIONS, school)


@pytest.mark.django_db
def test_academic_tutor_only_follows_students():
    school = SchoolFactory()

    tutor = school_staff(school, role=SchoolStaff.Role.ACADEMIC_TUTOR)

    assert organisation_codenames(tutor) == {"follow_students"}
    assert access.can(tutor, access.organisations.FOLLOW_STUDENTS, school)
    assert not access.can(tutor, access.organisations.READ_CONFIDENTIAL_EVALUATIONS, school)


@pytest.mark.django_db
def test_school_staff_holds_nothing_on_another_school():
    school, other_school = SchoolFactory(), SchoolFactory()

    head = school_staff(school, role=SchoolStaff.Role.PROGRAMME_HEAD)

    assert organisation_codenames(head, other_school) == set()
    assert not access.can(head, access.organisations.FOLLOW_STUDENTS, other_school)
    assert not access.can(head, access.organisations.READ_CONFIDENTIAL_EVALUATIONS, other_school)


@pytest.mark.django_db
def test_programme_staff_holds_their_permissions_on_the_programme_only():
    programme = ProgrammeFactory()
    sibling = ProgrammeFactory(organisation=programme.organisation)

    tutor = school_staff(programme.organisation, role=SchoolStaff.Role.ACADEMIC_TUTOR, programme=programme)

    stored = ProgrammeUserPermission.objects.filter(user=tutor)
    assert set(stored.values_list("content_object_id", "permission__codename")) == {(programme.pk, "follow_students")}
    assert organisation_codenames(tutor) == set()
    assert access.can(tutor, access.organisations.FOLLOW_STUDENTS, programme)
    assert not access.can(tutor, access.organisations.READ_CONFIDENTIAL_EVALUATIONS, programme)
    assert not access.can(tutor, access.organisations.FOLLOW_STUDENTS, sibling)


# visible()


@pytest.mark.django_db
def test_visible_returns_only_the_companies_the_admin_manages(django_assert_max_num_queries):
    company = CompanyFactory()
    CompanyFactory.create_batch(3)
    admin = company_admin(company)
    companies = OrganisationPage.objects.companies()
    access.visible(admin, access.organisations.MANAGE_COMPANY, companies).exists()  # warm the content-type cache

    with django_assert_max_num_queries(1):
        managed = list(access.visible(admin, access.organisations.MANAGE_COMPANY, companies))

    assert managed == [company]


@pytest.mark.django_db
def test_visible_returns_only_the_companies_where_a_contact_may_create_offers():
    allowed, forbidden = CompanyFactory(), CompanyFactory()
    contact = secondary_contact(allowed, can_create_offers=True)
    other_membership = Membership.objects.create(user=contact, organisation=forbidden, role=Membership.Role.SECONDARY)
    access.organisations.sync_membership(other_membership)

    creatable = access.visible(contact, access.organisations.CREATE_OFFERS, OrganisationPage.objects.companies())

    assert list(creatable) == [allowed]


@pytest.mark.django_db
def test_visible_returns_nothing_to_an_anonymous_user():
    CompanyFactory.create_batch(2)

    companies = access.visible(
        AnonymousUser(), access.organisations.MANAGE_COMPANY, OrganisationPage.objects.companies()
    )

    assert list(companies) == []


@pytest.mark.django_db
def test_visible_returns_nothing_to_an_inactive_admin():
    company = CompanyFactory()
    admin = company_admin(company, is_active=False)

    companies = access.visible(admin, access.organisations.MANAGE_COMPANY, OrganisationPage.objects.companies())

    assert list(companies) == []


# can() refuses anonymous and inactive users


@pytest.mark.django_db
def test_anonymous_user_is_refused():
    company = CompanyFactory()
    company_admin(company)

    assert not any(
        access.can(AnonymousUser(), perm, company) for perm in access.organisations.COMPANY_ADMIN_PERMISSIONS
    )
    assert not access.can(None, access.organisations.MANAGE_COMPANY, company)


@pytest.mark.django_db
def test_inactive_admin_is_refused_although_their_permissions_are_stored():
    company = CompanyFactory()
    admin = company_admin(company)
    admin.is_active = False
    admin.save(update_fields=["is_active"])

    refused = not any(access.can(admin, perm, company) for perm in access.organisations.COMPANY_ADMIN_PERMISSIONS)

    assert organisation_codenames(admin, company) == ADMIN_CODENAMES
    assert refused


@pytest.mark.django_db
def test_require_raises_permission_denied_for_a_refused_user():
    company = CompanyFactory()
    contact = secondary_contact(company)

    with pytest.raises(PermissionDenied):
        access.require(contact, access.organisations.MANAGE_COMPANY, company)


# Only the administrator changes contacts


@pytest.fixture
def company_with_contacts(db):
    company = CompanyFactory()
    admin = company_admin(company)
    contact = secondary_contact(company, can_create_offers=True)
    colleague = secondary_contact(company, can_create_offers=False)
    Token.objects.create(user=colleague)
    return company, admin, contact, colleague


@pytest.mark.django_db
def test_secondary_contact_cannot_add_a_contact(company_with_contacts):
    company, _admin, contact, _colleague = company_with_contacts
    before = stored_rows()

    with pytest.raises(PermissionDenied):
        services.add_contact(
            company,
            services.ContactData(email="new@example.test", first_name="Ada", last_name="Lovelace"),
            by=contact,
        )

    assert stored_rows() == before
    assert not User.objects.filter(email="new@example.test").exists()


@pytest.mark.django_db
def test_admin_of_another_company_cannot_add_a_contact(company_with_contacts):
    company = company_with_contacts[0]
    outsider = company_admin(CompanyFactory())
    before = stored_rows()

    with pytest.raises(PermissionDenied):
        services.add_contact(
            company,
            services.ContactData(email="new@example.test", first_name="Ada", last_name="Lovelace"),
            by=outsider,
        )

    assert stored_rows() == before


@pytest.mark.django_db
def test_secondary_contact_cannot_remove_a_colleague(company_with_contacts):
    company, _admin, contact, colleague = company_with_contacts
    before = stored_rows()

    with pytest.raises(PermissionDenied):
        services.remove_contact(membership(colleague, company), by=contact)

    colleague.refresh_from_db()
    assert stored_rows() == before
    assert colleague.is_active is True
    assert Token.objects.filter(user=colleague).exists()


@pytest.mark.django_db
def test_secondary_contact_cannot_change_a_colleagues_rights(company_with_contacts):
    company, _admin, contact, colleague = company_with_contacts
    before = stored_rows()

    with pytest.raises(PermissionDenied):
        services.set_contact_rights(membership(colleague, company), can_create_offers=True, by=contact)

    assert stored_rows() == before
    assert membership(colleague, company).can_create_offers is False
    assert organisation_codenames(colleague) == set()


@pytest.mark.django_db
def test_ending_one_school_role_keeps_what_another_role_on_the_same_target_grants():
    school = SchoolFactory()
    head = school_staff(school, role=SchoolStaff.Role.PROGRAMME_HEAD)
    tutor_role = SchoolStaff.objects.create(user=head, school=school, role=SchoolStaff.Role.ACADEMIC_TUTOR)
    access.organisations.grant_school_staff(tutor_role)
    head_role = SchoolStaff.objects.get(user=head, role=SchoolStaff.Role.PROGRAMME_HEAD)

    access.organisations.revoke_school_staff(head_role)
    head_role.delete()

    assert organisation_codenames(head, school) == {"follow_students"}
