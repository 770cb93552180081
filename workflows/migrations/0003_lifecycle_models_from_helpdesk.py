"""Take over the lifecycle's rows from ``helpdesk`` (its migration 0011): the models keep their tables, so no
SQL runs; the content types (and with them permissions and admin history) are renamed to this app."""

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

MOVED = ["deliveryreport", "evaluation", "expertassignment", "fundapplication", "fundenvelope"]


def content_types_follow(apps, schema_editor):  # type: ignore[no-untyped-def]
    """On a desk that has them, helpdesk's content types become ours (a new database has none yet)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = set(ContentType.objects.filter(app_label="workflows", model__in=MOVED).values_list("model", flat=True))
    ContentType.objects.filter(app_label="helpdesk", model__in=[m for m in MOVED if m not in taken]).update(
        app_label="workflows"
    )


def content_types_back(apps, schema_editor):  # type: ignore[no-untyped-def]
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="workflows", model__in=MOVED).update(app_label="helpdesk")


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0011_lifecycle_models_move_to_workflows"),
        ("workflows", "0002_backfill_milestones"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='DeliveryReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('report', models.TextField(verbose_name='delivery report')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                        ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='delivery_reports', to='helpdesk.supportrequest')),
                    ],
                    options={
                        'verbose_name': 'delivery report',
                        'verbose_name_plural': 'delivery reports',
                        'db_table': 'helpdesk_deliveryreport',
                    },
                ),
                migrations.CreateModel(
                    name='FundEnvelope',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('fiscal_year', models.PositiveSmallIntegerField(verbose_name='fiscal year')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='amount')),
                        ('committed', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, verbose_name='committed')),
                        ('currency', models.CharField(choices=[('EUR', 'EUR'), ('USD', 'USD'), ('GBP', 'GBP')], default='EUR', max_length=3, verbose_name='currency')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='envelopes', to='helpdesk.region')),
                    ],
                    options={
                        'verbose_name': 'fund envelope',
                        'verbose_name_plural': 'fund envelopes',
                        'db_table': 'helpdesk_fundenvelope',
                        'ordering': ['-fiscal_year', 'region__name'],
                    },
                ),
                migrations.CreateModel(
                    name='FundApplication',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('amount_requested', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='amount asked')),
                        ('currency', models.CharField(choices=[('EUR', 'EUR'), ('USD', 'USD'), ('GBP', 'GBP')], default='EUR', max_length=3, verbose_name='currency')),
                        ('budget_lines', models.JSONField(default=list, verbose_name='budget lines')),
                        ('strategic_priority', models.PositiveSmallIntegerField(choices=[(1, 'City-to-city exchange'), (2, 'National-local coordination'), (3, 'Mandates and programmes in cities'), (4, 'Engagement between cities and young people'), (5, 'Voice and leadership of mayors')], verbose_name='strategic priority')),
                        ('justification', models.TextField(verbose_name='justification')),
                        ('status', models.CharField(choices=[('pending', 'Awaiting decision'), ('approved', 'Approved'), ('rejected', 'Rejected')], default='pending', max_length=10, verbose_name='status')),
                        ('amount_approved', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='amount approved')),
                        ('conditions', models.TextField(blank=True, verbose_name='conditions')),
                        ('decision_reason', models.TextField(blank=True, verbose_name='reason')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('first_approver', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('recommended_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='fund_applications', to='helpdesk.supportrequest')),
                        ('envelope', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='workflows.fundenvelope')),
                    ],
                    options={
                        'verbose_name': 'fund application',
                        'verbose_name_plural': 'fund applications',
                        'db_table': 'helpdesk_fundapplication',
                        'ordering': ['created_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Evaluation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rating', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='rating')),
                        ('outcomes', models.TextField(verbose_name='outcomes')),
                        ('would_recommend', models.BooleanField(verbose_name='would recommend')),
                        ('comments', models.TextField(blank=True, verbose_name='comments')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                        ('request', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='evaluation', to='helpdesk.supportrequest')),
                    ],
                    options={
                        'verbose_name': 'evaluation',
                        'verbose_name_plural': 'evaluations',
                        'db_table': 'helpdesk_evaluation',
                        'indexes': [models.Index(fields=['created_at', 'rating'], name='eval_created_rating')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('rating__gte', 1), ('rating__lte', 5)), name='eval_rating_1_5')],
                    },
                ),
                migrations.CreateModel(
                    name='ExpertAssignment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('proposed', 'Proposed'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('completed', 'Completed')], default='proposed', max_length=10, verbose_name='status')),
                        ('conflict_of_interest', models.TextField(blank=True, verbose_name='conflict-of-interest declaration')),
                        ('has_conflict', models.BooleanField(default=False, verbose_name='declared a conflict of interest')),
                        ('decline_reason', models.TextField(blank=True, verbose_name='reason for declining')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('responded_at', models.DateTimeField(blank=True, null=True)),
                        ('completed_at', models.DateTimeField(blank=True, null=True)),
                        ('expert', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assignments', to=settings.AUTH_USER_MODEL)),
                        ('proposed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='helpdesk.supportrequest')),
                    ],
                    options={
                        'verbose_name': 'expert assignment',
                        'verbose_name_plural': 'expert assignments',
                        'db_table': 'helpdesk_expertassignment',
                        'ordering': ['created_at', 'id'],
                        'indexes': [models.Index(fields=['expert', 'status'], name='asg_expert_status'), models.Index(fields=['request', 'status'], name='asg_request_status')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('status__in', ['proposed', 'accepted', 'completed'])), fields=('request', 'expert'), name='asg_one_live_per_expert')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='fundenvelope',
                    constraint=models.UniqueConstraint(fields=('region', 'fiscal_year'), name='env_one_per_region_year'),
                ),
                migrations.AddConstraint(
                    model_name='fundenvelope',
                    constraint=models.CheckConstraint(condition=models.Q(('committed__lte', models.F('amount')), ('committed__gte', 0)), name='env_committed_within_amount'),
                ),
                migrations.AddIndex(
                    model_name='fundapplication',
                    index=models.Index(fields=['status', 'created_at'], name='fund_status_created'),
                ),
                migrations.AddIndex(
                    model_name='fundapplication',
                    index=models.Index(fields=['envelope', 'status', 'amount_requested'], name='fund_envelope_status'),
                ),
                migrations.AddConstraint(
                    model_name='fundapplication',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('request',), name='fund_one_pending_per_request'),
                ),
            ],
        ),
        migrations.RunPython(content_types_follow, content_types_back, elidable=True),
    ]
