"""The new-request form's suggestions as the page shows them, and the form session's id ("intake").

The id is random and signed: the counts only take sessions this desk started, and it names nobody.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.core import signing
from django.urls import reverse

from helpdesk.models import Resource, SupportRequest
from helpdesk.selectors.intake import IntakeSuggestions
from web.lists.resources import pick_version

_SIGNER = signing.Signer(salt="web.intake")


def intake_new() -> str:
    """A new form session's id, signed."""
    return _SIGNER.sign(uuid.uuid4().hex)


def intake_key(token: str | None) -> uuid.UUID | None:
    """The session behind a signed id (None when missing, altered or not one of ours)."""
    if not token or len(token) > 100:
        return None
    try:
        return uuid.UUID(_SIGNER.unsign(token))
    except (signing.BadSignature, ValueError):
        return None


def intake_token(token: str | None) -> str:
    """``token`` when it is a valid session id, else a new one."""
    return token if token and intake_key(token) is not None else intake_new()


@dataclass(frozen=True)
class ResourceLine:
    title: str
    summary: str
    language: str
    url: str


@dataclass(frozen=True)
class RequestLine:
    reference: str
    title: str
    state: str
    state_label: str
    answered_at: datetime | None
    url: str


def _open_url(token: str, **target: str) -> str:
    return f"{reverse('intake-suggestion-open')}?{urlencode({'intake': token, **target})}"


def _resource_line(resource: Resource, token: str) -> ResourceLine:
    # As the resource list names it: the reader's language, else the original, else the first.
    version = pick_version(list(resource.versions.all()))
    return ResourceLine(
        title=version.title if version else resource.slug,
        summary=version.summary if version else "",
        language=version.language if version else "",
        url=_open_url(token, resource=resource.slug),
    )


def _request_line(request: SupportRequest, token: str) -> RequestLine:
    return RequestLine(
        reference=request.reference,
        title=request.title,
        state=request.state,
        state_label=request.get_state_display(),
        answered_at=request.closed_at or request.delivered_at,
        url=_open_url(token, request=request.reference),
    )


@dataclass(frozen=True)
class SuggestionLines:
    searched: bool
    resources: list[ResourceLine]
    requests: list[RequestLine]

    def __bool__(self) -> bool:
        return bool(self.resources or self.requests)


def suggestion_lines(found: IntakeSuggestions, token: str) -> SuggestionLines:
    return SuggestionLines(
        searched=bool(found.words),
        resources=[_resource_line(resource, token) for resource in found.resources],
        requests=[_request_line(request, token) for request in found.requests],
    )
