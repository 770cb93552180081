"""The client-format reply fixtures in ``mails/`` (see its README.txt), ready to replay with real addresses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MAILS = Path(__file__).parent / "mails"
EML_NAMES = sorted(path.stem for path in MAILS.glob("*.eml"))
PLACEHOLDERS = ("{{FROM}}", "{{REPLY_TO}}", "{{MESSAGE_ID}}")


def eml_fixture(
    name: str,
    *,
    sender: str = "Someone <someone@city.example>",
    reply_to: str = "reply+token@desk.example",
    message_id: str = "fixture@mail.example",
) -> bytes:
    """The fixture's bytes with its placeholders replaced (``message_id`` without angle brackets)."""
    raw = (MAILS / f"{name}.eml").read_bytes()
    for placeholder, value in zip(PLACEHOLDERS, (sender, reply_to, message_id), strict=True):
        raw = raw.replace(placeholder.encode(), value.encode())
    return raw


def eml_expected(name: str) -> dict[str, Any]:
    """What ``reply_content`` must give for the fixture: ``text``, ``files`` (name, content_type, inline),
    ``from_html``."""
    return json.loads((MAILS / f"{name}.expected.json").read_text(encoding="utf-8"))
