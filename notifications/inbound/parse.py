"""What a reply by e-mail says: its new text (quoted history and signature taken off) and its files.

The text part is read when there is one, else the HTML part turned into Markdown (``helpdesk.sanitize``).
Mail clients mark quoted history in HTML (Gmail's ``gmail_quote``, Outlook's ``divRplyFwdMsg`` and its
``border-top`` header block, Apple Mail's and Thunderbird's ``blockquote type="cite"``), so the HTML is cut
there before it is converted. In text, quoting is found by mail-parser-reply, which knows English and French
clients' headers ("On … wrote:", "Le … a écrit :", Outlook's "From:/De :" blocks); Arabic clients' are added
to it here, in its own format. Signatures after the "-- " line and the phones' "Sent from my …" lines are
left out; the sign-off a person types ("Best regards, Amal") stays: it is their words.

Inline images (``cid:`` parts of a multipart/related body) follow one rule: an image referenced only from the
quoted history is the earlier message's and is dropped; an image referenced only from a signature block and
smaller than ``SIGNATURE_IMAGE_MAX_BYTES`` is a logo and is dropped; every other image is kept as a file
(``inline=True`` when the body shows it). Attachments are always kept; checking them is the caller's job.

A message that cannot be read at all raises ``MailUnreadable``; nothing else escapes ``reply_content``.
"""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message

from bs4 import BeautifulSoup, Tag
from mailparser_reply.constants import MAIL_LANGUAGES, QUOTED_MATCH_INCLUDE
from mailparser_reply.parser import EmailMessage as ParsedBody

from helpdesk.sanitize import html_to_markdown, strip_controls

# Arabic clients' attribution lines. Gmail: "في الأحد، 6 ديسمبر 2026 في 10:02 ص تمت كتابة ما يلي بواسطة Name
# <a@b>:" (older: "… كتب Name <a@b>:"); Apple Mail and iOS: "في 6 ديسمبر 2026، الساعة 10:02 ص، كتب Name <a@b>:";
# Thunderbird: "في 06/12/2026 10:02، كتب Name:". "في" is also the everyday word "in", so a date digit (Western
# or Arabic-Indic) is required before the verb: "في الاجتماع كتب المدير:" is a sentence, not a header.
# Outlook's header block: "من: … / تاريخ الإرسال: … / إلى: … / الموضوع: …" (two lines at least); Gmail's
# forwarded block mixes "من:" with the English "Date:/Subject:/To:" it does not translate.
_AR_WROTE = r"(?:في|بتاريخ)\s[^\n]*?[0-9٠-٩][^\n]*?\s(?:كتب|تمت كتابة ما يلي بواسطة)\s?[^\n]*:"
# Assigned, not set by default: these patterns are the ones tested here, even if a later library release
# brings its own Arabic entry.
_AR_HEADER_NAMES = "من|المرسل|تاريخ الإرسال|أرسل|إلى|الموضوع|التاريخ|نسخة|نسخة إلى|Date|Subject|To|Cc"
MAIL_LANGUAGES["ar"] = {
    "wrote_header": r"^(" + QUOTED_MATCH_INCLUDE + _AR_WROTE + r")$",
    "from_header": r"((?:(?:^|\n|\n"
    + QUOTED_MATCH_INCLUDE
    + r")[* ]*(?:"
    + _AR_HEADER_NAMES
    + r") ?:[ *]*(?:\s{,2}).*){2,}(?:\n.*){,1})",
    "signatures": ["مع التحية", "مع خالص التحية", "تحياتي", "مع أطيب التحيات"],
    "sent_from": r"(?:أُرسلت|أرسلت|تم الإرسال|مرسل) من",
}
LANGUAGES = ["en", "fr", "ar"]

# No client writes a header line ("On … wrote:", "From: …") longer than this; see _split_reply.
HEADER_LINE_MAX_CHARS = 300
SCAN_MAX_CHARS = 100_000
# Clients nest three or four levels (mixed > related > alternative); a hundred is a crafted message.
MIME_DEPTH_MAX = 32

# A logo in a signature is a few kilobytes; a photo someone pastes is far more.
SIGNATURE_IMAGE_MAX_BYTES = 16 * 1024

