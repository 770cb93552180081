"""The fast track's countdown: how long is left, or how late, in whole units each language agrees with its number."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polib
import pytest
from django.utils import translation

from helpdesk.models import RequestState
from web.countdown import countdown_text, counts_down, span_words

NOW = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (timedelta(hours=5, minutes=20, seconds=59), "Answer due in 5 hours 20 minutes"),
        (timedelta(hours=24), "Answer due in 24 hours"),
        (timedelta(hours=47, minutes=59), "Answer due in 47 hours 59 minutes"),
        (timedelta(hours=50, minutes=10), "Answer due in 2 days 2 hours"),
        (timedelta(hours=1), "Answer due in 1 hour"),
        (timedelta(minutes=40), "Answer due in 40 minutes"),
        (timedelta(seconds=30), "Answer due in less than a minute"),
        (timedelta(0), "Answer due in less than a minute"),
        (-timedelta(hours=2), "Overdue by 2 hours"),
        (-timedelta(hours=2, minutes=1), "Overdue by 2 hours 1 minute"),
    ],
)
def test_what_is_left_or_how_late_in_english(left, text):
    with translation.override("en"):
        assert countdown_text(NOW + left, now=NOW) == text


def test_no_deadline_no_countdown():
    assert countdown_text(None, now=NOW) == ""


# The countdown's units in a catalogue of the test's own (the project's are merged apart): French's two forms and
# Arabic's six, in the case they take after "in" and "by" ("خلال ساعتين").
PLURAL_FORMS = {
    "fr": "nplurals=2; plural=(n > 1);",
    "ar": "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;",
}
UNITS = {
    "fr": {"hour": ["%(n)s heure", "%(n)s heures"], "minute": ["%(n)s minute", "%(n)s minutes"]},
    "ar": {
        "hour": ["%(n)s ساعة", "ساعة واحدة", "ساعتين", "%(n)s ساعات", "%(n)s ساعة", "%(n)s ساعة"],
        "minute": ["%(n)s دقيقة", "دقيقة واحدة", "دقيقتين", "%(n)s دقائق", "%(n)s دقيقة", "%(n)s دقيقة"],
    },
}
JOINED = {"fr": "%(larger)s %(smaller)s", "ar": "%(larger)s و%(smaller)s"}


@pytest.fixture
def catalogue(settings, tmp_path):
    for language, units in UNITS.items():
        po = polib.POFile()
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": PLURAL_FORMS[language]}
        for unit, forms in units.items():
            po.append(
                polib.POEntry(
                    msgctxt="countdown",
                    msgid=f"%(n)s {unit}",
                    msgid_plural=f"%(n)s {unit}s",
                    msgstr_plural=dict(enumerate(forms)),
                )
            )
        po.append(polib.POEntry(msgctxt="countdown", msgid="%(larger)s %(smaller)s", msgstr=JOINED[language]))
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        po.save_as_mofile(str(folder / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path]  # Django drops its cached catalogues when this changes


@pytest.mark.parametrize(
    ("language", "seconds", "words"),
    [
        ("fr", 5 * 3600, "5 heures"),
        ("fr", 3600, "1 heure"),
        ("fr", 3600 + 60, "1 heure 1 minute"),
        ("ar", 3600, "ساعة واحدة"),
        ("ar", 2 * 3600, "ساعتين"),
        ("ar", 5 * 3600, "5 ساعات"),
        ("ar", 11 * 3600 + 2 * 60, "11 ساعة ودقيقتين"),
        ("ar", 23 * 3600 + 30 * 60, "23 ساعة و30 دقيقة"),
    ],
)
def test_each_unit_is_its_languages_plural(catalogue, language, seconds, words):
    with translation.override(language):
        assert span_words(seconds) == words


@pytest.mark.parametrize(
    ("state", "fast_tracked", "counts"),
    [
        (RequestState.SUBMITTED, True, True),
        (RequestState.INFO_REQUESTED, True, True),
        (RequestState.EXPERT_MATCHING, True, True),
        (RequestState.FUNDING_REVIEW, True, True),
        (RequestState.SUBMITTED, False, False),
        (RequestState.IN_DELIVERY, True, False),  # a delivery date: shown as a date
        (RequestState.DELIVERED, True, False),
        (RequestState.CLOSED, True, False),
    ],
)
def test_only_a_fast_track_step_timed_in_hours_counts_down(state, fast_tracked, counts):
    assert counts_down(state, fast_tracked) is counts
