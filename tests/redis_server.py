"""A redis-server of a test's own: on a free port of the loopback, keeping nothing on disk, stopped at the end.

The machine's Redis (127.0.0.1:6379) is CI's task broker and may be anyone's: a test that needs Redis as a cache
or a broker of its own starts one here instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from devtools.loadtest.fleet import free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
# For a module whose tests all need it.
needs_redis_server = pytest.mark.skipif(
    not os.access(REDIS_SERVER, os.X_OK), reason="redis-server is not installed (.ci/run installs it)"
)


@contextmanager
def redis_server(folder: Path, *, timeout: float = 15) -> Iterator[str]:
    """Start a redis-server logging to ``folder/redis.log``; yield its ``redis://host:port`` address (add a
    database number), and stop it whatever happens."""
    port = free_port()
    argv = [REDIS_SERVER, "--save", "", "--appendonly", "no", "--bind", "127.0.0.1", "--port", str(port)]
    log_path = folder / "redis.log"
    with log_path.open("ab") as log:
        server = subprocess.Popen(
            [*argv, "--dir", str(folder)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"redis://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if redis.Redis.from_url(url, socket_connect_timeout=1).ping():
                    break
            except redis.RedisError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"redis-server did not answer: {log_path.read_text(errors='replace')}")
            time.sleep(0.05)
        yield url
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
