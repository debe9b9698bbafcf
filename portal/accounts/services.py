"""What people do with accounts: register a company or a student, manage company contacts.

Every function validates, checks the actor's permission through `permissions`, writes inside one
transaction and sends its e-mails once the transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from cms_pages.models import MAX_EXPERTISE_LENGTH, OrganisationIndexPage, OrganisationPage, Programme
from portal import access
from portal.accounts.models import Membership, Student, TermsAcceptance, User
from portal.markup import clean_rich_text
from portal.notifications.services import notify
from portal.reference.choices import OrganisationKind, StudyLevel
from portal.reference.models import Country, Sector


@dataclass
class ContactData:
    email: str
    first_name: str
    last_name: str
    can_create_offers: bool = False
    civility: str = ""
    phone: str = ""
    language: str = "fr"


@dataclass
class CompanyRegistration:
    """The four steps of the registration wizard."""

    # 1. identity
    name: str
    admin: ContactData
    registration_number: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    phone: str = ""
    email: str = ""
    # 2. secondary contacts
    contacts: list[ContactData] = field(default_factory=list)
    # 3. activity
    sector: str = ""
    expertise_domains: str = ""
    keywords: list[str] = field(default_factory=list)
    description: str = ""
    website: str = ""
    reference_hub: int | None = None
    # 4. terms
    accept_terms: bool = False


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_companies(query: str):
    """The "is my company already registered?" look-up: by name or registration number."""
    query = (query or "").strip()
    if len(query) < 2:
        return OrganisationPage.objects.none()
    return (
        OrganisationPage.objects.companies()
        .filter(Q(title__icontains=query) | Q(registration_number__iexact=query.replace(" ", "")))
        .select_related("country")
        .order_by("title")
    )


def duplicate_company(name: str, registration_number: str, country: str):
    """An existing company with the same registration number, or the same name in the same country."""
    candidates = OrganisationPage.objects.companies()
    number = (registration_number or "").replace(" ", "")
    if number and candidates.filter(registration_number__iexact=number).exists():
        return True
    same_name = candidates.filter(title__iexact=(name or "").strip())
    if country:
        same_name = same_name.filter(country_id=country)
    return same_name.exists()


def _validate_contact(contact: ContactData, errors: dict, key: str) -> None:
    try:
        validate_email(contact.email)
    except ValidationError:
        errors.setdefault(f"{key}.email", []).append(_("Enter a valid e-mail address."))
        return
    if not contact.first_name.strip() or not contact.last_name.strip():
        errors.setdefault(f"{key}.name", []).append(_("First name and last name are required."))
    if User.objects.filter(email__iexact=contact.email).exists():
        errors.setdefault(f"{key}.email", []).append(_("An account already exists with this e-mail address."))


# The longest keyword a tag holds (taggit's name column).
MAX_KEYWORD_LENGTH = 100


def clean_keywords(values, errors: dict) -> list[str]:
    """The keywords without blanks and duplicates; a keyword longer than a tag can hold is an error on `keywords`."""
    keywords = list(dict.fromkeys(value.strip() for value in values if value and value.strip()))
    if any(len(keyword) > MAX_KEYWORD_LENGTH for keyword in keywords):
        errors["keywords"] = [
            _("A keyword must not be longer than %(count)s characters.") % {"count": MAX_KEYWORD_LENGTH}
        ]
    return keywords


def clean_expertise_domains(text: str, errors: dict) -> str:
    """The company's expertise domains as plain text; longer than the field holds is an error on `expertise_domains`."""
    text = (text or "").strip()
    if len(text) > MAX_EXPERTISE_LENGTH:
        errors["expertise_domains"] = [
            _("Describe your expertise domains in %(count)s characters at most.") % {"count": MAX_EXPERTISE_LENGTH}
        ]
    return text


