"""The API's error format: `{"detail", "code", "errors": {field: [messages]}}` with the right status."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.exceptions import NotVisible, PortalError


class ErrorSerializer(serializers.Serializer):
    """What every error answers (the OpenAPI document declares it for each operation)."""

    detail = serializers.CharField(help_text="a sentence for people")
    code = serializers.CharField(help_text="a stable code for programs, e.g. invalid, not_found, invalid_transition")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="the messages about each input at fault, by field name",
    )


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = gettext_lazy("The request is too large.")
    default_code = "request_too_large"


class Refused(exceptions.APIException):
    """A domain refusal (`PortalError`) with its own status, code and, if it is about one input, that field."""

    def __init__(self, error: PortalError):
        self.status_code = error.status
        self.field = error.field
        super().__init__(detail=str(error.message), code=error.code)


def _field_errors(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        errors = {}
        for field, messages in detail.items():
            if isinstance(messages, dict):
                for sub, sub_messages in _field_errors(messages).items():
                    errors[f"{field}.{sub}"] = sub_messages
            elif isinstance(messages, list) and messages and isinstance(messages[0], dict):
                for index, item in enumerate(messages):
                    for sub, sub_messages in _field_errors(item).items():
                        errors[f"{field}.{index}.{sub}"] = sub_messages
            else:
                errors[field] = [str(m) for m in (messages if isinstance(messages, list) else [messages])]
        return errors
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {}


def _django_validation_to_drf(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError({field: [str(m) for m in msgs] for field, msgs in error.message_dict.items()})
    return exceptions.ValidationError({"non_field_errors": list(error.messages)})


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = _django_validation_to_drf(exc)
    elif isinstance(exc, (NotVisible, Http404)):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, PortalError):
        exc = Refused(exc)
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, (TooManyFilesSent, TooManyFieldsSent)):
        exc = exceptions.ParseError(_("The request holds too many files or fields."))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = {"detail": _("Invalid input."), "code": "invalid", "errors": _field_errors(exc.detail)}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        field = getattr(exc, "field", None)
        body = {"detail": str(detail), "code": code, "errors": {field: [str(detail)]} if field else {}}
    return Response(body, status=response.status_code, headers=dict(response.headers.items()))


@csrf_exempt
def unknown_path(request, *args, **kwargs):
    """Any other path under /api/: 404 in the API's format, whatever the method.

    Matching every path here also keeps Django's APPEND_SLASH away from the API: the contract's paths have
    no trailing slash, and a POST to a path the site's pages would match with one must not be redirected
    (or, with DEBUG on, fail).
    """
    body = {"detail": str(exceptions.NotFound.default_detail), "code": "not_found", "errors": {}}
    return JsonResponse(body, status=404)
