"""A city's country column narrows to the ISO code that 0012 wrote in it."""

import django_countries.fields
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0012_hub_names_and_country_codes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="city",
            name="country",
            field=django_countries.fields.CountryField(max_length=2, verbose_name="country"),
        ),
    ]
