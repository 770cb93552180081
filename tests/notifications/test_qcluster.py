"""A real django-q2 cluster in a subprocess sends the e-mails of committed moves, once each, even when killed.

The subprocess opens the test database (SQLite: the test file, passed as SQLITE_PATH; PostgreSQL: the
``test_…`` database in DATABASE_URL) and a queue of this test's own (``Q_CLUSTER_NAME``). The broker is the
ORM, and Redis as well when ``REDIS_URL`` is set. The e-mails go to a real SMTP server in this process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django_q.brokers import get_broker
from django_q.conf import Conf

from helpdesk.models import RequestState
from notifications.models import Channel, Notification, Status
from notifications.services import outbox_sweep
from tests.notification_world import make_world
from tests.notifications.smtp import SMTPServer
from workflows.services import transition_perform

BASE_DIR = Path(django_settings.BASE_DIR)
BROKERS = ["orm", *(["redis"] if os.environ.get("REDIS_URL") else [])]


def database_env() -> dict[str, str]:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": str(db["NAME"])}
    auth = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return {"DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"}


class Cluster:
    """``manage.py qcluster`` in its own process group, killed for good whatever happens."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "qcluster"],
                cwd=BASE_DIR,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def cluster(request, tmp_path, monkeypatch, settings) -> Iterator[tuple[Cluster, SMTPServer]]:
    broker = request.param
    name = f"{settings.Q_CLUSTER.get('cluster_name', 'helpdesk')}-{uuid.uuid4().hex[:8]}"
    # This process queues the tasks for the subprocess: the same queue, the same broker, never inline.
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "CLUSTER_NAME", name)
    if broker == "orm":
        monkeypatch.setattr(Conf, "ORM", "default")
    settings.NOTIFICATION_REQUEUE_AFTER_SECONDS = 2
    settings.NOTIFICATION_SENDING_STALE_SECONDS = 3
    smtp = SMTPServer().start()
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "SQLITE_PATH", "REDIS_URL"}}
    env.update(database_env())
    env.update(
        Q_CLUSTER_NAME=name,
        Q_WORKERS="2",
        Q_TIMEOUT="5",
        Q_RETRY="8",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}?timeout=5",
        PYTHONUNBUFFERED="1",
        LOG_LEVEL="WARNING",
    )
    if broker == "redis":
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    worker = Cluster(env, tmp_path / "qcluster.log")
    try:
        yield worker, smtp
    finally:
        worker.kill()
        smtp.stop()
        get_broker(name).purge_queue()


def wait_for(condition: Callable[[], bool], *, timeout: float, every: Callable[[], object] | None = None) -> bool:
    """Poll ``condition``; run ``every`` (the periodic sweep) about once a second meanwhile."""
    deadline = time.monotonic() + timeout
    last_run = 0.0
    while time.monotonic() < deadline:
        if condition():
            return True
        if every is not None and time.monotonic() - last_run >= 1:
            every()
            last_run = time.monotonic()
        time.sleep(0.02)
    return condition()


def emails() -> list[Notification]:
    return list(Notification.objects.filter(channel=Channel.EMAIL))


def walk(world, moves: list[tuple[str, str, dict]]) -> None:
    """Lifecycle moves by the right people, each committed on its own (as a page would)."""
    for transition, who, data in moves:
        world.request = transition_perform(
            request=world.request, transition=transition, actor=getattr(world, who), data=data
        )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("cluster", BROKERS, indirect=True)
def test_a_real_cluster_delivers_each_email_once_even_when_killed_mid_run(cluster):
    worker, smtp = cluster
    world = make_world(RequestState.DRAFT, assignments=False, submitted_by=None)
    world.request.submitted_by = world.focal1
    world.request.save(update_fields=["submitted_by"])
    worker.start()
    try:
        # Committed moves: their e-mails arrive through the cluster.
        walk(
            world,
            [
                ("submit", "focal1", {}),
                ("request_info", "owner", {"question": "<p>Which services take part?</p>"}),
                ("provide_info", "focal1", {"answer": "<p>Youth services.</p>"}),
            ],
        )
        first = len(emails())
        assert wait_for(lambda: len(smtp.inbox.messages) >= first, timeout=30), worker.log.read_text()

        # A slow mail server, more moves, and the cluster killed while both workers are mid-send.
        smtp.inbox.rcpt_delay = 1.0
        walk(
            world,
            [
                ("route_to_experts", "owner", {"experts": [world.proposed.pk]}),
                ("accept_assignment", "proposed", {"declaration": "None.", "has_conflict": False}),
                ("start_delivery", "owner", {}),
                ("report_delivery", "proposed", {"report": "<p>Two workshops held.</p>"}),
                ("evaluate", "focal1", {"rating": 5, "outcomes": "A plan adopted.", "would_recommend": True}),
            ],
        )
        total = len(emails())
        # Killed while both workers wait on the server with time to spare, so neither is between the server
        # accepting an e-mail and the row turning "sent" (the one window where a copy could go twice).
        assert wait_for(
            lambda: len(smtp.inbox.messages) > first and smtp.inbox.waiting_for_at_least(0.3) >= 2, timeout=30
        ), worker.log.read_text()
        worker.kill()
        assert len(smtp.inbox.messages) < total
        assert Notification.objects.filter(channel=Channel.EMAIL, status=Status.SENDING).count() >= 2

        # A new cluster, and the sweep the schedule runs every minute, finish the job.
        smtp.inbox.rcpt_delay = 0
        worker.start()
        assert wait_for(
            lambda: not Notification.objects.filter(channel=Channel.EMAIL).exclude(status=Status.SENT).exists(),
            timeout=45,
            every=outbox_sweep,
        ), worker.log.read_text()
        assert wait_for(lambda: len(smtp.inbox.messages) >= total, timeout=5)
        time.sleep(1)  # a late duplicate would arrive now
    finally:
        worker.kill()

    arrived = Counter(smtp.inbox.message_ids())
    assert len(arrived) == total and set(arrived.values()) == {1}
    assert {e.status for e in emails()} == {Status.SENT}
