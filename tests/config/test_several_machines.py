"""One desk on several machines: two web servers and two task clusters, each in a folder of its own, behave as
one desk over PostgreSQL, Redis and an S3 bucket.

Each "machine" is production's processes as the load test starts them (``devtools.loadtest.fleet.Fleet``):
gunicorn with two workers and one ``qcluster``, debug off, in a temporary folder of its own (its local disk,
its e-mail folder). Both share only what several machines would: pytest-django's PostgreSQL test database
(committed rows: ``transactional_db``), a Redis of this test's own (the task broker and the cache) and a
local S3 server (moto's) holding a private bucket for the attachments. The test then signs a person in on one
machine and proves, through the pages, that the other serves the same desk: the session, an attachment's
bytes, a move, two kept lists (reply templates, the filter bar) each dropped for both by a write on one,
and the e-mails of the run sent once each.

PostgreSQL only (SQLite is one machine's file); ``.ci/run`` runs it in its PostgreSQL pass. Marked
``several_machines``: ``-m "not several_machines"`` leaves it out.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from requests import Response

from devtools.loadtest.fleet import Fleet, free_port
from helpdesk.kept_lists import filter_choices_key
from helpdesk.models import Attachment, RequestState, User
from helpdesk.selectors import _reply_templates_key
from notifications.models import Channel, Notification, Status
from tests.notification_world import make_world
from tests.notifications.test_qcluster import database_env
from tests.redis_server import needs_redis_server, redis_server
from tests.s3 import S3Server
from tests.web.pages import profile_post

BASE_DIR = Path(django_settings.BASE_DIR)
PASSWORD = "several-machines-password"

pytestmark = [
    pytest.mark.several_machines,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="several machines share PostgreSQL, not a file"),
    needs_redis_server,
]


# --- The shared services, each this test's own --------------------------------------------------------------
def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.1)


@dataclass
class Desk:
    a: Fleet
    b: Fleet
    cache_url: str
    s3: S3Server
    bucket: str

    def machines(self) -> list[Fleet]:
        return [self.a, self.b]


def machine_env(*, folder: Path, redis_url: str, storage: dict[str, str]) -> dict[str, str]:
    """Production's settings (debug off) minus HTTPS, as behind a TLS-terminating proxy; every address a
    machine shares with the other is one of the shared services, everything else in its own folder."""
    private = {"DATABASE_URL", "SQLITE_PATH", "REDIS_URL", "CACHE_URL", "STORAGE_URL", "EMAIL_URL", "EMAIL_HOST"}
    private |= {"Q_CLUSTER_NAME", "DJANGO_SETTINGS_MODULE", "DJANGO_TESTING", "PRIVATE_MEDIA_ROOT", "DJANGO_VAR_DIR"}
    env = {k: v for k, v in os.environ.items() if k not in private and not k.startswith("AWS_")}
    env.update(database_env())
    env.update(
        DJANGO_DEBUG="0",
        SECRET_KEY="several-machines-test-only-" + "k" * 40,
        SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_MANIFEST="0",
        ALLOWED_HOSTS="127.0.0.1",
        # Signed in with a password only: the second factor is not what is proven here.
        TWO_FACTOR_REQUIRED="0",
        # The children are not in test mode (no pytest in them), so both clusters and both web servers use
        # the default queue name, on a Redis that only this test uses.
        REDIS_URL=f"{redis_url}/0",
        CACHE_URL=f"{redis_url}/1",
        # The attachments' bucket: STORAGE_URL and its credentials.
        **storage,
        # The machine's own disk: uploads kept here would be lost to the other machine.
        DJANGO_VAR_DIR=str(folder / "var"),
        EMAIL_URL=f"file://{folder / 'mail'}",
        Q_WORKERS="2",
        LOG_LEVEL="WARNING",
        Q_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture
def desk(transactional_db: None, tmp_path: Path, s3_server: S3Server) -> Iterator[Desk]:
    """Redis, a private bucket on the S3 server, and two machines (gunicorn with two workers and a task cluster
    each), stopped whatever happens; their logs are printed when the test fails (pytest shows a failed test's
    output)."""
    started: list[Fleet] = []
    stack = ExitStack()
    bucket = s3_server.bucket_create()
    try:
        redis_url = stack.enter_context(redis_server(tmp_path))
        for name in ("a", "b"):
            folder = tmp_path / name
            (folder / "logs").mkdir(parents=True)
            (folder / "mail").mkdir()
            env = machine_env(folder=folder, redis_url=redis_url, storage=s3_server.environ(bucket))
            logs, port = folder / "logs", free_port()
            machine = Fleet(base_dir=BASE_DIR, env=env, logs=logs, port=port, web_workers=2, clusters=1, workdir=folder)
            started.append(machine)
            machine.spawn()
        for machine in started:
            machine.wait_ready(timeout=45)
        yield Desk(a=started[0], b=started[1], cache_url=f"{redis_url}/1", s3=s3_server, bucket=bucket)
    finally:
        for machine in started:
            machine.stop()
        stack.close()
        s3_server.bucket_drop(bucket)
        for log in [tmp_path / "redis.log", *sorted(tmp_path.glob("*/logs/*.log"))]:
            print(f"----- {log.relative_to(tmp_path)}\n{log.read_text(errors='replace')[-6000:]}")


Files = dict[str, tuple[str, bytes, str]]  # a form's file fields: (file name, content, content type)


# --- A person's browser, asking whichever machine the load balancer would pick ---------------------------------
class Browser:
    """The desk's cookies, sent to either machine. Debug off makes them Secure and the test speaks plain HTTP
    (as behind a TLS-terminating proxy), so they are kept here: a cookie jar would hold them back."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def _send(self, method: str, url: str, data: dict[str, str] | None = None, files: Files | None = None) -> Response:
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        if method == "POST":
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        response = requests.request(
            method, url, headers=headers, data=data, files=files, allow_redirects=False, timeout=30
        )
        self.cookies.update({cookie.name: cookie.value or "" for cookie in response.cookies})
        return response

    def get(self, machine: Fleet, path: str) -> Response:
        return self._send("GET", machine.url + path)

    def post(self, machine: Fleet, path: str, data: dict[str, str], files: Files | None = None) -> Response:
        return self._send("POST", machine.url + path, data, files)

    def page(self, machine: Fleet, path: str) -> str:
        response = self.get(machine, path)
        assert response.status_code == 200, (machine.url + path, response.status_code, response.text[:2000])
        return response.text


