"""``manage.py bench``: seed a separate benchmark database and print the time and queries of every page.

The command runs itself again in a child process whose settings point at the benchmark database
(``var/bench-N.sqlite3``, or ``<name>_bench`` next to the PostgreSQL database of ``DATABASE_URL``), so the
desk's own database is never touched. A database already seeded at that size is reused.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

CHILD_FLAG = "HELPDESK_BENCH_CHILD"
TURNS_FLAG = "HELPDESK_BENCH_TURNS"  # with --compare: the child's pipes, "go,done" (``timing.Turns``)


def _bench_database_env(scale: int, *, reseed: bool) -> dict[str, str]:
    """The settings of the benchmark database (made empty first with ``reseed``)."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        path = Path(settings.VAR_DIR) / f"bench-{scale}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        if reseed:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return {"SQLITE_PATH": str(path), "DATABASE_URL": ""}
    parsed = urlparse(url)
    name = parsed.path.lstrip("/") or "helpdesk"
    bench_name = f"{name}_bench_{scale}"
    _postgres_create_database(url, bench_name, drop_first=reseed)
    return {"DATABASE_URL": urlunparse(parsed._replace(path=f"/{bench_name}"))}


def _postgres_create_database(url: str, name: str, *, drop_first: bool) -> None:
    import psycopg
    from psycopg import sql

    parsed = urlparse(url)
    admin_url = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if drop_first:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@dataclass
class _TurnTaker:
    scale: int
    process: subprocess.Popen[bytes]
    go: int  # the parent's ends of its two pipes
    done: int
    log: Path


