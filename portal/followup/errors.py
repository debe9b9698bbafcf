"""The follow-up's own refusals, mapped to HTTP like every `PortalError` (api/errors.py and the web views)."""

from django.utils.translation import gettext_lazy as _

from portal.exceptions import PortalError


class NotTheActor(PortalError):
    """A step, a review or an evaluation that belongs to another person of the internship (answered 403)."""

    default_message = _("This belongs to another person of the internship.")
    code = "permission_denied"
    status = 403
