"""Forms of the CV book: the companies' search (shared with `GET /cvbook`), the student's profile, the message to a
student, a school's sharing. They collect input; the rules live in the services."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cms_pages.models import OrganisationPage
from portal.cvbook.models import MAX_KEYWORD_LENGTH, MAX_KEYWORDS, MAX_SUMMARY_LENGTH
from portal.cvbook.selectors import ORDERINGS
from portal.cvbook.services import MAX_MESSAGE_LENGTH, MAX_TITLE_LENGTH
from portal.recruitment.forms import ACCEPT, FILE_HELP
from portal.reference.choices import StudyLevel
from portal.reference.models import Country, Sector

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _interpolated(message, **values):
    """`message % values`, translated when shown (not when the module is imported)."""
    return lazy(lambda: str(message) % values, str)()


def _countries_by_name():
    name = "name_en" if (get_language() or "fr").startswith("en") else "name_fr"
    return Country.objects.order_by(name)


class KeywordsInput(forms.TextInput):
    """Keywords from the query string: `keywords=a&keywords=b` or `keywords=a,b` (the facet links use the first)."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        if isinstance(values, str):
            values = [values]
        return [keyword.strip() for value in values for keyword in str(value).split(",") if keyword.strip()]

    def format_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value


class KeywordsField(forms.Field):
    widget = KeywordsInput

    def to_python(self, value):
        return list(dict.fromkeys(value or []))

    def validate(self, value):
        super().validate(value)
        if len(value) > MAX_KEYWORDS:
            raise forms.ValidationError(_("At most %(count)s keywords.") % {"count": MAX_KEYWORDS})
        if any(len(keyword) > MAX_KEYWORD_LENGTH for keyword in value):
            raise forms.ValidationError(
                _("A keyword must not be longer than %(count)s characters.") % {"count": MAX_KEYWORD_LENGTH}
            )


class CvbookSearchForm(forms.Form):
    """What a company narrows the CV book by. Every field is optional; an unknown code is an error (400)."""

    q = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Words of the title, the summary or the keywords of a profile."),
    )
    sector = forms.ModelChoiceField(
        Sector.objects.all(), label=_("Sector"), required=False, empty_label=_("All sectors")
    )
    country = forms.ModelChoiceField(
        Country.objects.all(), label=_("Country"), required=False, empty_label=_("All countries")
    )
    level = forms.ChoiceField(
        label=_("Study level"), required=False, choices=[("", _("All levels")), *StudyLevel.choices]
    )
    keywords = KeywordsField(label=_("With the keywords"), required=False, help_text=_("Separated by commas."))
    available_by = forms.DateField(label=_("Available by"), required=False, widget=DATE_INPUT)
    ordering = forms.ChoiceField(label=_("Sort by"), required=False, choices=ORDERINGS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = _countries_by_name()


class ProfileForm(forms.Form):
    """« Mon profil CV-book »: the internship request, its visibility and its documents."""

    visible = forms.BooleanField(
        label=_("Visible to companies"),
        required=False,
        help_text=_("Companies find your profile in the CV book while this is on."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=MAX_TITLE_LENGTH,
        required=False,
        help_text=_("What you are looking for, e.g. « Demande de PFE en électronique »."),
    )
    summary = forms.CharField(
        label=_("Summary"), max_length=MAX_SUMMARY_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    sector = forms.ModelChoiceField(Sector.objects.all(), label=_("Sector"), required=False)
    country = forms.ModelChoiceField(
        Country.objects.all(),
        label=_("Country"),
        required=False,
        help_text=_("Where you would like to do your internship."),
    )
    study_level = forms.ChoiceField(label=_("Study level"), required=False, choices=[("", "—"), *StudyLevel.choices])
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=MAX_KEYWORDS * (MAX_KEYWORD_LENGTH + 2),
        help_text=_interpolated(
            _("Your skills and subjects, separated by commas (at most %(count)s)."), count=MAX_KEYWORDS
        ),
    )
    available_from = forms.DateField(label=_("Available from"), required=False, widget=DATE_INPUT)
    receives_digest = forms.BooleanField(label=_("E-mail me the new matching offers every week"), required=False)
    cv = forms.FileField(
        label=_("CV"), required=False, help_text=FILE_HELP, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT})
    )
    motivation_letter = forms.FileField(
        label=_("Motivation letter"),
        required=False,
        help_text=FILE_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    PROFILE_FIELDS = (
        "visible",
        "title",
        "summary",
        "sector",
        "country",
        "study_level",
        "keywords",
        "available_from",
        "receives_digest",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = _countries_by_name()

    @classmethod
    def initial_for(cls, profile) -> dict:
        return {
            "visible": profile.visible,
            "title": profile.title,
            "summary": profile.summary,
            "sector": profile.sector_id,
            "country": profile.country_id,
            "study_level": profile.study_level,
            "keywords": ", ".join(profile.keyword_list) if profile.pk else "",
            "available_from": profile.available_from,
            "receives_digest": profile.receives_digest,
        }

    def profile_changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.PROFILE_FIELDS}


class ContactForm(forms.Form):
    """« Contacter l'étudiant »: a message e-mailed to the student."""

    body = forms.CharField(
        label=_("Message to the student"), max_length=MAX_MESSAGE_LENGTH, widget=forms.Textarea(attrs={"rows": 6})
    )


class VisibilityForm(forms.Form):
    visible = forms.BooleanField(required=False)


class SharingForm(forms.Form):
    """How a training organisation shares its students' profiles in the CV book."""

    opted_out = forms.BooleanField(
        label=_("Keep our students' profiles out of the CV book"),
        required=False,
        help_text=_("No company finds them, whatever each student chooses."),
    )
    countries = forms.ModelMultipleChoiceField(
        Country.objects.all(),
        label=_("Only for the companies of these countries"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    hubs = forms.ModelMultipleChoiceField(
        OrganisationPage.objects.hubs().order_by("title"),
        label=_("Only for the companies attached to these hubs"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty lists: every company finds the profiles."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].queryset = _countries_by_name()
