"""The screening's regular expressions, compiled once. Each one is a single left-to-right pass over the text.

Keywords are matched as whole words: Latin ones between word boundaries (``ID`` is not in "idea",
``SIN`` not in "single"), acronyms in capitals only; Arabic ones with the clitics written joined to
them (و ف ب ل ك before, ال, and the attached pronouns ه ها هم ي … after: ``وجوازه``, ``لهويتها``).
"""

from __future__ import annotations

import re

# The network's hubs and their most common national formats; international formats are found anywhere.
PHONE_REGIONS = (
    "GB", "US", "FR", "BE", "DE", "NL", "KE", "UG", "TZ", "ET", "ZA", "LB", "JO", "MA", "TN", "DZ",
    "EG", "IQ", "IN", "PK", "BD", "LK", "MK", "BA", "RS", "AL", "XK", "CA", "NG", "SN", "CM",
)  # fmt: skip

# Arabic clitics: a conjunction, then a preposition, then the article (لل is ل + ال); pronouns after.
_AR_PRE = r"(?:[وف]?[بلك]?(?:ال)?|[وف]?لل)"
_AR_SUF = r"(?:ه|ها|هم|هما|هن|ي|ك|كم|نا)?"


def _arabic(*stems: str) -> str:
    return rf"(?<!\w){_AR_PRE}(?:{'|'.join(stems)}){_AR_SUF}(?!\w)"


# --- Identity numbers introduced by a keyword ---------------------------------------------------
_ID_WORDS = (
    r"passports?|passeports?|pasaportes?|identity\s+(?:card|number|document|no\.?)|identit[ée]|"
    r"national\s+(?:id(?:entity)?|identity|insurance|registration)|id[- ]card|id\s+(?:number|no\.?|#)|"
    r"carte\s+(?:nationale\s+)?d['’]identit[ée]|pi[èe]ce\s+d['’]identit[ée]|num[ée]ro\s+d['’]identit[ée]|"
    r"num[ée]ro\s+(?:national|fiscal)|registre\s+national|social\s+(?:security|insurance)|"
    r"s[ée]curit[ée]\s+sociale|s[ée]cu|assurance\s+sociale|residence\s+(?:permit|card)|"
    r"titre\s+de\s+s[ée]jour|carte\s+de\s+(?:s[ée]jour|r[ée]sident)|driv(?:ing|er['’]?s)\s+licen[cs]e|"
    r"permis\s+de\s+conduire|tax\s+id|aadhaa?r|teudat\s+zehut|tc\s+kimlik(?:\s+no)?|emirates\s+id|"
    r"personal\s+(?:id|number)"
)
_ID_ACRONYMS = r"ID|BSN|NINO|SIN|NAS|CNIC|NIR|CIN|CNI|NIN|NID|DNI|NIE|SSN|NIC"
_ID_ARABIC = _arabic(
    r"جواز",
    r"هوي[ةت]",
    r"[إا]قام[ةت]",
    r"بطاق[ةت](?:ه|ها)?\s+(?:ال)?(?:تعريف|وطني[ةت]|شخصي[ةت])",
    r"رقم(?:ه|ها)?\s+(?:ال)?(?:وطني|قومي|شخصي|مدني)",
    r"ضمان\s+(?:ال)?اجتماعي",
    r"رخص[ةت]\s+(?:ال)?(?:قياد[ةت]|سياق[ةت])",
    r"سجل\s+(?:ال)?مدني",
)
# Between the keyword and the number: punctuation and at most five words without digits ("رقم بطاقة
# الهوية الوطنية الخاصة به 1234…", "BSN of the mother is 4303…"), never across a sentence's end.
_GAP = r"[^\w\n.;!?]{0,6}(?:[^\W\d_]{1,20}\.?[^\w\n.;!?]{1,6}){0,5}?"
# The number: capitals and digits, single spaces, dots or dashes inside (86.12.13-911.89, PR 91 54 94 A).
_ID_VALUE = r"(?P<value>[A-Z0-9](?:[A-Z0-9]|[ .\-](?=[A-Z0-9])){3,24})(?![\w@])"
ID_KEYWORD = re.compile(
    rf"(?:(?<!\w)(?i:{_ID_WORDS})(?!\w)|(?<![\w-])(?:{_ID_ACRONYMS})(?![\w-])|{_ID_ARABIC}){_GAP}{_ID_VALUE}"
)

# --- Identity numbers recognisable without a keyword (their checksum or structure is checked after) -----
BARE_ID = re.compile(
    r"(?<![\w.,/-])(?:"
    r"(?P<nir>[12] ?\d\d ?\d\d ?(?:\d\d|2[AB]) ?\d{3} ?\d{3} ?\d\d)"
    r"|(?P<cnic>\d{5}-\d{7}-\d)"
    r"|(?P<emirates>784-?(?:19|20)\d\d-?\d{7}-?\d)"
    r"|(?P<dni>\d{8}-?[A-Z]|[XYZ]-?\d{7}-?[A-Z])"
    r"|(?P<nino>[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d\d ?\d\d ?\d\d ?[A-D])"
    r"|(?P<aadhaar>[2-9]\d{3} \d{4} \d{4})"
    r"|(?P<ssn>\d{3}-\d\d-\d{4})"
    r"|(?P<digits>\d{11,19})"
    r"|(?P<passport>[A-Z]{1,2}\d{6,9}|\d\d[A-Z]{2}\d{5})"
    r")(?![\w@-])"
)

