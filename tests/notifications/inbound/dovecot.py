"""A real IMAP server for the poller's tests: Debian's dovecot (``dovecot-imapd``), started by the test on a
free port of the loopback with its own configuration, one passwd-file user and a maildir in a temporary folder;
no system service is touched. Skipped, with the reason, where dovecot is not installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT = "/usr/sbin/dovecot"
USER, PASSWORD = "desk", "desk-secret"


@dataclass(frozen=True)
class Dovecot:
    port: int
    folder: Path

    def url(self, **query: str) -> str:
        params = "&".join(f"{k}={v}" for k, v in query.items())
        return f"imap://{USER}:{PASSWORD}@127.0.0.1:{self.port}/INBOX" + (f"?{params}" if params else "")

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def append(self, raw: bytes, mailbox: str = "INBOX") -> None:
        client = self.client()
        try:
            status, data = client.append(mailbox, None, None, raw)
            assert status == "OK", data
        finally:
            client.logout()

    def count(self, mailbox: str) -> int:
        """How many messages ``mailbox`` holds, not counting those flagged deleted; -1 if it does not exist."""
        client = self.client()
        try:
            status, _ = client.select(f'"{mailbox}"', readonly=True)
            if status != "OK":
                return -1
            status, data = client.search(None, "UNDELETED")
            return len(data[0].split()) if data and data[0] else 0
        finally:
            client.logout()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
{users}
mail_location = maildir:{root}/home/%u/Maildir
{capability}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def dovecot_start(root: Path, *, capability: str = "") -> tuple[subprocess.Popen[bytes], Dovecot]:
    """Start dovecot in the foreground under ``root``; ``capability``: an ``imap_capability`` setting (a server
    without MOVE)."""
    if os.geteuid() == 0:
        # Dovecot never reads mail as root: the mailbox belongs to "nobody", its processes to dovecot's users.
        nobody = pwd.getpwnam("nobody")
        uid, gid, users = nobody.pw_uid, nobody.pw_gid, ""
    else:
        me = pwd.getpwuid(os.getuid()).pw_name
        uid, gid = os.getuid(), os.getgid()
        users = f"default_internal_user = {me}\ndefault_login_user = {me}\nfirst_valid_uid = {uid}"
    for sub in ("run", "state", f"home/{USER}"):
        (root / sub).mkdir(parents=True)
    os.chown(root / "home", uid, gid)
    os.chown(root / "home" / USER, uid, gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    port = _free_port()
    config = root / "dovecot.conf"
    config.write_text(CONFIG.format(root=root, users=users, uid=uid, gid=gid, port=port, capability=capability))
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Dovecot(port=port, folder=root)
    deadline = time.monotonic() + 15
    while True:
        try:
            server.client().logout()
            return process, server
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                pytest.fail(f"dovecot did not start: {process.stderr.read() if process.stderr else b''!r} {log}")
            time.sleep(0.1)


def dovecot_stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def dovecot_fixture(tmp_path: Path, capability: str = "") -> Iterator[Dovecot]:
    if not os.path.exists(DOVECOT):
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd): the IMAP poller is not tested here")
    # As root, dovecot's unprivileged processes must reach the maildir: a folder of its own that others may
    # enter (pytest's temporary folders are closed to other users); else under tmp_path.
    root = Path(tempfile.mkdtemp(prefix="desk-imap-")) if os.geteuid() == 0 else tmp_path / "imap"
    root.chmod(0o755)
    process, server = dovecot_start(root, capability=capability)
    try:
        yield server
    finally:
        dovecot_stop(process)
        if os.geteuid() == 0:
            shutil.rmtree(root, ignore_errors=True)
