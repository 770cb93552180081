"""The production processes of the load test: gunicorn with its workers, task clusters, and locust driving them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Fleet:
    base_dir: Path
    env: dict[str, str]
    logs: Path
    port: int
    web_workers: int = 4
    clusters: int = 2
    # Where the processes run (their local disk); the project's folder when not given. Another machine's
    # processes run elsewhere (tests/config/test_several_machines.py).
    workdir: Path | None = None
    web: subprocess.Popen[bytes] | None = None
    queue: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self, argv: list[str], log: str) -> subprocess.Popen[bytes]:
        with (self.logs / log).open("ab") as out:
            # Each in its own process group: a kill takes a whole cluster (its workers too), as a lost machine would.
            return subprocess.Popen(  # noqa: S603 - our own manage.py and gunicorn
                argv,
                cwd=self.workdir or self.base_dir,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def start(self) -> None:
        self.spawn()
        self.wait_ready()

    def spawn(self) -> None:
        """Start gunicorn and the task clusters, without waiting for them (see ``wait_ready``)."""
        gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(self.web_workers)]
        gunicorn += ["--pythonpath", str(self.base_dir)]
        # The time each request spent inside a worker (µs), apart from the time it waited for one.
        gunicorn += ["--access-logfile", str(self.logs / "access.log"), "--access-logformat", "%(m)s %(U)s %(s)s %(D)s"]
        self.web = self._spawn([*gunicorn, "--bind", f"127.0.0.1:{self.port}"], "gunicorn.log")
        manage = str(self.base_dir / "manage.py")
        for i in range(self.clusters):
            self.queue.append(self._spawn([sys.executable, manage, "qcluster"], f"qcluster-{i}.log"))

    def wait_ready(self, timeout: float = 60) -> None:
        """Until gunicorn's ``/readyz`` answers 200 (the database and the task broker both answer)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.web is None or self.web.poll() is not None:
                raise RuntimeError(f"gunicorn is not running; see {self.logs / 'gunicorn.log'}")
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=5) as response:  # noqa: S310 - local
                    if response.status == 200:
                        return
            except (OSError, urllib.error.HTTPError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn did not become ready; see {self.logs / 'gunicorn.log'}")

    def web_worker_pids(self) -> list[int]:
        assert self.web is not None
        children = Path(f"/proc/{self.web.pid}/task/{self.web.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def kill_web_worker(self) -> int:
        """SIGKILL one gunicorn worker mid-request; the master starts another."""
        pid = self.web_worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_cluster(self) -> int:
        """SIGKILL a whole task cluster (its sentinel, pusher, monitor and workers), which never comes back."""
        cluster = self.queue[0]
        os.killpg(cluster.pid, signal.SIGKILL)
        cluster.wait(timeout=10)
        return cluster.pid

    def stop(self) -> None:
        # SIGTERM to the leader only: gunicorn's master and a cluster's sentinel each stop their own processes.
        # Sent to a whole cluster's group, its workers die under the sentinel, which then waits for them forever.
        for process in [p for p in (self.web, *self.queue) if p is not None]:
            if process.poll() is None:
                process.terminate()
        for process in [p for p in (self.web, *self.queue) if p is not None]:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) a live process has used; 0 for one that is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pids_where(*needles: str) -> list[int]:
    """The processes whose command line (or title, for PostgreSQL's backends) holds every needle."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if all(needle in line for needle in needles):
                pids.append(int(entry.name))
    return pids


def _group(pgid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def machine_busy() -> float:
    """CPU seconds every core of the machine has spent busy since boot (whoever the work was for)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = ticks[3] + ticks[4]
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def cpu_by_part(fleet: Fleet, database: str) -> dict[str, float]:
    """CPU seconds used so far by the web workers, the task clusters and this database's PostgreSQL backends."""
    assert fleet.web is not None
    web = sum(_cpu(pid) for pid in _group(fleet.web.pid))
    queue = sum(_cpu(pid) for cluster in fleet.queue for pid in _group(cluster.pid))
    backends = sum(_cpu(pid) for pid in _pids_where("postgres: ") if pid in _pids_where(database))
    return {"web workers": web, "task clusters": queue, "PostgreSQL": backends}


def locust(
    *, base_dir: Path, env: dict[str, str], url: str, people: int, ramp: int, duration: int, csv: Path
) -> subprocess.Popen[bytes]:
    """Locust, headless: ``people`` spawned over ``ramp`` seconds, then ``duration`` seconds measured (the
    figures are reset once everyone is in, so the ramp's cold start is not in them)."""
    argv = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(base_dir / "devtools" / "loadtest" / "locustfile.py"),
        "--headless",
        "--users",
        str(people),
        "--spawn-rate",
        f"{people / max(ramp, 1):.2f}",
        "--run-time",
        f"{ramp + duration}s",
        "--host",
        url,
        "--csv",
        str(csv),
        "--reset-stats",
        "--only-summary",
        "--stop-timeout",
        "10",
        "--loglevel",
        "WARNING",
    ]
    with (csv.parent / "locust.log").open("ab") as out:
        return subprocess.Popen(argv, cwd=base_dir, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
