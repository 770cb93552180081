"""Personal-data screening of free text before it is stored.

``screen(text)`` returns what looks like personal data: e-mail addresses, phone numbers, identity or
passport numbers, IBANs (checksum verified), payment-card numbers (Luhn verified) and a name with a date
of birth, each with its kind and its span in the text. Intake services (``request_create``,
``request_update_draft``, ``message_post``) call ``screen_fields`` and raise ``PersonalDataFound`` unless
the author confirmed; confirmed content is stored as restricted with ``screening_flags`` (kinds and spans,
never the values themselves). Patterns are in ``patterns``, checksums in ``checks``.

How: every pattern is one compiled pass over a copy of the text whose Arabic-Indic and Persian digits are
read as ASCII digits (one character for one, so spans point into the author's text); ``phonenumbers`` is
asked only about phone-shaped candidates not already read as something more specific. The cost grows
linearly with the text; a text longer than ``settings.TEXT_MAX_CHARS`` is refused (``ValidationError``).
Overlaps are settled by specificity: what is recognised as not personal wins, then checksums and keywords,
then phone numbers, then bare shapes.

Known limits (the screening is a safety net that warns the author, not a guarantee):
- Street addresses, licence plates, health details and names on their own are not detected. A name is
  reported only with a date of birth: after "date of birth"/"date de naissance"/"تاريخ الميلاد"/"مواليد"
  (the date alone is enough), or after "born"/"né(e)" when a capitalised name comes just before; a birth
  year alone ("born in 1990") is not reported.
- Phone numbers: international format (``+…``/``00…``) anywhere, accepted when possible in their country
  (fictional ranges such as ``+44 7700 900123`` included); national format for ``PHONE_REGIONS`` only, and
  without a trunk ``0`` only after a phone word (phone, tél., هاتف …) or in the US ``(202) 555-0143`` shape.
  Numbers spelt out in words or split by unusual separators (``07-12.34/56 78``) are missed; short service
  numbers (112, 15) are ignored on purpose.
- Identity numbers: a number (five digits or more, or letters and four digits) after a keyword in English,
  French or Arabic, up to five words after it (passport, ID, BSN, NINO, SIN/NAS, CNIC, Aadhaar, NIR, CIN,
  NIN, DNI/NIE, Emirates ID, Teudat Zehut, TC Kimlik, جواز, هوية, إقامة, الرقم الوطني …); without a keyword,
  French NIR, Spanish DNI/NIE, Indian Aadhaar (spaced), Emirates ID and South African, Egyptian and Turkish
  numbers by their checksum or date structure, NINO/CNIC/SSN shapes, letter-prefixed passport-like codes
  and runs of 11 or more digits. A national ID of 10 digits or fewer without a keyword is missed (a BSN or
  SIN alone: their checksums pass for one number in ten or eleven).
- Not reported, on purpose: amounts (a number next to a currency or a counted noun: ``12 500 000 MAD``,
  ``٢٥٠٠٠ درهم``, ``45 000 fans``), ISBN/ISSN after their keyword (and ISBN-13 by checksum), meeting,
  ticket and order ids, passcodes, organisation numbers after their keyword (SIRET, SIREN, RNA, company or
  charity number, VAT, السجل التجاري …), references and dates. A personal number written right after such
  a word (``Meeting ID`` followed by someone's phone) is missed for the same reason.
- E-mail addresses in any script (``علي@مثال.مصر``), with a space around ``@``, or obfuscated as
  ``name [at] domain [dot] org`` are found; ``name at domain dot org`` is not.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from helpdesk.screening import checks, patterns

# The network's hubs and their most common national formats; international formats are found anywhere.
PHONE_REGIONS = (
    "GB", "US", "FR", "BE", "DE", "NL", "KE", "UG", "TZ", "ET", "ZA", "LB", "JO", "MA", "TN", "DZ",
    "EG", "IQ", "IN", "PK", "BD", "LK", "MK", "BA", "RS", "AL", "XK", "CA", "NG", "SN", "CM",
)  # fmt: skip

KIND_LABELS = {
    "email": _("an e-mail address"),
    "phone": _("a phone number"),
    "id_number": _("an identity or passport number"),
    "iban": _("a bank account number (IBAN)"),
    "card": _("a payment card number"),
    "birth_date": _("a name with a date of birth"),
}

# What a finding is called where it was found: whole sentences per field, so that each language can make its
# verb agree with the field (Arabic: يحتوي العنوان / تحتوي الرسالة). Keys are the services' field names.
FIELD_SENTENCES = {
    "body": _("The message contains what looks like %(what)s: “%(text)s”"),
    "title": _("The title contains what looks like %(what)s: “%(text)s”"),
    "description": _("The description contains what looks like %(what)s: “%(text)s”"),
    "summary": _("The summary contains what looks like %(what)s: “%(text)s”"),
}
# A field without a sentence of its own (one added later) still never shows its internal name.
OTHER_FIELD_SENTENCE = _("The text contains what looks like %(what)s: “%(text)s”")
# Unicode's first-strong isolate: the found text keeps its own direction inside a sentence of the other.
_ISOLATE, _POP = "\u2068", "\u2069"


def kind_label(kind: str) -> str:
    """What a finding's kind is called, in the active language ("a phone number")."""
    return str(KIND_LABELS.get(kind, _("personal data")))


