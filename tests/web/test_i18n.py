"""The French and Arabic catalogues are complete, compiled, and used by pages, forms and choices."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from helpdesk.models import RequestState, Theme
from web.forms.requests import RequestForm

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_catalogue_has_no_untranslated_or_fuzzy_entry(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    print(
        f"{language}: {len(po.translated_entries())} translated, {len(untranslated)} untranslated, {len(fuzzy)} fuzzy"
    )
    assert untranslated == []
    assert fuzzy == []
    assert len(po.translated_entries()) > 500


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_compiled_catalogue_matches_the_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    mo = polib.mofile(str(folder / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        assert (entry.msgctxt, entry.msgid) in compiled, f"{entry.msgid!r} is not compiled: run compilemessages"
        msgstr, plural = compiled[(entry.msgctxt, entry.msgid)]
        if entry.msgid_plural:
            assert [plural[k] for k in sorted(plural)] == [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
        else:
            assert msgstr == entry.msgstr, f"{entry.msgid!r} changed since the last compilemessages"


@pytest.mark.parametrize(
    ("language", "theme", "state"),
    [
        ("fr", "Coopération nationale-locale", "Informations demandées"),
        ("ar", "التعاون بين المستويين الوطني والمحلي", "طُلبت معلومات"),
    ],
)
def test_choice_labels_are_translated(language, theme, state):
    with translation.override(language):
        assert str(Theme.NATIONAL_LOCAL.label) == theme
        assert str(RequestState.INFO_REQUESTED.label) == state


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "required"), [("fr", "Ce champ est obligatoire."), ("ar", "هذا الحقل مطلوب.")])
def test_form_errors_are_translated(language, required):
    with translation.override(language):
        form = RequestForm({"title": ""}, cities=[])
        assert not form.is_valid()
        assert required in form.errors["title"]