# --- What is not personal data, recognised so that nothing inside it is reported -----------------
_NUM = r"\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_CURRENCY = (
    r"MAD|EUR|USD|GBP|CAD|CHF|TND|DZD|EGP|JOD|LBP|KES|UGX|TZS|ETB|ZAR|NGN|XOF|XAF|F?CFA|INR|PKR|BDT|LKR|"
    r"MKD|BAM|RSD|ALL|€|\$|£|dollars?|euros?|dinars?|dirhams?|francs?|livres?|pounds?|shillings?|rupees?|"
    r"roupies?|nairas?|درهم(?:ا|اً)?|دراهم|دولار(?:ا|اً)?|يورو|دينار(?:ا|اً)?|جنيه(?:ا|اً)?|ليرة|روبية|ريال|شلن|فرنك"
)
_COUNTED = (
    r"people|persons|inhabitants|residents|households|viewers|visitors|copies|units|requests|participants|"
    r"fans|votes|beds|pages|personnes|habitants|jeunes|demandes|spectateurs|participants|foyers|voix|"
    r"نسمة|شخص(?:ا|اً)?|شاب(?:ا|اً)?|مشاهد|مواطن(?:ا|اً)?|جواز(?:ا|اً)|صوت(?:ا|اً)?|مشارك(?:ا|اً)?|طالب(?:ا|اً)?"
)
_ORG_WORDS = (
    r"SIRET|SIREN|RNA|KvK|EIN|VAT|TVA|ICE|RCS?|UEN|CRN|"
    r"(?i:(?:company|charity|registered\s+charity)\s+(?:no\.?|number|registration)|"
    r"registre\s+du\s+commerce|n°\s+tva)|"
    r"(?:ال)?سجل\s+(?:ال)?تجاري|(?:ال)?رقم\s+(?:ال)?ضريبي|(?:ال)?رقم\s+(?:ال)?جبائي|رقم\s+تسجيل\s+(?:ال)?جمعي[ةت]"
)
_MEETING_WORDS = (
    r"(?i:meeting|webinar|conference|session|ticket|order|invoice|transaction|booking|r[ée]union|"
    r"conf[ée]rence|zoom|teams|commande|facture|reference|ref|r[ée]f[ée]rence|r[ée]f)|(?:ال)?اجتماع|معرّ?ف|"
    r"(?:ال)?مرجع(?:نا)?"
)
# Only these words may stand between such a keyword and its number: "Meeting ID:", "ID de réunion :",
# "Réunion Zoom — identifiant :"; a longer gap could hide someone's number ("le dossier de M. X, tél …").
_MEETING_GAP = (
    r"(?:[^\w\n]{0,4}(?i:id|no|number|num[ée]ro|n°|code|identifiant|zoom|teams|meeting|de|du|the|on|sur|"
    r"internal|interne|على|زوم|تيمز|(?:ال)?اجتماع|رقم|(?:ال)?داخلي))*?[^\w\n]{0,4}"
)
_PASSCODE = r"(?i:passcode|password|code\s+secret|code\s+d['’]acc[èe]s|pin)|رمز\s+(?:ال)?(?:دخول|مرور)"
_BIBLIO = r"ISBN(?:-1[03])?|ISSN|ردمك|ردمد"
# Amounts: a number (digits first, so that the engine skips to digits) with a currency or a counted noun
# after it (UNIT_AFTER, matched at the number's end) or a currency before it (CURRENCY_BEFORE, at its start).
NUMBER = re.compile(r"\d(?<![\w.,]\d)(?:\d{0,2}(?:[ \u00a0\u202f.,]\d{3})+(?:[.,]\d+)?|\d*(?:[.,]\d+)?)")
UNIT_AFTER = re.compile(rf"[ \u00a0]?(?:de\s+)?(?:{_CURRENCY}|{_COUNTED})(?!\w)")
CURRENCY_BEFORE = re.compile(rf"(?<!\w)(?:{_CURRENCY})[ \u00a0]?$")
# Organisation numbers, meeting/ticket/order ids, passcodes, ISBN/ISSN: after their keyword.
KEYWORDED_NOT_PERSONAL = re.compile(
    rf"(?<!\w)(?:{_ORG_WORDS})(?!\w){_GAP}[A-Z]{{0,3}} ?\d(?:\d|[ ./-](?=\d)){{3,24}}(?:[A-Z]\b)?"
    rf"|(?<!\w)(?:{_MEETING_WORDS})(?!\w){_MEETING_GAP}\d(?:\d|[ -](?=\d)){{3,20}}#?"
    rf"|(?<!\w)(?:{_PASSCODE})(?!\w)[^\w\n]{{0,4}}\w+"
    rf"|(?<!\w)(?:{_BIBLIO})(?!\w)[^\w\n]{{0,4}}[\dX](?:[\dX]|[ -](?=[\dX])){{7,20}}"
)

