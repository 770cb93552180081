"""The benchmark itself: prepares the measured rows on a seeded database, then times every scenario."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from devtools.bench.fixtures import BenchCast, prepare_cast
from devtools.bench.timing import Result, Turns, measure
from helpdesk.models import SupportRequest, User
from helpdesk.selectors import api_tokens_of
from helpdesk.services import api_token_create, api_token_revoke
from web.intake import intake_new
from web.lists.queue import QueueFilters, queue_page
from workflows.models import FundEnvelope

# What every page must meet at 100,000 requests (docs/performance.md): at most ten times the floor, at most
# twelve queries. Writes are measured for the record.
TARGET_RATIO = 10.0
TARGET_QUERIES = 12
# Two words a city types in a title, in one form session (shown once: each later call reads its row).
INTAKE_QUERY = urlencode({"q": "youth mentoring", "intake": intake_new()})


@dataclass
class Scenario:
    name: str
    call: Callable[[int], object]
    is_page: bool = True


def _seed(scale: int, out: IO[str]) -> None:
    call_command("migrate", verbosity=0, interactive=False)
    existing = SupportRequest.objects.count()
    if existing >= scale:
        out.write(f"Reusing the benchmark database: {existing} requests.\n")
        return
    started = time.monotonic()
    call_command("seed_demo", "--scale", str(scale - existing), "--allow-production", verbosity=0)
    out.write(f"Seeded {scale - existing} requests in {time.monotonic() - started:.1f} s.\n")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # What autovacuum does on its own some minutes after a bulk load: without statistics the planner
            # guesses row counts, and without the visibility map no scan can be answered from an index alone.
            cursor.execute("VACUUM ANALYZE")
        else:
            # What SQLite does on its own as a live desk writes: the bulk load's write-ahead log folded into
            # the database file. Until then every read looks pages up in a log of a few hundred megabytes
            # (the floor measured 3.6 ms instead of 1.8 right after seeding).
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _get(client: Client, url: str, expect: int = 200) -> Callable[[int], object]:
    def call(_: int) -> object:
        response = client.get(url)
        if response.status_code != expect:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return response

    return call


def _cold(call: Callable[[int], object]) -> Callable[[int], object]:
    """``call`` with the cache emptied first: the figures pages keep what they computed for
    ``FIGURES_SECONDS``, so a warm run would time a cache read, not the page a reader gets once the copy expires
    (or on another worker). Emptying a local-memory cache takes microseconds."""

    def cold(i: int) -> object:
        cache.clear()
        return call(i)

    return cold


def _deep_cursor(cast: BenchCast, filters: QueueFilters, page: int) -> str:
    """The cursor that opens page ``page`` of the hub queue (walked once, outside the timing)."""
    cursor = None
    for _ in range(page - 1):
        result = queue_page(cast.hub, filters, after=cursor)
        if not result.next_cursor:
            break
        cursor = result.next_cursor
    return cursor or ""


def _grant_report(cast: BenchCast) -> list[Scenario]:
    """The management unit's grant report of the largest funded envelope's source and year (none unseeded)."""
    envelope = FundEnvelope.objects.filter(source__isnull=False).select_related("source").order_by("-committed").first()
    if envelope is None or envelope.source is None:
        return []
    url = reverse("report-grants", args=[envelope.source.code, envelope.fiscal_year])
    return [Scenario("report_grants", _cold(_get(_client(cast.management), url)))]


def _resource_search(cast: BenchCast, notes: list[str]) -> list[Scenario]:
    """A focal point searching the resource hub for a word a few resources in a hundred hold."""
    try:
        url = reverse("resource-list")
    except NoReverseMatch:
        notes.append("resource_search skipped: no page named resource-list (the resource hub's list) yet.")
        return []
    return [Scenario("resource_search", _get(_client(cast.focal_point), f"{url}?q={cast.search_term}"))]


BENCH_LABEL = "bench"  # the name of the benchmark's personal token


def _token_client(user: User) -> Client:
    """A program calling the API with ``user``'s personal token (the last run's is revoked: a person keeps at
    most so many live tokens)."""
    for token in api_tokens_of(user).filter(name=BENCH_LABEL, revoked_at=None):
        api_token_revoke(token=token, actor=user)
    _token, key = api_token_create(owner=user, name=BENCH_LABEL, second_factor_verified=True)
    return Client(headers={"Authorization": f"Token {key}"})


def _api_scenarios(cast: BenchCast) -> list[Scenario]:
    """The API's list (the hub's first page, as the queue's) and detail (the request the pages' detail reads)."""
    api = _token_client(cast.hub)
    detail = reverse("api:request-detail", args=[cast.detail_request.reference])
    return [
        Scenario("api_request_list", _get(api, reverse("api:request-list"))),
        Scenario("api_request_detail", _get(api, detail)),
    ]


def scenarios(cast: BenchCast, notes: list[str] | None = None) -> list[Scenario]:
    hub = _client(cast.hub)
    queue = reverse("hub-queue")
    two_filters = QueueFilters(states=["closed"], language="en")
    deep = _deep_cursor(cast, QueueFilters(), 200)
    deep_filtered = _deep_cursor(cast, two_filters, 200)
    detail = cast.detail_request.get_absolute_url()
    return [
        Scenario("floor", _get(hub, "/bench/floor/")),
        Scenario("hub_queue_page1", _get(hub, queue)),
        Scenario("hub_queue_page200", _get(hub, f"{queue}?after={deep}")),
        Scenario("hub_queue_filtered_page1", _get(hub, f"{queue}?state=closed&language=en")),
        Scenario("hub_queue_filtered_page200", _get(hub, f"{queue}?state=closed&language=en&after={deep_filtered}")),
        Scenario("hub_queue_search", _get(hub, f"{queue}?q={cast.search_term}")),
        Scenario("request_detail_hub", _get(hub, detail)),
        Scenario("request_detail_expert", _get(_client(cast.expert), detail)),
        Scenario("city_home", _get(_client(cast.focal_point), reverse("city-home"))),
        # The new-request form's suggestions as a title is typed: the resources and the city's answered requests.
        Scenario(
            "intake_suggestions", _get(_client(cast.focal_point), f"{reverse('intake-suggestions')}?{INTAKE_QUERY}")
        ),
        Scenario("expert_inbox", _get(_client(cast.expert), reverse("expert-inbox"))),
        Scenario("fund_queue", _get(_client(cast.management), reverse("fund-queue"))),
        Scenario("steering_aggregates", _cold(_get(_client(cast.steering), reverse("steering")))),
        Scenario("hub_needs", _cold(_get(hub, reverse("hub-needs")))),
        Scenario("management_needs", _cold(_get(_client(cast.management), reverse("hub-needs")))),
        Scenario(
            "report_annual",
            _cold(_get(_client(cast.steering), reverse("report-annual", args=[timezone.now().year]))),
        ),
        *_grant_report(cast),
        *_resource_search(cast, notes if notes is not None else []),
        *_api_scenarios(cast),
        Scenario("submit_request", cast.submit_call(_client(cast.writer)), is_page=False),
        Scenario("perform_transition", cast.transition_call(hub), is_page=False),
        Scenario("post_message", cast.message_call(hub), is_page=False),
    ]


def run_benchmark(
    *, scale: int, repeat: int, out: IO[str], only: frozenset[str] = frozenset(), turns: Turns | None = None
) -> list[Result]:
    _seed(scale, out)
    with override_settings(ROOT_URLCONF="devtools.bench.urls"):
        cast = prepare_cast(repeat=repeat + 5)
        out.write(
            f"Hub {cast.hub.username} sees {cast.hub_rows} requests; detail request {cast.detail_request.reference}"
            f" has {cast.detail_messages} messages and {cast.detail_attachments} attachments.\n"
        )
        results = []
        out.write(f"{'scenario':<34} {'N':>7} {'median_ms':>9} {'p95_ms':>9} {'queries':>7} {'ratio':>7} target\n")
        floor_ms = 0.0
        notes: list[str] = []
        every = scenarios(cast, notes)
        unknown = only - {s.name for s in every}
        if unknown:
            raise ValueError(f"No such scenario: {', '.join(sorted(unknown))}")
        all_scenarios = [s for s in every if not only or s.name == "floor" or s.name in only]
        for note in notes:
            out.write(f"{note}\n")
        # As config/wsgi.py does once the desk is loaded: what exists now lives as long as the process, and
        # the collector need not walk it (here: the seeded cast and the 200 pages walked for the cursors).
        gc.collect()
        gc.freeze()
        for scenario in all_scenarios:
            result = measure(scenario.name, scale, scenario.call, repeat=repeat, turns=turns)
            if scenario.name == "floor":
                floor_ms = result.median_ms
            result.ratio_to_floor = result.median_ms / floor_ms if floor_ms else 0.0
            results.append(result)
            met = result.ratio_to_floor <= TARGET_RATIO and result.queries <= TARGET_QUERIES
            verdict = ("met" if met else "MISSED") if scenario.is_page else ""
            out.write(f"{result.line()} {verdict}\n")
            out.flush()
    if turns is not None:
        turns.finish()
    counts = SupportRequest.objects.aggregate(n=Count("pk"))
    out.write(f"{counts['n']} requests in the benchmark database.\n")
    return results