def sent_by(machine: Fleet) -> Counter[str]:
    """The Message-IDs the machine's task cluster wrote to its mail folder (Django's file backend)."""
    assert machine.workdir is not None
    ids: Counter[str] = Counter()
    for path in (machine.workdir / "mail").glob("*.log"):
        ids.update(re.findall(r"^Message-ID: (\S+)$", path.read_text(errors="replace"), flags=re.MULTILINE))
    return ids


def test_two_machines_serve_one_desk(desk: Desk) -> None:
    started = time.monotonic()
    world = make_world(RequestState.SUBMITTED)
    request, hub_officer = world.request, world.owner
    # A hash both machines read (the tests' own hasher is not among production's); a cheap one, as each
    # check costs its iterations.
    hasher = PBKDF2PasswordHasher()
    User.objects.filter(pk=hub_officer.pk).update(password=hasher.encode(PASSWORD, hasher.salt(), iterations=1000))
    a, b = desk.a, desk.b
    page = f"/requests/{request.reference}/"
    person = Browser()

    # Signed in on A; B knows the session (the sessions are in the database, the key is the same).
    person.get(a, "/accounts/login/")
    signed_in = person.post(a, "/accounts/login/", {"username": hub_officer.username, "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.text[:2000]
    assert request.reference in person.page(b, page)

    # A move on A, through the request page's form, seen on B's request page.
    question = f"Which services take part in the exercise {secrets.token_hex(3)}?"
    moved = person.post(a, f"/requests/{request.reference}/moves/request_info/", {"request_info-question": question})
    assert moved.status_code == 302, moved.text[:2000]
    request.refresh_from_db()
    assert request.state == RequestState.INFO_REQUESTED
    assert question in person.page(b, page)

    # Kept lists. The hub's reply templates (kept for a minute) read on both, changed by a write on A:
    # both show the change at once, as the cache is one (Redis) and the write drops the hub's entry in it.
    shared = RedisCache(desk.cache_url, {})
    key = _reply_templates_key(request.region_id)
    title = f"Workshop dates {secrets.token_hex(3)}"
    for machine in (a, b):
        assert title not in person.page(machine, page)
    assert shared.get(key) == []
    written = person.post(
        a,
        "/hub/templates/new/",
        {"title": title, "body_en": "Dates follow.", "body_fr": "Les dates suivent.", "body_ar": "التواريخ تتبع."},
    )
    assert written.status_code == 302, written.text[:2000]
    for machine in (b, a):
        assert title in person.page(machine, page)
    assert [template.title for template in shared.get(key)] == [title]

    # The hub's filter bar (its cities and staff, kept for a minute), after the officer's new name written on A's
    # profile page: the write drops the copy both machines read, and the next page, on B, reads the new name.
    bar = filter_choices_key(management=False, region_id=request.region_id, language=hub_officer.preferred_language)
    for machine in (a, b):
        person.page(machine, "/hub/queue/")
    assert (str(hub_officer.pk), hub_officer.get_full_name()) in shared.get(bar).owners
    renamed = person.post(a, "/accounts/profile/", profile_post(hub_officer, first_name="Renamed"))
    assert renamed.status_code == 302, renamed.text[:2000]
    assert shared.get(bar) is None
    person.page(b, "/hub/queue/")
    assert (str(hub_officer.pk), f"Renamed {hub_officer.last_name}") in shared.get(bar).owners

    # A file sent with a message on A is in the bucket (not on A's disk) and comes back through B, byte for byte.
    content = f"Agenda of the exercise, {secrets.token_hex(16)}.\n".encode()
    sent = person.post(
        a,
        f"/requests/{request.reference}/messages/",
        {"body": "The agenda is attached.", "visibility": "city"},
        files={"attachment": ("agenda.txt", content, "text/plain")},
    )
    assert sent.status_code == 302, sent.text[:2000]
    attachment = Attachment.objects.get(request=request, original_name="agenda.txt")
    assert attachment.file.name in desk.s3.keys(desk.bucket)
    assert desk.s3.client().get_object(Bucket=desk.bucket, Key=attachment.file.name)["Body"].read() == content
    assert a.workdir is not None
    assert not [path for path in (a.workdir / "var").rglob("*") if path.is_file()]
    downloaded = person.get(b, f"/attachments/{attachment.pk}/")
    assert downloaded.status_code == 200, downloaded.text[:2000]
    assert downloaded.content == content

    # The run's e-mails (the move's, the message's), sent by whichever cluster took them: each exactly once,
    # with both clusters running.
    emails = Notification.objects.filter(request=request, channel=Channel.EMAIL)
    wait_for(
        lambda: emails.exists() and not emails.exclude(status=Status.SENT).exists(),
        timeout=30,
        what="every e-mail of the run sent",
    )
    time.sleep(1)  # a second copy would be written now
    by_a, by_b = sent_by(a), sent_by(b)
    ids = by_a + by_b
    assert sum(ids.values()) == emails.count() and set(ids.values()) == {1}, ids
    assert all(cluster.poll() is None for machine in desk.machines() for cluster in machine.queue)
    print(
        f"Proved in {time.monotonic() - started:.1f} s once the machines were up; {emails.count()} e-mails, "
        f"{sum(by_a.values())} sent by A's cluster and {sum(by_b.values())} by B's."
    )
