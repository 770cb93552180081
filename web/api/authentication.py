"""Who calls the API: a personal token (``Authorization: Token <key>``), or the desk's own session."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from helpdesk.models import ApiToken, User
from helpdesk.services import api_token_authenticate

KEYWORDS = (b"token", b"bearer")


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    """A token made on the profile page acts as its owner, with their role and scope at this moment; an
    unknown, expired or revoked token, or one whose owner was deactivated or suspended, is refused (401)."""

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as: Authorization: Token <key>."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from error
        token = api_token_authenticate(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("This token is not valid: unknown, expired or revoked, or its owner may no longer use the desk.")
            )
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Token realm="api"'


class DeskSessionAuthentication(authentication.SessionAuthentication):
    """The desk's own pages calling the API with the signed-in session (CSRF-checked on writes)."""


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    """How the schema names the token: an API key in the ``Authorization`` header, ``Token <key>``."""

    target_class = "web.api.authentication.PersonalTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A personal token made on your profile page, sent as `Token <key>`.",
        }


class DeskSessionScheme(OpenApiAuthenticationExtension):
    """The desk's session cookie, for its own pages' scripts (writes need the CSRF token)."""

    target_class = "web.api.authentication.DeskSessionAuthentication"
    name = "deskSession"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
