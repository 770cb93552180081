"""What the OpenAPI schema says of every endpoint's errors (the one shape of ``web.api.errors``)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: not_found, not_allowed, wrong_state, conflict…")
    detail = serializers.CharField(help_text="A sentence in the caller's language.")
    fields = serializers.DictField(  # type: ignore[assignment]  # the error's "fields", not Serializer.fields
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Each field at fault and what is wrong with it.",
    )


WHY = {
    400: "The data sent is not valid (each field at fault in `fields`), or a file was refused.",
    401: "No valid token or session.",
    403: "The caller's role may never do this.",
    404: "Not found, or outside the caller's scope (never told apart).",
    409: "Someone changed the request first: read it again and decide.",
    422: "Refused: a move not allowed now (its `code`), or text that looks like personal data.",
    429: "Too many calls with this token: wait for the time `Retry-After` says.",
}


def ERRORS(*statuses: int) -> dict[int, OpenApiResponse]:
    """The documented error responses, for ``extend_schema(responses={..., **ERRORS(401, 404)})``; 429 always."""
    return {code: OpenApiResponse(ErrorSerializer, description=WHY[code]) for code in sorted({*statuses, 429})}
