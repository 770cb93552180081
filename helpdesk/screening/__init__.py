"""Personal-data screening of free text before it is stored.

``screen(text)`` returns what looks like personal data: e-mail addresses, phone numbers, identity or
passport numbers, IBANs (checksum verified), payment-card numbers (Luhn verified) and a name with a date
of birth, each with its kind and its span in the text. Intake services (``request_create``,
``request_update_draft``, ``message_post``) call ``screen_fields`` and raise ``PersonalDataFound`` unless
the author confirmed; confirmed content is stored as restricted with ``screening_flags`` (kinds and spans,
never the values themselves). Patterns are in ``patterns``, checksums in ``checks``, the search in
``detect``.

How: compiled patterns run over a copy of the text whose Arabic-Indic and Persian digits are read as ASCII
digits (one character for one, so spans point into the author's text), those that start with a keyword only
near runs of digits; ``phonenumbers`` is asked only about phone-shaped candidates not already read as
something more specific. The cost grows linearly with the text; a text longer than
``settings.TEXT_MAX_CHARS`` is refused (``ValidationError``).
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
  Numbers spelt out in words are missed; short service numbers (112, 15) are ignored on purpose.
- Identity numbers: a number (five digits or more, or letters and four digits) after a keyword in English,
  French or Arabic, up to five words after it (passport, ID, BSN, NINO, SIN/NAS, CNIC, Aadhaar, NIR, CIN,
  NIN, DNI/NIE, Emirates ID, Teudat Zehut, TC Kimlik, جواز, هوية, إقامة, الرقم الوطني …); without a keyword,
  French NIR, Spanish DNI/NIE, Indian Aadhaar (spaced), Emirates ID and South African, Egyptian and Turkish
  numbers by their checksum or date structure, NINO/CNIC/SSN shapes, letter-prefixed passport-like codes
  and runs of 11 or more digits. A national ID of 10 digits or fewer without a keyword is missed (a BSN or
  SIN alone: their checksums pass for one number in ten or eleven).
- Not reported, on purpose: amounts (a number next to a currency or a counted noun: ``12 500 000 MAD``,
  ``٢٥٠٠٠ درهم``, ``45 000 fans``), ISBN/ISSN after their keyword (and ISBN-13 by checksum), meeting,
  ticket, order and reference numbers right after their keyword (``Meeting ID: 845 1234 5678``), passcodes,
  organisation numbers after their keyword (SIRET, SIREN, RNA, company or charity number, VAT,
  السجل التجاري …), references (``SCN-2026-000123``, ``PRJ-2026-001``) and dates. A personal number written
  in such a place (a phone number typed as a "reference") is missed for the same reason.
- Keywords are looked for at most 160 characters before a number; a number further from its keyword is
  judged on its own shape.
- E-mail addresses in any script (``علي@مثال.مصر``), with a space after ``@`` or on both sides, or obfuscated
  as ``name [at] domain [dot] org`` are found; ``name at domain dot org`` is not, nor ``name @domain.org``
  (a space before ``@`` alone): that is how colleagues are @mentioned (``thanks @amina.haddad``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from helpdesk.screening import detect
from helpdesk.screening.patterns import PHONE_REGIONS as PHONE_REGIONS  # the hubs' regions, re-exported

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


def scan(text: str) -> list[Finding]:
    """``screen`` without the size limit (for measurements): every pass is linear in the text."""
    # Report the author's own characters (Arabic-Indic digits included), not the normalised copy.
    return [Finding(kind, start, end, text[start:end]) for start, end, kind in detect.found(text)]


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
