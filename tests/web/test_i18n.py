"""The French and Arabic catalogues are complete, compiled, and used by pages, forms and choices."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
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


# --- Mixed text, numbers and names in the reader's language ----------------------------------------------------


@pytest.fixture
def kept_language():
    """A page activates its reader's language for the thread; the tests after these start from where they were."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.mark.django_db
def test_an_arabic_page_isolates_english_titles_and_names(client, kept_language):
    from tests.factories import CityFactory, RegionFactory, focal_point, hub_staff
    from tests.web.pages import in_state

    region = RegionFactory(name="East Africa", name_ar="شرق أفريقيا")
    city = CityFactory(name="Mombasa", country="KE", region=region)
    request = in_state("submitted", city=city, title="Youth council (phase 2).")
    client.force_login(hub_staff(region, preferred_language="ar", first_name="Amina", last_name="Odhiambo"))
    page = client.get(reverse("hub-queue")).content.decode()
    # The English title keeps its full stop at its own end; the names and the country keep their direction.
    assert "<bdi>Youth council (phase 2).</bdi>" in page
    assert "<bdi>Mombasa</bdi>" in page and "<bdi>كينيا</bdi>" in page
    assert "<bdi>شرق أفريقيا</bdi>" in page  # the hub's own name in Arabic, in the heading
    assert "<bdi>Amina Odhiambo</bdi>" in page  # the header's name
    client.force_login(focal_point(city, preferred_language="ar"))
    page = client.get(reverse("city-home")).content.decode()
    assert f'<a href="{request.get_absolute_url()}">{request.reference}</a>' in page
    assert "<bdi>Youth council (phase 2).</bdi>" in page


@pytest.mark.parametrize(("language", "grouped"), [("en", "12,500.00"), ("fr", "12\xa0500,00"), ("ar", "12,500.00")])
def test_amounts_are_grouped_by_thousands_in_every_language(language, grouped):
    from django.template import Context, Template

    template = Template('{% load humanize %}{{ amount|floatformat:"2g" }}|{{ count|intcomma }}')
    with translation.override(language):
        amount, count = template.render(Context({"amount": 12500, "count": 12500})).split("|")
    assert amount == grouped
    assert count == grouped[: grouped.index("500") + 3]


@pytest.mark.django_db
def test_the_fund_page_shows_envelopes_grouped_in_arabic(client, kept_language):
    from decimal import Decimal

    from tests.factories import FundEnvelopeFactory, management

    envelope = FundEnvelopeFactory(amount=Decimal("12500"))
    client.force_login(management(preferred_language="ar"))
    page = client.get(reverse("fund-queue"), {"year": envelope.fiscal_year}).content.decode()
    assert "12,500" in page


@pytest.mark.parametrize(("language", "kenya"), [("en", "Kenya"), ("fr", "Kenya"), ("ar", "كينيا")])
def test_country_names_come_translated_from_the_country_library(language, kenya):
    from django_countries import countries

    with translation.override(language):
        assert countries.name("KE") == kenya
        assert countries.name("US") in {
            "United States of America",
            "États-Unis d'Amérique",
            "الولايات المتحدة الأمريكية",
        }


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "kenya"), [("fr", "Kenya"), ("ar", "كينيا")])
def test_the_queue_filters_and_lines_name_countries_in_the_readers_language(client, kept_language, language, kenya):
    from tests.factories import CityFactory, RegionFactory, hub_staff
    from tests.web.pages import in_state

    region = RegionFactory()
    in_state("submitted", city=CityFactory(region=region, country="KE"))
    client.force_login(hub_staff(region, preferred_language=language))
    page = client.get(reverse("hub-queue")).content.decode()
    assert f'<option value="KE">{kenya}</option>' in page
    assert f"<bdi>{kenya}</bdi>" in page
