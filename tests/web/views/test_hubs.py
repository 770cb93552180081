"""A hub's calendar page (/hubs/<id>/calendar/): its staff read it, its lead and the management unit keep it (time
zone, working days, closure days); the public holidays of its countries in the next 12 months, in the reader's
language where the library has them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.models import HubClosure, PeopleLog, Region
from helpdesk.selectors.hubs import HUB_CALENDAR
from tests.factories import CityFactory, RegionFactory, hub_staff, management

pytestmark = pytest.mark.django_db

# Thursday 22 May 2025 in Amman; Jordan's Independence Day is the Sunday after.
NOW = datetime(2025, 5, 22, 7, 0, tzinfo=UTC)


@pytest.fixture
def hub() -> Region:
    hub = RegionFactory(name="MENA", time_zone="Asia/Amman", working_days=[7, 1, 2, 3, 4])
    CityFactory(region=hub, country="JO", name="Irbid")
    return hub


def _url(hub: Region, tail: str = "") -> str:
    return f"/hubs/{hub.pk}/calendar/{tail}"


def _get(client, person, hub: Region) -> str:
    client.force_login(person)
    response = client.get(_url(hub))
    assert response.status_code == 200
    return response.content.decode()


def test_the_lead_reads_and_keeps_the_calendar(client, hub):
    HubClosure.objects.create(region=hub, day=date(2025, 6, 12), name="Hub retreat")
    with time_machine.travel(NOW, tick=False):
        html = _get(client, hub_staff(hub, is_hub_lead=True), hub)

    assert "Calendar of <bdi>MENA</bdi>" in html
    assert "Sunday, Monday, Tuesday, Wednesday, Thursday" in html  # as the hub's week runs
    assert '<select name="time_zone"' in html and '<option value="Asia/Amman" selected>Amman</option>' in html
    assert '<input class="form-check-input" type="checkbox" name="working_days" value="7"' in html
    assert "Save the calendar" in html and "Add the closure day" in html
    # The holidays of Jordan to come, the next first; the closure day with its reason and a way to remove it.
    assert html.index("Independence Day") < html.index("Eid al-Adha")
    assert '<time datetime="2025-05-25" data-style="day"' in html
    assert "Hub retreat" in html and f'formaction="{_url(hub, "closures/")}' in html


def test_an_officer_reads_it_without_the_forms(client, hub):
    with time_machine.travel(NOW, tick=False):
        html = _get(client, hub_staff(hub), hub)
    assert "Independence Day" in html
    assert "Save the calendar" not in html and 'name="working_days"' not in html and "Add the closure day" not in html


def test_the_holidays_are_named_in_the_readers_language_where_the_library_has_it(client, hub):
    CityFactory(region=hub, country="KE")
    reader = management(preferred_language="ar")
    with time_machine.travel(NOW, tick=False):
        html = _get(client, reader, hub)
    assert "عيد الاستقلال" in html  # Jordan's, in Arabic
    assert "Madaraka Day" in html  # Kenya's: the library has no Arabic, so its default
    assert "Independence Day" not in html


def test_the_lead_saves_the_time_zone_and_week(client, hub):
    lead = hub_staff(hub, is_hub_lead=True)
    client.force_login(lead)

    response = client.post(_url(hub), {"time_zone": "Asia/Beirut", "working_days": ["1", "2", "3", "4", "5"]})

    assert response.status_code == 302 and response["Location"] == _url(hub)
    hub.refresh_from_db()
    assert (hub.time_zone, hub.working_days) == ("Asia/Beirut", [1, 2, 3, 4, 5])
    assert PeopleLog.objects.filter(region=hub, action=HUB_CALENDAR, actor=lead).count() == 1
    html = client.get(_url(hub)).content.decode()
    assert "Recent changes to the calendar" in html and "Asia / Amman" in html and "Asia / Beirut" in html


def test_errors_show_on_their_field(client, hub):
    client.force_login(management())

    response = client.post(_url(hub), {"time_zone": "Mars/Olympus_Mons"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_time_zone_error"' in html and 'id="id_working_days_error"' in html
    assert "Choose the days the hub works, at least one." in html
    hub.refresh_from_db()
    assert hub.time_zone == "Asia/Amman"


def test_a_closure_day_is_added_and_removed(client, hub):
    client.force_login(hub_staff(hub, is_hub_lead=True))
    with time_machine.travel(NOW, tick=False):
        response = client.post(_url(hub, "closures/"), {"day": "2025-05-21", "name": "Too late"})
        assert response.status_code == 200
        assert 'id="id_day_error"' in response.content.decode()

        response = client.post(_url(hub, "closures/"), {"day": "2025-06-12", "name": "Hub retreat"})
        assert response.status_code == 302
        closure = HubClosure.objects.get(region=hub)
        assert (closure.day, closure.name) == (date(2025, 6, 12), "Hub retreat")

        response = client.post(_url(hub, f"closures/{closure.pk}/remove/"))
        assert response.status_code == 302
    assert not HubClosure.objects.exists()
    assert PeopleLog.objects.filter(region=hub, action=HUB_CALENDAR).count() == 2


def test_officers_may_not_change_it_and_other_hubs_do_not_see_it(client, hub):
    closure = HubClosure.objects.create(region=hub, day=date(2099, 6, 12), name="Hub retreat")
    client.force_login(hub_staff(hub))
    assert client.post(_url(hub), {"time_zone": "UTC", "working_days": ["1"]}).status_code == 403
    assert client.post(_url(hub, f"closures/{closure.pk}/remove/")).status_code == 403

    other = RegionFactory()
    client.force_login(hub_staff(other, is_hub_lead=True))
    assert client.get(_url(hub)).status_code == 404
    assert client.post(_url(hub, "closures/"), {"day": "2099-01-01", "name": "x"}).status_code == 404
    # A closure day of another hub through one's own: 404.
    assert client.post(_url(other, f"closures/{closure.pk}/remove/")).status_code == 404
    assert HubClosure.objects.filter(pk=closure.pk).exists()


def test_the_page_costs_the_same_for_one_or_many_countries_closures_and_changes(client, hub):
    client.force_login(management())

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(hub)).status_code == 200
        return len(captured)

    with time_machine.travel(NOW, tick=False):
        few = count()
        for n, country in enumerate(["LB", "TN", "MA", "IQ", "EG", "KE"]):
            CityFactory(region=hub, country=country)
            HubClosure.objects.create(region=hub, day=date(2025, 7, 1 + n), name=f"Closure {n}")
            PeopleLog.objects.create(action=HUB_CALENDAR, region=hub, detail={"after": {"time_zone": "UTC"}})
        many = count()
    assert few == many <= 8, (few, many)


def test_hub_staff_find_it_from_the_people_page_and_the_gaps_page(client, hub):
    client.force_login(hub_staff(hub))
    assert f'href="{_url(hub)}"' in client.get("/people/").content.decode()
    assert f'href="{_url(hub)}"' in client.get("/cities/gaps/").content.decode()
    client.force_login(management())
    assert f'href="{_url(hub)}"' in client.get("/cities/gaps/").content.decode()
