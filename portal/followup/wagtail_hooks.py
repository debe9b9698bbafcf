"""The follow-up's configuration in the Wagtail admin: the label's step sets, the evaluation forms (with a
preview) and the agreement templates, per training organisation or programme.

The evaluations themselves are not registered: the company's is read on the portal by those it is meant for,
the student's by the programme head alone — never in the admin, whoever signs in there.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from portal.followup.models import AgreementTemplate, EvaluationForm, StepSet


class StepSetViewSet(SnippetViewSet):
    model = StepSet
    icon = "list-ol"
    menu_label = _("Label steps")
    list_display = ["name", "scope"]


class EvaluationFormViewSet(SnippetViewSet):
    model = EvaluationForm
    icon = "form"
    menu_label = _("Evaluation forms")
    list_display = ["name", "audience", "scope"]
    list_filter = ["audience"]


class AgreementTemplateViewSet(SnippetViewSet):
    model = AgreementTemplate
    icon = "doc-full"
    menu_label = _("Agreement templates")
    list_display = ["name", "scope"]


class FollowupViewSetGroup(SnippetViewSetGroup):
    items = (StepSetViewSet, EvaluationFormViewSet, AgreementTemplateViewSet)
    menu_icon = "tasks"
    menu_label = _("Internship follow-up")
    menu_name = "followup"


register_snippet(FollowupViewSetGroup)
