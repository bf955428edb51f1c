"""The data tier the pages talk to: the catalogue, each dataset's availability, and its table loaded once per version."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .catalogue import Catalogue, Dataset, load_catalogue
from .readers import ReadError, Table, probe, read_table

log = logging.getLogger(__name__)


class UnknownDataset(LookupError):
    """No dataset has this id in the catalogue."""


class DatasetUnavailable(Exception):
    """The dataset is in the catalogue but cannot be served; the message is the French reason."""


@dataclass(frozen=True)
class LoadStats:
    seconds: float
    rows: int
    cached: bool


def file_version(path: Path) -> str:
    """A token that changes when the file (or, for a GTFS folder, any file in it) changes."""
    try:
        stats = [path.stat()]
        if path.is_dir():
            stats += [p.stat() for p in sorted(path.iterdir()) if p.is_file()]
    except OSError:
        return "missing"
    return "-".join(f"{s.st_mtime_ns:x}.{s.st_size:x}" for s in stats)


class Repository:
    """Holds the parsed catalogue and serves tables.

    A table is read once per file version and kept in this process: the frames are read-only, keyed by
    the file's version, so every worker holds the same data and no user state lives here. Failures found
    while loading are shared with the other workers through the cache (see `failure_store`).
    """

    def __init__(self, catalogue: Catalogue, failure_store=None):
        self.catalogue = catalogue
        self._failure_store = failure_store
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}
        self._tables: dict[str, tuple[str, Table]] = {}
        self.probed: dict[str, str] = {}
        for dataset in catalogue.datasets:
            reason = probe(dataset, catalogue.file_path(dataset))
            if reason:
                log.warning("jeu de données « %s » indisponible : %s", dataset.id, reason)
                self.probed[dataset.id] = reason

    @classmethod
    def from_data_dir(cls, data_dir: Path, failure_store=None) -> "Repository":
        return cls(load_catalogue(data_dir), failure_store)

    def dataset(self, dataset_id: str) -> Dataset:
        dataset = self.catalogue.get(dataset_id)
        if dataset is None:
            raise UnknownDataset(dataset_id)
        return dataset

    def version(self, dataset_id: str) -> str:
        dataset = self.dataset(dataset_id)
        return file_version(self.catalogue.file_path(dataset))

    def unavailable_reason(self, dataset_id: str) -> str | None:
        """Why the dataset cannot be served (probe at start-up, or a failed load of its current version)."""
        if dataset_id in self.probed:
            return self.probed[dataset_id]
        if self._failure_store is not None:
            return self._failure_store.get(f"load-failure/{dataset_id}/{self.version(dataset_id)}")
        return None

    def unavailable(self) -> dict[str, str]:
        reasons = {d.id: self.unavailable_reason(d.id) for d in self.catalogue.datasets}
        return {k: v for k, v in reasons.items() if v}

    def table(self, dataset_id: str) -> Table:
        """The dataset's table, read on first use of each file version."""
        return self.load(dataset_id)[0]

    def load(self, dataset_id: str) -> tuple[Table, LoadStats]:
        dataset = self.dataset(dataset_id)
        if dataset_id in self.probed:
            raise DatasetUnavailable(self.probed[dataset_id])
        start = time.perf_counter()
        version = self.version(dataset_id)
        held = self._tables.get(dataset_id)
        if held and held[0] == version:
            return held[1], LoadStats(time.perf_counter() - start, len(held[1]), True)
        with self._lock:
            per_dataset = self._loading.setdefault(dataset_id, threading.Lock())
        with per_dataset:  # one reader per dataset at a time; other requests wait for its result
            held = self._tables.get(dataset_id)
            if held and held[0] == version:
                return held[1], LoadStats(time.perf_counter() - start, len(held[1]), True)
            try:
                table = read_table(dataset, self.catalogue.file_path(dataset))
            except ReadError as exc:
                reason = str(exc)
                log.error("jeu de données « %s » illisible : %s", dataset_id, reason)
                if self._failure_store is not None:
                    self._failure_store.set(f"load-failure/{dataset_id}/{version}", reason)
                raise DatasetUnavailable(reason) from None
            self._tables[dataset_id] = (version, table)
        elapsed = time.perf_counter() - start
        log.info("jeu de données « %s » chargé : %d lignes en %.0f ms", dataset_id, len(table), elapsed * 1000)
        return table, LoadStats(elapsed, len(table), False)

    def forget(self) -> None:
        """Drop every loaded table (benchmarks and tests measure cold loads with it)."""
        self._tables.clear()
