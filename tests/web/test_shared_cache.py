"""The shared cache (``CACHE_URL``: Redis) seen from two processes: a kept list a write drops in one is dropped for
the other, and a person's posts are counted once across both (``web.ratelimits``).

The test starts its own ``redis-server`` on a free port (no file written, nothing shared with the machine's) and
stops it; the second process is a plain Python process with the desk's settings and that ``CACHE_URL``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.test.utils import override_settings

from helpdesk.kept_lists import filter_choices_key
from helpdesk.selectors import queue_filter_choices
from helpdesk.services.cities import city_create
from tests.factories import CityFactory, RegionFactory, hub_staff, management
from tests.redis_server import needs_redis_server, redis_server

pytestmark = [pytest.mark.redis_cache, needs_redis_server, pytest.mark.django_db]

# What the second process runs: the desk's settings with the same CACHE_URL; it reads a kept list, or posts once.
SECOND_PROCESS = """
import json, sys
import django
django.setup()
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django_ratelimit.exceptions import Ratelimited
from web.ratelimits import limit_posts

what, argument = sys.argv[1], sys.argv[2]
if what == "read":
    kept = cache.get(argument)
    print(json.dumps(None if kept is None else [name for _, name in kept.cities]))
else:
    request = RequestFactory().post("/")
    request.user = type("Person", (), {"pk": int(argument), "is_authenticated": True})()
    try:
        limit_posts(lambda request: HttpResponse("sent"))(request)
        print(json.dumps("sent"))
    except Ratelimited:
        print(json.dumps("refused"))
"""


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A redis-server of this test's own, the desk's cache pointed at it; stopped at the end."""
    with redis_server(tmp_path) as server:
        url = f"{server}/0"
        caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
        # Restored before the server stops: the suite's own fixture clears the cache after each test.
        with override_settings(CACHES=caches, RATELIMIT_ENABLE=True, RATELIMIT_POSTS="3/d"):
            yield url


def _second_process(url: str, *arguments: str) -> object:
    env = {
        **os.environ,
        "CACHE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(settings.BASE_DIR),
        "RATELIMIT_ENABLE": "1",
        "RATELIMIT_POSTS": "3/d",  # a day's window: the two processes' posts cannot straddle its end
    }
    completed = subprocess.run(
        [sys.executable, "-c", SECOND_PROCESS, *arguments],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_a_list_dropped_by_a_write_here_is_dropped_for_the_other_process(redis_url, django_capture_on_commit_callbacks):
    region = RegionFactory()
    CityFactory(region=region, name="Alpha", country="KE")
    staff = hub_staff(region)
    queue_filter_choices(staff)
    key = filter_choices_key(management=False, region_id=region.pk, language="en")
    assert _second_process(redis_url, "read", key) == ["Alpha"]  # the other process reads this one's copy

    with django_capture_on_commit_callbacks(execute=True):
        city_create(actor=management(), region=region, name="Beta", country="KE", languages=["en"])
    assert _second_process(redis_url, "read", key) is None  # dropped for every process: it reads afresh
    queue_filter_choices(staff)
    assert _second_process(redis_url, "read", key) == ["Alpha", "Beta"]


def test_a_persons_posts_are_counted_once_across_processes(redis_url):
    from django.http import HttpResponse
    from django_ratelimit.exceptions import Ratelimited

    from web.ratelimits import limit_posts

    person = hub_staff(RegionFactory())
    view = limit_posts(lambda request: HttpResponse("sent"))
    request = RequestFactory().post("/")
    request.user = person
    assert view(request).status_code == 200  # 1 of 3, here
    assert view(request).status_code == 200  # 2 of 3, here
    assert _second_process(redis_url, "post", str(person.pk)) == "sent"  # 3 of 3, in the other process
    assert _second_process(redis_url, "post", str(person.pk)) == "refused"  # its own first refusal: the 4th
    with pytest.raises(Ratelimited):
        view(request)