# Arabic-Indic and Persian digits read as digits, the Arabic decimal and thousands separators as . and ,:
# one character for one, so that every offset found in the copy is an offset in the author's text.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
# A letter that is a whole Arabic word glued to what follows (و0612…: "and 0612…"), and the tatweel.
_CLITICS = "وفبلكـ"


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    def as_flag(self, field: str) -> dict[str, Any]:
        """What is stored on the row: where and what kind, never the value itself."""
        return {"field": field, "kind": self.kind, "start": self.start, "end": self.end}

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# A candidate: (rank, start, end, kind); the lower rank wins an overlap. Rank 0 is what is recognised as not
# personal (amounts, ISBNs, meeting ids, organisation numbers): it wins and is dropped at the end.
_Candidate = tuple[int, int, int, str]
_IGNORED = ""


def _starts_word(plain: str, start: int) -> bool:
    """Nothing glued before ``start``, or only an Arabic one-letter word (و, ب …) at a word's start."""
    if start == 0 or not (plain[start - 1].isalnum() or plain[start - 1] in "-/._"):
        return True
    return plain[start - 1] in _CLITICS and (start == 1 or not plain[start - 2].isalnum())


def _ignored(plain: str) -> list[_Candidate]:
    return [(0, m.start(), m.end(), _IGNORED) for m in patterns.NOT_PERSONAL.finditer(plain)]


def _ibans(plain: str) -> list[_Candidate]:
    """IBAN-shaped runs, shortened group by group until the checksum holds (``… 9244 est`` → ``… 9244``)."""
    found = []
    for match in patterns.IBAN.finditer(plain):
        parts = list(re.finditer(r"[A-Z0-9]+", match.group(), re.IGNORECASE))
        for count in range(len(parts), 0, -1):
            end = parts[count - 1].end()
            if checks.iban(match.group()[:end]):
                found.append((1, match.start(), match.start() + end, "iban"))
                break
    return found


def _keyword_ids(plain: str) -> list[_Candidate]:
    found = []
    for match in patterns.ID_KEYWORD.finditer(plain):
        value = match.group("value")
        # A trailing word in capitals is not part of the number (``P4366918 AT``), a lone letter may be.
        value = re.sub(r"[ .-][A-Z]{2,}$", "", value)
        digits = sum(ch.isdigit() for ch in value)
        letters = sum(ch.isalpha() for ch in value)
        if digits >= 5 or (digits >= 4 and letters >= 2):
            start = match.start("value")
            found.append((2, start, start + len(value), "id_number"))
    return found


_BARE_CHECKS = {
    "nir": checks.french_nir,
    "emirates": checks.emirates_id,
    "dni": checks.spanish_dni,
    "aadhaar": checks.aadhaar,
}


