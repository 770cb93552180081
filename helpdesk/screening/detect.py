"""Finding the candidates: where each pattern matches, checked, ranked; overlaps settled by rank.

Speed: the text is copied with its digits made ASCII only when it has others; patterns that start with a
digit scan the whole text (the regex engine skips to digits on its own); patterns that start with a word
(keywords) only scan windows before and around runs of digits, and the e-mail pattern windows around ``@``;
``phonenumbers`` is asked only about candidates not already read as something more specific, and only for
regions whose national numbers have that shape.
"""

from __future__ import annotations

import bisect
import functools
import re

import phonenumbers

from helpdesk.screening import checks, patterns
from helpdesk.screening.patterns import PHONE_REGIONS

# Arabic-Indic and Persian digits read as digits, the Arabic decimal and thousands separators as . and ,:
# one character for one, so that every offset found in the copy is an offset in the author's text.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
# A letter that is a whole Arabic word glued to what follows (و0612…: "and 0612…"), and the tatweel.
_CLITICS = "وفبلكـ"


# A candidate: (rank, start, end, kind); the lower rank wins an overlap. Rank 0 is what is recognised as not
# personal (amounts, ISBNs, meeting ids, organisation numbers): it wins and is dropped at the end.
_Candidate = tuple[int, int, int, str]
_Span = tuple[int, int]
_IGNORED = ""
# How far before a run of digits a keyword may start (keyword, up to five words, the number's letters).
_KEYWORD_REACH = 160


def _starts_word(plain: str, start: int) -> bool:
    """Nothing glued before ``start``, or only an Arabic one-letter word (و, ب …) at a word's start."""
    if start == 0 or not (plain[start - 1].isalnum() or plain[start - 1] in "-/._"):
        return True
    return plain[start - 1] in _CLITICS and (start == 1 or not plain[start - 2].isalnum())


def _windows(plain: str, anchors: list[_Span], before: int, after: int) -> list[_Span]:
    """Merged stretches around ``anchors``, each ending at a space (or the end) so that no word is cut: a
    lookahead at a window's end then sees what the text really has there."""
    spans: list[list[int]] = []
    for start, end in anchors:
        low, high = max(0, start - before), end + after
        if spans and low <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], high)
            continue
        if spans:
            spans[-1][1] = _to_space(plain, spans[-1][1])
            if low <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], high)
                continue
        spans.append([low, high])
    if spans:
        spans[-1][1] = _to_space(plain, spans[-1][1])
    return [(low, high) for low, high in spans]


def _to_space(plain: str, index: int) -> int:
    if index >= len(plain):
        return len(plain)
    space = patterns.SPACE.search(plain, index)
    return space.start() if space else len(plain)


def _matches(pattern: re.Pattern[str], plain: str, windows: list[_Span]) -> list[re.Match[str]]:
    return [match for low, high in windows for match in pattern.finditer(plain, low, high)]


def _ignored(plain: str, windows: list[_Span]) -> list[_Candidate]:
    found = []
    for match in patterns.NUMBER.finditer(plain):
        start, end = match.span()
        after = patterns.UNIT_AFTER.match(plain, end)
        if after is not None:
            found.append((0, start, after.end(), _IGNORED))
        elif patterns.CURRENCY_BEFORE.search(plain, max(0, start - 8), start):
            found.append((0, start, end, _IGNORED))
    found += [(0, *m.span(), _IGNORED) for m in _matches(patterns.KEYWORDED_NOT_PERSONAL, plain, windows)]
    return found


def _ibans(plain: str, windows: list[_Span]) -> list[_Candidate]:
    """IBAN-shaped runs, shortened group by group until the checksum holds (``… 9244 est`` → ``… 9244``)."""
    found = []
    for match in _matches(patterns.IBAN, plain, windows):
        parts = list(re.finditer(r"[A-Z0-9]+", match.group(), re.IGNORECASE))
        for count in range(len(parts), 0, -1):
            end = parts[count - 1].end()
            if checks.iban(match.group()[:end]):
                found.append((1, match.start(), match.start() + end, "iban"))
                break
    return found


# A keyword's "number" that is a reference (PRJ-2026-001, 2026-004512): letters then a dash, or a year first.
_REFERENCE = re.compile(r"[A-Z]{2,}-\d|(?:19|20)\d\d[-/]")


