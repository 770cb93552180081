"""A page's choice labels: translated once per kind of choice, in the reader's language."""

from django.utils import translation

from helpdesk.models import RequestState, StrategicPriority
from web.lists.labels import ChoiceWords


def test_choice_words_name_each_value_in_the_readers_language_and_translate_each_kind_once(monkeypatch):
    import web.lists.labels as module

    built: list[object] = []
    real = module.labels
    monkeypatch.setattr(module, "labels", lambda choices: built.append(choices) or real(choices))
    with translation.override("fr"):
        words = ChoiceWords()
        assert words(RequestState, "submitted") == "Soumise"
        assert words(RequestState, "closed") == "Clôturée"
        assert words(StrategicPriority, 1) == str(StrategicPriority(1).label)
    assert built == [RequestState, StrategicPriority]  # one table per kind of choice, however many lines
    assert words(RequestState, "no_such_state") == "no_such_state"
    assert words(StrategicPriority, None) == "" and words(RequestState, "") == ""
