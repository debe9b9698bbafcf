"""The OpenAPI document of the portal's own API (/api/v1/); Wagtail's read API documents itself.

Beside what drf-spectacular derives from the views and serializers, every operation declares the error
answers it may give, in the API's error format, and the ids in its path as the whole numbers they are.
"""

import re

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from api.errors import ErrorSerializer
from portal.ids import MAX_ID

ERRORS = {
    400: "Invalid input: `errors` names each field at fault.",
    401: "Not authenticated: sign in, or send a valid `Authorization: Token <key>` header.",
    403: "Authenticated but not allowed.",
    404: "Not found, or not visible to the caller.",
    429: "Too many requests: wait before trying again.",
}
WRITE_ERRORS = {
    409: "Not allowed from the current state.",
    413: "The request is too large.",
    415: "This type of content or file is not accepted.",
}
ID_PARAMETER = re.compile(r"<id:(\w+)>")


def only_portal_api(endpoints):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


class PortalAutoSchema(AutoSchema):
    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        ids = set(ID_PARAMETER.findall(self.path_regex))
        if "pk" in ids:  # named `id` in the document
            ids.add("id")
        for parameter in parameters:
            if parameter["name"] in ids:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {**ERRORS, **(WRITE_ERRORS if self.method in ("POST", "PUT", "PATCH", "DELETE") else {})}
        for status, description in errors.items():
            responses.setdefault(
                str(status),
                self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description),
                    str(status),
                    media_types=["application/json"],
                    direction=direction,
                ),
            )
        return responses
