"""Checksums and structure checks of the numbers the screening recognises (personal or not).

Each function takes the characters as written (separators included) and answers whether they are a valid
number of that scheme; they never raise.
"""

from __future__ import annotations

import datetime
import re

_NON_ALNUM = re.compile(r"[^0-9A-Za-z]")


def compact(value: str) -> str:
    return _NON_ALNUM.sub("", value).upper()


def luhn(value: str) -> bool:
    digits = [int(d) for d in value if d.isdigit()]
    if len(digits) < 2 or len(set(digits)) == 1:
        return False
    total = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def card(value: str) -> bool:
    """A payment card: 13-19 digits, Luhn, and an issuer prefix in use (2-6); IDs starting 7-9 are not cards."""
    digits = compact(value)
    return digits.isdigit() and 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn(digits)


_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 3, 4, 0, 6, 7, 8, 9, 5), (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7), (4, 0, 1, 2, 3, 9, 5, 6, 7, 8), (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2), (7, 6, 5, 9, 8, 2, 1, 0, 4, 3), (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)  # fmt: skip
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 5, 7, 6, 2, 8, 3, 0, 9, 4), (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7), (9, 4, 5, 3, 1, 2, 7, 6, 8, 0), (4, 2, 8, 6, 5, 7, 0, 3, 9, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5), (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)  # fmt: skip


def aadhaar(value: str) -> bool:
    """India's Aadhaar: 12 digits, not starting 0 or 1, Verhoeff check digit."""
    digits = compact(value)
    if not (len(digits) == 12 and digits.isdigit() and digits[0] not in "01"):
        return False
    check = 0
    for i, digit in enumerate(reversed(digits)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[i % 8][int(digit)]]
    return check == 0


_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def spanish_dni(value: str) -> bool:
    """Spain's DNI (8 digits and a letter) or NIE (X/Y/Z, 7 digits, letter): the letter is the number mod 23."""
    code = compact(value)
    if len(code) != 9:
        return False
    if code[0] in "XYZ":
        code = str("XYZ".index(code[0])) + code[1:]
    return code[:8].isdigit() and _DNI_LETTERS[int(code[:8]) % 23] == code[8]


def french_nir(value: str) -> bool:
    """France's social security number: 13 characters (Corsica's 2A/2B read as 19/18) and a key mod 97."""
    code = compact(value)
    if len(code) != 15 or code[0] not in "12":
        return False
    number = code[:13].replace("2A", "19").replace("2B", "18")
    return number.isdigit() and code[13:].isdigit() and 97 - int(number) % 97 == int(code[13:])


def _date(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def south_african_id(value: str) -> bool:
    """South Africa's ID: YYMMDD, 4 digits, citizenship 0/1, 8 or 9, Luhn."""
    code = compact(value)
    if len(code) != 13 or not code.isdigit() or code[10] not in "01" or code[11] not in "89":
        return False
    return _date(1900 + int(code[:2]), int(code[2:4]), int(code[4:6])) and luhn(code)


def egyptian_id(value: str) -> bool:
    """Egypt's national ID: century (2: 1900s, 3: 2000s), YYMMDD, a governorate code, 5 digits."""
    code = compact(value)
    if len(code) != 14 or not code.isdigit() or code[0] not in "23":
        return False
    governorate = int(code[7:9])
    year = (1800 if code[0] == "2" else 1900) + 100 + int(code[1:3])
    return _date(year, int(code[3:5]), int(code[5:7])) and (1 <= governorate <= 35 or governorate == 88)


def turkish_id(value: str) -> bool:
    """Turkey's TC Kimlik: 11 digits, not starting 0, two check digits."""
    d = [int(c) for c in compact(value) if c.isdigit()]
    if len(d) != 11 or d[0] == 0:
        return False
    tenth = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    return d[9] == tenth and d[10] == sum(d[:10]) % 10


def dutch_bsn(value: str) -> bool:
    """The Netherlands' BSN: 9 digits, the "11-proof" (weights 9..2 and -1)."""
    d = [int(c) for c in compact(value) if c.isdigit()]
    if len(d) != 9:
        return False
    return (sum((9 - i) * d[i] for i in range(8)) - d[8]) % 11 == 0


def emirates_id(value: str) -> bool:
    """The UAE's Emirates ID: 784, the year of birth, 7 digits, a Luhn digit."""
    code = compact(value)
    return len(code) == 15 and code.startswith("784") and code.isdigit() and luhn(code)


def isbn(value: str) -> bool:
    """An ISBN-10 (mod 11, X as 10) or ISBN-13 (978/979, EAN weights 1 and 3)."""
    code = compact(value)
    if len(code) == 13 and code.isdigit() and code[:3] in ("978", "979"):
        return sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(code)) % 10 == 0
    if len(code) == 10 and code[:9].isdigit() and (code[9].isdigit() or code[9] == "X"):
        total = sum(int(c) * (10 - i) for i, c in enumerate(code[:9]))
        return (total + (10 if code[9] == "X" else int(code[9]))) % 11 == 0
    return False


def issn(value: str) -> bool:
    """An ISSN: 7 digits and a check digit mod 11 (X as 10)."""
    code = compact(value)
    if len(code) != 8 or not code[:7].isdigit():
        return False
    key = (11 - sum(int(c) * (8 - i) for i, c in enumerate(code[:7])) % 11) % 11
    return code[7] == ("X" if key == 10 else str(key))


_IBAN_LENGTHS = {
    "AL": 28, "AT": 20, "BA": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "DZ": 26, "EG": 29, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28,
    "IE": 22, "IQ": 23, "IT": 27, "JO": 30, "LB": 28, "LU": 20, "MA": 28, "ME": 22, "MK": 19, "MT": 31,
    "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "RO": 24, "RS": 22, "SA": 24, "SE": 24,
    "SI": 19, "SK": 24, "TN": 24, "TR": 26, "AE": 23, "XK": 20, "QA": 29, "KW": 30, "BH": 22, "MR": 27,
    "EE": 20,
}  # fmt: skip


def iban(value: str) -> bool:
    code = compact(value)
    expected = _IBAN_LENGTHS.get(code[:2])
    if (expected is not None and len(code) != expected) or not 15 <= len(code) <= 34:
        return False
    rearranged = code[4:] + code[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1
