"""The per-person, per-request reply address: ``<REPLY_EMAIL_PREFIX>+<token>@<REPLY_EMAIL_DOMAIN>``.

The token is ``<person>.<request>.<expiry day>.<mac>``: the ids and the day it expires (days since 2020-01-01) in
base 36, and the first 80 bits of an HMAC-SHA256 over them with the desk's secret, in base 32. Lower case
throughout (some mail servers fold a local part's case), 40 characters at most, so the whole local part stays
within the 64 an address allows. It cannot be guessed or changed to name another person or request; an
expired one is refused (``REPLY_TOKEN_DAYS``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

EPOCH = date(2020, 1, 1)
# Every e-mail the desk sends carries this header (with ``loop_value()``), besides ``Auto-Submitted``: a message
# that comes back carrying it is the desk's own mail returning (a forward rule, an auto-reply quoting headers)
# and is refused, so two desks, or a desk and a mailbox rule, never answer each other forever.
LOOP_HEADER = "X-Helpdesk-Loop"
SALT = b"helpdesk.reply-by-mail.v1"
MAC_BYTES = 10


class ReplyTokenInvalid(Exception):
    """The token is malformed or its MAC does not match (forged or altered): ``code`` "forged"."""

    code = "forged"


class ReplyTokenExpired(ReplyTokenInvalid):
    code = "expired"


@dataclass(frozen=True)
class ReplyToken:
    user_id: int
    request_id: int
    expires_on: date


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def _mac(payload: str) -> str:
    key = hashlib.sha256(SALT + settings.SECRET_KEY.encode()).digest()
    digest = hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest()[:MAC_BYTES]
    return base64.b32encode(digest).decode("ascii").lower().rstrip("=")


def reply_token_make(*, user_id: int, request_id: int, today: date | None = None) -> str:
    expires = (today or timezone.localdate()) + timedelta(days=settings.REPLY_TOKEN_DAYS)
    payload = f"{_b36(user_id)}.{_b36(request_id)}.{_b36((expires - EPOCH).days)}"
    return f"{payload}.{_mac(payload)}"


def reply_token_read(token: str, *, today: date | None = None) -> ReplyToken:
    """The person and request ``token`` names; ``ReplyTokenInvalid`` if forged, ``ReplyTokenExpired`` if old."""
    token = token.strip().lower()
    parts = token.split(".")
    if len(parts) != 4 or len(token) > 60:
        raise ReplyTokenInvalid(token)
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(_mac(payload), parts[3]):
        raise ReplyTokenInvalid(token)
    try:
        user_id, request_id, days = (int(part, 36) for part in parts[:3])
    except ValueError as error:
        raise ReplyTokenInvalid(token) from error
    expires = EPOCH + timedelta(days=days)
    if expires < (today or timezone.localdate()):
        raise ReplyTokenExpired(token)
    return ReplyToken(user_id=user_id, request_id=request_id, expires_on=expires)


def reply_address(*, user_id: int, request_id: int) -> str | None:
    """The Reply-To of an e-mail about ``request_id`` to ``user_id``; None when replies by e-mail are off."""
    if not settings.REPLY_EMAIL_DOMAIN:
        return None
    token = reply_token_make(user_id=user_id, request_id=request_id)
    return f"{settings.REPLY_EMAIL_PREFIX}+{token}@{settings.REPLY_EMAIL_DOMAIN}"


def token_in_address(address: str) -> str | None:
    """The token of a reply address (``prefix+token@domain``) if it is one of the desk's, else None."""
    local, _, domain = address.strip().strip("<>").rpartition("@")
    if not settings.REPLY_EMAIL_DOMAIN or domain.lower() != settings.REPLY_EMAIL_DOMAIN.lower():
        return None
    prefix, plus, token = local.partition("+")
    if not plus or prefix.lower() != settings.REPLY_EMAIL_PREFIX.lower() or not token:
        return None
    return token


def loop_value() -> str:
    """This desk's mark in ``LOOP_HEADER``: a digest of its address, the same on every worker."""
    return hashlib.sha256(f"loop:{settings.SITE_URL}".encode()).hexdigest()[:16]
