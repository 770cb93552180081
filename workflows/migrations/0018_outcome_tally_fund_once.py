from django.db import migrations


def outcome_tally_recount(apps, schema_editor):
    # A request a donor paid for twice (a top-up grant, or a grant from another of the donor's envelopes of the
    # year) now counts once in the donor's envelopes' cells: the whole tally recounted, as ``manage.py
    # tally_rebuild`` does, so cells written before count it once too.
    from workflows.tally_outcomes import outcome_tally_recount as recount

    tally_model = apps.get_model("workflows", "OutcomeTally")
    tally_model.objects.all().delete()
    tally_model.objects.bulk_create(
        (
            tally_model(month=m, indicator=i, point=p, measure=s, due_on=d, fund=f, n=n, total=total)
            for (m, i, p, s, d, f), (n, total) in recount(apps).nonzero().items()
        ),
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0017_fund_emergency_index"),
    ]

    operations = [
        migrations.RunPython(outcome_tally_recount, migrations.RunPython.noop),
    ]
