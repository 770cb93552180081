from django.db import migrations


def outcome_tally_recount(apps, schema_editor):
    # A request a donor paid for twice (a top-up grant, or a grant from another of the donor's envelopes of the
    # year) now counts once in the donor's envelopes' cells: the whole tally recounted, as ``manage.py
    # tally_rebuild`` does, so cells written before count it once too.
    from workflows.tally_outcomes import outcome_tally_rebuild

    outcome_tally_rebuild(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0017_fund_emergency_index"),
    ]

    operations = [
        migrations.RunPython(outcome_tally_recount, migrations.RunPython.noop),
    ]
