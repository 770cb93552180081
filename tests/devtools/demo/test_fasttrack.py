"""The demo's incident fast track: Saïda's request filed last evening, on the fast track, with its alerts, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from devtools.demo.fasttrack import seed_fast_track
from helpdesk.models import RequestState, SupportRequest
from notifications.models import Channel, Notification
from tests.factories import CityFactory, RegionFactory, focal_point, hub_staff, management

pytestmark = pytest.mark.django_db


@pytest.fixture
def saida():
    region = RegionFactory(code="mena", name="MENA")
    city = CityFactory(region=region, name="Saïda", country="LB")
    focal_point(city, username="focal.saida")
    hub_staff(region, username="hub.mena", is_hub_lead=True)
    management(username="mu.director")
    return city


@pytest.mark.parametrize(
    ("now", "filed"),
    [
        # Seeded at 10:00 in Saïda: filed at 20:30 the evening before.
        (datetime(2026, 12, 4, 8, 0, tzinfo=UTC), datetime(2026, 12, 3, 18, 30, tzinfo=UTC)),
        # Seeded late in the day: 20 hours before, so the demo never opens on an overdue request.
        (datetime(2026, 12, 4, 20, 0, tzinfo=UTC), datetime(2026, 12, 4, 0, 0, tzinfo=UTC)),
    ],
)
def test_saida_files_last_evening_on_the_fast_track_with_its_alerts_once(saida, now, filed):
    assert seed_fast_track(now=now) == 1
    assert seed_fast_track(now=now) == 0

    request = SupportRequest.objects.get(city=saida)
    assert request.state == RequestState.SUBMITTED and request.fast_tracked_at == filed
    assert request.due_at == filed + timedelta(hours=24) and request.due_at > now
    assert request.language == "ar" and request.urgency == "critical"
    told = set(Notification.objects.filter(channel=Channel.IN_APP).values_list("event", "recipient__username"))
    assert told == {("incident_filed", "hub.mena"), ("incident_filed", "mu.director")}
