"""The contributions' databases the tests run against: SQLite in a temporary file, and PostgreSQL from Debian's
package, a throwaway cluster started in a temporary folder on a free port (as the `postgres` user when the tests
run as root, which PostgreSQL refuses)."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.helpers.apps import free_port


def _bin() -> Path:
    """The newest server Debian installed (/usr/lib/postgresql/<version>/bin)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
                   if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else Path("/usr/lib/postgresql/bin")


PG_BIN = _bin()


def postgres_missing() -> str | None:
    return None if (PG_BIN / "initdb").exists() else "PostgreSQL (paquet Debian postgresql) absent"


class Cluster:
    """A PostgreSQL server of its own, for the session; `url()` gives a new empty database each time."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="pg-tests-"))
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.folder, self.user)
        self._run(PG_BIN / "initdb", "-D", str(self.folder / "data"), "-A", "trust", "-U", "portail",
                  "--no-sync", "-E", "UTF8")
        self._run(PG_BIN / "pg_ctl", "-D", str(self.folder / "data"), "-l", str(self.folder / "log"), "-w", "-o",
                  f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        self.count = 0

    def _run(self, *command) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        subprocess.run(prefix + [str(c) for c in command], check=True, capture_output=True, timeout=120)

    def url(self) -> str:
        self.count += 1
        name = f"contributions_{self.count}"
        self._run(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "portail", name)
        return f"postgresql+psycopg://portail@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._run(PG_BIN / "pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop")
        finally:
            time.sleep(0.2)
            shutil.rmtree(self.folder, ignore_errors=True)
