"""The screening's cost grows with the text, not faster; long texts are refused before any work.

No timed assertions (the CI machine's speed varies): the work is counted instead. The figures are printed by
``python -m tests.helpdesk.test_screening_scale`` (5 KB, 50 KB, 500 KB of mixed text).
"""

import random
import time
from typing import Any

import phonenumbers
import pytest
from django.core.exceptions import ValidationError

from helpdesk import screening
from tests.helpdesk.screening_corpus import CLEAN, PLANTED

# Prose as requests are mostly written: sentences without numbers between those of the corpus.
PROSE = [
    "The youth centre has seen more tension since the elections, and the staff asked for support with "
    "facilitating difficult conversations between groups of young people from different neighbourhoods.",
    "Les animateurs souhaitent être formés au repérage des signaux faibles et à l'orientation des familles "
    "vers les services compétents, en lien avec les établissements scolaires du quartier.",
    "يطلب فريق البلدية دعماً في تصميم حملة توعية موجهة إلى الشباب على وسائل التواصل الاجتماعي، بالتعاون "
    "مع الجمعيات المحلية والمدارس والمراكز الثقافية في الأحياء المعنية.",
]


def mixed_text(size: int, *, seed: int = 14, prose: int = 0) -> str:
    """Corpus sentences (clean and planted) in random order, every digit redrawn so that no number repeats;
    ``prose`` sentences without numbers after each of them (0: the densest text, a worst case)."""
    rng = random.Random(seed)
    sentences = [sentence for _lang, sentence in CLEAN] + [sentence for _lang, sentence, *_ in PLANTED]
    parts: list[str] = []
    length = 0
    while length < size:
        sentence = rng.choice(sentences)
        sentence = "".join(str(rng.randrange(10)) if ch in "0123456789" else ch for ch in sentence)
        parts += [sentence, *(rng.choice(PROSE) for _ in range(prose))]
        length += sum(len(part) + 1 for part in parts[-1 - prose :])
    return " ".join(parts)[:size]


def _parses(monkeypatch: pytest.MonkeyPatch, text: str) -> int:
    """How many times phonenumbers is asked, with an empty cache."""
    calls = 0
    parse = phonenumbers.parse

    def counted(*args: object, **kwargs: object) -> phonenumbers.PhoneNumber:
        nonlocal calls
        calls += 1
        return parse(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(phonenumbers, "parse", counted)
    screening.detect._phone_valid.cache_clear()
    screening.scan(text)
    return calls


def test_phone_parsing_grows_linearly_with_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    small = _parses(monkeypatch, mixed_text(20_000))
    large = _parses(monkeypatch, mixed_text(100_000))
    assert small > 0
    # Five times the text, about five times the work (phonenumbers asked only about plausible candidates).
    assert large <= 7 * small
    assert large <= 100_000 // 100


def test_candidates_are_few_compared_to_the_text() -> None:
    text = mixed_text(50_000)
    candidates = sum(1 for _ in screening.patterns.PHONE_CANDIDATE.finditer(text))
    assert candidates < len(text) / 50


def test_a_text_over_the_limit_is_refused_with_a_message(settings: Any) -> None:
    settings.TEXT_MAX_CHARS = 1_000
    with pytest.raises(ValidationError) as refused:
        screening.screen("a" * 1_001)
    assert refused.value.code == "too_long"
    assert "1001" in refused.value.messages[0]
    assert screening.screen("a" * 1_000) == []


def main() -> None:
    # phonenumbers loads each region's metadata on first use: a warm process, as the server's.
    screening.scan(" ".join(sentence for _lang, sentence, *_ in PLANTED))
    for prose, name in ((0, "corpus sentences only (worst case)"), (2, "one corpus sentence in three")):
        print(name)
        for size in (5_000, 50_000, 500_000):
            text = mixed_text(size, prose=prose)
            # CPU time, best of three (other processes share the machine); the phone cache emptied each time.
            runs = []
            for _ in range(3):
                screening.detect._phone_valid.cache_clear()
                started = time.process_time()
                found = screening.scan(text)
                runs.append(time.process_time() - started)
            elapsed = min(runs)
            print(f"  {size // 1000:>4} KB: {elapsed * 1000:7.1f} ms, {len(found)} findings")


if __name__ == "__main__":
    import django

    django.setup()
    main()
