import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from helpdesk.models import AccessLog, Sensitivity, StrategicPriority, SupportKind, SupportRequest, Theme
from tests.access_world import build_world
from tests.factories import SupportRequestFactory, focal_point
from tests.web.pages import in_state
from web.exports import COLUMNS
from web.presenters import WITHHELD

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _export(client, person, query: str = "") -> list[dict[str, str]]:
    client.force_login(person)
    response = client.get(reverse("queue-export") + query, REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="requests-')
    assert "no-store" in response["Cache-Control"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_export_lists_exactly_the_visible_queue(client, world):
    rows = _export(client, world.user("hub_region"))
    assert {row["Reference"] for row in rows} == {
        world.req.reference,
        world.req_same_region.reference,
    }


def test_restricted_summaries_are_withheld_and_what_leaves_is_logged(client, world):
    SupportRequest.objects.filter(pk=world.req.pk).update(sensitivity=Sensitivity.RESTRICTED)
    colleague = focal_point(world.req.city)
    (row,) = [r for r in _export(client, colleague) if r["Reference"] == world.req.reference]
    assert row["Shareable summary"] == str(WITHHELD)
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()
    (row,) = [r for r in _export(client, world.user("hub_region")) if r["Reference"] == world.req.reference]
    assert row["Shareable summary"] == "Shareable brief for experts."
    log = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert (log.request, log.user, log.ip_address) == (world.req, world.user("hub_region"), "192.0.2.44")


def test_formulas_are_neutralised(client, world):
    SupportRequestFactory(city=world.req.city, title='=HYPERLINK("https://evil.example","x")', summary="+1+1")
    rows = _export(client, world.user("own_city"))
    (row,) = [r for r in rows if "HYPERLINK" in r["Title"]]
    assert row["Title"].startswith("'=") and row["Shareable summary"] == "'+1+1"


def test_filters_are_validated(client, world):
    assert {r["Reference"] for r in _export(client, world.user("own_city"), "?state=draft")} == {world.draft.reference}
    assert len(_export(client, world.user("own_city"), "?state=bogus")) == 2


def test_experts_and_steering_cannot_export(client, world):
    for role in ("assigned_expert", "steering"):
        client.force_login(world.user(role))
        assert client.get(reverse("queue-export")).status_code == 404


def test_export_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    for _ in range(30):
        in_state("submitted", city=world.req.city)
    client.force_login(world.user("management"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("queue-export"))
        rows = b"".join(response.streaming_content).decode().count("\n")
    assert rows == 1 + 3 + 30  # the header, the world's submitted requests (not its draft), the 30 added


def test_cells_are_labels_in_the_readers_language_iso_dates_and_plain_amounts(client, world):
    SupportRequest.objects.filter(pk=world.req.pk).update(
        theme="young_cities", language="ar", urgency="high", strategic_priority=4, funding_requested=Decimal("12500")
    )
    reader = world.user("hub_region")
    reader.preferred_language = "fr"
    reader.save(update_fields=["preferred_language"])
    (row,) = [r for r in _export(client, reader) if r["Référence"] == world.req.reference]
    assert row["État"] == "Soumise"
    with translation.override("fr"):
        assert row["Thème"] == str(Theme.YOUNG_CITIES.label) != "Young Cities (youth engagement)"
    assert row["Langue"] == "Arabe" and row["Urgence"] == "Élevée"
    with translation.override("fr"):
        header = {key: str(label) for key, label in COLUMNS}
        assert row[header["strategic_priority_label"]] == str(StrategicPriority.YOUTH.label) != "4"
        assert row[header["kind_label"]] == str(SupportKind.ADVICE.label) != "advice"
        assert row[header["region"]] == "Region A"
        assert row[header["funding_requested"]] == "12500.00"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", row[header["created_at"]])


def test_the_export_lists_what_the_queue_shows_for_the_same_filters_on_every_page(client, world):
    for i in range(30):
        SupportRequestFactory(city=world.req.city, state="submitted", theme="young_cities", title=f"Youth {i}")
    SupportRequestFactory(city=world.req.city, state="closed", theme="young_cities", title="Youth closed")
    hub = world.user("hub_region")
    client.force_login(hub)
    queue = client.get(reverse("hub-queue"), {"theme": "young_cities", "q": "Youth"})
    export_url = queue.context["export_url"]
    assert "state=open" in export_url and "theme=young_cities" in export_url and "q=Youth" in export_url
    assert export_url.replace("&", "&amp;") in queue.content.decode()  # the page links to it
    shown = [line.reference for line in queue.context["page"].rows]
    following = {"theme": "young_cities", "q": "Youth", "after": queue.context["page"].next_cursor}
    shown += [line.reference for line in client.get(reverse("hub-queue"), following).context["page"].rows]
    rows = _export(client, hub, "?" + export_url.split("?", 1)[1])
    # The queue's 25 lines and its next page's 5, newest first; not the closed one.
    assert [row["Reference"] for row in rows] == shown and len(shown) == 30
    assert all(row["Title"].startswith("Youth ") for row in rows) and "Youth closed" not in {r["Title"] for r in rows}


def test_a_countrys_iso_code_reads_as_its_name():
    from web.exports import _country

    assert _country("KE") == "Kenya"
    assert _country("Kenya") == "Kenya"
    assert _country(None) is None
