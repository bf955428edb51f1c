"""Bounds on the extracts that cost: a few XLSX, JSON or GeoJSON builds at a time per process (the next one is
told to come back shortly), and the full, unfiltered extracts kept on disk per file version, so that the second
request streams a finished file at once. Every worker of a host shares the folder; a file is renamed into place
only once complete, and the older versions of the same extract are removed then."""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Iterator

log = logging.getLogger(__name__)

HEAVY_FORMATS = ("xlsx", "json", "geojson")  # built in Python row by row: seconds for a large table
SMALL_BUILD_ROWS = 5_000  # up to this many rows, a heavy format is built in milliseconds: it takes no slot
KEPT_FORMATS = ("xlsx", "json", "geojson", "parquet", "zip")  # a full extract worth keeping (CSV streams fast)
RETRY_SECONDS = 5
READ_BYTES = 1 << 20


class BuildSlots:
    """How many heavy extracts this process builds at once; `take` never waits: no slot, no build."""

    def __init__(self, count: int):
        self._slots = threading.BoundedSemaphore(count)

    def take(self) -> bool:
        return self._slots.acquire(blocking=False)

    def give_back(self) -> None:
        self._slots.release()


def default_folder(data_dir: Path) -> Path:
    """A folder of the system's temporary folder, one per data folder: the workers of a host share it."""
    tag = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"portail-extraits-{tag}"


class ExtractCache:
    """Finished full extracts, one file per (dataset, file version, format, the rest of what the file holds)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _paths(self, dataset_id: str, fmt: str, version: str, details: str) -> tuple[str, Path]:
        digest = hashlib.sha256(f"{version}\n{details}".encode()).hexdigest()[:24]
        prefix = f"{dataset_id}.{fmt}."
        return prefix, self.folder / f"{prefix}{digest}"

    def find(self, dataset_id: str, fmt: str, version: str, details: str) -> Path | None:
        path = self._paths(dataset_id, fmt, version, details)[1]
        return path if path.is_file() else None

    def keep(self, dataset_id: str, fmt: str, version: str, details: str, chunks: Iterator[bytes]
             ) -> Iterator[bytes]:
        """The chunks, passed on as they come and written beside; the file is put in place only when the last
        chunk has been written (a cut download or a failed build leaves nothing)."""
        prefix, final = self._paths(dataset_id, fmt, version, details)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle = tempfile.NamedTemporaryFile(dir=self.folder, prefix=f".{prefix}", delete=False)
        except OSError as exc:  # no room to keep it: the extract is still sent
            log.warning("extrait %s%s non conservé : %s", prefix, fmt, exc)
            yield from chunks
            return
        temporary = Path(handle.name)
        try:
            with handle:
                for chunk in chunks:
                    handle.write(chunk)
                    yield chunk
            os.replace(temporary, final)
            for older in self.folder.glob(f"{prefix}*"):  # the previous versions of this extract
                if older != final:
                    older.unlink(missing_ok=True)
        finally:
            temporary.unlink(missing_ok=True)


def stream_file(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while part := handle.read(READ_BYTES):
            yield part
