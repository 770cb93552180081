"""Read one e-mail (RFC 822) on standard input and hand it to the reply gateway: an MTA's pipe, e.g. Postfix's
``reply: "|/srv/helpdesk/.venv/bin/python /srv/helpdesk/manage.py receive_mail"`` in ``/etc/aliases``.

Exit status (sysexits, which MTAs read): 0 when the reply became a message or is held for its sender; 65
(EX_DATAERR) when it was refused, the reason on standard error (the MTA bounces it to the sender with that
line); 75 (EX_TEMPFAIL) when the desk's database cannot be reached, so the MTA keeps the mail and tries again.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError

from notifications.inbound.receive import mail_receive
from notifications.models import InboundMail

EX_OK = 0
EX_DATAERR = 65
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Read one e-mail on standard input and post it as a reply on its request (for an MTA's pipe)."

    def handle(self, *args: Any, **options: Any) -> None:
        raw = sys.stdin.buffer.read()
        try:
            row = mail_receive(raw=raw, via=InboundMail.Via.PIPE)
        except (OperationalError, InterfaceError) as error:
            self.stderr.write(f"temporary failure: the desk's database cannot be reached ({error.__class__.__name__})")
            sys.exit(EX_TEMPFAIL)
        if row.outcome == InboundMail.Outcome.REFUSED:
            self.stderr.write(f"refused: {row.reason}")
            sys.exit(EX_DATAERR)
        self.stdout.write(f"{row.outcome}{f': {row.reason}' if row.reason else ''}")
