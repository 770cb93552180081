"""The IMAP poller: replies by e-mail from a hosted mailbox (``IMAP_URL``), for a desk without its own MTA.

``IMAP_URL`` is ``imap://`` or ``imaps://user:password@host:port/INBOX?processed=Processed&refused=Refused``
(user and password percent-encoded; the mailbox and the two folders ASCII names). Each message in the mailbox is
read (without marking it seen), handed to ``mail_receive``, then moved: to the processed folder when it became a
message, was held for its sender, or was a copy of one read before; to the refused folder otherwise. MOVE when
the server has it (RFC 6851), else COPY, ``\\Deleted`` and EXPUNGE; missing folders are created. A message whose
processing failed (the database, a bug) is left where it is for the next poll. Two polls at once are safe: a
message read by both becomes one message (the Message-ID is recorded once), the other poll finds it gone or a
duplicate.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings

from notifications.inbound.receive import mail_receive
from notifications.models import InboundMail

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 60
# At most this many messages a poll (one a minute): a flooded mailbox is emptied over several polls.
BATCH = 200


class ImapConfigError(ValueError):
    """``IMAP_URL`` cannot be read."""


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    tls: bool
    user: str
    password: str
    mailbox: str
    processed: str
    refused: str


def imap_settings(url: str) -> ImapSettings:
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname or parts.username is None:
        raise ImapConfigError("IMAP_URL must be imap:// or imaps://user:password@host[:port]/MAILBOX")
    query = parse_qs(parts.query)
    tls = parts.scheme == "imaps"
    return ImapSettings(
        host=parts.hostname,
        port=parts.port or (993 if tls else 143),
        tls=tls,
        user=unquote(parts.username),
        password=unquote(parts.password or ""),
        mailbox=unquote(parts.path.lstrip("/")) or "INBOX",
        processed=query.get("processed", ["Processed"])[0],
        refused=query.get("refused", ["Refused"])[0],
    )


def _quoted(name: str) -> str:
    """A mailbox name as an IMAP quoted string (imaplib sends arguments as they are)."""
    if not name or not name.isascii() or any(c in name for c in "\r\n"):
        raise ImapConfigError(f"Mailbox names must be ASCII: {name!r}")
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _connect(config: ImapSettings) -> imaplib.IMAP4:
    if config.tls:
        return imaplib.IMAP4_SSL(
            config.host, config.port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT_SECONDS
        )
    return imaplib.IMAP4(config.host, config.port, timeout=TIMEOUT_SECONDS)


def imap_poll(*, url: str | None = None) -> dict[str, int]:
    """Read the mailbox of ``url`` (default ``settings.IMAP_URL``; nothing to do when it is empty); returns how
    many messages were accepted, held, refused, and failed (left for the next poll)."""
    counts = {"accepted": 0, "held": 0, "refused": 0, "failed": 0}
    url = settings.IMAP_URL if url is None else url
    if not url:
        return counts
    config = imap_settings(url)
    connection = _connect(config)
    try:
        connection.login(config.user, config.password)
        for folder in (config.processed, config.refused):
            _folder_ensure(connection, folder)
        status, _data = connection.select(_quoted(config.mailbox))
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot open mailbox {config.mailbox!r}")
        moves = "MOVE" in connection.capabilities
        status, data = connection.uid("SEARCH", "UNDELETED")
        uids = [u.decode() for u in data[0].split()[:BATCH]] if status == "OK" and data and data[0] else []
        copied: list[str] = []
        for uid in uids:
            raw = _fetch(connection, uid)
            if raw is None:
                continue  # gone: another poll took it
            try:
                row = mail_receive(raw=raw, via=InboundMail.Via.IMAP)
            except Exception:
                # The desk failed, not the mail: leave it for the next poll.
                logger.exception("IMAP poll: message %s could not be processed; it stays for the next poll", uid)
                counts["failed"] += 1
                continue
            counts[row.outcome] += 1
            read = row.outcome != InboundMail.Outcome.REFUSED or row.reason == "duplicate"
            if _move(connection, uid, config.processed if read else config.refused, moves=moves):
                copied.append(uid)
        if copied:
            connection.expunge()
        connection.close()
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            connection.logout()
    return counts


def _folder_ensure(connection: imaplib.IMAP4, folder: str) -> None:
    status, data = connection.list('""', _quoted(folder))
    if status == "OK" and any(item for item in data if item):
        return
    status, data = connection.create(_quoted(folder))
    if status != "OK" and b"exists" not in b" ".join(d for d in data if isinstance(d, bytes)).lower():
        raise imaplib.IMAP4.error(f"cannot create folder {folder!r}: {data!r}")


def _fetch(connection: imaplib.IMAP4, uid: str) -> bytes | None:
    status, data = connection.uid("FETCH", uid, "(BODY.PEEK[])")
    if status != "OK":
        return None
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and re.search(rb"BODY\[\]", item[0]):
            return bytes(item[1])
    return None


def _move(connection: imaplib.IMAP4, uid: str, folder: str, *, moves: bool) -> bool:
    """Move one message; returns True when it was copied and flagged, to be expunged (no MOVE on the server)."""
    if moves:
        status, data = connection.uid("MOVE", uid, _quoted(folder))
        if status != "OK":
            logger.warning("IMAP poll: message %s not moved to %s: %r", uid, folder, data)
        return False
    status, data = connection.uid("COPY", uid, _quoted(folder))
    if status != "OK":
        logger.warning("IMAP poll: message %s not copied to %s: %r", uid, folder, data)
        return False
    connection.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)")
    return True
