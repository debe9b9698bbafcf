"""Forms of the follow-up pages. They collect input; the rules (dates, roles, states) live in the services."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from portal.followup.choices import InternshipStatus, LabelState, Party
from portal.followup.scans import MAX_SCAN_SIZE
from portal.followup.services.common import MAX_TEXT_LENGTH
from portal.ids import MAX_ID

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 6})
SCAN_ACCEPT = ".pdf,.jpg,.jpeg,.png"


class DashboardFilterForm(forms.Form):
    """The dashboard's filters; the choices are those of the person's scope."""

    year = forms.TypedChoiceField(label=_("Academic year"), required=False, coerce=int, empty_value=None)
    programme = forms.TypedChoiceField(label=_("Programme"), required=False, coerce=int, empty_value=None)
    company = forms.TypedChoiceField(label=_("Company"), required=False, coerce=int, empty_value=None)
    label = forms.ChoiceField(label=_("Label"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *, initial: dict, choices: dict):
        super().__init__(initial=initial)
        everything = [("", _("All"))]
        self.fields["year"].choices = everything + choices["years"]
        self.fields["programme"].choices = everything + choices["programmes"]
        self.fields["company"].choices = everything + choices["companies"]
        self.fields["label"].choices = everything + list(LabelState.choices)
        self.fields["status"].choices = everything + list(InternshipStatus.choices)


class TutorFields(forms.Form):
    company_tutor = forms.EmailField(
        label=_("Company tutor's e-mail"),
        help_text=_("Somebody new to the portal is invited as a contact of the company."),
    )
    company_tutor_first_name = forms.CharField(label=_("Tutor's first name"), required=False, max_length=150)
    company_tutor_last_name = forms.CharField(label=_("Tutor's last name"), required=False, max_length=150)
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE)
    mission = forms.CharField(label=_("Mission"), required=False, max_length=MAX_TEXT_LENGTH, widget=TEXT)


class StartForm(TutorFields):
    """The company side starts the follow-up of an accepted application."""


class RecordForm(TutorFields):
    """School staff record an internship their student found outside the portal."""

    student = forms.TypedChoiceField(label=_("Student"), coerce=int)
    company = forms.TypedChoiceField(label=_("Company"), coerce=int)
    title = forms.CharField(label=_("Title of the internship"), max_length=255)

    field_order = ["student", "company", "title", "company_tutor"]

    def __init__(self, *args, students, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].choices = [("", "—")] + [
            (student.user_id, f"{student.user.get_full_name() or student.user.email} — {student.school}")
            for student in students
        ]
        self.fields["company"].choices = [("", "—")] + [(company.pk, company.title) for company in companies]


class AgreeForm(forms.Form):
    academic_tutor = forms.TypedChoiceField(label=_("Academic tutor"), coerce=int, required=False)

    def __init__(self, *args, tutors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["academic_tutor"].choices = [("", "—")] + [
            (tutor.pk, tutor.get_full_name() or tutor.email) for tutor in tutors
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=MAX_TEXT_LENGTH, widget=TEXT)


class ApprovalForm(forms.Form):
    """Approve online, or upload the scan of the signed paper."""

    party = forms.ChoiceField(label=_("I sign for"), choices=Party.choices, required=False)
    scan = forms.FileField(
        label=_("Scan of the signed paper (optional)"),
        required=False,
        help_text=lazy(
            lambda: (
                _("PDF, JPEG or PNG, at most %(size)s MB. Without a scan, you approve online.")
                % {"size": MAX_SCAN_SIZE // 2**20}
            ),
            str,
        )(),
        widget=forms.ClearableFileInput(attrs={"accept": SCAN_ACCEPT}),
    )

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(party, Party(party).label) for party in parties]
        if len(parties) < 2:
            self.fields["party"].widget = forms.HiddenInput()


class AmendmentForm(forms.Form):
    start_date = forms.DateField(label=_("New start date"), required=False, widget=DATE)
    end_date = forms.DateField(label=_("New end date"), required=False, widget=DATE)
    company_tutor = forms.EmailField(label=_("New company tutor's e-mail"), required=False)
    company_tutor_first_name = forms.CharField(label=_("Tutor's first name"), required=False, max_length=150)
    company_tutor_last_name = forms.CharField(label=_("Tutor's last name"), required=False, max_length=150)
    mission = forms.CharField(label=_("New mission"), required=False, max_length=MAX_TEXT_LENGTH, widget=TEXT)
    reason = forms.CharField(label=_("Reason"), max_length=MAX_TEXT_LENGTH, widget=TEXT)


class EntryForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    text = forms.CharField(
        label=_("What I did, what I learnt, what puzzles me"), max_length=MAX_TEXT_LENGTH, widget=TEXT
    )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=MAX_TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
    text = forms.CharField(
        label=_("My intermediate review"), max_length=MAX_TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 10})
    )


class EvaluationForm(forms.Form):
    """A grade from 1 to 5 per criterion of the internship's form, and a comment."""

    comment = forms.CharField(label=_("Comment"), required=False, max_length=MAX_TEXT_LENGTH, widget=TEXT)

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scale = [(value, str(value)) for value in range(1, 6)]
        for criterion in self.criteria:
            self.fields[f"score_{criterion['code']}"] = forms.TypedChoiceField(
                label=criterion["label"], choices=scale, coerce=int, widget=forms.RadioSelect
            )
        self.order_fields([*(f"score_{criterion['code']}" for criterion in self.criteria), "comment"])

    def sections(self):
        """[(section title, [bound fields])], in the form's order."""
        grouped: list[tuple[str, list]] = []
        for criterion in self.criteria:
            if not grouped or grouped[-1][0] != criterion["section"]:
                grouped.append((criterion["section"], []))
            grouped[-1][1].append(self[f"score_{criterion['code']}"])
        return grouped

    def scores(self) -> dict[str, int]:
        return {criterion["code"]: self.cleaned_data[f"score_{criterion['code']}"] for criterion in self.criteria}


class GradeForm(forms.Form):
    grade = forms.DecimalField(label=_("Final grade (out of 20)"), min_value=0, max_value=20, decimal_places=2)


class SignatureUndoForm(forms.Form):
    party = forms.ChoiceField(choices=Party.choices)
    amendment = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
