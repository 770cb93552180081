import csv
import io

import pytest
from django.urls import reverse

from helpdesk.models import AccessLog, Sensitivity, SupportRequest
from tests.access_world import build_world
from tests.factories import SupportRequestFactory, focal_point
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
        world.draft.reference,
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
        SupportRequestFactory(city=world.req.city)
    client.force_login(world.user("management"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("queue-export"))
        rows = b"".join(response.streaming_content).decode().count("\n")
    assert rows == 1 + 4 + 30
