"""``manage.py loadtest``: the production configuration on PostgreSQL and Redis, driven by signed-in people.

The command runs itself again in a child process whose settings are production's (debug off, the hashed
static files through whitenoise, PostgreSQL, Redis as the task broker) minus HTTPS, on a database of its own
(``helpdesk_loadtest`` on the local PostgreSQL) and a Redis database of its own. The child seeds the
database once (``seed_demo --scale``), starts gunicorn (4 workers) and two task clusters, drives them with
locust for a bounded time, then checks that nothing was lost or doubled and prints the table.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import string
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

CHILD_FLAG = "HELPDESK_LOADTEST_CHILD"
DATABASE_URL = "postgres://postgres@127.0.0.1:5432/helpdesk_loadtest"
# A Redis database of its own, not a queue name of its own: django-q2 runs the schedules (the e-mail sweep among
# them) only in the cluster that keeps the default name.
REDIS_URL = "redis://127.0.0.1:6379/5"


def _postgres_ready(url: str) -> None:
    """The local PostgreSQL answers (started if its cluster is down), and the load test's database exists."""
    import psycopg
    from psycopg import sql

    admin = urlunparse(urlparse(url)._replace(path="/postgres"))
    for attempt in range(2):
        try:
            with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
                name = urlparse(url).path.lstrip("/")
                if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                return
        except psycopg.OperationalError as error:
            versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
            if attempt or not versions or not shutil.which("pg_ctlcluster"):
                raise CommandError(f"PostgreSQL does not answer at {admin}: {error}") from error
            subprocess.run(  # noqa: S603 - the Debian cluster tool, as the README says
                ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],  # noqa: S607
                check=False,
            )
            time.sleep(2)


def _redis_ready(url: str) -> None:
    import redis

    try:
        redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        raise CommandError(
            f"Redis does not answer at {url} ({error}): start it (redis-server), or install it (apt-get install "
            "redis-server)."
        ) from error


class Command(BaseCommand):
    help = "Load-test the production configuration (PostgreSQL, Redis, gunicorn, task clusters) with locust."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=150, help="Signed-in people at once.")
        parser.add_argument("--ramp", type=int, default=20, help="Seconds to bring them all in.")
        parser.add_argument("--duration", type=int, default=60, help="Seconds measured once everyone is in.")
        parser.add_argument(
            "--pauses",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="1-3 s between a person's actions (default); --no-pauses measures saturation throughput.",
        )
        parser.add_argument("--kill", action="store_true", help="Kill a web worker and a task cluster mid-run.")
        parser.add_argument("--scale", type=int, default=100_000, help="Requests in the load test's database.")
        parser.add_argument("--database-url", default=os.environ.get("LOADTEST_DATABASE_URL", DATABASE_URL))
        parser.add_argument("--redis-url", default=os.environ.get("LOADTEST_REDIS_URL", REDIS_URL))

    def handle(self, *args: object, **options: Any) -> None:
        if os.environ.get(CHILD_FLAG) != "1":
            self._run_child(options)
            return
        from devtools.loadtest.fleet import free_port
        from devtools.loadtest.run import run_load_test

        ok = run_load_test(
            options=options, base_dir=Path(settings.BASE_DIR), env=dict(os.environ), port=free_port(), out=self.stdout
        )
        if not ok:
            raise CommandError("The load test found writes lost or doubled, e-mails unsent, or a broken audit trail.")

    def _run_child(self, options: dict[str, Any]) -> None:
        _postgres_ready(options["database_url"])
        _redis_ready(options["redis_url"])
        run = "".join(secrets.choice(string.ascii_lowercase) for _ in range(6))
        out_dir = Path(settings.VAR_DIR) / "loadtest" / run
        (out_dir / "mail").mkdir(parents=True, exist_ok=True)
        # Production's settings minus HTTPS (locust speaks plain HTTP, as the TLS-terminating proxy would).
        env = {
            **{k: v for k, v in os.environ.items() if k not in {"SQLITE_PATH", "DJANGO_SETTINGS_MODULE"}},
            CHILD_FLAG: "1",
            "LOADTEST_RUN": run,
            "LOADTEST_DIR": str(out_dir),
            "DJANGO_DEBUG": "0",
            "SECRET_KEY": "loadtest-only-key-" + "x" * 40,
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": options["database_url"],
            "REDIS_URL": options["redis_url"],
            # One cache for the four web workers, as production should run: one count of each person's posts.
            "CACHE_URL": options["redis_url"].rsplit("/", 1)[0] + "/6",
            # The people come with pre-made sessions, not through the sign-in pages: no code to show. (A
            # session that showed one pays one primary-key lookup per page, web.two_factor.session_state.)
            "TWO_FACTOR_REQUIRED": "0",
            "LOG_LEVEL": "WARNING",
            "Q_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        argv = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "loadtest"]
        argv += ["--people", str(options["people"]), "--ramp", str(options["ramp"])]
        argv += ["--duration", str(options["duration"]), "--scale", str(options["scale"])]
        argv += ["--pauses" if options["pauses"] else "--no-pauses", *(["--kill"] if options["kill"] else [])]
        completed = subprocess.run(argv, env=env, check=False)  # noqa: S603 - our own manage.py
        if completed.returncode:
            raise CommandError(f"load test failed (exit {completed.returncode}); logs in {out_dir}")