class Command(BaseCommand):
    help = "Benchmark every page at network scale on a separate database; prints one line per scenario."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=100_000, help="Requests in the benchmark database.")
        parser.add_argument("--json", dest="json_path", default="", help="Also write the figures to this file.")
        parser.add_argument("--repeat", type=int, default=25, help="Timed runs per scenario (after warm-up).")
        parser.add_argument("--reseed", action="store_true", help="Drop and rebuild the benchmark database.")
        parser.add_argument(
            "--compare",
            default="",
            help="Two sizes, as 10000,100000: run them side by side, taking turns call by call (--rounds "
            "times), and print the growth per scenario.",
        )
        parser.add_argument("--rounds", type=int, default=3, help="With --compare: runs of the two sizes.")
        parser.add_argument(
            "--only",
            default="",
            help="Comma-separated scenario names (the floor is always measured, as every ratio needs it).",
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["compare"] and os.environ.get(CHILD_FLAG) != "1":
            self._compare(options)
            return
        scale = int(options["scale"])
        if scale < 1000:
            raise CommandError("--scale must be at least 1000 (the benchmark needs a network to measure).")
        if os.environ.get(CHILD_FLAG) != "1":
            self._run_child(scale, options)
            return
        from devtools.bench.runner import run_benchmark
        from devtools.bench.timing import Turns

        only = frozenset(name for name in str(options["only"] or "").split(",") if name)
        fds = os.environ.get(TURNS_FLAG, "")
        turns = Turns(*(int(fd) for fd in fds.split(","))) if fds else None
        results = run_benchmark(scale=scale, repeat=int(options["repeat"]), out=self.stdout, only=only, turns=turns)
        json_path = str(options["json_path"] or "")
        if json_path:
            Path(json_path).write_text(json.dumps([r.as_dict() for r in results], indent=2) + "\n")
            self.stdout.write(f"Figures written to {json_path}")

    def _compare(self, options: dict[str, object]) -> None:
        """Run two sizes side by side, taking turns call by call (``timing.Turns``), ``--rounds`` times
        (reseeded before the first only with ``--reseed``), and print each scenario's growth from one size to
        the other (``devtools.bench.compare``)."""
        from devtools.bench.compare import compared, compared_lines

        parts = str(options["compare"]).split(",")
        if len(parts) != 2 or not all(part.strip().isdigit() and int(part) >= 1000 for part in parts):
            raise CommandError("--compare takes two sizes of at least 1000, as 10000,100000.")
        scales = (int(parts[0]), int(parts[1]))
        rounds = int(options["rounds"])
        if rounds < 1:
            raise CommandError("--rounds must be at least 1.")
        figures: dict[int, list[list[dict[str, object]]]] = {scale: [] for scale in scales}
        with tempfile.TemporaryDirectory() as folder:
            for round_number in range(rounds):
                self.stdout.write(f"Round {round_number + 1} of {rounds}: {scales[0]:,} and {scales[1]:,} requests")
                reseed = bool(options["reseed"]) and not round_number
                paths = [Path(folder) / f"{scale}-{round_number}.json" for scale in scales]
                runs = [
                    self._start_child(scale, {**options, "json_path": str(path), "reseed": reseed}, Path(folder))
                    for scale, path in zip(scales, paths, strict=True)
                ]
                self._take_turns(runs)
                for scale, path in zip(scales, paths, strict=True):
                    figures[scale].append(json.loads(path.read_text()))
        rows = compared(figures[scales[0]], figures[scales[1]])
        for line in compared_lines(rows, scales):
            self.stdout.write(line)
        json_path = str(options["json_path"] or "")
        if json_path:
            Path(json_path).write_text(
                json.dumps({str(scale): runs for scale, runs in figures.items()}, indent=2) + "\n"
            )
            self.stdout.write(f"Every run's figures written to {json_path}")

    def _start_child(self, scale: int, options: dict[str, object], folder: Path) -> _TurnTaker:
        """A benchmark of ``scale`` in its own process, its output kept in ``folder``, waiting for its turns."""
        go_read, go_write = os.pipe()
        done_read, done_write = os.pipe()
        log = folder / f"bench-{scale}.log"
        env, argv = self._child_command(scale, options)
        env[TURNS_FLAG] = f"{go_read},{done_write}"
        # Both sizes on one processor: the two of a 2-core machine need not be equally fast at a given moment.
        processor = min(os.sched_getaffinity(0))
        with log.open("w") as output:
            process = subprocess.Popen(  # noqa: S603 - our own manage.py
                argv,
                env=env,
                pass_fds=(go_read, done_write),
                stdout=output,
                stderr=subprocess.STDOUT,
                preexec_fn=lambda: os.sched_setaffinity(0, {processor}),  # the child has no threads yet
            )
        os.close(go_read)
        os.close(done_write)
        return _TurnTaker(scale, process, go_write, done_read, log)

    def _take_turns(self, runs: list[_TurnTaker]) -> None:
        """Give each run its turn, call by call, the first of each pair alternating, until both are done."""
        waiting = list(runs)
        step = 0
        while waiting:
            for run in waiting if step % 2 == 0 else waiting[::-1]:
                try:
                    os.write(run.go, b"g")
                    answer = os.read(run.done, 1)
                except BrokenPipeError:  # it stopped before its turn (its exit status tells why, below)
                    answer = b""
                if answer in (b"e", b""):  # its last scenario, or it stopped
                    waiting.remove(run)
            step += 1
        for run in runs:
            os.close(run.go)
            os.close(run.done)
            if run.process.wait():
                self.stdout.write(run.log.read_text())
                raise CommandError(f"benchmark at {run.scale:,} failed (exit {run.process.returncode})")

    def _run_child(self, scale: int, options: dict[str, object]) -> None:
        env, argv = self._child_command(scale, options)
        completed = subprocess.run(argv, env=env, check=False)  # noqa: S603 - our own manage.py
        if completed.returncode:
            raise CommandError(f"benchmark failed (exit {completed.returncode})")

    def _child_command(self, scale: int, options: dict[str, object]) -> tuple[dict[str, str], list[str]]:
        # Production settings (cached templates, no query log), minus what needs HTTPS or a real key.
        env = {
            **os.environ,
            CHILD_FLAG: "1",
            "DJANGO_DEBUG": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "benchmark-only-key-" + "x" * 40,
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "testserver",
            "DJANGO_STATIC_MANIFEST": "0",
            "AXES_ENABLED": "0",
            # The people are signed in by the test client, not through the sign-in pages: no code to show.
            # (A session that showed one pays one primary-key lookup per page, web.two_factor.session_state.)
            "TWO_FACTOR_REQUIRED": "0",
            # One person posts a message hundreds of times a minute here, as no person could: past the limit
            # the 429 page would be measured instead of the post.
            "RATELIMIT_ENABLE": "0",
            "LOG_LEVEL": "WARNING",
        }
        env.update(_bench_database_env(scale, reseed=bool(options["reseed"])))
        argv = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench",
            "--scale",
            str(scale),
            "--repeat",
            str(options["repeat"]),
        ]
        if options["only"]:
            argv += ["--only", str(options["only"])]
        if options["json_path"]:
            argv += ["--json", str(Path(str(options["json_path"])).resolve())]
        return env, argv
