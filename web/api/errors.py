"""Every refusal the API answers, in one shape and in the caller's language:
``{"code": "<stable code>", "detail": "<sentence>", "fields": {"<field>": ["<sentence>", ...]}}``.

The services' and the lifecycle's own errors map to statuses here, once: a refused move is 422 with the
refusal's code (``not_allowed``, ``wrong_state``, ``missing_data``…), someone moving the request first is 409,
text that looks like personal data is 422 ``personal_data`` (send again with ``confirm_personal_data``), a
refused file 400 with why, an object outside the caller's scope 404 (never 403: references are not probed).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from helpdesk.attachments import AttachmentRefused
from helpdesk.screening import PersonalDataFound
from workflows.errors import TransitionConflict, TransitionRefused

NON_FIELD = "non_field_errors"


def body(code: str, detail: str, fields: dict[str, list[str]] | None = None, **extra: Any) -> dict[str, Any]:
    answer: dict[str, Any] = {"code": code, "detail": detail}
    if fields:
        answer["fields"] = fields
    answer.update(extra)
    return answer


def _django_validation(error: DjangoValidationError) -> Response:
    if hasattr(error, "error_dict"):
        fields = {name: [str(m) for m in messages] for name, messages in error.message_dict.items()}
        detail = next(iter(fields.values()))[0] if fields else _("The data sent is not valid.")
        code = next((e.code for errors in error.error_dict.values() for e in errors if e.code), None)
        return Response(body(code or "invalid", detail, fields), status=status.HTTP_400_BAD_REQUEST)
    messages = [str(m) for m in error.messages]
    code = getattr(error, "code", None) or "invalid"
    return Response(body(code, " ".join(messages)), status=status.HTTP_400_BAD_REQUEST)


def _drf_fields(data: Any) -> dict[str, list[str]]:
    if isinstance(data, dict):
        return {
            str(name): [str(m) for m in (value if isinstance(value, list) else [value])] for name, value in data.items()
        }
    if isinstance(data, list):
        return {NON_FIELD: [str(m) for m in data]}
    return {NON_FIELD: [str(data)]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, TransitionConflict):
        return Response(body(exc.code, str(exc)), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, TransitionRefused):
        fields = {name: [str(message)] if message else [] for name, message in exc.fields.items()}
        return Response(body(exc.code, str(exc), fields or None), status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if isinstance(exc, PersonalDataFound):
        detail = (
            _("This looks like personal data: remove it, or send it again with confirm_personal_data if it is needed.")
            if exc.confirmable
            else _("Remove the personal data: the title travels in notifications and e-mails.")
        )
        return Response(
            body(
                "personal_data",
                detail,
                {name: [] for name in exc.findings},
                findings=exc.messages,
                confirmable=exc.confirmable,
            ),
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    if isinstance(exc, AttachmentRefused):
        return Response(
            body(getattr(exc, "code", None) or "file_refused", " ".join(str(m) for m in exc.messages)),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, DjangoValidationError):
        return _django_validation(exc)
    if isinstance(exc, Http404):
        return Response(body("not_found", _("Not found.")), status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoPermissionDenied):
        return Response(body("permission_denied", _("You may not do this.")), status=status.HTTP_403_FORBIDDEN)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _drf_fields(exc.detail)
        first = next((messages[0] for messages in fields.values() if messages), _("The data sent is not valid."))
        response.data = body("invalid", first, fields)
    elif isinstance(exc, exceptions.APIException):
        shown = exc.detail
        code = shown.code if isinstance(shown, exceptions.ErrorDetail) else exc.default_code
        response.data = body(str(code), str(shown))
    return response
