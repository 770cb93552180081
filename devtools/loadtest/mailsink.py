"""A mail server for the load test: accepts every e-mail after a relay's delay and keeps it in a folder.

The delay is what makes a killed task cluster die mid-send, as it would with a real relay: the file backend
writes an e-mail in a millisecond, and a kill would then almost never find one in flight.
"""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class _Keep:
    def __init__(self, folder: Path, delay: float) -> None:
        self.folder, self.delay, self.count = folder, delay, itertools.count()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.delay)
        content = envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode()
        (self.folder / f"{next(self.count):06d}.eml").write_bytes(content)
        return "250 OK"


def mail_sink(*, folder: Path, port: int, delay: float) -> Controller:
    folder.mkdir(parents=True, exist_ok=True)
    controller = Controller(_Keep(folder, delay), hostname="127.0.0.1", port=port)
    controller.start()
    return controller
