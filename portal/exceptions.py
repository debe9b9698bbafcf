"""Domain exceptions of the portal, mapped to HTTP once (api/errors.py and the web views)."""

from django.utils.translation import gettext_lazy as _


class PortalError(Exception):
    """A refusal with its HTTP status; `field` names the input it is about, if any."""

    default_message = _("The request could not be completed.")
    code = "error"
    status = 400

    def __init__(self, message=None, *, field: str | None = None):
        self.message = message or self.default_message
        self.field = field
        super().__init__(str(self.message))


class NotVisible(PortalError):
    """The object does not exist for this user (answered 404, never revealing a private object)."""

    default_message = _("Not found.")
    code = "not_found"
    status = 404


class InvalidTransition(PortalError):
    """The action is not allowed from the object's current state (answered 409)."""

    default_message = _("This action is not allowed in the current state.")
    code = "invalid_transition"
    status = 409


class AlreadyDone(PortalError):
    """The object already exists in the state asked for (answered 409): applying twice, for instance."""

    default_message = _("This has already been done.")
    code = "conflict"
    status = 409


class FileTooLarge(PortalError):
    """An upload over the size limit (answered 413)."""

    default_message = _("The file is too large.")
    code = "file_too_large"
    status = 413


class FileTypeRefused(PortalError):
    """An upload whose content is not an accepted type (answered 415)."""

    default_message = _("This type of file is not accepted.")
    code = "unsupported_file_type"
    status = 415
