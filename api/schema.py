"""The OpenAPI document describes the portal's own API (/api/v1/); Wagtail's read API documents itself."""


def only_portal_api(endpoints):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
