from collections import Counter

import pytest

from helpdesk.screening import PersonalDataFound, flags_for, kind_label, screen, screen_fields
from tests.helpdesk.screening_corpus import CLEAN, PLANTED


def _found(sentence: str, value: str) -> bool:
    start = sentence.index(value)
    end = start + len(value)
    return any(f.start < end and f.end > start for f in screen(sentence))


def test_corpus_size_and_languages():
    assert len(PLANTED) >= 100
    assert len(CLEAN) >= 100
    assert {lang for lang, *_ in PLANTED} == {"en", "fr", "ar"}
    assert {lang for lang, _ in CLEAN} == {"en", "fr", "ar"}
    for _lang, sentence, _kind, value in PLANTED:
        assert value in sentence


def _found_as(sentence: str, value: str, kind: str) -> bool:
    start = sentence.index(value)
    end = start + len(value)
    return any(f.start < end and f.end > start and f.kind == kind for f in screen(sentence))


def test_recall_on_planted_personal_data_is_at_least_98_percent_each_of_the_right_kind(capsys):
    missed = [(kind, value) for _lang, sentence, kind, value in PLANTED if not _found_as(sentence, value, kind)]
    recall = 1 - len(missed) / len(PLANTED)
    by_kind = Counter(kind for _l, _s, kind, _v in PLANTED)
    missed_by_kind = Counter(kind for kind, _v in missed)
    with capsys.disabled():
        print(f"\nscreening recall: {recall:.1%} ({len(PLANTED) - len(missed)}/{len(PLANTED)} planted items found)")
        for kind, total in sorted(by_kind.items()):
            print(f"  {kind:10s} {total - missed_by_kind[kind]}/{total}")
        if missed:
            print(f"  missed: {missed}")
    assert recall >= 0.98


def test_false_positive_rate_on_clean_text_is_at_most_2_percent(capsys):
    flagged = [
        (sentence, [(f.kind, f.text) for f in screen(sentence)]) for _lang, sentence in CLEAN if screen(sentence)
    ]
    rate = len(flagged) / len(CLEAN)
    with capsys.disabled():
        print(f"\nscreening false-positive rate: {rate:.1%} ({len(flagged)}/{len(CLEAN)} clean sentences flagged)")
        for sentence, found in flagged:
            print(f"  flagged: {sentence!r} -> {found}")
    assert rate <= 0.02


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("write to someone@example.org", "email"),
        ("call +33 6 12 34 56 78 now", "phone"),
        ("IBAN GB82 DHUU 9099 6030 8246 28.", "iban"),
        ("passport P4366918", "id_number"),
        ("card 4532015112830366", "card"),
    ],
)
def test_each_kind_is_reported_with_its_span(text, kind):
    (finding,) = screen(text)
    assert finding.kind == kind
    assert text[finding.start : finding.end] == finding.text


def test_iban_with_a_wrong_checksum_is_not_an_iban():
    assert [f.kind for f in screen("IBAN GB83 DHUU 9099 6030 8246 28")] != ["iban"]


def test_references_dates_and_amounts_are_not_flagged():
    assert screen("SCN-2026-000123 on 2026-03-15, 15 000 EUR, 12/03/2026, 1998-2004") == []


def test_arabic_indic_digits_are_read_and_reported_as_written():
    (finding,) = screen("هاتف ٠٧٩٠١٢٣٤٥٦")
    assert finding.kind == "phone"
    assert finding.text == "٠٧٩٠١٢٣٤٥٦"


def test_flags_keep_kind_and_span_but_never_the_value():
    findings = screen_fields({"body": "mail me at a.b@example.org", "title": "nothing here"})
    assert list(findings) == ["body"]
    (flag,) = flags_for(findings)
    assert flag == {"field": "body", "kind": "email", "start": 11, "end": 26}
    assert "example.org" not in str(flag)


def test_personal_data_found_lists_translatable_messages():
    error = PersonalDataFound(screen_fields({"description": "phone +254 712 345 678"}))
    assert error.confirmable
    # The field as the form names it, never its internal name; the number isolated from the sentence.
    assert error.messages == ["The description contains what looks like a phone number: “\u2068+254 712 345 678\u2069”"]


@pytest.mark.parametrize(
    ("field", "sentence"),
    [("body", "The message contains"), ("title", "The title contains"), ("summary", "The summary contains")],
)
def test_personal_data_sentences_name_each_field_by_its_label(field, sentence):
    (message,) = PersonalDataFound(screen_fields({field: "mail me at a.b@example.org"})).messages
    assert message.startswith(f"{sentence} what looks like an e-mail address")
    assert field not in message.replace(sentence, "")