# --- E-mail addresses ----------------------------------------------------------------------------
# Any script in the local part and the domain (IDN: علي@مثال.مصر, user@bücher.de); a space after @ or on
# both sides is tolerated, not before it alone: "name @colleague.name" is an @mention (notifications).
# [at]/(arobase) and [dot]/(point) obfuscations are read as @ and dots.
_AT = r"(?:@ ?| @ | ?[\[(] ?(?:at|arobase) ?[\])] ?)"
_DOT = r"(?:\.| ?[\[(] ?(?:dot|point) ?[\])] ?)"
EMAIL = re.compile(
    rf"(?<![\w.%+-])[\w.%+-]{{1,64}}{_AT}(?:[^\W_][\w-]{{0,62}}{_DOT}){{1,6}}[^\W\d_]{{2,24}}(?![\w-])",
    re.IGNORECASE,
)

AT_SIGN = re.compile(r"@|[\[(] ?(?:at|arobase) ?[\])]", re.IGNORECASE)
DIGIT_RUN = re.compile(r"\d+")
SPACE = re.compile(r"\s")
NON_ASCII_DIGIT = re.compile(r"[٠-٩۰-۹٫٬]")

IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?\b", re.IGNORECASE)
CARD = re.compile(r"\d(?<![\w-]\d)(?:[ -]?\d){12,18}(?![\w-])")

# --- Phone numbers: candidates only; phonenumbers decides ------------------------------------------
# Digits first (the engine skips to digits); a "+", "(" or "(+" just before is taken in afterwards.
PHONE_CANDIDATE = re.compile(r"\d(?:[ \u00a0\u202f.\-/()]{0,3}\d){6,16}\)?")
PHONE_LEAD = re.compile(r"(?:\+ ?|\(\+?)$")
PHONE_GROUP = re.compile(r"\d+")
# Words that say a number is a phone number: a national number without a trunk prefix (Tunisia's
# 20 123 456) is only read as one after such a word; Arabic roots are matched inside words (هاتفها).
PHONE_WORDS = re.compile(
    r"(?i:\b(?:phone|tel|t[ée]l|t[ée]l[ée]phone|mobile|portable|cell|call|appel\w*|joign\w*|whatsapp|sms|"
    r"text|fax|gsm)\b)|هاتف|جوال|اتصل|تواصل|واتس|موبايل|خلوي|محمول"
)
NANP = re.compile(r"^\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}$")
# A year first (references, ISO dates, ranges), a dd.mm.yyyy date, a decimal number: not phone numbers.
NOT_PHONE = re.compile(r"^\(?(?:(?:19|20)\d\d\s?[-–/.]|\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d\d$|\d{1,3}[.,]\d{3,}$)")

# --- A name with a date of birth --------------------------------------------------------------------
_MONTHS = (
    r"jan(?:uary|vier)?|feb(?:ruary)?|f[ée]v(?:rier)?|mar(?:ch|s)?|apr(?:il)?|avr(?:il)?|may|mai|june?|juin|"
    r"july?|juil(?:let)?|aug(?:ust)?|ao[ûu]t|sep(?:t(?:ember)?)?|sept(?:embre)?|oct(?:ober|obre)?|"
    r"nov(?:ember|embre)?|dec(?:ember)?|d[ée]c(?:embre)?|"
    r"يناير|فبراير|مارس|أبريل|إبريل|ابريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر|"
    r"كانون\s+الثاني|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|أيلول|تشرين\s+الأول|تشرين\s+الثاني|كانون\s+الأول|"
    r"جانفي|فيفري|أفريل|ماي|جوان|جويلية|أوت"
)
_DATE = (
    r"(?:\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d\d|(?:19|20)\d\d[./-]\d{1,2}[./-]\d{1,2}"
    rf"|\d{{1,2}}(?:er|st|nd|rd|th)?\s+(?i:{_MONTHS})\.?,?\s+(?:19|20)\d\d"
    rf"|(?i:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d)(?!\d)"
)
# "Date of birth" says it alone; "born"/"né(e)" need a name just before (an association is "née" too).
_BIRTH_SURE = (
    r"(?i:date\s+of\s+birth|birth\s*date|d\.?o\.?b\.?|date\s+de\s+naissance)|"
    r"تاريخ\s+(?:ال)?(?:ميلاد|ولاد[ةت])|مواليد|(?:ال)?مولود(?:ة)?|ولد(?:ت)?"
)
_BIRTH_NAMED = r"(?i:born|n[ée]e?)|b\."
BIRTH = re.compile(
    rf"(?<!\w)(?:(?P<sure>{_BIRTH_SURE})|(?P<named>{_BIRTH_NAMED}))(?!\w)"
    rf"[^\w\n]{{0,4}}(?:(?:[^\W\d_]{{1,12}})[^\w\n]{{1,3}}){{0,3}}?(?P<date>{_DATE})"
)
NAME_BEFORE = re.compile(
    r"(?:[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:[ -][A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]*\.?)*)"
    r" ?[,(]? ?(?:(?:was|is|est|a\s+été)\s+)?$"
)
