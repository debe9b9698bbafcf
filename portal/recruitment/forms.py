"""Forms of the application pages. They collect input; the rules (files, transitions) live in the services."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from portal.ids import MAX_ID
from portal.recruitment.documents import MAX_FILE_SIZE, MAX_FILES
from portal.recruitment.services import MAX_MESSAGE_LENGTH
from portal.recruitment.uploads import NOT_PLAIN
from portal.reference.choices import ApplicationStatus

ACCEPT = ".pdf,.docx,.odt"


def _interpolated(message, **values):
    """`message % values`, translated when shown (not when the module is imported)."""
    return lazy(lambda: str(message) % values, str)()


FILE_HELP = _interpolated(_("PDF, DOCX or ODT, at most %(size)s MB."), size=MAX_FILE_SIZE // 2**20)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the further documents); each is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(file, initial) for file in files if file]


class ApplyForm(forms.Form):
    """« Postuler »: a message, the CV and the motivation letter (required), further documents (optional)."""

    message = forms.CharField(
        label=_("Message to the company"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Introduce yourself and say why this internship interests you."),
    )
    cv = forms.FileField(
        label=_("CV"),
        help_text=FILE_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": _("A CV is required.")},
    )
    motivation_letter = forms.FileField(
        label=_("Motivation letter"),
        help_text=FILE_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": _("A motivation letter is required.")},
    )
    documents = MultipleFileField(
        label=_("Other documents"),
        required=False,
        help_text=_interpolated(
            _("Optional: at most %(count)s more files (diplomas, references…)."), count=MAX_FILES - 2
        ),
    )

    FILE_FIELDS = ("cv", "motivation_letter", "documents")

    def files_to_choose_again(self) -> list[str]:
        """The names of the files sent with a refused application: a browser never fills a file field again, so the
        student chooses them again (the page says so beside the file fields)."""
        if not self.is_bound or not self.errors:
            return []
        return [
            upload.name.removeprefix(NOT_PLAIN)
            for name in self.FILE_FIELDS
            for upload in self.files.getlist(name)
            if upload and upload.name
        ]


class StatusForm(forms.Form):
    """The company side moves the application on, with an optional comment for the student."""

    status = forms.ChoiceField(label=_("New status"), choices=())
    comment = forms.CharField(
        label=_("Comment (optional, shown to the student)"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(status, ApplicationStatus(status).label) for status in statuses]


class MessageForm(forms.Form):
    """« Contactez l'étudiant »: a message e-mailed to the student and kept with the application."""

    body = forms.CharField(
        label=_("Message to the student"), max_length=MAX_MESSAGE_LENGTH, widget=forms.Textarea(attrs={"rows": 6})
    )


class WithdrawForm(forms.Form):
    comment = forms.CharField(
        label=_("Why do you withdraw? (optional)"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(forms.Form):
    """The school closes an application of its student: it says why, for the student and the company."""

    comment = forms.CharField(
        label=_("Why does the school close this application?"),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CompanyFilterForm(forms.Form):
    """Filters of the company's list of applications."""

    offer = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Every status")), *ApplicationStatus.choices]
    )
    q = forms.CharField(label=_("Student or offer"), required=False, max_length=100)