def test_kind_labels_are_words_not_codes():
    assert kind_label("phone") == "a phone number"
    assert kind_label("unknown-kind") == "personal data"


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        # Arabic clitics glued to the keyword or to the number.
        ("اسمه كريم وجوازه 123456789 صادر من عمّان.", "id_number", "123456789"),
        ("اتصلوا بالأم على الرقم و0612345678 أو بالأب.", "phone", "0612345678"),
        # Words between an Arabic keyword and its number.
        ("رقم بطاقة الهوية الوطنية الخاصة به 1234567890 موجود في الملف.", "id_number", "1234567890"),
        # Spaced @ and internationalised domains.
        ("Write to amina.h @ saida-youth.org if the form fails.", "email", "amina.h @ saida-youth.org"),
        ("البريد الشخصي للأم علي@مثال.مصر حسب الاستمارة.", "email", "علي@مثال.مصر"),
        ("The father wrote from user@bücher.de last week.", "email", "user@bücher.de"),
        # National identifiers: new keywords, keywords glued to punctuation, checksums without a keyword.
        ("His BSN 679525385 appeared on the housing letter.", "id_number", "679525385"),
        ("الإقامة رقم 5123498765 باسم العامل.", "id_number", "5123498765"),
        ("ID:123456789 was written on the back of the photo.", "id_number", "123456789"),
        ("The suspect (passport)X1234567 left on Monday.", "id_number", "X1234567"),
        ("Passport#:C01X00T47 issued in Berlin.", "id_number", "C01X00T47"),
        ("Emirates ID 784-1975-8451258-2 was photographed.", "id_number", "784-1975-8451258-2"),
        ("The French file says 174024939934284.", "id_number", "174024939934284"),
        ("NIE Z2120628X was given for the cultural mediator.", "id_number", "Z2120628X"),
        # A name with a date of birth.
        ("Amina Haddad, born 12/03/1998, was at the workshop.", "birth_date", "Amina Haddad, born 12/03/1998"),
        ("Fatou Diallo, née le 3 mars 1990, a témoigné.", "birth_date", "Fatou Diallo, née le 3 mars 1990"),
        ("أمينة حداد من مواليد 1995/4/12 وتسكن في صيدا.", "birth_date", "مواليد 1995/4/12"),
        # An identity number is not a phone number.
        ("His ID number is 0612345678, not a phone number.", "id_number", "0612345678"),
        # What is left alone next to a number does not hide the number that follows it.
        ("Meeting ID: 845 1234 5678. My number is 0612345678.", "phone", "0612345678"),
        ("Le dossier de M. Karim, tél 0612345678.", "phone", "0612345678"),
        ("Order of the day: call 0612345678 first.", "phone", "0612345678"),
    ],
)
def test_what_the_first_screening_missed_is_found_with_its_kind_and_span(text, kind, value):
    found = [(f.kind, f.text) for f in screen(text)]
    assert (kind, value) in found


@pytest.mark.parametrize(
    "text",
    [
        "The idea won 1 200 votes in the valid ballots of 2025.",
        "A single meeting in the cinema gathered 2 400 000 viewers online.",
        "Nirvana played in 1991 to 45 000 fans, the article says.",
        "The journal (ISSN 1248-153X) published our evaluation in 2025.",
        "Order the guide by ISBN 9786434588819 from the publisher.",
        "Zoom Meeting ID: 845 1234 5678, Passcode: 472913.",
        "SIRET de l'association : 842 003 311 18336, code APE 9499Z.",
        "Association déclarée, RNA W691234567, siège à Lyon.",
        "Our company number is 07654321 and the charity no. 1162345.",
        "Le budget est de 12 500 000 MAD sur trois ans.",
        "La commune verse 75 000 000 de francs CFA.",
        "الميزانية الإجمالية ٧٥٠٠٠٠٠٠ روبية.",
        "L'association est née le 3 mars 1990 de la fusion de deux clubs.",
        "ID cards were issued to 12500 people last year.",
        "The ID of the project is PRJ-2026-001.",
        # An @mention of a colleague, whose username may have dots, is not an e-mail address.
        "Thanks @amina.haddad for the list.",
        "See the draft first, @mu.one",
        "Reference: 123456789012 (grant system).",
        "Réunion Zoom — identifiant : 912 3456 7890.",
        "معرف الاجتماع على زوم: 845 1234 5678",
    ],
)
def test_what_the_first_screening_took_for_personal_data_is_left_alone(text):
    assert screen(text) == []


def test_spans_point_into_the_original_text_with_arabic_indic_digits():
    text = "وهويتها ٩٨٧٦٥٤٣٢١٠ مسجلة لدى الشرطة."
    (finding,) = screen(text)
    assert finding.kind == "id_number"
    assert text[finding.start : finding.end] == finding.text == "٩٨٧٦٥٤٣٢١٠"


def test_the_new_kind_has_a_label():
    assert kind_label("birth_date") == "a name with a date of birth"
