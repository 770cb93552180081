"""A request's outcomes as its page shows them (``web.outcomes``), and the reports (``workflows.reports``): the
management unit reads every figure, the steering committee the copy with small counts suppressed, and neither
report names a request."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.access import can
from helpdesk.models import Role, User
from web.api.base import DeskAPIView, caller
from web.api.schema import ERRORS
from web.api.serializers.outcomes import AnnualReportSerializer, GrantReportSerializer, OutcomesSerializer
from web.outcomes import PlannedTargets, plain, request_outcomes
from web.views.common import request_or_404
from web.views.reports import STEERING_COPY, reads_every_figure, report_year
from workflows.models import FundingSource
from workflows.reports import annual_report_recent, grant_report_recent


class RequestOutcomes(DeskAPIView):
    @extend_schema(
        operation_id="requests_outcomes",
        summary="A request's outcomes",
        description="The key indicators its support planned, each with its baseline and target, the value "
        "reached at delivery, the value the city confirmed and what each follow-up found: for those the request "
        "page shows them to (the city and those who oversee the request; 403 for an expert).",
        responses={200: OutcomesSerializer, **ERRORS(401, 403, 404)},
        tags=["outcomes"],
    )
    def get(self, request: Request, reference: str) -> Response:
        user = caller(request)
        support_request = request_or_404(user, reference)
        if not can(user, "view_evaluation", support_request):
            raise PermissionDenied
        planned = PlannedTargets(support_request)
        shown = request_outcomes(support_request, planned)
        targets = planned() if shown else []
        rows = [
            {
                "indicator_id": target.indicator_id,
                **{key: getattr(row, key) for key in ("indicator", "unit", "baseline", "target")},
                "delivered": row.delivered,
                "confirmed": row.confirmed,
                "values": {
                    "baseline": plain(target.baseline) or None,
                    "target": plain(target.target) or None,
                    "delivered": plain(getattr(target, "delivered_value", None)) or None,
                    "confirmed": plain(getattr(target, "confirmed_value", None)) or None,
                },
                "follow_ups": row.follow_ups,
            }
            for row, target in zip(shown.rows, targets, strict=True)
        ]
        return Response(
            OutcomesSerializer(
                {
                    "reference": support_request.reference,
                    "delivered": shown.delivered,
                    "confirmed": shown.confirmed,
                    "follow_ups": shown.follow_ups,
                    "rows": rows,
                }
            ).data
        )


COPY = OpenApiParameter(
    "copy", OpenApiTypes.STR, enum=[STEERING_COPY], description="The management unit: the committee's copy."
)


def _reader(request: Request) -> tuple[User, bool]:
    """The caller, and whether they read every figure (the management unit's own copy); the steering committee
    reads the suppressed one; anyone else is refused, as on the pages."""
    user = caller(request)
    if not (user.has_role(Role.STEERING) or user.has_role(Role.MANAGEMENT)):
        raise PermissionDenied
    return user, reads_every_figure(user, request.query_params.get("copy"))


class AnnualReport(DeskAPIView):
    @extend_schema(
        operation_id="reports_annual",
        summary="The annual report",
        description="The figures of the annual report page: the requests filed in the year, the support given, "
        "the times to answer, the grants, the evaluations and the outcomes. The steering committee (and the "
        "management unit with `copy=steering`) reads counts of 1 to 4 as null; aggregates only.",
        parameters=[COPY],
        responses={200: AnnualReportSerializer, **ERRORS(401, 403, 404)},
        tags=["reports"],
    )
    def get(self, request: Request, year: int) -> Response:
        _user, full = _reader(request)
        report = annual_report_recent(report_year(year), suppressed=not full)
        return Response(AnnualReportSerializer(report).data)


class GrantReport(DeskAPIView):
    @extend_schema(
        operation_id="reports_grants",
        summary="A funding source's grant report",
        description="The grants approved on the envelopes `source` finances in a fiscal year, committed and "
        "disbursed, with their outcomes; suppressed for the steering committee as on the page.",
        parameters=[COPY],
        responses={200: GrantReportSerializer, **ERRORS(401, 403, 404)},
        tags=["reports"],
    )
    def get(self, request: Request, source: str, year: int) -> Response:
        _user, full = _reader(request)
        funding_source = get_object_or_404(FundingSource, code=source)
        report = grant_report_recent(funding_source, report_year(year), suppressed=not full)
        return Response(GrantReportSerializer(report).data)
