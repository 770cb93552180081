"""The reader's time zone: the one they chose, else their hub's (hub staff) or their city's hub's (a focal point),
else the desk's; read with their roles at no query of its own; said on the profile; and a request's deadline,
counted in the owning hub's calendar, shown in it on the request page."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.models import User
from helpdesk.selectors.people import time_zone_default, time_zone_of
from tests.factories import CityFactory, RegionFactory, expert, focal_point, hub_staff, management
from tests.workflows.conftest import net  # noqa: F401  (the lifecycle tests' network, a fixture)

pytestmark = pytest.mark.django_db

AMMAN = zoneinfo.ZoneInfo("Asia/Amman")


@pytest.fixture
def mena():
    return RegionFactory(name="MENA", time_zone="Asia/Amman", working_days=[7, 1, 2, 3, 4])


def _fresh(person: User) -> User:
    """The person as a new request reads them (nothing read yet)."""
    return User.objects.get(pk=person.pk)


def test_the_default_is_the_hubs_then_the_citys_hubs_then_the_desks(mena):
    nairobi = RegionFactory(time_zone="Africa/Nairobi")
    staff = hub_staff(mena)
    focal = focal_point(CityFactory(region=nairobi, name="B-city"))
    focal.cities.add(CityFactory(region=mena, name="A-city"))  # the first city by name decides

    assert time_zone_of(_fresh(staff)) == "Asia/Amman"
    assert time_zone_of(_fresh(focal)) == "Asia/Amman"
    assert time_zone_of(_fresh(management())) == ""
    assert time_zone_of(_fresh(expert())) == ""
    assert time_zone_of(None) == ""
    chose = hub_staff(mena, time_zone="Europe/Paris")
    assert time_zone_of(_fresh(chose)) == "Europe/Paris"

    assert (time_zone_default(staff).source, time_zone_default(staff).hub) == ("hub", mena)
    assert (time_zone_default(focal).source, time_zone_default(focal).zone) == ("city", "Asia/Amman")
    assert time_zone_default(management()).source == "desk"


def test_the_default_costs_no_query_beyond_the_roles_read(mena, django_assert_num_queries):
    staff = _fresh(hub_staff(mena))
    with django_assert_num_queries(1):
        assert time_zone_of(staff) == "Asia/Amman"
        assert staff.role_names == ["hub_staff"]  # the roles came with the zones
    chose = _fresh(hub_staff(mena, time_zone="Europe/Paris"))
    with django_assert_num_queries(0):
        assert time_zone_of(chose) == "Europe/Paris"
    # Roles read before (elsewhere): the zones cost one read of their own.
    read = _fresh(hub_staff(mena))
    assert read.roles
    with django_assert_num_queries(1):
        assert time_zone_of(read) == "Asia/Amman"


def test_a_page_costs_the_same_with_a_zone_chosen_or_the_default(client, mena):
    def count(person: User) -> int:
        client.force_login(person)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/cities/gaps/").status_code == 200
        return len(captured)

    assert count(hub_staff(mena)) == count(hub_staff(mena, time_zone="Europe/Paris"))


def test_pages_show_moments_in_the_hubs_zone_by_default(client, mena):
    seen = focal_point(CityFactory(region=mena), last_login=datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    client.force_login(hub_staff(mena))
    html = client.get("/people/").content.decode()
    assert '<time datetime="2026-03-01T15:00:00+03:00"' in html[html.index(f"<bdi>{seen}</bdi>") :]


def test_the_profile_says_what_the_default_is(client, mena):
    client.force_login(hub_staff(mena))
    assert (
        "Default: Asia / Amman (the time zone of your hub, MENA)" in client.get("/accounts/profile/").content.decode()
    )
    client.force_login(focal_point(CityFactory(region=mena)))
    html = client.get("/accounts/profile/").content.decode()
    assert "Default: Asia / Amman (the time zone of MENA, your city&#x27;s hub)" in html
    client.force_login(management())
    assert "Default: UTC (the desk&#x27;s time zone)" in client.get("/accounts/profile/").content.decode()


def test_a_requests_deadline_appears_in_the_readers_time_zone(client, net):  # noqa: F811
    """A normal request filed on Thursday 22 May 2025 at 10:00 in Amman, in a Jordanian city of a hub working
    Sunday to Thursday, is due on Sunday 1 June at 10:00 there (Independence Day, Sunday 25 May, skipped)."""
    net.region.time_zone, net.region.working_days = "Asia/Amman", [7, 1, 2, 3, 4]
    net.region.save(update_fields=["time_zone", "working_days"])
    net.city.country = "JO"
    net.city.save(update_fields=["country"])
    with time_machine.travel(datetime(2025, 5, 22, 10, 0, tzinfo=AMMAN), tick=False):
        request = net.at("submitted")
    assert request.due_at == datetime(2025, 6, 1, 7, 0, tzinfo=UTC)

    def deadline_seen_by(person: User) -> str:
        client.force_login(person)
        html = client.get(request.get_absolute_url()).content.decode()
        after = html[html.index("Deadline:") :]
        return after[after.index("<time") : after.index("</time>")]

    # A reader in Honolulu: still Saturday 31 May there.
    reader = management(time_zone="Pacific/Honolulu")
    assert (
        deadline_seen_by(reader) == '<time datetime="2025-05-31T21:00:00-10:00" data-style="date" dir="auto">2025-05-31'
    )
    # The hub's own staff, with no zone chosen: the hub's.
    assert deadline_seen_by(net.hub).startswith('<time datetime="2025-06-01T10:00:00+03:00"')
