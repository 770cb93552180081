"""After the run: the client's count of saved writes against the rows, the e-mails, the audit trail; the table.

A write the desk answered with its redirect (``ok``) must be in the database exactly once; a write it refused
must not be there; a write that got no answer (its worker killed) may be there once or not at all. Every
e-mail row of the run must end sent, each one once (its Message-ID in the mail folder once).
"""

from __future__ import annotations

import csv
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError

from helpdesk.models import Message, RequestState, SupportRequest
from notifications.models import Channel, Notification, Status
from workflows.models import TransitionLog

PAGE_TARGET_MS = 250
WRITE_TARGET_MS = 400


@dataclass
class WriteCheck:
    kind: str
    ok: int = 0
    refused: int = 0
    unknown: int = 0
    rows: int = 0
    lost: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return not (self.lost or self.doubled or self.unexplained)


def _tokens(texts: list[str], run: str) -> Counter[str]:
    pattern = re.compile(rf"lt{run}x[a-z]{{12}}")
    return Counter(match for text in texts for match in pattern.findall(text))


def check_writes(*, run: str, writes: list[dict[str, Any]]) -> list[WriteCheck]:
    marker = f"lt{run}x"
    stored = _tokens(list(Message.objects.filter(body__contains=marker).values_list("body", flat=True)), run)
    submitted = SupportRequest.objects.filter(title__contains=marker)
    stored += _tokens(list(submitted.values_list("title", flat=True)), run)
    checks: dict[str, WriteCheck] = {}
    for write in writes:
        check = checks.setdefault(write["kind"], WriteCheck(write["kind"]))
        found = stored.get(write["token"], 0)
        setattr(check, write["outcome"], getattr(check, write["outcome"]) + 1)
        check.rows += found
        if found > 1:
            check.doubled.append(write["token"])
        elif write["outcome"] == "ok" and found == 0:
            check.lost.append(write["token"])
        elif write["outcome"] == "refused" and found:
            check.unexplained.append(write["token"])
    sent = {w["token"] for w in writes}
    strays = [t for t in stored if t not in sent]
    if strays:
        checks.setdefault("(unknown)", WriteCheck("(unknown)")).unexplained.extend(strays)
    # Each submission: out of draft, with one submit move in its audit trail.
    bad = submitted.filter(state=RequestState.DRAFT).count()
    logs = Counter(
        TransitionLog.objects.filter(request__in=submitted, transition="submit").values_list("request_id", flat=True)
    )
    twice = [pk for pk, n in logs.items() if n != 1]
    if bad or twice:
        checks.setdefault("(unknown)", WriteCheck("(unknown)")).unexplained.append(
            f"{bad} submissions left in draft, {len(twice)} with other than one submit move"
        )
    return list(checks.values())


def references_written(*, run: str) -> list[str]:
    return list(SupportRequest.objects.filter(title__contains=f"lt{run}x").values_list("reference", flat=True))


def audit_intact(references: list[str]) -> str:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", *references, stdout=out, stderr=err)
    except CommandError as broken:
        return f"BROKEN: {broken} {err.getvalue()[:500]}"
    return out.getvalue().strip()


def unsent(*, since: datetime) -> int:
    return (
        Notification.objects.filter(channel=Channel.EMAIL, created_at__gte=since)
        .filter(status__in=[Status.PENDING, Status.SENDING])
        .count()
    )


def still_unsent(ids: list[int]) -> bool:
    return Notification.objects.filter(pk__in=ids, status__in=[Status.PENDING, Status.SENDING]).exists()


def wait_until_sent(ids: list[int] | None, *, since: datetime, timeout: float) -> float | None:
    """Seconds until the given e-mail rows (or all the run's) are no longer pending or sending."""
    started = time.monotonic()
    rows = Notification.objects.filter(channel=Channel.EMAIL, status__in=[Status.PENDING, Status.SENDING])
    rows = rows.filter(pk__in=ids) if ids is not None else rows.filter(created_at__gte=since)
    while time.monotonic() - started < timeout:
        if not rows.exists():
            return time.monotonic() - started
        time.sleep(0.5)
    return None


def unsent_ids(*, since: datetime) -> list[int]:
    rows = Notification.objects.filter(channel=Channel.EMAIL, status__in=[Status.PENDING, Status.SENDING])
    return list(rows.filter(created_at__gte=since).values_list("pk", flat=True))


def emails(*, since: datetime, mail_dir: Path) -> dict[str, int]:
    """The run's e-mail rows by status, and what the mail server received while the run lasted (the rows
    sent then, older ones the sweep found due included): each Message-ID once."""
    statuses = Counter(
        Notification.objects.filter(channel=Channel.EMAIL, created_at__gte=since).values_list("status", flat=True)
    )
    ids: Counter[str] = Counter()
    for path in mail_dir.glob("*.eml"):
        for line in path.read_text(errors="replace").splitlines():
            if line.lower().startswith("message-id:"):
                ids[line.split(":", 1)[1].strip()] += 1
    return {
        **{f"run's rows {status}": n for status, n in sorted(statuses.items())},
        "rows sent during the run": Notification.objects.filter(channel=Channel.EMAIL, sent_at__gte=since).count(),
        "e-mails received": sum(ids.values()),
        "distinct Message-IDs": len(ids),
        "Message-IDs received twice or more": sum(1 for n in ids.values() if n > 1),
    }


def table(stats_csv: Path) -> tuple[str, list[str]]:
    """Locust's figures per page and per write, with the targets; and the lines that missed one."""
    rows = list(csv.DictReader(StringIO(stats_csv.read_text())))
    lines = [
        "| page or write | requests | req/s | p50 ms | p95 ms | p99 ms | errors | target p95 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    missed = []
    ordered = sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"].startswith("write"), r["Name"]))
    for row in ordered:
        if row["95%"] in ("", "N/A"):  # a page nobody happened to open in the measured window
            continue
        name = row["Name"]
        is_write = name.startswith("write")
        target = WRITE_TARGET_MS if is_write else PAGE_TARGET_MS
        p95 = float(row["95%"] or 0)
        verdict = "" if name == "Aggregated" else ("met" if p95 <= target else "MISSED")
        if verdict == "MISSED":
            missed.append(name)
        label = "**all**" if name == "Aggregated" else name
        lines.append(
            f"| {label} | {row['Request Count']} | {float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} |"
            f" {row['99%']} | {row['Failure Count']} | {f'≤ {target} ms {verdict}' if verdict else ''} |"
        )
    return "\n".join(lines), missed


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def server_times(access_log: Path) -> str:
    """Time inside a gunicorn worker per route (references folded): what each page costs, queueing aside."""
    times: dict[str, list[float]] = {}
    for line in access_log.read_text().splitlines() if access_log.exists() else []:
        parts = line.split()
        if len(parts) != 4 or parts[1] in {"/readyz", "/healthz"}:
            continue
        method, path, _status, micros = parts
        route = f"{method} " + re.sub(r"/[A-Z]+-\d{4}-\d+/", "/<ref>/", path)
        times.setdefault(route, []).append(int(micros) / 1000)
    lines = ["| route | requests | median ms in worker | p95 ms in worker |", "|---|---|---|---|"]
    for route, values in sorted(times.items(), key=lambda item: -_percentile(item[1], 0.5)):
        lines.append(f"| {route} | {len(values)} | {_percentile(values, 0.5):.0f} | {_percentile(values, 0.95):.0f} |")
    return "\n".join(lines)
