"""Time ``helpdesk.selectors.resources_search`` directly on a seeded benchmark database (docs/performance.md):

    HELPDESK_BENCH_CHILD=1 DJANGO_DEBUG=0 SECRET_KEY=... SQLITE_PATH=var/bench-100000.sqlite3 \\
        .venv/bin/python manage.py shell -c "from devtools.bench.resource_search import main; main()"

Prints, per query and reader, the median and p95 milliseconds of the first page (20 results) and of a
suggestion (5), the queries made and how many resources match.
"""

from __future__ import annotations

import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.models import Resource, Role, User
from helpdesk.selectors import resources_search

WORDS = ["mentoring", "youth council", "formations", "municipales", "التطرف", "radicalisaton", "strategy"]


def _time(reader: User | None, q: str, limit: int, repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        list(resources_search(reader, q=q)[:limit])
        runs.append((time.perf_counter() - started) * 1000)
    runs.sort()
    return statistics.median(runs), runs[int(len(runs) * 0.95) - 1]


def main(repeat: int = 25) -> None:
    readers = {
        "focal point": User.objects.filter(groups__name=Role.FOCAL_POINT, is_active=True).order_by("pk").first(),
        "hub staff": User.objects.filter(groups__name=Role.HUB_STAFF, is_active=True).order_by("pk").first(),
    }
    print(
        f"{connection.vendor}: {Resource.objects.count()} resources, "
        f"{Resource.objects.filter(state='published').count()} published"
    )
    print(f"{'reader':<12} {'q':<16} {'found':>6} {'page_ms':>8} {'p95':>7} {'suggest_ms':>10} {'queries':>7}")
    for label, reader in readers.items():
        for q in WORDS:
            found = resources_search(reader, q=q).count()
            for _ in range(3):
                list(resources_search(reader, q=q)[:20])
            page, page95 = _time(reader, q, 20, repeat)
            suggest, _p = _time(reader, q, 5, repeat)
            with CaptureQueriesContext(connection) as queries:
                list(resources_search(reader, q=q)[:20])
            print(f"{label:<12} {q:<16} {found:>6} {page:>8.2f} {page95:>7.2f} {suggest:>10.2f} {len(queries):>7}")
