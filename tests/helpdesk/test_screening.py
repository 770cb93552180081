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


def test_recall_on_planted_personal_data_is_at_least_95_percent(capsys):
    missed = [(kind, value) for _lang, sentence, kind, value in PLANTED if not _found(sentence, value)]
    recall = 1 - len(missed) / len(PLANTED)
    by_kind = Counter(kind for _l, _s, kind, _v in PLANTED)
    missed_by_kind = Counter(kind for kind, _v in missed)
    with capsys.disabled():
        print(f"\nscreening recall: {recall:.1%} ({len(PLANTED) - len(missed)}/{len(PLANTED)} planted items found)")
        for kind, total in sorted(by_kind.items()):
            print(f"  {kind:10s} {total - missed_by_kind[kind]}/{total}")
        if missed:
            print(f"  missed: {missed}")
    assert recall >= 0.95


def test_false_positive_rate_on_clean_text_is_below_5_percent(capsys):
    flagged = [
        (sentence, [(f.kind, f.text) for f in screen(sentence)]) for _lang, sentence in CLEAN if screen(sentence)
    ]
    rate = len(flagged) / len(CLEAN)
    with capsys.disabled():
        print(f"\nscreening false-positive rate: {rate:.1%} ({len(flagged)}/{len(CLEAN)} clean sentences flagged)")
        for sentence, found in flagged:
            print(f"  flagged: {sentence!r} -> {found}")
    assert rate < 0.05


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


def test_screening_is_fast_enough_for_a_long_description():
    import time

    text = " ".join(sentence for _lang, sentence in CLEAN) * 5
    started = time.perf_counter()
    screen(text)
    assert time.perf_counter() - started < 3
