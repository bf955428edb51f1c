"""Where the rate limits count when there is no Redis: one SQLite file that every gunicorn worker of the portal
shares, so that a limit of 10 a minute lets 10 through, not 10 per worker. It is a storage of the `limits` library
(flask-limiter's), registered under the scheme `portail+sqlite://<path>`, for its fixed-window strategy.

Why a file rather than each worker's memory with the limit divided by the workers: a divided limit refuses too
early when a reader's requests land on one worker, and too late when a worker restarts; the file counts exactly,
for the cost of one small write per counted request (the contributions and the logins, never the pages). Several
hosts need Redis (CACHE_TYPE=RedisCache), which the portal then uses instead."""
from __future__ import annotations

import atexit
import os
import sqlite3
import tempfile
import threading
import time
from contextlib import closing
from pathlib import Path

from limits.storage import Storage

SCHEME = "portail+sqlite"
SWEEP_EVERY = 500  # counted requests between two sweeps of the expired counters


class SQLiteStorage(Storage):
    """Counters with an expiry, in one SQLite file (WAL: readers never wait; a write waits for the other writers)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = (uri or "").split("://", 1)[1]
        self._local = threading.local()
        self._counted = 0
        # a connection of its own, closed at once: this runs in gunicorn's master, and a connection must never
        # cross a fork
        with closing(sqlite3.connect(self.path, timeout=10)) as connection, connection:
            connection.execute("CREATE TABLE IF NOT EXISTS compteurs "
                               "(cle TEXT PRIMARY KEY, nombre INTEGER NOT NULL, fin REAL NOT NULL)")

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened after the fork (a connection is never shared by two processes)."""
        held = getattr(self._local, "held", None)
        if held is None or held[0] != os.getpid():
            connection = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=True)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")  # a counter lost in a power cut costs nothing
            held = self._local.held = (os.getpid(), connection)
        return held[1]

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        connection = self._connection()
        self._counted += 1
        if self._counted % SWEEP_EVERY == 0:
            connection.execute("DELETE FROM compteurs WHERE fin <= ?", (now,))
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute("DELETE FROM compteurs WHERE cle = ? AND fin <= ?", (key, now))
            count = connection.execute(
                "INSERT INTO compteurs (cle, nombre, fin) VALUES (?, ?, ?) "
                "ON CONFLICT (cle) DO UPDATE SET nombre = nombre + excluded.nombre RETURNING nombre",
                (key, amount, now + expiry)).fetchone()[0]
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return int(count)

    def get(self, key: str) -> int:
        row = self._connection().execute("SELECT nombre FROM compteurs WHERE cle = ? AND fin > ?",
                                         (key, time.time())).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._connection().execute("SELECT fin FROM compteurs WHERE cle = ? AND fin > ?",
                                         (key, time.time())).fetchone()
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        self._connection().execute("SELECT 1")
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM compteurs").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM compteurs WHERE cle = ?", (key,))


def shared_storage_uri() -> str:
    """A new counters file for this app, made before gunicorn forks its workers (the app is preloaded), so that
    they all count in it; removed when the process that made it ends. It is readable by its owner alone; made by
    root, it belongs to the portal's files' owner, whom deploy/serve runs gunicorn's workers as."""
    from config import ROOT

    handle, name = tempfile.mkstemp(prefix="portail-limites-", suffix=".sqlite")
    os.close(handle)
    if os.geteuid() == 0:
        owner = ROOT.stat()
        os.chown(name, owner.st_uid, owner.st_gid)
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:  # a worker that ends leaves the file to the others
            for suffix in ("", "-wal", "-shm"):
                Path(name + suffix).unlink(missing_ok=True)

    atexit.register(remove)
    return f"{SCHEME}://{name}"
