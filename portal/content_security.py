"""The Content-Security-Policy of each part of the site, with django-csp.

`settings.CONTENT_SECURITY_POLICY` is the policy of the public site and the workspaces: their pages run no
inline script or style and load nothing from elsewhere. Two screens that are not the portal's own need more,
and only they get it:

- the Wagtail admin runs inline scripts in some of its widgets and panels (date pickers, inline panels), sets
  inline styles and shows images being uploaded from data: and blob: addresses; its page previews, which
  show the portal's own templates with what companies wrote, keep the public policy;
- the API documentation (drf-spectacular's Swagger UI, served from the portal's static files by
  drf-spectacular-sidecar) has an inline style block and draws its icons from data: images.

A view may still decide its own policy with django-csp's decorators; that choice wins.
"""

from functools import cache

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.urls import reverse

WAGTAIL_ADMIN = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
}
API_DOCS = {
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:"],
}

# The admin's views that show a page as visitors will see it.
ADMIN_PREVIEWS = frozenset(
    {
        "wagtailadmin_pages:preview_on_add",
        "wagtailadmin_pages:preview_on_edit",
        "wagtailadmin_pages:view_draft",
        "wagtailadmin_pages:revisions_view",
        "wagtailadmin_pages:workflow_preview",
    }
)


@cache
def _prefix(url_name: str) -> str:
    return reverse(url_name)


def area_policy(request) -> dict | None:
    """The directives that replace the site's for this request's part of the site, or None to keep them."""
    path = request.path_info
    if path.startswith(_prefix("wagtailadmin_home")):
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in ADMIN_PREVIEWS:
            return None
        return WAGTAIL_ADMIN
    if path.startswith(_prefix("api-docs")):
        return API_DOCS
    return None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy of the part of the site a request is in."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only or parts.config is not None or parts.replace is not None:
            return parts
        parts.replace = area_policy(request)
        return parts
