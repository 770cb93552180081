"""Derive the milestones helpdesk 0008 added (first triage decision, delivery) from the audit trail."""

from django.db import migrations
from django.db.models import DurationField, ExpressionWrapper, F, OuterRef, Subquery

# The triage decisions as the lifecycle named them when this migration was written (workflows.lifecycle.TRIAGE).
TRIAGE = ("request_info", "answer_directly", "route_to_experts", "route_to_funding", "decline")


def backfill(apps, schema_editor):
    SupportRequest = apps.get_model("helpdesk", "SupportRequest")
    TransitionLog = apps.get_model("workflows", "TransitionLog")
    trail = TransitionLog.objects.filter(request_id=OuterRef("pk")).order_by("seq").values("created_at")
    SupportRequest.objects.update(
        triaged_at=Subquery(trail.filter(transition__in=TRIAGE)[:1]),
        delivered_at=Subquery(trail.filter(to_state="delivered")[:1]),
    )
    submitted = SupportRequest.objects.filter(submitted_at__isnull=False)
    for milestone, duration in (("triaged_at", "time_to_triage"), ("delivered_at", "time_to_delivery")):
        submitted.filter(**{f"{milestone}__isnull": False}).update(
            **{duration: ExpressionWrapper(F(milestone) - F("submitted_at"), output_field=DurationField())}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0008_lifecycle_milestones"),
        ("workflows", "0001_audit_trail_and_lifecycle_proxy"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
