"""Forms of the public pages: the parameters of the offer search, shared by the search page and the API."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cms_pages.search import MAX_QUERY_LENGTH, ORDERINGS
from portal.reference.choices import InternshipType, StudyLevel
from portal.reference.models import Country, Sector

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OfferSearchForm(forms.Form):
    """What a visitor may narrow the live offers by. Every field is optional; an empty one does not filter."""

    q = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("A job, a skill, a company…"),
    )
    sector = forms.ModelChoiceField(
        Sector.objects.all(), label=_("Sector"), required=False, empty_label=_("All sectors")
    )
    country = forms.ModelChoiceField(
        Country.objects.all(), label=_("Country"), required=False, empty_label=_("All countries")
    )
    city = forms.CharField(label=_("City"), required=False, max_length=120)
    internship_type = forms.ChoiceField(
        label=_("Internship type"), required=False, choices=[("", _("All types")), *InternshipType.choices]
    )
    level = forms.ChoiceField(
        label=_("Study level"), required=False, choices=[("", _("All levels")), *StudyLevel.choices]
    )
    organisation = forms.IntegerField(label=_("Company"), required=False, min_value=1, widget=forms.HiddenInput)
    start_after = forms.DateField(label=_("Starting from"), required=False, widget=DATE_INPUT)
    start_before = forms.DateField(label=_("Starting at the latest"), required=False, widget=DATE_INPUT)
    ordering = forms.ChoiceField(label=_("Sort by"), required=False, choices=ORDERINGS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Countries listed by their name in the reader's language, not by ISO code.
        name = "name_en" if (get_language() or "fr").startswith("en") else "name_fr"
        self.fields["country"].queryset = Country.objects.order_by(name)

    def clean(self):
        data = super().clean()
        start_after, start_before = data.get("start_after"), data.get("start_before")
        if start_after and start_before and start_before < start_after:
            self.add_error("start_before", _("This date must not be before the “starting from” date."))
        return data
