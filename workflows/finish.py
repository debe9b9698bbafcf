"""The workflow's finish action (WAGTAIL_FINISH_WORKFLOW_ACTION), kept apart so that Wagtail can import it early."""


def publish_approved(workflow_state, user=None):
    # Wagtail imports this function while its own models load, before the portal's: the offer services (which need
    # every app's models) are imported when it runs.
    from workflows.services import publish_approved_offer

    publish_approved_offer(workflow_state, user=user)