def _keyword_ids(plain: str, windows: list[_Span]) -> list[_Candidate]:
    found = []
    for match in _matches(patterns.ID_KEYWORD, plain, windows):
        value = match.group("value")
        # A trailing word in capitals is not part of the number (``P4366918 AT``), a lone letter may be.
        value = re.sub(r"[ .-][A-Z]{2,}$", "", value)
        if _REFERENCE.match(value):
            continue
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
_YEAR_FIRST = re.compile(r"(?:19|20)\d\d[01]\d[0-3]\d")


def _bare_ids(plain: str, windows: list[_Span]) -> list[_Candidate]:
    """Identity numbers without a keyword: by checksum where the scheme has one, by shape otherwise."""
    found = []
    for match in _matches(patterns.BARE_ID, plain, windows):
        kind = match.lastgroup or ""
        value = match.group()
        if kind in _BARE_CHECKS and not _BARE_CHECKS[kind](value):
            continue
        if kind == "digits":
            # ISBN-13 and payment cards have their own answer; a run starting with a date is a reference.
            if checks.isbn(value) or checks.card(value) or _YEAR_FIRST.match(value):
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
    ats = [match.span() for match in patterns.AT_SIGN.finditer(plain)]
    return [(1, *m.span(), "email") for m in _matches(patterns.EMAIL, plain, _windows(plain, ats, 70, 260))]


def _births(plain: str, windows: list[_Span]) -> list[_Candidate]:
    found = []
    for match in _matches(patterns.BIRTH, plain, windows):
        start = match.start()
        if match.group("named"):
            name = patterns.NAME_BEFORE.search(plain, max(0, start - 60), start)
            if name is None:
                continue
            start = name.start()
        found.append((2, start, match.end("date"), "birth_date"))
    return found


def _region_patterns() -> list[tuple[str, str, re.Pattern[str]]]:
    """Each listed region's national prefix and the shape of its national numbers, to ask phonenumbers
    (the costly part) only about regions where the number can be one."""
    found = []
    for region in PHONE_REGIONS:
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        if metadata is None or metadata.general_desc is None:
            continue
        shape = re.compile(metadata.general_desc.national_number_pattern or r"\d+")
        found.append((region, metadata.national_prefix or "", shape))
    return found


_REGIONS = _region_patterns()


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
        digits = "".join(ch for ch in raw if ch.isdigit())
        for region, prefix, shape in _REGIONS:
            national = digits[len(prefix) :] if prefix and digits.startswith(prefix) else digits
            if (shape.fullmatch(national) or shape.fullmatch(digits)) and phonenumbers.is_valid_number(
                phonenumbers.parse(raw, region)
            ):
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
        lead = patterns.PHONE_LEAD.search(plain, max(0, match.start() - 3), match.start())
        base = lead.start() if lead else match.start()
        text = plain[base : match.end()]
        groups = [(g.start(), g.end()) for g in patterns.PHONE_GROUP.finditer(text)]
        announced = patterns.PHONE_WORDS.search(plain, max(0, base - 40), base) is not None
        spans = [(0, len(groups))] + [(0, len(groups) - k) for k in (1, 2)] + [(k, len(groups)) for k in (1, 2)]
        for first, last in spans:
            if last - first < 1 or sum(e - s for s, e in groups[first:last]) < 7:
                continue
            start = base + (groups[first][0] if first else 0)
            end = base + groups[last - 1][1]
            if last == len(groups) and text.endswith(")"):
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


def found(text: str) -> list[tuple[int, int, str]]:
    """Start, end and kind of everything in ``text`` that looks like personal data, in reading order."""
    # Arabic-Indic and Persian digits read as ASCII ones, one character for one: offsets stay the author's.
    plain = text.translate(_DIGITS) if patterns.NON_ASCII_DIGIT.search(text) else text
    runs = [match.span() for match in patterns.DIGIT_RUN.finditer(plain)]
    near = _windows(plain, runs, _KEYWORD_REACH, 40)
    candidates = [
        *_ignored(plain, near),
        *_ibans(plain, near),
        *_emails(plain),
        *_keyword_ids(plain, near),
        *_births(plain, near),
        *_bare_ids(plain, near),
        *_cards(plain),
    ]
    # Phone numbers are the costly check: a number already read as something more specific is not asked.
    taken = sorted((start, end) for rank, start, end, _kind in candidates if rank < 4)
    candidates += _phones(plain, _merged(taken))
    return _resolve(candidates)
