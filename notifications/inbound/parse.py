"""What a reply by e-mail says: its new text (quoted history and signature taken off) and its files.

The text part is read when there is one, else the HTML part turned into Markdown (``helpdesk.sanitize``);
quoting is found by mail-parser-reply, which knows English and French mail clients' headers ("On … wrote:",
"Le … a écrit :", Outlook's "From:/De :" blocks); Arabic clients' are added to it here, in its own format.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage

from mailparser_reply import EmailReplyParser
from mailparser_reply.constants import MAIL_LANGUAGES, QUOTED_MATCH_INCLUDE

from helpdesk.sanitize import html_to_markdown

# Gmail: "في الأحد، 6 ديسمبر 2026 في 10:02 ص، كتب Name <a@b>:"; Apple Mail: "… كتب …:"; Outlook's header block
# "من: … / تاريخ الإرسال: … / إلى: … / الموضوع: …"; phones: "أُرسلت من …".
MAIL_LANGUAGES.setdefault(
    "ar",
    {
        "wrote_header": r"^(" + QUOTED_MATCH_INCLUDE + r"(?:في|بتاريخ)\s.+?\s?كتب.*:)$",
        "from_header": r"((?:(?:^|\n|\n"
        + QUOTED_MATCH_INCLUDE
        + r")[* ]*(?:من|المرسل|تاريخ الإرسال|أرسل|إلى|الموضوع|التاريخ|نسخة):[ *]*(?:\s{,2}).*){2,}(?:\n.*){,1})",
        "signatures": ["مع التحية", "مع خالص التحية", "تحياتي", "مع أطيب التحيات"],
        "sent_from": r"(?:أُرسلت|أرسلت|تم الإرسال) من",
    },
)
LANGUAGES = ["en", "fr", "ar"]


@dataclass(frozen=True)
class InboundFile:
    name: str
    content: bytes
    content_type: str
    inline: bool  # shown in the body (an inline image, a signature's logo) rather than attached


@dataclass(frozen=True)
class ReplyContent:
    text: str  # the new text only, as Markdown-ish plain text
    files: tuple[InboundFile, ...]
    from_html: bool  # the message had no text part: its HTML was read


def mail_parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _body(message: EmailMessage) -> tuple[str, bool]:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return "", False
    assert isinstance(part, EmailMessage)
    content = part.get_content()
    if part.get_content_subtype() == "html":
        return html_to_markdown(content), True
    return str(content), False


def reply_text(text: str) -> str:
    """The newest reply of a mail body: quoted history, client headers and signatures left out."""
    text = text.replace("\r\n", "\n")
    latest = EmailReplyParser(languages=LANGUAGES).parse_reply(text)
    return re.sub(r"\n{3,}", "\n\n", (latest or "").strip())


def reply_content(message: EmailMessage) -> ReplyContent:
    body, from_html = _body(message)
    files = []
    for part in message.iter_attachments():
        assert isinstance(part, EmailMessage)
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        files.append(
            InboundFile(
                name=part.get_filename() or "attachment",
                content=payload,
                content_type=part.get_content_type(),
                inline=(part.get_content_disposition() or "") == "inline",
            )
        )
    return ReplyContent(text=reply_text(body), files=tuple(files), from_html=from_html)