def validate_registration(data: CompanyRegistration) -> None:
    """Raise a ValidationError (field → messages) unless the registration can be written as a whole."""
    errors: dict[str, list[str]] = {}
    data.admin.email = normalise_email(data.admin.email)
    for contact in data.contacts:
        contact.email = normalise_email(contact.email)
    if not data.name.strip():
        errors["name"] = [_("The company name is required.")]
    if data.country and not Country.objects.filter(code=data.country).exists():
        errors["country"] = [_("Unknown country code.")]
    if data.sector and not Sector.objects.filter(code=data.sector).exists():
        errors["sector"] = [_("Unknown sector code.")]
    if data.reference_hub is not None and not OrganisationPage.objects.hubs().filter(pk=data.reference_hub).exists():
        errors["reference_hub"] = [_("Unknown hub.")]
    if data.name.strip() and duplicate_company(data.name, data.registration_number, data.country):
        errors["name"] = [_("This company is already registered. Ask its administrator for access.")]
    _validate_contact(data.admin, errors, "admin")
    seen = {data.admin.email}
    for index, contact in enumerate(data.contacts):
        _validate_contact(contact, errors, f"contacts.{index}")
        if contact.email in seen:
            errors.setdefault(f"contacts.{index}.email", []).append(_("This contact is listed twice."))
        seen.add(contact.email)
    if not data.accept_terms:
        errors["accept_terms"] = [_("You must accept the terms of use.")]
    data.keywords = clean_keywords(data.keywords, errors)
    data.expertise_domains = clean_expertise_domains(data.expertise_domains, errors)
    if errors:
        raise ValidationError(errors)


def _create_user(contact: ContactData) -> User:
    return User.objects.create_user(
        email=contact.email,
        first_name=contact.first_name.strip(),
        last_name=contact.last_name.strip(),
        civility=contact.civility,
        phone=contact.phone,
        language=contact.language if contact.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
    )


def _unique_slug(parent, title: str) -> str:
    base = slugify(title)[:60] or "organisation"
    slug, n = base, 1
    siblings = parent.get_children()
    while siblings.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _send_access(user: User, company: OrganisationPage, *, role: str) -> None:
    notify(
        "account_access",
        user,
        key=f"account_access:{user.pk}:{company.pk}:{timezone.now().timestamp()}",
        company=company.title,
        role=role,
    )


@transaction.atomic
def register_company(data: CompanyRegistration) -> OrganisationPage:
    """Create the company, its administrator and secondary contacts, and record the accepted terms.

    The description is stored cleaned (`clean_rich_text`). The administrator and each contact receive a
    set-password link by e-mail.
    """
    validate_registration(data)
    index = OrganisationIndexPage.objects.first()
    if index is None:
        raise ValidationError({"name": [_("The portal has no organisation directory yet.")]})
    company = OrganisationPage(
        title=data.name.strip(),
        slug=_unique_slug(index, data.name),
        kind=OrganisationKind.COMPANY,
        registration_number=data.registration_number.replace(" ", ""),
        address=data.address,
        postcode=data.postcode,
        city=data.city,
        country_id=data.country or None,
        phone=data.phone,
        email=data.email,
        sector_id=data.sector or None,
        expertise_domains=data.expertise_domains,
        description=clean_rich_text(data.description),
        website=data.website,
        reference_hub_id=data.reference_hub,
    )
    index.add_child(instance=company)
    company.keywords.set(data.keywords)
    company.save_revision().publish()
    try:
        admin = _create_user(data.admin)
    except IntegrityError as error:  # two registrations raced on the same e-mail
        raise ValidationError({"admin.email": [_("An account already exists with this e-mail address.")]}) from error
    admin_membership = Membership.objects.create(user=admin, organisation=company, role=Membership.Role.ADMIN)
    access.organisations.sync_membership(admin_membership)
    TermsAcceptance.objects.create(accepted_by=admin, organisation=company, version=settings.TERMS_VERSION)
    _send_access(admin, company, role=Membership.Role.ADMIN)
    for contact in data.contacts:
        _add_contact(company, contact)
    return company


def _add_contact(company: OrganisationPage, contact: ContactData) -> Membership:
    user = _create_user(contact)
    membership = Membership.objects.create(
        user=user,
        organisation=company,
        role=Membership.Role.SECONDARY,
        can_create_offers=contact.can_create_offers,
    )
    access.organisations.sync_membership(membership)
    _send_access(user, company, role=Membership.Role.SECONDARY)
    return membership


