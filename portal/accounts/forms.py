"""Web forms of the account pages. Domain rules live in services; these forms parse and show errors."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cms_pages.models import MAX_EXPERTISE_LENGTH, OrganisationPage, Programme
from cms_pages.search import MAX_QUERY_LENGTH
from portal.accounts import services
from portal.accounts.models import User
from portal.reference.choices import StudyLevel
from portal.reference.models import Country, Sector


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autofocus": True}))


def _reference_choice(model, *, required=False, label=None):
    return forms.ModelChoiceField(model.objects.all(), required=required, label=label)


def _countries_by_name(form) -> None:
    """List the countries by their name in the page's language, not by their ISO code."""
    by_name = "name_en" if (get_language() or "fr").startswith("en") else "name_fr"
    form.fields["country"].queryset = Country.objects.order_by(by_name)


def _email_is_free(email: str) -> str:
    email = services.normalise_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise forms.ValidationError(_("An account already exists with this e-mail address."))
    return email


class ErrorSummaryMixin:
    """The errors of a form, for the summary the wizard shows above it (the offer form's pattern)."""

    def fields_with_errors(self) -> list:
        """The bound fields that have an error, in the order they are shown."""
        return [field for field in self if field.errors]


EXPERTISE_HELP = _("What your company is expert in, e.g. embedded software, food safety, industrial design.")


class CompanyIdentityForm(ErrorSummaryMixin, forms.Form):
    """Step 1: who the company is, and who its administrator is."""

    name = forms.CharField(label=_("Company name"), max_length=255)
    registration_number = forms.CharField(label=_("Company registration number"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=120)
    country = _reference_choice(Country, required=True, label=_("Country"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    admin_civility = forms.ChoiceField(label=_("Civility"), choices=[("", "—"), *User.Civility.choices], required=False)
    admin_first_name = forms.CharField(label=_("Administrator's first name"), max_length=150)
    admin_last_name = forms.CharField(label=_("Administrator's last name"), max_length=150)
    admin_email = forms.EmailField(label=_("Administrator's e-mail"))
    admin_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="fr")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _countries_by_name(self)

    def clean_admin_email(self):
        return _email_is_free(self.cleaned_data["admin_email"])

    def clean(self):
        data = super().clean()
        country = data.get("country")
        if data.get("name") and services.duplicate_company(
            data["name"], data.get("registration_number", ""), country.code if country else ""
        ):
            self.add_error("name", _("This company is already registered. Ask its administrator for access."))
        return data


class ContactForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    can_create_offers = forms.BooleanField(label=_("Allow this contact to create internship offers"), required=False)

    def clean_email(self):
        return _email_is_free(self.cleaned_data["email"])


class BaseContactFormSet(forms.BaseFormSet):
    def rows_with_errors(self) -> list[tuple[int, forms.BoundField]]:
        """(number of the contact, bound field) for each field with an error, in the order they are shown."""
        return [(number, field) for number, form in enumerate(self.forms, start=1) for field in form if field.errors]

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            email = form.cleaned_data.get("email") if hasattr(form, "cleaned_data") else None
            if not email:
                continue
            if email in seen:
                form.add_error("email", _("This contact is listed twice."))
            seen.add(email)


ContactFormSet = forms.formset_factory(ContactForm, formset=BaseContactFormSet, extra=3, max_num=10)


class CompanyActivityForm(ErrorSummaryMixin, forms.Form):
    """Step 3: what the company does, as students will see it."""

    sector = _reference_choice(Sector, required=True, label=_("Sector of activity"))
    expertise_domains = forms.CharField(
        label=_("Expertise domains"),
        required=False,
        max_length=MAX_EXPERTISE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=EXPERTISE_HELP,
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        help_text=_("Comma-separated: they guide students' searches."),
    )
    description = forms.CharField(label=_("Description of the company's activity"), widget=forms.Textarea)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    reference_hub = forms.ModelChoiceField(
        OrganisationPage.objects.hubs().live().order_by("title"),
        label=_("Reference hub"),
        help_text=_("The hub that validates your offers before publication."),
    )

    def clean_keywords(self):
        return _keywords(self.cleaned_data["keywords"])


def _keywords(text: str) -> list[str]:
    """Comma-separated keywords, checked by the rule the services apply to every entry point."""
    errors: dict = {}
    keywords = services.clean_keywords(text.split(","), errors)
    if errors:
        raise forms.ValidationError(errors["keywords"])
    return keywords


class CompanyLookupForm(forms.Form):
    """« Vérifier si mon entreprise est déjà enregistrée »: a name or a registration number."""

    q = forms.CharField(label=_("Company name or registration number"), required=False, max_length=MAX_QUERY_LENGTH)


class TermsForm(ErrorSummaryMixin, forms.Form):
    accept_terms = forms.BooleanField(
        label=_("I accept the terms of use of the portal"),
        error_messages={"required": _("You must accept the terms of use.")},
    )


class CompanyEditForm(forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=255)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    country = _reference_choice(Country, label=_("Country"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Contact e-mail"), required=False)
    sector = _reference_choice(Sector, label=_("Sector of activity"))
    expertise_domains = forms.CharField(
        label=_("Expertise domains"),
        required=False,
        max_length=MAX_EXPERTISE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=EXPERTISE_HELP,
    )
    keywords = forms.CharField(label=_("Keywords"), required=False, help_text=_("Comma-separated."))
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _countries_by_name(self)

    def clean_keywords(self):
        return _keywords(self.cleaned_data["keywords"])

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data["country"] = data["country"].code if data.get("country") else ""
        data["sector"] = data["sector"].code if data.get("sector") else ""
        return data


class StudentSignupForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    school = forms.ModelChoiceField(
        OrganisationPage.objects.schools().live().order_by("title"), label=_("Training organisation")
    )
    programme = forms.ModelChoiceField(
        Programme.objects.select_related("organisation").order_by("organisation__title", "name"),
        label=_("Programme"),
        required=False,
    )
    study_level = forms.ChoiceField(label=_("Study level"), choices=StudyLevel.choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="fr")
    accept_terms = forms.BooleanField(
        label=_("I accept the terms of use of the portal"),
        error_messages={"required": _("You must accept the terms of use.")},
    )

    def registration(self) -> services.StudentRegistration:
        data = self.cleaned_data
        return services.StudentRegistration(
            email=data["email"],
            password=data["password"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            school=data["school"].pk,
            programme=data["programme"].pk if data.get("programme") else None,
            study_level=data["study_level"],
            accept_terms=data["accept_terms"],
            language=data["language"],
        )


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))


class PersonalInformationForm(forms.ModelForm):
    """The signed-in person's own details; the language also chooses the language of their e-mails."""

    class Meta:
        model = User
        fields = ["civility", "first_name", "last_name", "phone", "language"]
        help_texts = {"language": _("The portal's pages and your e-mails are shown in this language.")}