def _bare_ids(plain: str) -> list[_Candidate]:
    """Identity numbers without a keyword: by checksum where the scheme has one, by shape otherwise."""
    found = []
    for match in patterns.BARE_ID.finditer(plain):
        kind = match.lastgroup or ""
        value = match.group()
        if kind in _BARE_CHECKS and not _BARE_CHECKS[kind](value):
            continue
        if kind == "digits":
            # ISBN-13 and payment cards have their own answer; a run starting with a year is a reference.
            if checks.isbn(value) or checks.card(value) or re.match(r"(?:19|20)\d\d[01]\d[0-3]\d", value):
                continue
            known = checks.south_african_id(value) or checks.egyptian_id(value) or checks.turkish_id(value)
            rank = 3 if known else 6
        else:
            rank = 5 if kind == "passport" else 3
        found.append((rank, match.start(), match.end(), "id_number"))
    return found


def _cards(plain: str) -> list[_Candidate]:
    return [(3, m.start(), m.end(), "card") for m in patterns.CARD.finditer(plain) if checks.card(m.group())]


def _emails(plain: str) -> list[_Candidate]:
    return [(1, m.start(), m.end(), "email") for m in patterns.EMAIL.finditer(plain)]


def _births(plain: str) -> list[_Candidate]:
    found = []
    for match in patterns.BIRTH.finditer(plain):
        start = match.start()
        if match.group("named"):
            name = patterns.NAME_BEFORE.search(plain, max(0, start - 60), start)
            if name is None:
                continue
            start = name.start()
        found.append((2, start, match.end("date"), "birth_date"))
    return found


def _national_lengths() -> dict[str, frozenset[int]]:
    """Each listed region's possible national lengths, so that a number is parsed only where it can fit."""
    lengths = {}
    for region in PHONE_REGIONS:
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        possible = metadata.general_desc.possible_length if metadata and metadata.general_desc else ()
        lengths[region] = frozenset(possible or range(5, 16))
    return lengths


_LENGTHS = _national_lengths()


@functools.lru_cache(maxsize=4096)
def _phone_valid(raw: str, announced: bool) -> bool:
    """Whether ``raw`` is a phone number: valid in its country (+…/00…: possible is enough, the sign says
    it), or in one of ``PHONE_REGIONS`` when written nationally with a trunk 0, a US shape, or announced."""
    international = raw.startswith(("+", "00"))
    trunk = raw.lstrip("(").startswith("0")
    if not (international or trunk or announced or patterns.NANP.match(raw)):
        return False
    try:
        if international:
            number = phonenumbers.parse("+" + raw[2:] if raw.startswith("00") else raw, None)
            return phonenumbers.is_valid_number(number) or phonenumbers.is_possible_number(number)
        digits = sum(ch.isdigit() for ch in raw)
        national = {digits, digits - 1} if trunk else {digits}
        for region in PHONE_REGIONS:
            if national & _LENGTHS[region] and phonenumbers.is_valid_number(phonenumbers.parse(raw, region)):
                return True
    except phonenumbers.NumberParseException:
        return False
    return False


def _phone_shaped(plain: str, start: int, end: int) -> bool:
    raw = plain[start:end]
    after = plain[end : end + 1]
    if after and (after.isalnum() or after in "-/_"):
        return False
    if not raw.startswith("+") and not _starts_word(plain, start):
        return False
    return raw.count("/") <= 1 and not patterns.NOT_PHONE.match(raw)


