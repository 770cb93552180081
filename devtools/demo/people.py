"""Who the scale seeders write for: the ids of the network's people by what they are in it, read once."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from helpdesk.models import Role, User


@dataclass(frozen=True)
class NetworkPeople:
    focal_by_city: dict[int, list[int]]  # active focal points of each city, by id
    hub_by_region: dict[int, list[int]]  # active hub staff of each region, by id
    leads_by_region: dict[int, list[int]]  # the hub leads among them
    management: list[int]  # the active management unit


def network_people() -> NetworkPeople:
    focal: dict[int, list[int]] = defaultdict(list)
    through = User.cities.through.objects.filter(user__is_active=True, user__groups__name=Role.FOCAL_POINT)
    for city_id, user_id in through.order_by("user_id").values_list("city_id", "user_id"):
        focal[city_id].append(user_id)
    hub: dict[int, list[int]] = defaultdict(list)
    leads: dict[int, list[int]] = defaultdict(list)
    staff = User.objects.filter(groups__name=Role.HUB_STAFF, is_active=True, region__isnull=False).order_by("pk")
    for user_id, region_id, is_lead in staff.values_list("pk", "region_id", "is_hub_lead"):
        hub[region_id].append(user_id)
        if is_lead:
            leads[region_id].append(user_id)
    management = User.objects.filter(groups__name=Role.MANAGEMENT, is_active=True).order_by("pk")
    return NetworkPeople(dict(focal), dict(hub), dict(leads), list(management.values_list("pk", flat=True)))
