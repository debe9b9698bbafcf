"""People of the portal and the roles they hold in organisations.

- `User`: anyone with an account, e-mail as login.
- `Membership`: a company contact, administrator or secondary (with or without the right to create offers).
- `SchoolStaff`: programme head, year head or academic tutor of a training organisation.
- `HubModerator`: validates the offers of the companies attached to a hub.
- `Student`: a student of a training organisation, in a programme at a study level.
- `TermsAcceptance`: who accepted which version of the terms of use, and when.

The object permissions are stored in guardian's tables with direct foreign keys (the three
`*UserPermission` models) so that scoped lists are plain joins.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from portal.reference.choices import StudyLevel


def organisation_roles_q(user) -> Q:
    """Whether a person (`user`: an account, or `OuterRef` to one) holds a role in an organisation: a company
    contact's membership, or an object permission on an organisation (its administrators, hub moderators, school
    staff) or on an offer (its author)."""
    return (
        Q(Exists(Membership.objects.filter(user=user)))
        | Q(Exists(OrganisationUserPermission.objects.filter(user=user)))
        | Q(Exists(OfferUserPermission.objects.filter(user=user)))
    )


def has_organisation_roles(user) -> ExpressionWrapper:
    """`organisation_roles_q` as a column a query of people (or of their tokens) reads with them."""
    return ExpressionWrapper(organisation_roles_q(user), output_field=BooleanField())


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    class Civility(models.TextChoices):
        MR = "mr", _("Mr")
        MS = "ms", _("Ms")

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    civility = models.CharField(_("civility"), max_length=2, choices=Civility.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="fr")

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


class Membership(models.Model):
    """A company contact: its administrator, or a secondary contact."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        SECONDARY = "secondary", _("Secondary contact")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "cms_pages.OrganisationPage", verbose_name=_("company"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    can_create_offers = models.BooleanField(_("may create offers"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("company contact")
        verbose_name_plural = _("company contacts")
        ordering = ["organisation_id", "role", "user__last_name"]
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_company")]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class SchoolStaff(models.Model):
    """A member of a training organisation's staff, for the whole school or one programme."""

    class Role(models.TextChoices):
        PROGRAMME_HEAD = "programme_head", _("Programme head")
        YEAR_HEAD = "year_head", _("Year head")
        ACADEMIC_TUTOR = "academic_tutor", _("Academic tutor")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="school_roles")
    school = models.ForeignKey(
        "cms_pages.OrganisationPage",
        verbose_name=_("training organisation"),
        on_delete=models.CASCADE,
        related_name="staff",
    )
    programme = models.ForeignKey(
        "cms_pages.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="staff",
        help_text=_("Empty: every programme of the organisation."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("school staff member")
        verbose_name_plural = _("school staff")
        constraints = [
            models.UniqueConstraint(fields=["user", "school", "programme", "role"], name="one_school_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.programme or self.school})"


class HubModerator(models.Model):
    """A moderator of a reference hub: validates the offers of the hub's companies."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="hub_roles")
    hub = models.ForeignKey(
        "cms_pages.OrganisationPage", verbose_name=_("hub"), on_delete=models.CASCADE, related_name="moderators"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("hub moderator")
        verbose_name_plural = _("hub moderators")
        constraints = [models.UniqueConstraint(fields=["user", "hub"], name="one_moderation_per_hub")]

    def __str__(self) -> str:
        return f"{self.user} – {self.hub}"


class Student(models.Model):
    """A student account: the school and programme they study in, and their level."""

    user = models.OneToOneField(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="student")
    school = models.ForeignKey(
        "cms_pages.OrganisationPage",
        verbose_name=_("training organisation"),
        on_delete=models.PROTECT,
        related_name="students",
    )
    programme = models.ForeignKey(
        "cms_pages.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="students",
    )
    study_level = models.CharField(_("study level"), max_length=20, choices=StudyLevel.choices)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")

    def __str__(self) -> str:
        return str(self.user)


class TermsAcceptance(models.Model):
    """A record that `accepted_by` accepted `version` of the terms, for an organisation or for themselves."""

    accepted_by = models.ForeignKey(
        User, verbose_name=_("accepted by"), on_delete=models.CASCADE, related_name="terms_acceptances"
    )
    organisation = models.ForeignKey(
        "cms_pages.OrganisationPage",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="terms_acceptances",
    )
    version = models.CharField(_("terms version"), max_length=20)
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("terms acceptance")
        verbose_name_plural = _("terms acceptances")
        ordering = ["-accepted_at"]

    def __str__(self) -> str:
        return f"{self.accepted_by} – {self.version}"


class OrganisationUserPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey("cms_pages.OrganisationPage", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class ProgrammeUserPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey("cms_pages.Programme", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class OfferUserPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey("cms_pages.OfferPage", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False
