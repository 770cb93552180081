"""Hubs get their names in French and Arabic; a city's country becomes its ISO 3166 code, so that pages can
name it in the reader's language (django-countries).

The country names written so far (the demo network's, the scale seeders' "Country 042") are turned into
codes before the column narrows to two characters; going back writes the English names again. A name that
matches no country stops the migration and lists it: a guessed code would put a city in the wrong place.
"""

import re

from django.db import migrations, models

# Names that are not django-countries' English names (it says "United States of America"; Kosovo is the
# user-assigned XK that settings.COUNTRIES_OVERRIDE adds).
NAMES = {
    "United States": "US",
    "USA": "US",
    "Kosovo": "XK",
    "Tanzania": "TZ",
    "United Kingdom": "GB",
    "UK": "GB",
    "Russia": "RU",
    "Syria": "SY",
    "Iran": "IR",
    "Palestine": "PS",
}
SCALE_NAME = re.compile(r"^Country (\d{3})$")


def _code(name, codes):
    from django_countries import countries

    name = (name or "").strip()
    if name.upper() in codes:
        return name.upper()
    if name in NAMES:
        return NAMES[name]
    found = countries.by_name(name)
    if found:
        return found
    scale = SCALE_NAME.match(name)
    if scale:  # the scale seeders' invented names: spread over real codes, the same way every time
        return codes[int(scale.group(1)) % len(codes)]
    return None


def names_to_codes(apps, schema_editor):
    from django_countries import countries

    City = apps.get_model("helpdesk", "City")
    codes = sorted(code for code, _name in countries)
    names = list(City.objects.order_by().values_list("country", flat=True).distinct())
    mapping = {name: _code(name, codes) for name in names}
    unknown = sorted(name for name, code in mapping.items() if code is None)
    if unknown:
        raise ValueError(f"No ISO 3166 code for these countries; correct them first: {unknown}")
    for name, code in mapping.items():
        if name != code:
            City.objects.filter(country=name).update(country=code)


def codes_to_names(apps, schema_editor):
    from django.utils import translation
    from django_countries import countries

    City = apps.get_model("helpdesk", "City")
    ours = {"US": "United States", "XK": "Kosovo", "TZ": "Tanzania", "GB": "United Kingdom"}
    with translation.override("en"):
        for code in City.objects.order_by().values_list("country", flat=True).distinct():
            name = ours.get(code) or str(countries.name(code)) or code
            City.objects.filter(country=code).update(country=name)


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0011_lifecycle_models_move_to_workflows"),
    ]

    operations = [
        migrations.AddField(
            model_name="region",
            name="name_ar",
            field=models.CharField(blank=True, max_length=120, verbose_name="name in Arabic"),
        ),
        migrations.AddField(
            model_name="region",
            name="name_fr",
            field=models.CharField(blank=True, max_length=120, verbose_name="name in French"),
        ),
        migrations.AlterField(
            model_name="region",
            name="name",
            field=models.CharField(max_length=120, verbose_name="name in English"),
        ),
        # Codes first, while the column still holds names of up to 80 characters; 0013 narrows it (in its
        # own transaction: PostgreSQL refuses to alter a table with updates pending in the same one).
        migrations.RunPython(names_to_codes, codes_to_names),
    ]
