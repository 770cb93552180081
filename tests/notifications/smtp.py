"""A real SMTP server on a free localhost port (aiosmtpd), recording what it receives, for the tests."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """The aiosmtpd handler: every message accepted, parsed, in arrival order."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        # A slow server: each recipient is accepted after this many seconds (before any data is sent, so a
        # client that dies meanwhile has delivered nothing). ``_waiting`` holds when each wait began.
        self.rcpt_delay = 0.0
        self._waiting: dict[int, float] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_delay:
            key = id(session)
            with self._lock:
                self._waiting[key] = time.monotonic()
            try:
                await asyncio.sleep(self.rcpt_delay)
            finally:
                with self._lock:
                    self._waiting.pop(key, None)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def waiting_for_at_least(self, seconds: float) -> int:
        """How many clients are held in the slow step with at least ``seconds`` of it still ahead."""
        now = time.monotonic()
        with self._lock:
            return sum(1 for began in self._waiting.values() if began + self.rcpt_delay - now >= seconds)

    async def handle_DATA(self, server, session, envelope):
        parsed = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(parsed)
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self._lock:
            return [m["Message-ID"] for m in self.messages]


class SMTPServer:
    """Start, stop and start again on the same port, as a mail server that goes away and comes back."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> SMTPServer:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
