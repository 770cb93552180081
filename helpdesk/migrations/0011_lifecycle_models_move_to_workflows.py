"""The lifecycle's rows (assignments, fund envelopes and applications, delivery reports, evaluations) now
belong to the ``workflows`` app. Only Django's record of the models moves: the tables stay as they are, so
this migration, and ``workflows`` 0003 which takes them over, run no SQL at all (nothing is locked or
copied on a live desk)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0010_search_trigram_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='evaluation',
                    name='author',
                ),
                migrations.RemoveField(
                    model_name='evaluation',
                    name='request',
                ),
                migrations.RemoveField(
                    model_name='expertassignment',
                    name='expert',
                ),
                migrations.RemoveField(
                    model_name='expertassignment',
                    name='proposed_by',
                ),
                migrations.RemoveField(
                    model_name='expertassignment',
                    name='request',
                ),
                migrations.RemoveField(
                    model_name='fundapplication',
                    name='decided_by',
                ),
                migrations.RemoveField(
                    model_name='fundapplication',
                    name='envelope',
                ),
                migrations.RemoveField(
                    model_name='fundapplication',
                    name='first_approver',
                ),
                migrations.RemoveField(
                    model_name='fundapplication',
                    name='recommended_by',
                ),
                migrations.RemoveField(
                    model_name='fundapplication',
                    name='request',
                ),
                migrations.RemoveField(
                    model_name='fundenvelope',
                    name='region',
                ),
                migrations.DeleteModel(
                    name='DeliveryReport',
                ),
                migrations.DeleteModel(
                    name='Evaluation',
                ),
                migrations.DeleteModel(
                    name='ExpertAssignment',
                ),
                migrations.DeleteModel(
                    name='FundApplication',
                ),
                migrations.DeleteModel(
                    name='FundEnvelope',
                ),
            ],
        ),
    ]
