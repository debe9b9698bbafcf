"""StreamField blocks of the evaluation forms: sections holding criteria, each labelled in French and English."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.stream_block import StreamBlockValidationError


class CriterionBlock(blocks.StructBlock):
    code = blocks.RegexBlock(
        regex=r"^[a-z0-9_-]{1,40}$",
        label=_("code"),
        help_text=_("A short stable code (lower-case letters, digits, - and _), unique in the form."),
        error_messages={"invalid": _("Use lower-case letters, digits, - and _ only.")},
    )
    label_fr = blocks.CharBlock(label=_("label (French)"), max_length=300)
    label_en = blocks.CharBlock(label=_("label (English)"), max_length=300)

    class Meta:
        icon = "tick"
        label = _("Criterion")


class SectionBlock(blocks.StructBlock):
    title_fr = blocks.CharBlock(label=_("title (French)"), max_length=200)
    title_en = blocks.CharBlock(label=_("title (English)"), max_length=200)
    criteria = blocks.ListBlock(CriterionBlock(), label=_("criteria"), min_num=1)

    class Meta:
        icon = "list-ul"
        label = _("Section")


class EvaluationSectionsBlock(blocks.StreamBlock):
    section = SectionBlock()

    def clean(self, value):
        value = super().clean(value)
        seen = set()
        for child in value:
            for criterion in child.value["criteria"]:
                if criterion["code"] in seen:
                    raise StreamBlockValidationError(
                        non_block_errors=[
                            ValidationError(_("The code “%(code)s” is used twice.") % {"code": criterion["code"]})
                        ]
                    )
                seen.add(criterion["code"])
        return value