@transaction.atomic
def add_contact(company: OrganisationPage, contact: ContactData, *, by: User) -> Membership:
    """The company administrator adds a secondary contact, who receives a set-password link."""
    access.require(by, access.organisations.MANAGE_CONTACTS, company)
    contact.email = normalise_email(contact.email)
    errors: dict[str, list[str]] = {}
    existing = User.objects.filter(email__iexact=contact.email).first()
    if existing and Membership.objects.filter(user=existing, organisation=company).exists():
        raise ValidationError({"email": [_("This person is already a contact of the company.")]})
    _validate_contact(contact, errors, "contact")
    if errors:
        raise ValidationError({key.split(".", 1)[1]: messages for key, messages in errors.items()})
    try:
        with transaction.atomic():
            return _add_contact(company, contact)
    except IntegrityError as error:
        raise ValidationError({"email": [_("This person is already a contact of the company.")]}) from error


def ensure_company_contact(company: OrganisationPage, contact: ContactData) -> User:
    """The person with `contact.email`, made a contact of `company` if they are not one yet.

    Somebody new to the portal becomes a secondary contact (without the right to create offers) and receives a
    set-password link; an existing account just joins the company. The caller decides who may do this (e.g. the
    company side naming the tutor of an internship) and holds the transaction.
    """
    contact.email = normalise_email(contact.email)
    try:
        validate_email(contact.email)
    except ValidationError:
        raise ValidationError({"email": [_("Enter a valid e-mail address.")]}) from None
    existing = User.objects.filter(email__iexact=contact.email).first()
    if existing is None:
        try:
            with transaction.atomic():
                return _add_contact(company, contact).user
        except IntegrityError:  # created meanwhile by a simultaneous request: join it below
            existing = User.objects.get(email__iexact=contact.email)
    if not existing.is_active:
        raise ValidationError({"email": [_("This account is deactivated.")]})
    membership, created = Membership.objects.get_or_create(
        user=existing, organisation=company, defaults={"role": Membership.Role.SECONDARY}
    )
    if created:
        access.organisations.sync_membership(membership)
    return existing


@transaction.atomic
def set_contact_rights(membership: Membership, *, can_create_offers: bool, by: User) -> Membership:
    """Allow or forbid a secondary contact to create offers; effective at once."""
    access.require(by, access.organisations.MANAGE_CONTACTS, membership.organisation)
    if membership.is_admin:
        raise ValidationError({"can_create_offers": [_("The administrator always may create offers.")]})
    membership.can_create_offers = can_create_offers
    membership.save(update_fields=["can_create_offers"])
    access.organisations.sync_membership(membership)
    return membership


@transaction.atomic
def remove_contact(membership: Membership, *, by: User) -> None:
    """Remove a secondary contact: their permissions and API tokens go at once.

    A person who has no other role in the portal is deactivated, so their sessions end too.
    """
    access.require(by, access.organisations.MANAGE_CONTACTS, membership.organisation)
    if membership.is_admin:
        raise ValidationError({"user": [_("The administrator cannot be removed.")]})
    user = membership.user
    access.organisations.revoke_membership(membership)
    membership.delete()
    Token.objects.filter(user=user).delete()
    has_other_role = (
        user.memberships.exists()
        or user.school_roles.exists()
        or user.hub_roles.exists()
        or hasattr(user, "student")
        or user.is_staff
    )
    if not has_other_role:
        user.is_active = False
        user.save(update_fields=["is_active"])


COMPANY_FIELDS = (
    "name",
    "address",
    "postcode",
    "city",
    "country",
    "phone",
    "email",
    "sector",
    "expertise_domains",
    "description",
    "website",
    "keywords",
)


