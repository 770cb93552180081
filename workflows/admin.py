"""The lifecycle's rows in the admin; the audit trail readable by staff, never editable (the model refuses
changes anyway)."""

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from helpdesk.admin import ManagedByManagement
from workflows.models import (
    DeliveryReport,
    Evaluation,
    ExpertAssignment,
    FollowUp,
    FundApplication,
    FundEnvelope,
    FundingSource,
    OutcomeTarget,
    OutcomeValue,
    TransitionLog,
)
from workflows.tally_grants import grant_tally_kept
from workflows.tally_outcomes import outcome_tally_kept


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    list_display = ["request", "seq", "transition", "from_state", "to_state", "actor", "created_at"]
    list_filter = ["transition", "to_state"]
    search_fields = ["request__reference", "transition"]
    list_select_related = ["request", "actor"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ExpertAssignment)
class ExpertAssignmentAdmin(admin.ModelAdmin):
    list_display = ["request", "expert", "status", "has_conflict", "created_at"]
    list_filter = ["status", "has_conflict"]
    search_fields = ["request__reference", "expert__username"]
    list_select_related = ["request", "expert"]
    raw_id_fields = ["request", "expert", "proposed_by"]
    readonly_fields = ["status"]


@admin.register(FundingSource)
class FundingSourceAdmin(ManagedByManagement):
    list_display = ["code", "name", "name_fr", "name_ar"]
    search_fields = ["code", "name", "name_fr", "name_ar"]
    fields = ["code", ("name", "name_fr", "name_ar")]


@admin.register(FundEnvelope)
class FundEnvelopeAdmin(admin.ModelAdmin):
    list_display = ["region", "fiscal_year", "source", "amount", "committed", "currency"]
    list_filter = ["fiscal_year", "region", "source"]
    list_select_related = ["region", "source"]
    readonly_fields = ["committed"]


@admin.register(FundApplication)
class FundApplicationAdmin(admin.ModelAdmin):
    list_display = ["request", "envelope", "amount_requested", "amount_approved", "status", "created_at"]
    list_filter = ["status", "strategic_priority"]
    search_fields = ["request__reference"]
    list_select_related = ["request", "envelope__region"]
    raw_id_fields = ["request", "envelope", "recommended_by", "first_approver", "decided_by"]
    readonly_fields = ["status", "amount_approved", "first_approver", "decided_by", "decided_at"]

    # An approved grant moved to another envelope, priority or request (or deleted) moves in the grant tally, and
    # its request's outcomes move to the cells of its new envelope (the outcome tally's funds).
    def save_model(self, request: HttpRequest, obj: FundApplication, form: Any, change: bool) -> None:
        moved = FundApplication.objects.filter(pk=obj.pk).values_list("request_id", flat=True) if obj.pk else []
        ids = {obj.request_id, *moved}
        with transaction.atomic(), grant_tally_kept(ids), outcome_tally_kept(ids):
            super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: FundApplication) -> None:
        with transaction.atomic(), grant_tally_kept([obj.request_id]), outcome_tally_kept([obj.request_id]):
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[FundApplication]) -> None:
        ids = list(queryset.values_list("request_id", flat=True))
        with transaction.atomic(), grant_tally_kept(ids), outcome_tally_kept(ids):
            super().delete_queryset(request, queryset)


@admin.register(DeliveryReport)
class DeliveryReportAdmin(admin.ModelAdmin):
    list_display = ["request", "author", "created_at"]
    search_fields = ["request__reference"]
    list_select_related = ["request", "author"]
    raw_id_fields = ["request", "author"]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["request", "rating", "would_recommend", "created_at"]
    list_filter = ["rating", "would_recommend"]
    search_fields = ["request__reference"]
    list_select_related = ["request"]
    raw_id_fields = ["request", "author"]

    # The average rating is read from the outcome tally: an edit here moves it in the same transaction.
    def save_model(self, request: HttpRequest, obj: Evaluation, form: Any, change: bool) -> None:
        # Both requests when the evaluation is moved to another one.
        moved = Evaluation.objects.filter(pk=obj.pk).values_list("request_id", flat=True) if obj.pk else []
        with transaction.atomic(), outcome_tally_kept({obj.request_id, *moved}):
            super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: Evaluation) -> None:
        with transaction.atomic(), outcome_tally_kept([obj.request_id]):
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Evaluation]) -> None:
        with transaction.atomic(), outcome_tally_kept(list(queryset.values_list("request_id", flat=True))):
            super().delete_queryset(request, queryset)


class _ReadOnly(admin.ModelAdmin):
    """Outcomes are written by the lifecycle's moves (with their audit rows): the admin only reads them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutcomeTarget)
class OutcomeTargetAdmin(_ReadOnly):
    list_display = ["request", "indicator", "baseline", "target", "created_at"]
    list_filter = ["indicator__priority", "indicator"]
    search_fields = ["request__reference"]
    list_select_related = ["request", "indicator"]


@admin.register(OutcomeValue)
class OutcomeValueAdmin(_ReadOnly):
    list_display = ["target", "stage", "value", "follow_up", "recorded_at"]
    list_filter = ["stage"]
    search_fields = ["target__request__reference"]
    list_select_related = ["target__request", "target__indicator", "follow_up"]


@admin.register(FollowUp)
class FollowUpAdmin(_ReadOnly):
    list_display = ["request", "kind", "months", "days", "due_on", "status", "opened_at", "reminded_at", "answered_at"]
    list_filter = ["kind", "status", "months"]
    search_fields = ["request__reference"]
    list_select_related = ["request"]
    date_hierarchy = "opened_at"
