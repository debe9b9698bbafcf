"""Forms of the public pages: the parameters of the offer search (shared by the search page and the API), and the
contact page's form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cms_pages.search import MAX_QUERY_LENGTH, ORDERINGS
from portal.contact import services as contact
from portal.reference import tables
from portal.reference.choices import InternshipType, StudyLevel
from portal.reference.models import Country, Sector
from portal.widgets import LongSelect

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CodeField(forms.ChoiceField):
    """A choice among codes, checked in the set `codes()` in one look-up whatever the number of choices it lists (a
    `ChoiceField` runs through them all)."""

    def __init__(self, *, codes, **kwargs):
        super().__init__(**kwargs)
        self.codes = codes

    def valid_value(self, value) -> bool:
        return str(value) in self.codes()


class SharedFields(dict):
    """The fields of a form that no form changes: each form of the class gets them in a dict of its own, the fields
    themselves shared, where Django copies every field deeply for each form (most of the time a search spent checking
    its parameters)."""

    def __deepcopy__(self, memo):
        return dict(self)


def sharing_fields(form_class: type[forms.Form]) -> type[forms.Form]:
    """`form_class`, whose forms share its fields (`SharedFields`): none of them may change a field."""
    form_class.base_fields = SharedFields(form_class.base_fields)
    return form_class


def _values(choices) -> frozenset[str]:
    return frozenset(code for code, _label in choices)


INTERNSHIP_TYPES, STUDY_LEVELS, ORDERING_CODES = (
    _values(InternshipType.choices),
    _values(StudyLevel.choices),
    _values(ORDERINGS),
)


@sharing_fields
class OfferSearchForm(forms.Form):
    """What a visitor may narrow the live offers by. Every field is optional; an empty one does not filter."""

    q = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("A job, a skill, a company…"),
    )
    # Codes, from the reference tables held in memory (`portal.reference.tables`): checking or listing them reads
    # nothing from the database, and the lists are built only when a form shows them or checks a code.
    sector = CodeField(
        label=_("Sector"),
        required=False,
        choices=lambda: [("", _("All sectors")), *tables.sector_choices()],
        codes=lambda: tables.codes(Sector),
        widget=LongSelect,
    )
    # Countries listed by their name in the reader's language, not by ISO code.
    country = CodeField(
        label=_("Country"),
        required=False,
        choices=lambda: [("", _("All countries")), *tables.country_choices()],
        codes=lambda: tables.codes(Country),
        widget=LongSelect,
    )
    city = forms.CharField(label=_("City"), required=False, max_length=120)
    internship_type = CodeField(
        label=_("Internship type"),
        required=False,
        choices=[("", _("All types")), *InternshipType.choices],
        codes=lambda: INTERNSHIP_TYPES,
    )
    level = CodeField(
        label=_("Study level"),
        required=False,
        choices=[("", _("All levels")), *StudyLevel.choices],
        codes=lambda: STUDY_LEVELS,
    )
    organisation = forms.IntegerField(label=_("Company"), required=False, min_value=1, widget=forms.HiddenInput)
    start_after = forms.DateField(label=_("Starting from"), required=False, widget=DATE_INPUT)
    start_before = forms.DateField(label=_("Starting at the latest"), required=False, widget=DATE_INPUT)
    ordering = CodeField(label=_("Sort by"), required=False, choices=ORDERINGS, codes=lambda: ORDERING_CODES)

    def clean(self):
        data = super().clean()
        start_after, start_before = data.get("start_after"), data.get("start_before")
        if start_after and start_before and start_before < start_after:
            self.add_error("start_before", _("This date must not be before the “starting from” date."))
        return data


class ContactForm(forms.Form):
    """« Contact »: who writes, to which team, about what. Plain text; the service checks it as the API's."""

    name = forms.CharField(
        label=_("Your name"), max_length=contact.MAX_NAME_LENGTH, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Your e-mail"),
        max_length=contact.MAX_EMAIL_LENGTH,
        help_text=_("The team answers at this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    hub = forms.TypedChoiceField(label=_("Who do you write to?"), required=False, coerce=int, empty_value=None)
    subject = forms.CharField(label=_("Subject"), max_length=contact.MAX_SUBJECT_LENGTH)
    message = forms.CharField(
        label=_("Message"), max_length=contact.MAX_MESSAGE_LENGTH, widget=forms.Textarea(attrs={"rows": 8})
    )
    # A trap for robots, which fill in every field: hidden from people (and from screen readers) by the template.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, page, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].choices = [
            ("", _("%(team)s (every question)") % {"team": page.team_name}),
            *((team.hub_id, f"{team.hub.title} — {team.name}") for team in teams),
        ]

    def fields_with_errors(self) -> list:
        """The bound fields that have an error, in the order they are shown (for the summary above the form)."""
        return [field for field in self if field.errors]

    def is_from_a_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def contact_message(self) -> contact.ContactMessage:
        data = self.cleaned_data
        return contact.ContactMessage(
            name=data["name"], email=data["email"], subject=data["subject"], message=data["message"], hub=data["hub"]
        )
