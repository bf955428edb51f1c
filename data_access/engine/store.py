"""Where the served forms live, and how each is made once per file version whatever the number of workers.

SERVED_DIR (by default `<DATA_DIR>/.served`, else a folder of the system's temporary folder when the data folder
cannot be written) holds `<id>/<version>/`. The sync makes them as it fetches; a version the sync did not make
(the demo, a file put in place by hand) is made on its first use, by one process at a time: the others wait on
an advisory lock for it, then read the manifest it wrote.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable

from data_access.engine.served import DATA, MANIFEST, fields_of, read_manifest, version_folder, write_served
from data_access.readers.base import FieldInfo, Table, main_geometry

log = logging.getLogger(__name__)
LOCK = ".verrou"


def default_served_dir(data_dir: Path) -> Path:
    """`<data_dir>/.served` when the data folder can be written, else a temporary folder per data folder."""
    preferred = data_dir / ".served"
    if preferred.is_dir() and os.access(preferred, os.W_OK) or not preferred.exists() and os.access(data_dir,
                                                                                                     os.W_OK):
        return preferred
    tag = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"portail-servi-{tag}"


@dataclass(frozen=True)
class Served:
    """A dataset version in its served form."""

    folder: Path
    manifest: dict

    @property
    def data(self) -> Path:
        return self.folder / DATA

    @property
    def rows(self) -> int:
        return int(self.manifest["rows"])

    @cached_property
    def fields(self) -> tuple[FieldInfo, ...]:
        return fields_of(self.manifest)

    @property
    def geometry_field(self) -> FieldInfo | None:
        return main_geometry(self.fields)


class ServedStore:
    def __init__(self, folder: Path):
        self.folder = folder
        self._lock = threading.Lock()
        self._making: dict[str, threading.Lock] = {}
        self._found: dict[Path, tuple[tuple, Served]] = {}

    def find(self, dataset_id: str, version: str) -> Served | None:
        """The version's served form if it is complete; its manifest read once per process (a stat per call)."""
        folder = version_folder(self.folder, dataset_id, version)
        try:
            stats = (folder / MANIFEST).stat()
        except OSError:
            return None
        stamp = (stats.st_ino, stats.st_mtime_ns, stats.st_size)
        held = self._found.get(folder)
        if held is not None and held[0] == stamp and (folder / DATA).is_file():
            return held[1]
        manifest = read_manifest(folder)
        if manifest is None:
            return None
        served = Served(folder, manifest)
        self._found[folder] = (stamp, served)
        return served

    def get(self, dataset_id: str, version: str, read: Callable[[], Table], provenance: dict) -> Served:
        """The version's served form, made from `read()` if no process made it yet. OSError when it cannot be
        written (a full disk): the caller says the dataset is unavailable for now."""
        found = self.find(dataset_id, version)
        if found is not None:
            return found
        with self._lock:
            per_dataset = self._making.setdefault(dataset_id, threading.Lock())
        with per_dataset, self._process_lock(dataset_id):
            found = self.find(dataset_id, version)  # made by another thread or process while we waited
            if found is not None:
                return found
            manifest = write_served(read(), self.folder, dataset_id, version, provenance)
            log.info("jeu de données « %s » converti en Parquet : %d lignes", dataset_id, manifest["rows"])
            return Served(version_folder(self.folder, dataset_id, version), manifest)

    @contextlib.contextmanager
    def _process_lock(self, dataset_id: str):
        folder = self.folder / dataset_id
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / LOCK, "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released when the handle closes, or the process dies
            yield
