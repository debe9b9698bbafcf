"""Domain exceptions of the portal, mapped to HTTP once (api/errors.py and the web views)."""

from django.utils.translation import gettext_lazy as _


class PortalError(Exception):
    default_message = _("The request could not be completed.")
    code = "error"

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class NotVisible(PortalError):
    """The object does not exist for this user (answered 404, never revealing a private object)."""

    default_message = _("Not found.")
    code = "not_found"


class InvalidTransition(PortalError):
    """The action is not allowed from the object's current state (answered 409)."""

    default_message = _("This action is not allowed in the current state.")
    code = "invalid_transition"
