"""The benchmark command runs end to end on a small network and writes its figures (no timing asserted)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCENARIOS = {
    "floor",
    "hub_queue_page1",
    "hub_queue_page200",
    "hub_queue_filtered_page1",
    "hub_queue_filtered_page200",
    "hub_queue_search",
    "intake_suggestions",
    "request_detail_hub",
    "request_detail_expert",
    "city_home",
    "expert_inbox",
    "fund_queue",
    "steering_aggregates",
    "hub_needs",
    "management_needs",
    "report_annual",
    "submit_request",
    "perform_transition",
    "post_message",
    "api_request_list",
    "api_request_detail",
}


def _drop_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.mark.slow
def test_bench_prints_and_writes_every_scenario(tmp_path):
    out = tmp_path / "bench.json"
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_TESTING"}}
    env["DJANGO_VAR_DIR"] = str(tmp_path)
    if env.get("DATABASE_URL"):
        # A database of its own on the same server, named after this run and dropped at the end.
        env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + f"/bench_test_{os.getpid()}"
    try:
        result = subprocess.run(
            [sys.executable, "manage.py", "bench", "--scale", "1000", "--repeat", "2", "--json", str(out)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        if env.get("DATABASE_URL"):
            _drop_postgres_database(env["DATABASE_URL"] + "_bench_1000")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    rows = json.loads(out.read_text())
    # The grant report is measured once the scale seeder gives envelopes a funding source, the resource search
    # once the resource hub's list page exists (it says so otherwise).
    assert SCENARIOS <= {row["scenario"] for row in rows} <= SCENARIOS | {"report_grants", "resource_search"}
    measured = {row["scenario"] for row in rows}
    assert "resource_search" in measured or "resource_search skipped" in result.stdout
    assert all(set(row) == {"scenario", "N", "median_ms", "p95_ms", "queries", "ratio_to_floor"} for row in rows)
    assert all(row["N"] == 1000 and row["median_ms"] > 0 and row["queries"] > 0 for row in rows)
    for line_start in ("floor", "hub_queue_page1", "post_message"):
        assert any(line.startswith(line_start) for line in result.stdout.splitlines())
