"""What every e-mail the desk sends carries, whatever it is about (a notification, a digest, an account notice,
a password reset): the headers that keep machines from answering it and let the reply gateway know it again.

``Auto-Submitted: auto-generated`` (RFC 3834) tells vacation responders and well-behaved robots not to answer;
``X-Auto-Response-Suppress: All`` asks the same of Exchange and Outlook, which do not read RFC 3834; the loop
header (``notifications.inbound.tokens.LOOP_HEADER``) marks the mail as this desk's, so that when it comes back
(a forwarding rule, an auto-reply that quotes headers) the gateway refuses it instead of answering it.
"""

from __future__ import annotations

from notifications.inbound.tokens import LOOP_HEADER, loop_value


def desk_mail_headers() -> dict[str, str]:
    """The headers every outgoing e-mail of the desk carries (a new dict each time: callers add their own)."""
    return {
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
        LOOP_HEADER: loop_value(),
    }
