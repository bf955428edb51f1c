"""The portal served for real in tests: gunicorn as `gunicorn app:server` runs it, or the whole production stack
(`deploy/serve`: nginx in front of gunicorn), each on a free port, with its log in a file the test can read."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.helpers.apps import free_port
from tests.helpers.paths import ROOT

SLOW_CLIENTS = 8
UNREAD_DOWNLOADS = 10
BIG_EXTRACT = "/export/pathologies.csv"  # 15 MB on the demo: more than the sockets' buffers hold
# gunicorn's access log: the worker's pid, the status, the path and the query string of each request
ACCESS_FORMAT = "%(p)s %(s)s %(U)s %(q)s"


def live_members(group: int) -> list[int]:
    """The processes of a process group that still run (a zombie waiting for its parent to read its status has
    ended: the machine's first process may take a while to reap an orphan)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def wait_until(check, seconds: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (requests.ConnectionError, requests.Timeout, OSError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"attente dépassée : {what}")


class Served:
    """A server process of the portal on 127.0.0.1:<free port>; its output in `log`."""

    def __init__(self, command: list[str], log: Path, **env: str):
        self.port = free_port()
        self.log = log
        values = {**os.environ, "SECRET_KEY": "test", "TILE_URL": "", "HOST": "127.0.0.1", "PORT": str(self.port),
                  **env}
        with open(log, "w") as output:
            self.process = subprocess.Popen(command, cwd=ROOT, env=values, stdout=output, stderr=subprocess.STDOUT)
        wait_until(lambda: requests.get(self.url("/healthz"), timeout=5).ok, 120,
                   f"{command[-1]} sur le port {self.port} ({self.log})")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(40)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.stop()


def gunicorn(log: Path, **env: str) -> Served:
    """`gunicorn app:server` with the portal's gunicorn.conf.py, its access log in the same file."""
    return Served([sys.executable, "-m", "gunicorn", "app:server", "--access-logfile", "-",
                   "--access-logformat", ACCESS_FORMAT], log, **env)


def stack(log: Path, **env: str) -> Served:
    """`deploy/serve`, as a newcomer types it."""
    return Served([str(ROOT / "deploy" / "serve")], log, **env)


def hanging(port: int, request: bytes) -> socket.socket:
    """A connection that sends `request` and then neither sends nor reads anything more."""
    connection = socket.socket()
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # reads nothing: the server's writes stall
    connection.connect(("127.0.0.1", port))
    connection.sendall(request)
    return connection


def still_open(connection: socket.socket) -> bool:
    """Whether the server has not closed this connection (nothing to read, no end of stream)."""
    try:
        return connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


def hold_the_server(port: int) -> list[socket.socket]:
    """8 clients that never end their headers, 10 extract downloads never read."""
    held = [hanging(port, b"GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: lent\r\n") for _ in range(SLOW_CLIENTS)]
    held += [hanging(port, f"GET {BIG_EXTRACT} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
             for _ in range(UNREAD_DOWNLOADS)]
    time.sleep(2)  # every one of them is in the server's hands
    return held


def nginx_missing() -> str | None:
    from deploy.stack import CannotServe, find_nginx

    try:
        find_nginx()
    except CannotServe as exc:
        return str(exc)
    return None