@transaction.atomic
def update_company(company: OrganisationPage, changes: dict, *, by: User) -> OrganisationPage:
    """The administrator changes the company's data; a new revision is published.

    The description is stored cleaned (`clean_rich_text`): it is shown as rich text on public pages.
    """
    access.require(by, access.organisations.MANAGE_COMPANY, company)
    errors = {}
    if "country" in changes and changes["country"] and not Country.objects.filter(code=changes["country"]).exists():
        errors["country"] = [_("Unknown country code.")]
    if "sector" in changes and changes["sector"] and not Sector.objects.filter(code=changes["sector"]).exists():
        errors["sector"] = [_("Unknown sector code.")]
    if "name" in changes and not (changes["name"] or "").strip():
        errors["name"] = [_("The company name is required.")]
    if "keywords" in changes:
        changes = {**changes, "keywords": clean_keywords(changes["keywords"], errors)}
    if "expertise_domains" in changes:
        changes = {**changes, "expertise_domains": clean_expertise_domains(changes["expertise_domains"], errors)}
    if errors:
        raise ValidationError(errors)
    for key, value in changes.items():
        if key == "name":
            company.title = value.strip()
        elif key in ("country", "sector"):
            setattr(company, f"{key}_id", value or None)
        elif key == "keywords":
            company.keywords.set(value)
        elif key == "description":
            company.description = clean_rich_text(value)
        elif key in COMPANY_FIELDS:
            setattr(company, key, value)
    company.full_clean(exclude=["path", "depth", "numchild", "url_path", "slug"])
    revision = company.save_revision(user=by)
    if company.live:
        # Access was decided above by the portal's permissions; company users hold no Wagtail page permission.
        # A presentation that an editor took offline stays offline: the change waits in the new revision.
        revision.publish(user=by, skip_permission_checks=True)
    return company


@dataclass
class StudentRegistration:
    email: str
    password: str
    first_name: str
    last_name: str
    school: int
    programme: int | None
    study_level: str
    accept_terms: bool
    language: str = "fr"


@transaction.atomic
def register_student(data: StudentRegistration) -> Student:
    """Create a student account; it is usable once the e-mailed confirmation link is followed."""
    from django.contrib.auth.password_validation import validate_password

    errors: dict[str, list[str]] = {}
    data.email = normalise_email(data.email)
    try:
        validate_email(data.email)
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address.")]
    else:
        if User.objects.filter(email__iexact=data.email).exists():
            errors["email"] = [_("An account already exists with this e-mail address.")]
    if not data.first_name.strip() or not data.last_name.strip():
        errors["name"] = [_("First name and last name are required.")]
    school = OrganisationPage.objects.schools().live().filter(pk=data.school).first()
    if school is None:
        errors["school"] = [_("Choose a training organisation of the portal.")]
    programme = None
    if data.programme is not None:
        programme = Programme.objects.filter(pk=data.programme, organisation_id=data.school).first()
        if programme is None:
            errors["programme"] = [_("This programme does not belong to the chosen training organisation.")]
    if data.study_level not in StudyLevel.values:
        errors["study_level"] = [_("Choose a study level.")]
    if not data.accept_terms:
        errors["accept_terms"] = [_("You must accept the terms of use.")]
    candidate = User(email=data.email, first_name=data.first_name, last_name=data.last_name)
    try:
        validate_password(data.password, candidate)
    except ValidationError as error:
        errors["password"] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    user = User.objects.create_user(
        email=data.email,
        password=data.password,
        first_name=data.first_name.strip(),
        last_name=data.last_name.strip(),
        language=data.language if data.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        is_active=False,
    )
    student = Student.objects.create(user=user, school=school, programme=programme, study_level=data.study_level)
    TermsAcceptance.objects.create(accepted_by=user, version=settings.TERMS_VERSION)
    notify("student_confirmation", user, key=f"student_confirmation:{user.pk}")
    return student


@transaction.atomic
def confirm_student_email(user: User) -> User:
    """Activate a student account whose e-mail address has been confirmed."""
    Student.objects.filter(user=user, email_confirmed_at__isnull=True).update(email_confirmed_at=timezone.now())
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


def request_password_reset(email: str) -> None:
    """E-mail a reset link if an active account has this address; say nothing either way."""
    user = User.objects.filter(email__iexact=normalise_email(email), is_active=True).first()
    if user is not None:
        notify("password_reset", user, key=f"password_reset:{user.pk}:{timezone.now().timestamp()}")


PERSONAL_FIELDS = ("civility", "first_name", "last_name", "phone", "language")


@transaction.atomic
def update_personal_information(user: User, changes: dict, *, by: User) -> User:
    """« Informations personnelles »: people change their own name, phone and language, nobody else's."""
    if by.pk != user.pk:
        raise PermissionDenied
    unknown = set(changes) - set(PERSONAL_FIELDS)
    if unknown:
        raise ValidationError({field: [_("This field cannot be changed here.")] for field in sorted(unknown)})
    for name, value in changes.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=[*changes])
    return user
