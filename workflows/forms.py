"""Web forms of the company workspace. They parse what was typed; the offer's schema (`workflows.offer_input`) and
the services decide what is valid."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cms_pages.models import OfferPage, OrganisationPage, Programme
from portal.ids import MAX_ID
from portal.reference import tables
from portal.reference.choices import ApplicationStatus, InternshipType, StudyLevel
from portal.reference.models import Country, Sector
from portal.widgets import LongSelect
from workflows import offer_input, workspace
from workflows.models import Campaign

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _shown_as(field: forms.Field, rule) -> None:
    """Show a form field as the schema's rule for it reads: required or not, its length and bounds (the browser's
    hints; the schema checks)."""
    field.required = offer_input.refuses_empty(rule)
    limits = {
        "maxlength": getattr(rule, "max_length", None),
        "min": getattr(rule, "min_value", None),
        "max": getattr(rule, "max_value", None),
    }
    field.widget.attrs.update({attr: str(limit) for attr, limit in limits.items() if limit is not None})


class ProgrammeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, programme):
        return f"{programme.organisation.title} — {programme}"


class OfferForm(forms.Form):
    """Every field of an offer, in the four steps of the guide, on one page.

    The fields say how each input is shown (labels, help texts, widgets, choices); what is valid is the offer's
    schema's to say (`offer_input.OfferInput`, the same rules as the API's): the form hands it what was typed and
    shows its errors. Its `cleaned_data` is the schema's validated data, as the services take it.
    """

    # 1. The internship
    title = forms.CharField(label=_("Title"))
    internship_type = forms.ChoiceField(
        label=_("Type of internship"), choices=InternshipType.choices, widget=forms.RadioSelect
    )
    mission = forms.CharField(label=_("Mission"), widget=forms.Textarea)
    study_level = forms.ChoiceField(label=_("Study level"), choices=[("", "—"), *StudyLevel.choices])
    duration_weeks = forms.IntegerField(label=_("Duration (weeks)"))
    places = forms.IntegerField(label=_("Number of places"), initial=1)
    sector = forms.ModelChoiceField(Sector.objects.all(), label=_("Sector of activity"))
    keywords = forms.CharField(label=_("Keywords"), help_text=_("Comma-separated: they guide students' searches."))
    remuneration = forms.DecimalField(label=_("Monthly remuneration (EUR)"), decimal_places=2)
    # 2. The profile sought
    profile_sought = forms.CharField(
        label=_("Profile sought"),
        widget=forms.Textarea,
        help_text=_(
            "Important: this text is used to match your offer with the students' profiles and requests, "
            "so that the portal proposes the most suitable profiles to you. Be complete."
        ),
    )
    # 3. Dates and place
    start_date = forms.DateField(label=_("Start date"), widget=DATE_INPUT)
    end_date = forms.DateField(label=_("End date"), widget=DATE_INPUT)
    city = forms.CharField(label=_("City"))
    country = forms.ModelChoiceField(Country.objects.all(), label=_("Country"))
    # 4. Targeting and campaign
    campaign = forms.ModelChoiceField(
        Campaign.objects.all(),
        label=_("Campaign"),
        help_text=_("Empty: the current campaign."),
    )
    target_countries = forms.ModelMultipleChoiceField(
        Country.objects.all(),
        label=_("Target countries"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Only students of these countries see the offer. Empty: every country."),
    )
    target_organisations = forms.ModelMultipleChoiceField(
        OrganisationPage.objects.schools().order_by("title"),
        label=_("Target training organisations"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only the students of these organisations see the offer. Empty: every organisation."),
    )
    target_programmes = ProgrammeChoiceField(
        Programme.objects.filter(organisation__kind="school")
        .select_related("organisation")
        .order_by("organisation__title", "name"),
        label=_("Target programmes"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only the students of these programmes see the offer. Empty: every programme."),
    )

    STEPS = (
        (
            _("The internship"),
            (
                "title",
                "internship_type",
                "mission",
                "study_level",
                "duration_weeks",
                "places",
                "sector",
                "keywords",
                "remuneration",
            ),
        ),
        (_("The profile sought"), ("profile_sought",)),
        (_("Dates and place"), ("start_date", "end_date", "city", "country")),
        (_("Targeting and campaign"), ("target_countries", "target_organisations", "target_programmes", "campaign")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        by_name = "name_en" if (get_language() or "fr").startswith("en") else "name_fr"
        for name in ("country", "target_countries"):
            self.fields[name].queryset = Country.objects.order_by(by_name)
        self.schema = offer_input.OfferInput()
        for name, field in self.fields.items():
            _shown_as(field, self.schema.fields[name])

    @classmethod
    def initial_for(cls, offer: OfferPage) -> dict:
        """What the form shows for an existing offer: its latest version, pending changes included."""
        initial = offer_input.representation(offer)
        initial["keywords"] = ", ".join(initial["keywords"])
        return initial

    def typed(self) -> dict:
        """What was typed, as the schema reads it: an empty input is no value (an empty text stays a text), the
        keywords a comma-separated list, the multiple choices lists."""
        values = {}
        for name in self.fields:
            value = self[name].data
            if name == "keywords":
                value = (value or "").split(",")
            elif value == "" and not isinstance(self.schema.fields[name], offer_input.PlainTextField):
                value = None
            values[name] = value
        return values

    def _clean_fields(self):
        # The schema checks every field, with the rules and messages the API has: the form's fields only show them.
        checked = offer_input.OfferInput(data=self.typed())
        if checked.is_valid():
            self.cleaned_data = dict(checked.validated_data)
        else:
            self.add_error(None, offer_input.as_django_errors(checked.errors))

    def steps(self):
        """[(legend, [bound fields])] in the order of the guide."""
        return [(legend, [self[name] for name in names]) for legend, names in self.STEPS]

    def fields_with_errors(self) -> list:
        """The bound fields that have an error, in the order they are shown (for the summary above the form)."""
        return [self[name] for _legend, names in self.STEPS for name in names if name in self.errors]


class WorkspaceFilterForm(forms.Form):
    """The filters above a workspace tab, one per column: number, date, title, country, city, type of offer, status,
    author; on the spontaneous applications' tab: the candidate, the status, the date. What cannot be read is an error
    of the form, and the tab then lists nothing."""

    number = forms.IntegerField(label=_("No."), required=False, min_value=1, max_value=MAX_ID)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DATE_INPUT)
    q = forms.CharField(label=_("Title of the offer"), required=False, max_length=255)
    # A code, from the reference table held in memory (`portal.reference.tables`): no query to list or check it.
    country = forms.ChoiceField(label=_("Country"), required=False, widget=LongSelect)
    city = forms.CharField(label=_("City"), required=False, max_length=120)
    targeting = forms.ChoiceField(
        label=_("Type of offer"), required=False, choices=[("", _("All types")), *workspace.TARGETING]
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    author = forms.CharField(label=_("Author"), required=False, max_length=150)
    page_size = forms.TypedChoiceField(label=_("Display"), coerce=int, required=False)

    SPONTANEOUS_FIELDS = ("date_from", "date_to", "q", "status", "page_size")

    def __init__(self, *args, tab: str, **kwargs):
        super().__init__(*args, **kwargs)
        if tab == workspace.SPONTANEOUS:
            for name in set(self.fields) - set(self.SPONTANEOUS_FIELDS):
                del self.fields[name]
            self.fields["q"].label = _("Candidate")
            statuses = ApplicationStatus.choices
        else:
            self.fields["country"].choices = [("", _("All countries")), *tables.country_choices()]
            statuses = [(status, status.label) for status in workspace.TABS[tab][1]]
        self.fields["status"].choices = [("", _("All statuses")), *statuses]
        self.fields["page_size"].choices = [
            (size, _("%(size)s per page") % {"size": size}) for size in workspace.PAGE_SIZES
        ]

    def clean(self):
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("This date must not be before the “from” date."))
        return data

    def filters(self) -> dict:
        """The filters typed, once the form is valid; the page size falls back to the smallest."""
        data = self.cleaned_data
        return {**data, "page_size": data.get("page_size") or workspace.PAGE_SIZES[0]}
