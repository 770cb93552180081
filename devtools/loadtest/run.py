"""One load test, in the child process whose settings are production's: seed, start, drive, kill, check, report."""

from __future__ import annotations

import csv
import json
import os
import time
from io import StringIO
from pathlib import Path
from typing import Any, Protocol

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from devtools.loadtest import verify
from devtools.loadtest.fleet import Fleet, cpu_by_part, free_port, locust, machine_busy
from devtools.loadtest.mailsink import mail_sink
from devtools.loadtest.plan import build_plan
from helpdesk.models import SupportRequest

# Seconds the mail server takes over each e-mail, as a relay does.
MAIL_DELAY = 0.15


class Out(Protocol):
    def write(self, text: str) -> object: ...


def seed(scale: int, out: Out) -> None:
    """Migrate, seed to ``scale`` requests once (reused afterwards), the schedules, the hashed static files."""
    call_command("migrate", verbosity=0, interactive=False)
    existing = SupportRequest.objects.count()
    if existing < scale:
        started = time.monotonic()
        call_command("seed_demo", "--scale", str(scale - existing), "--allow-production", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would, some minutes after a bulk load
        out.write(f"Seeded {scale - existing} requests in {time.monotonic() - started:.0f} s.\n")
    call_command("setup_schedules", stdout=StringIO())
    call_command("collectstatic", interactive=False, verbosity=0)


def _failures(path: Path) -> list[str]:
    if not path.exists():
        return []
    rows = list(csv.DictReader(StringIO(path.read_text())))
    return [f"{row['Occurrences']} × {row['Method']} {row['Name']}: {row['Error'][:160]}" for row in rows]


def run_load_test(*, options: dict[str, Any], base_dir: Path, env: dict[str, str], port: int, out: Out) -> bool:
    people, ramp, duration = int(options["people"]), int(options["ramp"]), int(options["duration"])
    run, out_dir = env["LOADTEST_RUN"], Path(env["LOADTEST_DIR"])
    database = str(connection.settings_dict["NAME"])
    seed(int(options["scale"]), out)
    plan_path, writes_path = out_dir / "plan.json", out_dir / "writes.json"
    plan_path.write_text(json.dumps(build_plan(run=run, people=people)))
    requests = SupportRequest.objects.count()

    load_before = os.getloadavg()[0]
    # The desk's e-mails go to a mail server that takes a relay's time over each (see mailsink).
    sink_port = free_port()
    sink = mail_sink(folder=out_dir / "mail", port=sink_port, delay=MAIL_DELAY)
    env = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{sink_port}?timeout=10"}
    fleet = Fleet(base_dir=base_dir, env=env, logs=out_dir, port=port)
    fleet.start()
    killed: dict[str, Any] = {}
    started = timezone.now()
    try:
        driver_env = {
            **env,
            "LOADTEST_PLAN": str(plan_path),
            "LOADTEST_WRITES": str(writes_path),
            "LOADTEST_PAUSES": "1" if options["pauses"] else "0",
        }
        # From here: the processes' start-up (Django imported in every worker) is not the load's.
        busy_before, cpu_before, load_started = machine_busy(), cpu_by_part(fleet, database), time.monotonic()
        driver = locust(
            base_dir=base_dir,
            env=driver_env,
            url=fleet.url,
            people=people,
            ramp=ramp,
            duration=duration,
            csv=out_dir / "locust",
        )
        waiting: list[int] = []
        kill_time = recovered = None
        if options["kill"]:
            time.sleep(ramp + duration / 2)
            killed["web worker"] = fleet.kill_web_worker()
            killed["task cluster"] = fleet.kill_cluster()
            kill_time = time.monotonic()
            # Every e-mail of the run not yet sent at the kill, the dead cluster's among them (those it was
            # sending, those it had taken off the queue).
            waiting = verify.unsent_ids(since=started)
            killed["e-mails unsent at the kill"] = len(waiting)
        while True:
            # Through wait4, for the CPU locust itself used (on the same machine as the desk).
            pid, status, usage = os.wait4(driver.pid, os.WNOHANG)
            if kill_time is not None and recovered is None and not verify.still_unsent(waiting):
                recovered = time.monotonic() - kill_time
            if pid:
                break
            time.sleep(0.5)
        driver.returncode = os.waitstatus_to_exitcode(status)
        window = time.monotonic() - load_started
        load_during = os.getloadavg()[0]  # the last minute's: the load's
        cpu_after = cpu_by_part(fleet, database)
        cpu = {part: max(0.0, cpu_after[part] - cpu_before.get(part, 0)) for part in cpu_after}
        cpu["locust"] = usage.ru_utime + usage.ru_stime
        busy = machine_busy() - busy_before
        ended = time.monotonic()
        drained = verify.wait_until_sent(None, since=started, timeout=180)
        if kill_time is not None:
            if recovered is None and verify.wait_until_sent(waiting, since=started, timeout=120) is not None:
                recovered = time.monotonic() - kill_time
            killed["seconds from the kill until all of them were sent"] = (
                round(recovered, 1) if recovered is not None else "not within 2 minutes of the end"
            )
        backlog = round(time.monotonic() - ended, 1) if drained is not None else None
    finally:
        fleet.stop()
        sink.stop()

    writes = json.loads(writes_path.read_text()) if writes_path.exists() else []
    checks = verify.check_writes(run=run, writes=writes)
    mail = verify.emails(since=started, mail_dir=out_dir / "mail")
    audit = verify.audit_intact(verify.references_written(run=run))
    full_audit_started = time.monotonic()
    full_audit = verify.audit_intact([])
    full_audit_s = time.monotonic() - full_audit_started
    figures, missed = verify.table(out_dir / "locust_stats.csv")

    pauses = "1–3 s pauses between actions" if options["pauses"] else "no pauses (saturation)"
    out.write(
        f"\nLoad test {run}: {people} signed-in people (ramp {ramp} s, measured {duration} s after it), {pauses};"
        f" gunicorn {fleet.web_workers} workers, {fleet.clusters} task clusters, PostgreSQL + Redis;"
        f" {requests} requests in the database; {os.cpu_count()} CPU cores, load average before {load_before:.1f},"
        f" at the end {load_during:.1f} (other work on the machine counts too).\n\n{figures}\n"
    )
    verdict = f"missed by {', '.join(missed)}." if missed else "all met."
    out.write(f"\nTargets (p95): pages ≤ {verify.PAGE_TARGET_MS} ms, writes ≤ {verify.WRITE_TARGET_MS} ms: {verdict}\n")
    out.write("\nWhere the time goes (inside the web workers, queueing for one aside):\n\n")
    out.write(verify.server_times(out_dir / "access.log") + "\n")
    served = sum(1 for _ in (out_dir / "access.log").open()) if (out_dir / "access.log").exists() else 0
    parts = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in cpu.items())
    per_request = ", ".join(f"{name} {1000 * seconds / max(served, 1):.1f}" for name, seconds in cpu.items())
    out.write(
        f"\nCPU over the {window:.0f} s run (ramp included, {served} requests served): {parts}; the machine was busy"
        f" {busy:.0f} of its {window * (os.cpu_count() or 1):.0f} core-seconds. Per request, in ms: {per_request}.\n"
    )
    failures = _failures(out_dir / "locust_failures.csv")
    out.write("Errors: " + ("none.\n" if not failures else "\n  " + "\n  ".join(failures) + "\n"))
    out.write("\n| write | saved (302) | refused | no answer | rows | lost | doubled | unexplained |\n")
    out.write("|---|---|---|---|---|---|---|---|\n")
    for c in checks:
        out.write(
            f"| {c.kind} | {c.ok} | {c.refused} | {c.unknown} | {c.rows} | {len(c.lost)} | {len(c.doubled)} |"
            f" {len(c.unexplained)} |\n"
        )
    out.write(f"\nE-mails of the run: {mail}; all sent {backlog} s after the load ended.\n")
    if killed:
        out.write(f"Killed mid-run: {killed}.\n")
    out.write(f"Audit of the run's submissions: {audit}\nWhole audit trail ({full_audit_s:.0f} s): {full_audit}\n")
    sound = all(c.sound for c in checks) and all(not c.lost for c in checks)
    emails_sound = (
        drained is not None
        and mail["Message-IDs received twice or more"] == 0
        and mail["distinct Message-IDs"] == mail["rows sent during the run"]
    )
    intact = not audit.startswith("BROKEN") and not full_audit.startswith("BROKEN")
    out.write(f"Nothing lost or doubled: {'yes' if sound and emails_sound and intact else 'NO'}. Logs: {out_dir}\n")
    return sound and emails_sound and intact
