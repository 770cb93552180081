"""A request's outcomes as its page shows them (``web.outcomes.OutcomesView``), and the reports' figures
(``workflows.reports``): aggregates only, never a request."""

from __future__ import annotations

from rest_framework import serializers


class FollowUpCellSerializer(serializers.Serializer):
    months = serializers.IntegerField(help_text="Its point after delivery in months; 0 for a point in days.")
    days = serializers.IntegerField(help_text="Its point in days (a check-in 14 days after an incident), else 0.")
    status = serializers.CharField()
    status_label = serializers.CharField()
    value = serializers.CharField(help_text="As the page writes it; a dash when none was given.")


class OutcomeRowSerializer(serializers.Serializer):
    indicator_id = serializers.IntegerField()
    indicator = serializers.CharField(help_text="In the caller's language.")
    unit = serializers.CharField(help_text="The unit's words.")
    baseline = serializers.CharField(help_text="As the page writes it (a dash: unknown).")
    target = serializers.CharField()
    delivered = serializers.CharField(help_text="The value reached at delivery.")
    confirmed = serializers.CharField(help_text="The value the city confirmed.")
    values = serializers.DictField(
        child=serializers.CharField(allow_null=True),
        help_text="The same figures as numbers (baseline, target, delivered, confirmed; null: unknown).",
    )
    follow_ups = FollowUpCellSerializer(many=True)


class FollowUpColumnSerializer(serializers.Serializer):
    months = serializers.IntegerField(help_text="Its point after delivery in months; 0 for a point in days.")
    days = serializers.IntegerField(help_text="Its point in days (a check-in 14 days after an incident), else 0.")
    status = serializers.CharField()
    status_label = serializers.CharField()


class OutcomesSerializer(serializers.Serializer):
    reference = serializers.CharField()
    delivered = serializers.BooleanField(help_text="Support was delivered: the values reached are asked for.")
    confirmed = serializers.BooleanField(help_text="The request closed: the city's confirmation is in.")
    follow_ups = FollowUpColumnSerializer(many=True)
    rows = OutcomeRowSerializer(many=True)


# --- The reports ---------------------------------------------------------------------------------------------
class FigureRowSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # a field of the answer, not Field's attribute
    key = serializers.CharField()
    count = serializers.IntegerField(allow_null=True, help_text="Null: fewer than 5 (the committee's copy).")


class GrantRowSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # a field of the answer, not Field's attribute
    key = serializers.CharField()
    currency = serializers.CharField()
    grants = serializers.IntegerField(allow_null=True)
    committed = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    disbursed = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class FollowUpPointSerializer(serializers.Serializer):
    months = serializers.IntegerField()
    asked = serializers.IntegerField(allow_null=True)
    answered = serializers.IntegerField(allow_null=True)
    missing = serializers.IntegerField(allow_null=True)
    value = serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True)
    values = serializers.IntegerField()


class IndicatorRowSerializer(serializers.Serializer):
    indicator_id = serializers.IntegerField()
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field of the answer, not Field's attribute
    unit = serializers.CharField()
    unit_label = serializers.CharField()
    priority = serializers.IntegerField()
    higher_is_better = serializers.BooleanField()
    planned = serializers.IntegerField(allow_null=True)
    delivered = serializers.IntegerField(allow_null=True)
    confirmed = serializers.IntegerField(allow_null=True)
    reached = serializers.IntegerField(allow_null=True)
    points = FollowUpPointSerializer(many=True)


class PriorityGroupSerializer(serializers.Serializer):
    priority = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field of the answer, not Field's attribute
    rows = IndicatorRowSerializer(many=True)


class OutcomeFiguresSerializer(serializers.Serializer):
    groups = PriorityGroupSerializer(many=True)
    months = serializers.ListField(child=serializers.IntegerField())
    follow_ups = FollowUpPointSerializer(many=True)
    suppressed = serializers.BooleanField()


class AnnualReportSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    suppressed = serializers.BooleanField(help_text="The steering committee's copy: small counts hidden.")
    filed = serializers.IntegerField(allow_null=True)
    filed_by_region = FigureRowSerializer(many=True)
    filed_by_theme = FigureRowSerializer(many=True)
    delivered_by_kind = FigureRowSerializer(many=True)
    delivered = serializers.IntegerField(allow_null=True)
    median_to_triage = serializers.DurationField(allow_null=True)
    median_to_delivery = serializers.DurationField(allow_null=True)
    grants_by_priority = GrantRowSerializer(many=True)
    grants_by_region = GrantRowSerializer(many=True)
    evaluations = serializers.IntegerField(allow_null=True)
    average_rating = serializers.FloatField(allow_null=True)
    recommend_share = serializers.FloatField(allow_null=True, help_text="From 0 to 1.")
    outcomes = OutcomeFiguresSerializer()


class GrantReportSerializer(serializers.Serializer):
    source_code = serializers.CharField()
    source_name = serializers.CharField()
    year = serializers.IntegerField()
    suppressed = serializers.BooleanField()
    grants = serializers.IntegerField(allow_null=True)
    totals = GrantRowSerializer(many=True, help_text="One per currency.")
    by_region = GrantRowSerializer(many=True)
    by_priority = GrantRowSerializer(many=True)
    outcomes = OutcomeFiguresSerializer()
