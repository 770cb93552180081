"""A small network for the lifecycle tests, and a way to walk a request to any state through ``transition_perform``.

Region R holds city A (the request's) and city B; region R2 holds city C. One person per role and
relation: the focal point of A, the focal point of B (another city), the hub lead and officer of R, hub
staff of R2, two experts with room for two assignments each, an expert never assigned, two management
members and a steering-committee viewer. R has a fund envelope for the current fiscal year.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps

from helpdesk.models import City, Indicator, Region, SupportRequest, User
from tests.factories import (
    CityFactory,
    FundEnvelopeFactory,
    IndicatorFactory,
    RegionFactory,
    SupportRequestFactory,
    expert,
    focal_point,
    hub_staff,
    management,
    steering,
)
from workflows.models import FundEnvelope
from workflows.selectors import current_fiscal_year
from workflows.services import transition_perform

# Data that satisfies each move (tests drop or spoil one field at a time).
VALID: dict[str, dict[str, Any]] = {
    "request_info": {"question": "<p>Which services should take part?</p>"},
    "provide_info": {"answer": "<p>Youth services and the police liaison.</p>"},
    "answer_directly": {"answer": "<p>Here is what worked in two peer cities.</p>"},
    "route_to_funding": {
        "amount": Decimal("10000"),
        "currency": "EUR",
        "budget_lines": [{"item": "Workshops", "amount": "6000"}, {"item": "Travel", "amount": "4000"}],
        "strategic_priority": 4,
        "justification": "Aligned with priority 4.",
    },
    "accept_assignment": {"declaration": "No tie to the city.", "has_conflict": False},
    "decline_assignment": {"reason": "Not available this month."},
    "reject_funding": {"reason": "The envelope is kept for incident response."},
    "report_delivery": {"report": "<p>Two workshops held.</p>"},
    "evaluate": {"rating": 4, "outcomes": "A plan adopted by the council.", "would_recommend": True},
    "decline": {"reason": "<p>Outside the network's mandate.</p>"},
    "answer_follow_up": {"what_changed": "<p>The prevention plan is still in force.</p>"},
    "answer_check_in": {"recovery": "<p>The community centre reopened; the victims' families are supported.</p>"},
    "fast_track": {"reason": "<p>An attack last night: the city needs advice within hours.</p>"},
}


def with_indicators(transition: str, data: dict[str, Any], indicator: Indicator) -> dict[str, Any]:
    """``data`` with the key indicators the move needs (routing to the fund plans at least one)."""
    if transition == "route_to_funding":
        data.setdefault("indicators", [{"indicator": indicator.pk, "baseline": "2", "target": "10"}])
    return data


@dataclass
class Net:
    region: Region
    other_region: Region
    city: City
    other_city: City
    far_city: City
    envelope: FundEnvelope
    people: dict[str, User]
    # A key indicator in use: routing to the fund names at least one (``with_indicators``).
    indicator: Indicator

    def __getattr__(self, name: str) -> User:
        people = self.__dict__.get("people", {})
        if name in people:
            return people[name]
        raise AttributeError(name)

    def request(self, **fields: Any) -> SupportRequest:
        fields.setdefault("city", self.city)
        fields.setdefault("submitted_by", self.people["focal"])
        return SupportRequestFactory(**fields)

    def data(self, transition: str, **changes: Any) -> dict[str, Any]:
        """Valid data for ``transition`` with ``changes`` applied (a value of ``None`` drops the field)."""
        data = with_indicators(transition, dict(VALID.get(transition, {})), self.indicator)
        if transition in {"route_to_experts", "propose_expert"}:
            data["experts"] = [self.people["expert"].pk]
        data.update(changes)
        return {key: value for key, value in data.items() if value is not None}

    def walk(self, request: SupportRequest, path: str) -> SupportRequest:
        """Move ``request`` along one of ``PATHS`` with the right people."""
        for transition, who in PATHS[path]:
            request = transition_perform(
                request=request, transition=transition, actor=self.people[who], data=self.data(transition)
            )
        return request

    def at(self, path: str, **fields: Any) -> SupportRequest:
        return self.walk(self.request(**fields), path)


# The road to each state, move by move, with who makes each move.
_SUBMITTED = [("submit", "focal")]
_MATCHING = [*_SUBMITTED, ("route_to_experts", "hub")]
_ACCEPTED = [*_MATCHING, ("accept_assignment", "expert")]
_IN_DELIVERY = [*_ACCEPTED, ("start_delivery", "hub")]
_DELIVERED = [*_IN_DELIVERY, ("report_delivery", "expert")]
PATHS: dict[str, list[tuple[str, str]]] = {
    "draft": [],
    "submitted": _SUBMITTED,
    "info_requested": [*_SUBMITTED, ("request_info", "hub")],
    "expert_matching": _MATCHING,
    "expert_matching_accepted": _ACCEPTED,
    "funding_review": [*_SUBMITTED, ("route_to_funding", "hub")],
    "funding_review_with_expert": [*_ACCEPTED, ("route_to_funding", "hub")],
    "in_delivery": _IN_DELIVERY,
    "delivered": _DELIVERED,
    "closed": [*_DELIVERED, ("evaluate", "focal")],
    "declined": [*_SUBMITTED, ("decline", "hub")],
    "withdrawn": [*_SUBMITTED, ("withdraw", "focal")],
}


@pytest.fixture
def net(db: None) -> Net:
    region, other_region = RegionFactory(), RegionFactory()
    city, other_city = CityFactory(region=region), CityFactory(region=region)
    far_city = CityFactory(region=other_region)
    people = {
        "focal": focal_point(city),
        "other_focal": focal_point(other_city),
        "hub": hub_staff(region, is_hub_lead=True),
        "officer": hub_staff(region),
        "other_hub": hub_staff(other_region),
        "expert": expert(capacity=2),
        "expert2": expert(capacity=2),
        "unassigned_expert": expert(),
        "mu": management(),
        "mu2": management(),
        "steering": steering(),
    }
    envelope = FundEnvelopeFactory(region=region, fiscal_year=current_fiscal_year(), amount=Decimal("100000"))
    return Net(region, other_region, city, other_city, far_city, envelope, people, IndicatorFactory(priority=4))


def row_counts() -> dict[str, int]:
    """Rows per model, to show that a refused move wrote nothing anywhere."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.app_label not in {"sessions", "axes"}
    }
