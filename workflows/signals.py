"""Keep an offer's lifecycle status in step when an editor submits it from the Wagtail admin."""

from wagtail.models import WorkflowState
from wagtail.signals import workflow_approved, workflow_rejected, workflow_submitted

from cms_pages.models import OfferPage
from workflows import services


def offer_submitted(sender, instance, user=None, **kwargs):
    offer = instance.content_object.specific if instance.content_object else None
    if isinstance(offer, OfferPage):
        offer.refresh_from_db()
        services.sync_with_workflow(offer, by=user)


# Wagtail's own moderation e-mails are replaced by the portal's notifications (translated, through Huey).
WAGTAIL_MODERATION_MAILS = [
    (workflow_submitted, "workflow_state_submitted_email_notification"),
    (workflow_rejected, "workflow_state_rejected_email_notification"),
    (workflow_approved, "workflow_state_approved_email_notification"),
]


def connect():
    """Runs after wagtail.admin is ready (the app is listed after it), so its mail receivers are there to remove."""
    for signal, dispatch_uid in WAGTAIL_MODERATION_MAILS:
        signal.disconnect(sender=WorkflowState, dispatch_uid=dispatch_uid)
    workflow_submitted.connect(offer_submitted, dispatch_uid="portal-offer-submitted")
