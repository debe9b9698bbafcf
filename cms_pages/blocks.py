"""StreamField blocks of the guides."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(label=_("link text"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document link")
        template = "cms_pages/blocks/document_link.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"))
    text = blocks.TextBlock(label=_("text"), required=False)


class NumberedStepsBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(StepBlock(), **kwargs)

    class Meta:
        icon = "list-ol"
        label = _("Numbered steps")
        template = "cms_pages/blocks/steps.html"


class GuideBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("Heading"), icon="title", template="cms_pages/blocks/heading.html")
    paragraph = blocks.RichTextBlock(label=_("Paragraph"), features=["bold", "italic", "link", "ol", "ul"])
    image = ImageBlock(label=_("Image"))
    document = DocumentLinkBlock()
    steps = NumberedStepsBlock()
