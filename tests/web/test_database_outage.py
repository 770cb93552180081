"""A real PostgreSQL stopped under a running gunicorn: 503s while it is away, and pages again once it is back.

The database is a throw-away cluster of this test's own (``initdb`` in a temporary folder, on a free port;
never the machine's shared server), the desk a real gunicorn with production settings. Nothing is restarted
but the database: the web workers must find their way back on their own (``CONN_HEALTH_CHECKS``).
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PG_BIN = next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)), "")
AS_POSTGRES = os.geteuid() == 0  # initdb refuses to run as root: the cluster is then the postgres user's

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not PG_BIN or (AS_POSTGRES and not shutil.which("runuser")),
        reason="PostgreSQL's server binaries (/usr/lib/postgresql/*/bin) are not installed",
    ),
]

SIGN_IN = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
person = get_user_model().objects.create_user(username="outage", email="outage@example.org", password="x" * 12)
session = SessionStore()
session[SESSION_KEY] = str(person.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = person.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """A PostgreSQL server in a folder of its own, started and stopped like the real one."""

    def __init__(self, root: Path) -> None:
        self.root, self.data, self.port = root, root / "data", free_port()
        if AS_POSTGRES:
            shutil.chown(root, user="postgres")

    def _run(self, *argv: str, check: bool = True) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if AS_POSTGRES else []
        subprocess.run([*prefix, *argv], check=check, capture_output=True, timeout=60)

    def init(self) -> None:
        self._run(f"{PG_BIN}/initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(f"{PG_BIN}/pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")

    def stop(self) -> None:
        self._run(f"{PG_BIN}/pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def discard(self) -> None:
        self._run(f"{PG_BIN}/pg_ctl", "-D", str(self.data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    # Not under pytest's own temporary folder: as root that is closed to the postgres user.
    db = Cluster(Path(tempfile.mkdtemp(prefix="helpdesk-outage-")))
    db.init()
    db.start()
    try:
        yield db
    finally:
        db.discard()


def desk_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SQLITE_PATH", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        SECRET_KEY="outage-test-only-" + "k" * 40,
        SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_MANIFEST="0",
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="CRITICAL",
        PYTHONUNBUFFERED="1",
    )
    return env


def get(url: str, session: str = "") -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}; django_language=fr"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_pages_answer_503_while_postgresql_is_down_and_recover_when_it_returns(cluster, tmp_path):
    import psycopg

    with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
        admin.execute("CREATE DATABASE desk")
    env = desk_env(cluster.url("desk"))
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], env=env, cwd=BASE_DIR, check=True, capture_output=True)
    signed_in = subprocess.run(
        [*manage, "shell", "--no-imports", "-c", SIGN_IN], env=env, cwd=BASE_DIR, check=True, capture_output=True
    )
    session = signed_in.stdout.decode().split()[-1]

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
            env=env,
            cwd=BASE_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        # Several requests each time, so that both workers (and their kept connections) answer.
        pages = range(6)

        assert get(f"{base}/readyz")[0] == 200
        assert {get(f"{base}/", session)[0] for _ in pages} == {200}, log.read_text()

        cluster.stop()
        status, headers, body = get(f"{base}/readyz")
        assert status == 503 and json.loads(body)["database"] == "unavailable"
        assert get(f"{base}/healthz")[0] == 200  # alive: a load balancer must not restart it
        for _ in pages:
            status, headers, body = get(f"{base}/", session)
            assert status == 503, body
            assert headers["Retry-After"] == "30" and headers["Content-Type"].startswith("text/html")
            assert '<html lang="fr"' in body

        cluster.start()
        assert get(f"{base}/readyz")[0] == 200
        assert {get(f"{base}/", session)[0] for _ in pages} == {200}

        # Restarted between two requests: the kept connections are dead, and are replaced before use.
        cluster.stop()
        cluster.start()
        assert {get(f"{base}/", session)[0] for _ in pages} == {200}
        assert get(f"{base}/readyz")[0] == 200
        assert server.poll() is None  # the same gunicorn throughout
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=20)