# The phones' and webmail apps' footers, in the three languages (a line of its own at the end of the text).
_SENT_FROM = re.compile(
    r"^(?:Sent from my \S.{0,40}|Sent from (?:Outlook|Mail|Yahoo Mail)\b.{0,40}|Get Outlook for (?:iOS|Android)\S*"
    r"|Envoyé de mon \S.{0,40}|Envoyé depuis \S.{0,40}|Envoyé à partir de \S.{0,40}|Obtenir Outlook pour \S.{0,20}"
    r"|(?:أُرسلت|أرسلت|تم الإرسال|مرسل) من \S.{0,40}|احصل على Outlook .{0,20})$",
    re.IGNORECASE,
)
# Forwarding markers left above a forwarded message's header block once the block is cut.
_FORWARD_MARK = re.compile(
    r"^(?:-{3,}|_{3,})?\s*(?:Forwarded message|Begin forwarded message:|Original Message|Message transféré"
    r"|Début du message réexpédié :|Message d'origine|الرسالة المُعاد توجيهها|الرسالة المعاد توجيهها"
    r"|بداية الرسالة المُعاد توجيهها:|الرسالة الأصلية)\s*(?:-{3,}|_{3,})?$",
    re.IGNORECASE,
)
# Attribution lines a client wrapped in two ("On … Name <" / "a@b> wrote:"): joined before matching.
_ATTRIBUTION_START = re.compile(r"^(?:> ?)*(?:On|Le|في|بتاريخ)\s", re.IGNORECASE)
_ATTRIBUTION_END = re.compile(r"(?:wrote|a écrit|كتب|بواسطة)[^\n]*:$|^[^\n]*(?:wrote|a écrit)\s*:$", re.IGNORECASE)
# A header line left above a cut header block when the block's first line is in another language than the rest
# (French Gmail's "De : …" over "Date:/Subject:/To:").
_FROM_LINE = re.compile(r"^[* ]*(?:From|De|من|المرسل) ?:[ *]*\S.*[@<]")
# Where a client's text part stands for an image ("[image: meter.jpg]", Outlook's "[cid:image001.png@…]").
_IMAGE_PLACEHOLDER = re.compile(r"\[(?:image|cid|صورة|Image intégrée)\s?:[^\]\n]*\]", re.IGNORECASE)
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
# Bidi embeddings/isolates, zero-width characters and the byte-order mark: never part of what someone wrote.
_INVISIBLE = {ord(c): None for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u2060\ufeff"}
_MARKS_AT_EDGES = re.compile(r"^[\u200e\u200f\u061c ]+|[\u200e\u200f\u061c ]+$", re.MULTILINE)
_SPACES = re.compile(r"[\u00a0\u202f\u2007\t]")

# HTML elements that are the quoted history: removed with everything after them (Outlook puts the earlier
# message after its header block, not inside it).
_CUT_FROM = ["#appendonsend", "#divRplyFwdMsg", "div.OutlookMessageHeader", "#mail-editor-reference-message-container"]
# Removed alone: the element is the quote.
_QUOTES = [
    ".gmail_quote",
    ".gmail_attr",
    'blockquote[type="cite"]',
    ".moz-cite-prefix",
    ".yahoo_quoted",
    ".protonmail_quote",
]
_BLOCKS = ["div", "p", "blockquote", "ul", "ol", "table", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr"]
_SIGNATURES = [
    ".gmail_signature",
    ".gmail_signature_prefix",
    ".moz-signature",
    "#Signature",
    "#AppleMailSignature",
    "#ms-outlook-mobile-signature",
    "#ms-outlook-ios-signature",
]


class MailUnreadable(ValueError):
    """The message cannot be read at all (no parseable structure, a body that no charset decodes, a parser
    failure): the caller refuses it; it is never half-read."""


@dataclass(frozen=True)
class InboundFile:
    name: str
    content: bytes
    content_type: str
    inline: bool  # shown in the body (an inline image) rather than attached


@dataclass(frozen=True)
class ReplyContent:
    text: str  # the new text only, as Markdown-ish plain text
    files: tuple[InboundFile, ...]
    from_html: bool  # the message had no text part: its HTML was read


def mail_parse(raw: bytes) -> EmailMessage:
    if not isinstance(raw, bytes | bytearray) or not raw.strip():
        raise MailUnreadable("empty message")
    try:
        message = email.message_from_bytes(bytes(raw), policy=policy.default)
    except Exception as exc:  # the parser is lenient; anything it still raises means unreadable
        raise MailUnreadable(str(exc)) from exc
    assert isinstance(message, EmailMessage)
    return message


def _leaves(part: Message, depth: int = 0) -> Iterator[Message]:
    """The body's leaf parts in order; a forwarded message (message/rfc822) is one leaf, not walked into."""
    if depth > MIME_DEPTH_MAX:
        raise MailUnreadable("MIME parts nested too deeply")
    if part.get_content_maintype() == "multipart":
        payload = part.get_payload()
        if isinstance(payload, list):
            for sub in payload:
                if isinstance(sub, Message):
                    yield from _leaves(sub, depth + 1)
        return
    yield part


def _decode(part: Message) -> str:
    """A text part as text whatever it declares: bytes that are valid UTF-8 are UTF-8 (clients that say
    iso-8859-1 or windows-1256 and send UTF-8 are common, and legacy text is almost never valid UTF-8), then
    the declared charset, then that charset (or UTF-8 when it is unknown) with replacement characters."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    declared = (part.get_content_charset() or "utf-8").strip().strip("\"'").lower()
    aliases = {"unicode-1-1-utf-7": "utf-7", "x-mac-arabic": "mac-arabic", "ks_c_5601-1987": "cp949"}
    declared = aliases.get(declared, declared)
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return payload.decode(declared)
    except (LookupError, UnicodeDecodeError):
        pass
    try:
        return payload.decode(declared, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def _unflow(text: str, *, delsp: bool) -> str:
    """RFC 3676 format=flowed: a line ending in a space continues on the next one (the "-- " line excepted)."""
    lines: list[str] = []
    carry = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line[1:] if line.startswith(" ") else line  # space-stuffing
        if line.endswith(" ") and line != "-- " and not line.startswith(">"):
            carry += line[:-1] if delsp else line
            continue
        lines.append(carry + line)
        carry = ""
    if carry:
        lines.append(carry)
    return "\n".join(lines)


def _text(part: Message) -> str:
    text = _decode(part)
    if part.get_content_type() == "text/plain" and str(part.get_param("format", "")).lower() == "flowed":
        text = _unflow(text, delsp=str(part.get_param("delsp", "")).lower() == "yes")
    return text


def _is_attachment(part: Message) -> bool:
    return part.get_content_disposition() == "attachment" or part.get_filename() is not None


def _content_id(part: Message) -> str:
    return str(part.get("Content-ID", "")).strip().strip("<>").strip()


def _cids(html: str) -> set[str]:
    return {cid.strip() for cid in re.findall(r"cid:([^\"'\s)>]+)", html, flags=re.IGNORECASE)}


def _cut_from(node: Tag) -> list[str]:
    """Remove ``node`` and everything after it in the document; the removed markup."""
    removed: list[str] = []
    current: Tag | None = node
    while current is not None and current.name != "[document]":
        for sibling in list(current.next_siblings):
            removed.append(str(sibling))
            sibling.extract()
        parent = current.parent
        if current is node:
            removed.append(str(current))
            current.extract()
        current = parent if isinstance(parent, Tag) else None
    return removed


@dataclass
class _Html:
    markdown: str
    quote_cids: set[str]
    signature_cids: set[str]


def _html_reply(html: str) -> _Html:
    soup = BeautifulSoup(html, "html.parser")
    for junk in soup(["script", "style", "head", "title", "meta"]):
        junk.decompose()
    signature: list[str] = []
    quote: list[str] = []
    # One pass a list (each select walks the whole tree); an element inside one already taken goes with it.
    for selectors, removed in ((_SIGNATURES, signature), (_QUOTES, quote)):
        for element in soup.select(", ".join(selectors)):
            if element.find_parent(attrs={"data-desk-removed": True}) is None:
                element["data-desk-removed"] = "1"
                removed.append(str(element))
        for element in soup.select("[data-desk-removed]"):
            element.decompose()
    cut = [found for selector in _CUT_FROM if (found := soup.select_one(selector)) is not None]
    # Outlook desktop: the earlier message starts at a div with a top border holding "From:/Sent:" lines.
    for div in soup.find_all("div", style=re.compile(r"border-top:\s*solid", re.IGNORECASE)):
        if isinstance(div, Tag) and re.search(r"(From|De|من)\s?:", div.get_text()):
            cut.append(div)
            break
    if cut:
        # The earliest in the document: everything after it is history.
        order = {id(element): index for index, element in enumerate(soup.find_all(True))}
        first = min(cut, key=lambda element: order.get(id(element), 0))
        # Outlook web puts an <hr> right before the header block.
        previous = first.find_previous_sibling()
        if isinstance(previous, Tag) and previous.name == "hr":
            first = previous
        quote.extend(_cut_from(first))
    # Webmail and Outlook write one line per <div> or <p class="MsoNormal"> (an empty one is a blank line), not
    # paragraphs: such a block holding only inline content becomes its content and a line break.
    # Innermost first, so that a block whose blocks were all lines is a line too. Renamed rather than unwrapped:
    # bs4's unwrap looks the element up among its siblings, quadratic over a long message.
    for block in reversed(soup.find_all(["div", "p"])):
        if block.name == "p" and "MsoNormal" not in (block.get("class") or []):
            continue
        if not any(isinstance(child, Tag) and child.name in _BLOCKS for child in block.children):
            block.append(soup.new_tag("br"))
            block.name = "span"
    markdown = html_to_markdown(str(soup))
    return _Html(markdown, _cids("".join(quote)), _cids("".join(signature)))


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    text = _SPACES.sub(" ", text)
    return _MARKS_AT_EDGES.sub("", text)


def _unwrap_attribution(text: str) -> str:
    lines = text.split("\n")
    joined: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if (
            _ATTRIBUTION_START.match(line)
            and not line.endswith(":")
            and index + 1 < len(lines)
            and lines[index + 1].strip()
            and _ATTRIBUTION_END.search(lines[index + 1])
            # A client's attribution has a date and an address; "On Monday we go." / "He wrote:" is prose.
            and re.search(r"[0-9٠-٩]", line)
            and ("@" in line + lines[index + 1] or "<" in line)
        ):
            following = re.sub(r"^(?:> ?)+", "", lines[index + 1])
            joined.append(f"{line} {following}".replace("< ", "<"))
            index += 2
            continue
        joined.append(line)
        index += 1
    return "\n".join(joined)


def _is_header(found: str) -> bool:
    found = found.strip()
    if "\n" in found and len(re.findall(r"^[^\n]{1,40}?:", found, flags=re.MULTILINE)) >= 2:
        return True  # an Outlook-style block: "From: …" / "Sent: …"
    if not re.search(r"[0-9٠-٩]", found) and "original message" not in found.lower():
        return False
    return "\n" not in found or "@" in found


def _split_reply(text: str) -> tuple[str, str]:
    """(the new text, the signature and footers cut off below it), in normalised text."""
    text = _unwrap_attribution(_normalise(text))
    # The library's header patterns cost time quadratic in a line's length (a 15 KB line of "On On …" takes
    # 8 s): lines longer than any client's header line are hidden behind a token while it reads, and only the
    # first SCAN_MAX_CHARS are searched for a header (a reply that long has its quote kept, not its text cut).
    long_lines: list[str] = []

    def hide(match: re.Match[str]) -> str:
        long_lines.append(match.group(0))
        return f"\ue000{len(long_lines) - 1}\ue000"

    hidden = re.sub(rf"^[^\n]{{{HEADER_LINE_MAX_CHARS + 1},}}$", hide, text, flags=re.MULTILINE)
    window = hidden[:SCAN_MAX_CHARS]
    parsed = ParsedBody(text=window, languages=list(LANGUAGES), keep_hyphen_lists=True)
    # The library's own split (``read``) takes every match of its header patterns; its "On … wrote:" also
    # matches prose over two lines ("On Monday we go.\nKarim wrote:"), which would make the whole reply a
    # quote. Its patterns are used here with one more test: an attribution has a date, and one wrapped over
    # two lines has the wrapped address.
    header = next((match for match in parsed.HEADER_REGEX.finditer(parsed.text) if _is_header(match[0])), None)
    cut_by_header = header is not None
    if header is not None:
        new = parsed.text[: header.start()].strip()
    else:  # no header at all: the whole text, also past the scanned window
        new = "\n".join(line.strip() for line in hidden.split("\n")).strip()
    if long_lines:
        hidden_token = re.compile("\ue000(\\d+)\ue000")
        new = hidden_token.sub(lambda match: long_lines[int(match.group(1))], new)
    lines = new.split("\n")
    cut = len(lines)
    for index, line in enumerate(lines):
        if line.strip() == "--" or re.fullmatch(r"_{20,}", line.strip()):
            cut = index
            break
    kept = lines[:cut]
    # Trailing clutter, from the end up: blank lines, a quoted block without a header, a phone's "Sent from"
    # line, a forwarding marker whose header block was cut.
    while kept and (
        not kept[-1].strip()
        or kept[-1].lstrip().startswith(">")
        or _SENT_FROM.match(kept[-1].strip())
        or _FORWARD_MARK.match(kept[-1].strip())
        or (cut_by_header and _FROM_LINE.match(kept[-1]))
    ):
        kept.pop()
    return "\n".join(kept), "\n".join(lines[len(kept) :])


def _tidy(text: str) -> str:
    text = strip_controls(_IMAGE_PLACEHOLDER.sub("", _MARKDOWN_IMAGE.sub("", text)))
    lines = [re.sub(r"(?<=\S) {2,}", " ", line.rstrip()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def reply_text(text: str) -> str:
    """The newest reply of a mail body: quoted history, client headers, signatures and footers left out."""
    return _tidy(_split_reply(text)[0])


def _reply_content(message: Message) -> ReplyContent:
    plain: list[str] = []
    html: list[str] = []
    images: list[Message] = []
    attachments: list[Message] = []
    for part in _leaves(message):
        kind = part.get_content_type()
        if kind in {"text/plain", "text/html"} and not _is_attachment(part):
            (plain if kind == "text/plain" else html).append(_text(part))
        elif _content_id(part) and part.get_content_maintype() == "image":
            images.append(part)
        else:
            attachments.append(part)
    html_reply = _html_reply("\n".join(html)) if html else None
    from_html = not any(body.strip() for body in plain) and html_reply is not None
    body = html_reply.markdown if from_html and html_reply is not None else "\n".join(plain)
    new, tail = _split_reply(body)
    quote_cids = set(html_reply.quote_cids) if html_reply else set()
    signature_cids = set(html_reply.signature_cids) if html_reply else set()
    shown_cids: set[str] = set()
    if html_reply is not None:
        # The kept HTML's images; those in the text's own signature (after "-- ") count as the signature's.
        kept_markdown, html_tail = _split_reply(html_reply.markdown)
        shown_cids = _cids(kept_markdown)
        signature_cids |= _cids(html_tail) - shown_cids
    if from_html:
        signature_cids |= _cids(tail) - shown_cids
    files = []
    for part in images:
        cid = _content_id(part)
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        referenced = cid in shown_cids or cid in quote_cids or cid in signature_cids
        if cid not in shown_cids and cid in quote_cids:
            continue  # the earlier message's image
        if cid not in shown_cids and cid in signature_cids and len(payload) < SIGNATURE_IMAGE_MAX_BYTES:
            continue  # a signature's logo
        files.append(_file(part, payload, inline=referenced or part.get_content_disposition() == "inline"))
    for part in attachments:
        payload = part.get_payload(decode=True)
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                payload = inner[0].as_bytes()
        if not isinstance(payload, bytes):
            continue
        # An image a phone puts between two text parts (Content-Disposition: inline, no cid) is shown there.
        inline = part.get_content_disposition() == "inline" and part.get_content_maintype() == "image"
        files.append(_file(part, payload, inline=inline))
    return ReplyContent(text=_tidy(new), files=tuple(files), from_html=from_html)


def _file(part: Message, payload: bytes, *, inline: bool) -> InboundFile:
    kind = part.get_content_type()
    name = part.get_filename() or part.get_param("name", header="content-type")
    if not isinstance(name, str) or not name.strip():
        extension = {"message/rfc822": "eml", "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}
        name = f"attachment.{extension.get(kind, 'bin')}"
    return InboundFile(name=name.strip(), content=payload, content_type=kind, inline=inline)


def reply_content(message: EmailMessage) -> ReplyContent:
    """The reply's new text and its files; ``MailUnreadable`` when the message cannot be read at all."""
    try:
        return _reply_content(message)
    except MailUnreadable:
        raise
    except Exception as exc:  # the mail package and the parsers raise many kinds on broken input: one answer
        raise MailUnreadable(f"{type(exc).__name__}: {exc}") from exc


__all__ = [
    "LANGUAGES",
    "SIGNATURE_IMAGE_MAX_BYTES",
    "InboundFile",
    "MailUnreadable",
    "ReplyContent",
    "mail_parse",
    "reply_content",
    "reply_text",
]
