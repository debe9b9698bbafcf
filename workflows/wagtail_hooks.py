from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from workflows.models import Campaign


@hooks.register("register_log_actions")
def register_offer_actions(actions):
    """The offer lifecycle actions, as they appear in the page history."""
    for action, label, message in [
        ("create", _("Create offer"), _("Offer created")),
        ("edit", _("Edit offer"), _("Offer edited")),
        ("submit", _("Submit offer"), _("Offer submitted for validation")),
        ("cancel", _("Cancel offer"), _("Offer closed without a candidate")),
        ("renew", _("Renew offer"), _("Offer renewed for a new campaign")),
        ("duplicate", _("Duplicate offer"), _("Offer duplicated")),
        ("unpublish", _("Unpublish offer"), _("Offer unpublished")),
        ("republish", _("Republish offer"), _("Offer put back online")),
        ("fill", _("Fill offer"), _("Offer marked as filled")),
        ("archive", _("Archive offer"), _("Offer archived")),
    ]:
        actions.register_action(f"portal.offer.{action}", label, message)


class CampaignViewSet(SnippetViewSet):
    """Editors open and close the internship campaigns in the Wagtail admin."""

    model = Campaign
    icon = "date"
    menu_label = _("Campaigns")
    list_display = ["name", "starts_on", "ends_on", "closed_at"]
    ordering = ["-starts_on"]


register_snippet(CampaignViewSet)
