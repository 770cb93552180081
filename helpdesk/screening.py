"""Personal-data screening of free text before it is stored.

``screen(text)`` returns what looks like personal data: e-mail addresses, phone numbers, identity or
passport-like numbers, IBANs (checksum verified) and payment-card numbers (Luhn verified), each with its
kind and its span in the text. Intake services (``request_create``, ``request_update_draft``,
``message_post``) call ``screen_fields`` and raise ``PersonalDataFound`` unless the author confirmed; confirmed
content is stored as restricted with ``screening_flags`` (kinds and spans, never the values themselves).

Known limits (the screening is a safety net that warns the author, not a guarantee):
- Names of people, street addresses, dates of birth, licence plates and health details are not detected:
  they have no pattern that separates them from ordinary prose.
- Phone numbers are matched with ``phonenumbers`` in international format (``+…`` or ``00…``) anywhere, and
  in national format for the regions listed in ``PHONE_REGIONS`` only; a national number of another
  country (``0…`` written without its country code) may be missed. Numbers spelt out in words, or split by
  unusual separators (``07-12.34/56 78``), are missed. Short service numbers (112, 15) are ignored on
  purpose.
- A phone-like number that is valid in a listed region is reported even if it is something else (an
  eight-digit company number can look like a Kenyan or Moroccan number); reference-like tokens
  (``SCN-2026-000123``), dates, year ranges, decimal numbers and grouped amounts are excluded explicitly.
- Numbers in ranges no operator allocates (fictional numbers such as ``+44 7700 900123``) are not
  reported: the matcher only accepts numbers valid in their country.
- Identity numbers have no universal format: we report a number introduced by a keyword (passport, ID,
  CIN, جواز …) in English, French or Arabic, letter-prefixed passport-like codes (``AB1234567``), US social
  security numbers (``123-45-6789``) and any run of 11 or more digits. A bare national ID of 10 digits or
  fewer without a keyword is missed.
- E-mail addresses obfuscated as ``name [at] domain [dot] org`` are found; other obfuscations
  (``name at domain``) are not.
- Arabic-Indic and Persian digits are read as digits; other scripts' digits are not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import phonenumbers
from django.utils.translation import gettext_lazy as _

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


_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

_EMAIL = re.compile(
    r"[\w.%+-]+(?:@|\s?[\[(]\s?(?:at|arobase)\s?[\])]\s?)[\w-]+(?:(?:\.|\s?[\[(]\s?(?:dot|point)\s?[\])]\s?)[\w-]+)*"
    r"(?:\.|\s?[\[(]\s?(?:dot|point)\s?[\])]\s?)[A-Za-z]{2,}",
    re.IGNORECASE,
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?\b", re.IGNORECASE)
_CARD = re.compile(r"\b\d(?:[ -]?\d){12,18}\b")
_ID_KEYWORD = re.compile(
    r"(?:passport|passeport|identity(?:\s+card)?|identité|id\s*(?:card|no\.?|number|#)?|national\s+id|"
    r"n[°º]\s*d['’]identité|carte\s+d['’]identité|cin|cni|nin|ssn|social\s+security|sécurité\s+sociale|"
    r"numéro\s+fiscal|tax\s+id|permis|driving\s+licen[cs]e|"
    r"جواز(?:\s+السفر)?|الهوية|هوية|بطاقة\s+التعريف|البطاقة\s+الوطنية|الرقم\s+الوطني|رقم\s+وطني|الرقم\s+القومي)"
    r"[^\w\n]{0,6}(?:(?:number|no|num|numéro|n[°º]|رقم|#|is|est|:)[^\w\n]{0,4}){0,3}"
    r"(?P<value>(?=[A-Z0-9 -]*\d(?:[ -]?\d){4})[A-Z0-9](?:[A-Z0-9]|[ -](?=[A-Z0-9])){4,24})",
    re.IGNORECASE,
)
# Letter-prefixed codes (most passports and many ID cards) and the French passport's 2 digits, 2 letters, 5 digits.
_PASSPORT_LIKE = re.compile(r"\b(?:[A-Z]{1,2}\d{6,9}|\d{2}[A-Z]{2}\d{5})\b")
_SSN = re.compile(r"\b\d{3}-\d{2}-\d{4}\b")
_LONG_DIGITS = re.compile(r"\b\d{11,18}\b")
# Shapes that phonenumbers may accept somewhere but that are not phone numbers: a number starting with a
# year (references, ISO dates, year ranges), a dd.mm.yyyy date, a decimal number (coordinates, ratios).
_NOT_PHONE = re.compile(r"^\(?(?:(?:19|20)\d\d\s?[-–/.]|\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d\d$|\d{1,3}[.,]\d{3,}$)")
_IBAN_LENGTHS = {
    "AL": 28, "AT": 20, "BA": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "DZ": 26, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28,
    "IE": 22, "IQ": 23, "IT": 27, "JO": 30, "LB": 28, "LU": 20, "MA": 28, "ME": 22, "MK": 19, "MT": 31,
    "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "RO": 24, "RS": 22, "SA": 24, "SE": 24,
    "SI": 19, "SK": 24, "TN": 24, "TR": 26, "AE": 23, "XK": 20, "QA": 29, "KW": 30, "BH": 22, "MR": 27,
}  # fmt: skip


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


def _ibans(text: str) -> list[Finding]:
    """IBAN-shaped runs, shortened group by group until the checksum holds (``… 9244 est`` → ``… 9244``)."""
    found = []
    for match in _IBAN.finditer(text):
        parts = list(re.finditer(r"[A-Z0-9]+", match.group(), re.IGNORECASE))
        for count in range(len(parts), 0, -1):
            end = parts[count - 1].end()
            candidate = match.group()[:end]
            if _iban_valid(candidate):
                found.append(Finding("iban", match.start(), match.start() + end, candidate))
                break
    return found


def _iban_valid(candidate: str) -> bool:
    compact = re.sub(r"[ -]", "", candidate).upper()
    expected = _IBAN_LENGTHS.get(compact[:2])
    if expected is not None and len(compact) != expected:
        return False
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def _luhn_valid(candidate: str) -> bool:
    digits = [int(d) for d in candidate if d.isdigit()]
    if not 13 <= len(digits) <= 19 or len(set(digits)) == 1:
        return False
    total = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def _phone_plausible(text: str, start: int, end: int) -> bool:
    raw = text[start:end]
    before = text[max(0, start - 1) : start]
    after = text[end : end + 1]
    # Glued to a longer token (SCN-2026-000123, 2026/0457/12, v1.2026.0001): not a phone number.
    if before and (before.isalnum() or before in "-/._") and not raw.startswith("+"):
        return False
    if after and (after.isalnum() or after in "-/_"):
        return False
    return raw.count("/") <= 1 and not _NOT_PHONE.match(raw)


def _phones(text: str) -> list[Finding]:
    found: dict[tuple[int, int], Finding] = {}
    for region in ("ZZ", *PHONE_REGIONS):
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            key = (match.start, match.end)
            if key not in found and _phone_plausible(text, match.start, match.end):
                found[key] = Finding("phone", match.start, match.end, match.raw_string)
    return list(found.values())


def _regex(kind: str, pattern: re.Pattern[str], text: str, group: str | int = 0) -> list[Finding]:
    return [Finding(kind, m.start(group), m.end(group), m.group(group)) for m in pattern.finditer(text)]


def _ranked(rank: int, findings: list[Finding]) -> list[tuple[int, Finding]]:
    return [(rank, finding) for finding in findings]


def screen(text: str | None) -> list[Finding]:
    """Everything in ``text`` that looks like personal data, in reading order, without overlaps."""
    if not text:
        return []
    # Arabic-Indic digits are read as digits; the translation keeps every offset in place.
    plain = text.translate(_DIGITS)
    # When two findings overlap, the more specific one wins (lower rank): a checksum beats a pattern, a
    # keyword beats a bare number.
    candidates = [
        *_ranked(0, _ibans(plain)),
        *_ranked(1, [f for f in _regex("card", _CARD, plain) if _luhn_valid(f.text)]),
        *_ranked(2, _regex("email", _EMAIL, plain)),
        *_ranked(3, _regex("id_number", _ID_KEYWORD, plain, "value")),
        *_ranked(3, _regex("id_number", _SSN, plain)),
        *_ranked(4, _phones(plain)),
        *_ranked(5, _regex("id_number", _PASSPORT_LIKE, plain)),
        *_ranked(6, _regex("id_number", _LONG_DIGITS, plain)),
    ]
    chosen: list[Finding] = []
    for _rank, finding in sorted(candidates, key=lambda c: (c[0], -(c[1].end - c[1].start), c[1].start)):
        if all(finding.end <= other.start or finding.start >= other.end for other in chosen):
            chosen.append(finding)
    # Report the author's own characters (Arabic-Indic digits included), not the normalised copy.
    return [Finding(f.kind, f.start, f.end, text[f.start : f.end]) for f in sorted(chosen, key=lambda f: f.start)]


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