def _covered(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies inside one of ``spans`` (sorted, not overlapping)."""
    i = bisect.bisect_right(spans, (start, 1 << 62)) - 1
    return i >= 0 and spans[i][0] <= start and end <= spans[i][1]


def _phones(plain: str, taken: list[tuple[int, int]]) -> list[_Candidate]:
    """Cheap candidates first (one pass); phonenumbers only for those not already inside a more specific
    finding (``taken``), trimmed group by group at the edges."""
    found = []
    for match in patterns.PHONE_CANDIDATE.finditer(plain):
        if _covered(taken, match.start(), match.end()):
            continue
        groups = [(g.start(), g.end()) for g in patterns.PHONE_GROUP.finditer(match.group())]
        base = match.start()
        announced = patterns.PHONE_WORDS.search(plain, max(0, base - 40), base) is not None
        spans = [(0, len(groups))] + [(0, len(groups) - k) for k in (1, 2)] + [(k, len(groups)) for k in (1, 2)]
        for first, last in spans:
            if last - first < 1 or sum(e - s for s, e in groups[first:last]) < 7:
                continue
            start = base + (groups[first][0] if first else 0)
            end = base + groups[last - 1][1]
            if last == len(groups) and match.group().endswith(")"):
                end = match.end()
            if _phone_shaped(plain, start, end) and _phone_valid(plain[start:end], announced):
                found.append((4, start, end, "phone"))
                break
    return found


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _resolve(candidates: list[_Candidate]) -> list[tuple[int, int, str]]:
    """The most specific candidates without overlaps: by rank, then the longest; O(n log n)."""
    starts: list[int] = []
    ends: list[int] = []
    kinds: list[str] = []
    for _rank, start, end, kind in sorted(candidates, key=lambda c: (c[0], c[1] - c[2], c[1])):
        i = bisect.bisect_left(starts, start)
        if (i > 0 and ends[i - 1] > start) or (i < len(starts) and starts[i] < end):
            continue
        starts.insert(i, start)
        ends.insert(i, end)
        kinds.insert(i, kind)
    return [(s, e, k) for s, e, k in zip(starts, ends, kinds, strict=True) if k != _IGNORED]


def scan(text: str) -> list[Finding]:
    """``screen`` without the size limit (for measurements): every pass is linear in the text."""
    plain = text.translate(_DIGITS)
    candidates = [
        *_ignored(plain),
        *_ibans(plain),
        *_emails(plain),
        *_keyword_ids(plain),
        *_births(plain),
        *_bare_ids(plain),
        *_cards(plain),
    ]
    # Phone numbers are the costly check: a number already read as something more specific is not asked.
    taken = sorted((start, end) for rank, start, end, _kind in candidates if rank < 4)
    candidates += _phones(plain, _merged(taken))
    # Report the author's own characters (Arabic-Indic digits included), not the normalised copy.
    return [Finding(kind, start, end, text[start:end]) for start, end, kind in _resolve(candidates)]


def screen(text: str | None) -> list[Finding]:
    """Everything in ``text`` that looks like personal data, in reading order, without overlaps.

    A text longer than ``settings.TEXT_MAX_CHARS`` (what a field accepts) is refused with a
    ``ValidationError``: services limit their fields before screening, so only a caller that skipped the
    limit meets it.
    """
    if not text:
        return []
    limit = settings.TEXT_MAX_CHARS
    if len(text) > limit:
        raise ValidationError(
            _("The text is too long to be checked for personal data (%(length)d characters; at most %(limit)d).")
            % {"length": len(text), "limit": limit},
            code="too_long",
        )
    return scan(text)


def screen_fields(fields: Mapping[str, str | None]) -> dict[str, list[Finding]]:
    """Screen several fields at once; only fields with findings appear in the result."""
    return {name: found for name, value in fields.items() if (found := screen(value))}


def flags_for(findings: dict[str, list[Finding]]) -> list[dict[str, Any]]:
    return [finding.as_flag(field) for field, found in findings.items() for finding in found]


class PersonalDataFound(Exception):
    """Raised by intake services when text looks like personal data and the author has not confirmed.

    ``findings`` maps each field to what was found (kind, span, the matched text) so the form can show it.
    ``confirmable`` is False when a finding sits in a field that may never hold personal data (a title:
    it travels in notifications).
    """

    def __init__(self, findings: dict[str, list[Finding]], *, confirmable: bool = True) -> None:
        self.findings = findings
        self.confirmable = confirmable
        super().__init__(self.summary())

    def summary(self) -> str:
        return "; ".join(f"{field}: {', '.join(f.kind for f in found)}" for field, found in self.findings.items())

    @property
    def messages(self) -> list[str]:
        """One sentence per finding in the reader's language, naming the field as the form does (never its
        internal name); the found text is direction-isolated, as an English number in an Arabic sentence."""
        return [
            str(FIELD_SENTENCES.get(field, OTHER_FIELD_SENTENCE))
            % {"what": f.label, "text": f"{_ISOLATE}{f.text}{_POP}"}
            for field, found in self.findings.items()
            for f in found
        ]
