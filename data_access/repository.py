"""The data tier the pages talk to: the catalogue, each dataset's availability, and its table loaded once per version."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from config_list import int_default
from data_access.catalogue.model import Catalogue, Dataset, load_catalogue
from data_access.derived import DERIVED, derived
from data_access.errors import DatasetUnavailable
from data_access.readers import ReadError, Table, probe, read_table
from data_access.readers.base import AccessProblem

log = logging.getLogger(__name__)


class UnknownDataset(LookupError):
    """No dataset has this id in the catalogue."""


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


FAILURE_SECONDS = int_default("LOAD_FAILURE_SECONDS")  # how long a file that cannot be parsed is not read again


class _LocalStore:
    """Failures kept in this process only, when no shared cache is given (benchmarks, scripts), each until it
    expires, as the shared cache keeps them."""

    def __init__(self):
        self._held: dict[str, tuple[float, str]] = {}

    def get(self, key: str) -> str | None:
        held = self._held.get(key)
        if held is None or held[0] <= time.monotonic():
            self._held.pop(key, None)
            return None
        return held[1]

    def set(self, key: str, value: str, timeout: int = FAILURE_SECONDS) -> None:
        self._held[key] = (time.monotonic() + timeout, value)


class Repository:
    """Holds the parsed catalogue, and serves each dataset's current version: to the engine (`backend`), and as
    a table for the dashboards (`table`).

    A file version is converted once to its served form (shared by every worker on the host); a table is read
    back from it and kept within the derived structures' budget. Failures found while loading are shared with
    the other workers through the cache (see `failure_store`).
    """

    def __init__(self, catalogue: Catalogue, failure_store=None, failure_seconds: int = FAILURE_SECONDS,
                 served_dir: Path | None = None):
        from data_access.engine.store import ServedStore, default_served_dir

        self._declared = catalogue
        self.history_days = int_default("HISTORY_DAYS")  # the settings' (open_portal): how long a rename is read
        self.served_store = ServedStore(served_dir or default_served_dir(catalogue.data_dir))
        self._failure_seconds = failure_seconds
        self._dated: tuple[tuple | None, Catalogue] = (None, catalogue)
        self._failures = failure_store if failure_store is not None else _LocalStore()
        self.shared_cache = failure_store  # the app's shared cache (None without one): what live feeds are read from
        self._probes: dict[str, tuple[str, str | None]] = {}
        for reason_id, reason in self.unavailable().items():
            log.warning("jeu de données « %s » indisponible : %s", reason_id, reason)

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue, each synced dataset dated by its last fetch (`python -m data_access.sync.run` records it)
        instead of the catalogue's `modified`: a stat of the sync's index per call, a rebuild only when the sync
        has replaced it (each write is a new file: its inode, time and size change together)."""
        stamp = _index_stamp(self._declared.data_dir)
        if stamp != self._dated[0]:
            self._dated = (stamp, with_sync_dates(self._declared) if stamp else self._declared)
        return self._dated[1]

    @classmethod
    def from_data_dir(cls, data_dir: Path, failure_store=None, failure_seconds: int = FAILURE_SECONDS,
                      served_dir: Path | None = None) -> "Repository":
        return cls(load_catalogue(data_dir), failure_store, failure_seconds, served_dir)

    def dataset(self, dataset_id: str) -> Dataset:
        dataset = self.catalogue.get(dataset_id)
        if dataset is None:
            raise UnknownDataset(dataset_id)
        return dataset

    def version(self, dataset_id: str) -> str:
        dataset = self.dataset(dataset_id)
        return file_version(self.catalogue.file_path(dataset))

    def data_version(self) -> tuple[tuple[str, str], ...]:
        """Every dataset's file version: any change of any file (a sync, a new file) gives another tuple."""
        return tuple((dataset.id, self.version(dataset.id)) for dataset in self.catalogue.datasets)

    def _probe(self, dataset: Dataset, path: Path, version: str) -> str | None:
        """The cheap start-up check, redone only when the file changes (a file that appears after a sync), or at
        every call while the system refuses to read it (permissions fixed with chmod, a disk back)."""
        held = self._probes.get(dataset.id)
        if held is None or held[0] != version:
            held = (version, probe(dataset, path))
            if isinstance(held[1], AccessProblem):
                return held[1]
            self._probes[dataset.id] = held
        return held[1]

    def _failure_key(self, dataset_id: str, version: str) -> str:
        return f"load-failure/{self._declared.data_dir}/{dataset_id}/{version}"

    def unavailable_reason(self, dataset_id: str) -> str | None:
        """Why the dataset cannot be served now: its file fails the cheap check, or its current version
        failed to load (here or in another worker sharing the cache)."""
        return self._reason(self.catalogue, self.dataset(dataset_id))

    def _reason(self, catalogue: Catalogue, dataset: Dataset) -> str | None:
        path = catalogue.file_path(dataset)
        version = file_version(path)
        return self._probe(dataset, path, version) or self._failures.get(self._failure_key(dataset.id, version))

    def unavailable(self) -> dict[str, str]:
        catalogue = self.catalogue  # one look at the sync's index for the whole catalogue
        reasons = {d.id: self._reason(catalogue, d) for d in catalogue.datasets}
        return {k: v for k, v in reasons.items() if v}

    def table(self, dataset_id: str) -> Table:
        """The dataset's rows as a table, for what a dashboard holds in memory: read back from its served form
        once per file version and kept within the derived structures' budget (data_access.derived). A GTFS
        feed's other files are not served: its table comes from its reader, once per version too."""
        return self.load(dataset_id)[0]

    def load(self, dataset_id: str) -> tuple[Table, LoadStats]:
        start = time.perf_counter()
        version = self.version(dataset_id)
        key = self._table_key(dataset_id, version)
        cached = ("table", key) in DERIVED.keys()
        table = derived(("table", key), lambda: self._built_table(dataset_id, version, key))
        elapsed = time.perf_counter() - start
        if not cached:
            log.info("jeu de données « %s » chargé : %d lignes en %.0f ms", dataset_id, len(table), elapsed * 1000)
        return table, LoadStats(elapsed, len(table), cached)

    def _table_key(self, dataset_id: str, version: str) -> str:
        return f"{self.served_store.folder}|{dataset_id}@{version}"

    def _built_table(self, dataset_id: str, version: str, key: str) -> Table:
        if self.dataset(dataset_id).format == "gtfs":
            table = self._read(dataset_id, version)
        else:
            from data_access.engine.frames import whole_table

            table = self._from_served(dataset_id, whole_table)
        table.key = key
        return table

    def described(self, dataset_id: str) -> Table:
        """The dataset's fields and notes without its rows, from its served form: for a dashboard whose figures
        the engine computes. DatasetUnavailable as `table`."""
        if self.dataset(dataset_id).format == "gtfs":
            return self.table(dataset_id)
        from data_access.engine.frames import described_table

        return self._from_served(dataset_id, described_table)

    def _from_served(self, dataset_id: str, read: Callable) -> Table:
        """`read(served)` of the dataset's served form; a vanished or damaged file is DatasetUnavailable, logged."""
        import pyarrow as pa

        served = self.served(dataset_id)
        try:
            return read(served)
        except (OSError, MemoryError, pa.ArrowException) as exc:
            log.error("jeu de données « %s » : %s à la lecture de sa forme servie", dataset_id, type(exc).__name__)
            raise DatasetUnavailable("lecture des données impossible pour le moment, réessayez plus tard") from None

    def _read(self, dataset_id: str, version: str) -> Table:
        """Read the file with its reader, kept nowhere. DatasetUnavailable when it cannot be: a file that cannot
        be parsed is remembered for a while (every worker sees it, none reads it again); an access or memory
        error is the system's, not the file's: the next request tries again."""
        dataset = self.dataset(dataset_id)
        reason = self.unavailable_reason(dataset_id)
        if reason:  # a version known to fail is not read again on every request
            raise DatasetUnavailable(reason)
        remember = True
        try:
            return read_table(dataset, self.catalogue.file_path(dataset))
        except ReadError as exc:
            reason, remember = str(exc), not exc.transient
            log.error("jeu de données « %s » illisible : %s", dataset_id, reason)
        except (OSError, MemoryError) as exc:
            reason, remember = "lecture du fichier impossible pour le moment, réessayez plus tard", False
            log.error("jeu de données « %s » : %s pendant la lecture", dataset_id, type(exc).__name__)
        except Exception:  # a reader bug must not take the portal down: the dataset alone is unavailable
            reason = "erreur inattendue à la lecture du fichier (détails dans le journal du serveur)"
            log.exception("jeu de données « %s » : erreur inattendue du lecteur", dataset_id)
        if remember:
            self._failures.set(self._failure_key(dataset_id, version), reason, timeout=self._failure_seconds)
        raise DatasetUnavailable(reason)

    def served(self, dataset_id: str):
        """The dataset's current version in its served form (Parquet and manifest), made on first use when the
        sync did not make it. DatasetUnavailable as `load`, or when it cannot be written now."""
        dataset = self.dataset(dataset_id)
        read_version = self.version(dataset_id)
        version = served_version(dataset, read_version)
        found = self.served_store.find(dataset_id, version)
        if found is not None:
            return found
        reason = self.unavailable_reason(dataset_id)
        if reason:
            raise DatasetUnavailable(reason)
        provenance = {"fichier": dataset.path, "format": dataset.format,
                      "source": dataset.source.url if dataset.source else None}
        import duckdb
        import pyarrow as pa

        try:
            return self.served_store.get(dataset_id, version, lambda: self._to_convert(dataset_id, read_version),
                                         provenance)
        except (OSError, MemoryError, duckdb.Error, pa.ArrowException) as exc:
            # a full or read-only disk, memory, the engine's writer: the system's problem, tried again next time
            log.error("jeu de données « %s » : conversion en Parquet impossible (%s: %s)", dataset_id,
                      type(exc).__name__, exc)
            raise DatasetUnavailable("préparation des données impossible pour le moment, réessayez plus tard"
                                     ) from None

    def _to_convert(self, dataset_id: str, version: str) -> Table:
        """The table the served form is written from: its reader's, kept nowhere (a GTFS feed's is the one the
        dashboard holds, read once)."""
        if self.dataset(dataset_id).format == "gtfs":
            return self.load(dataset_id)[0]
        return self._read(dataset_id, version)

    def aliases(self, dataset_id: str) -> dict:
        """The former names of the dataset's fields a URL may still use (query.Alias), from its history: a field
        renamed less than HISTORY_DAYS ago is read under its old name too, with a notice."""
        from data_access.clock import today_paris
        from data_access.history.renames import aliases

        return aliases(self.served_store.folder, dataset_id, today_paris(), self.history_days)

    def backend(self, dataset_id: str):
        """The engine over the dataset's served form: what the pages and extracts ask of its rows."""
        from data_access.engine.backend import DuckDBBackend

        served = self.served(dataset_id)
        return DuckDBBackend(served.data, served.fields, served.rows, served.manifest)

    def forget(self) -> None:
        """Drop every table of this repository and what was derived from them (benchmarks measure cold loads)."""
        mine = f"{self.served_store.folder}|"
        DERIVED.drop(lambda key: isinstance(key, tuple) and len(key) > 1 and str(key[1]).startswith(mine))


def prepare_served(dataset_id: str, data_dir: Path, served_dir: Path | None) -> str:
    """The dataset's served form (Parquet and manifest), made now by the sync or the demo generator rather than
    on the app's first use of it (SERVED_DIR must be the same for them and the app). A file that cannot be
    converted stays in place; the app says why. Returns the line they print."""
    return served_now(dataset_id, data_dir, served_dir)[0]


def served_now(dataset_id: str, data_dir: Path, served_dir: Path | None):
    """prepare_served's line, and the served version (None when it could not be made)."""
    try:
        served = Repository.from_data_dir(data_dir, served_dir=served_dir).served(dataset_id)
    except DatasetUnavailable as exc:
        return f"{dataset_id} : conversion pour le moteur impossible — {exc}", None
    except Exception:  # a converter's bug must not stop the others: the app will say why on first use
        log.exception("conversion de %s pour le moteur", dataset_id)
        return f"{dataset_id} : conversion pour le moteur impossible (détails dans le journal)", None
    return f"{dataset_id} : prêt pour le moteur ({served.rows} lignes)", served


def served_version(dataset: Dataset, version: str) -> str:
    """The served form's version: the file's, and what the catalogue declares of how to read it (a field's type
    or role, a separator, the CSV options), so that a catalogue.toml edited over the same file is converted
    again instead of serving what the former entry said."""
    import hashlib

    declared = repr((dataset.format, dataset.path, dataset.csv, dataset.xlsx, dataset.json, dataset.crs, dataset.position,
                     dataset.fields))
    return f"{version}~{hashlib.sha256(declared.encode()).hexdigest()[:10]}"


def pick_dataset(repository: Repository, choices: list[Dataset], asked: str | None, rows: bool = True):
    """A dashboard's dataset among those that feed it: the asked one, else the first that can be served.
    Returns (dataset, table or None, the French reason it is unavailable or None, notices for the URL); without
    `rows`, the table is its fields and notes only (Repository.described)."""
    from data_access.query import FilterError

    notices = []
    dataset = next((d for d in choices if d.id == asked), None)
    if asked and dataset is None:
        notices.append(FilterError("jeu", f"« {asked} » n'alimente pas ce tableau de bord"))
    candidates = [dataset] if dataset is not None else choices
    reason = None
    for candidate in candidates:
        try:
            table = repository.table(candidate.id) if rows else repository.described(candidate.id)
            return candidate, table, None, notices
        except DatasetUnavailable as exc:
            reason = reason or str(exc)
    return candidates[0], None, reason, notices


SYNC_STATE_DIR = ".sync"  # written by data_access/sync/run.py: one <id>.json per synced dataset, and their index
SYNC_INDEX = "_index.json"  # every record in one file, replaced atomically after each fetch (no id starts with _)


def _index_stamp(data_dir: Path) -> tuple | None:
    """What tells that the sync's index changed; without an index (a folder synced before it existed), the
    records' folder."""
    folder = data_dir / SYNC_STATE_DIR
    for path in (folder / SYNC_INDEX, folder):
        try:
            stats = path.stat()
        except OSError:
            continue
        return (path.name, stats.st_ino, stats.st_mtime_ns, stats.st_size)
    return None


def read_sync_index(data_dir: Path) -> dict[str, dict]:
    """Every dataset's sync record: the index, else (a folder synced before the index existed) each record."""
    import json

    folder = data_dir / SYNC_STATE_DIR
    try:
        index = json.loads((folder / SYNC_INDEX).read_text(encoding="utf-8"))
        if isinstance(index, dict):
            return index
    except (OSError, ValueError):
        pass
    records = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        if path.name == SYNC_INDEX:
            continue
        try:
            records[path.stem] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return records


def with_sync_dates(catalogue: Catalogue) -> Catalogue:
    """The catalogue with each synced dataset's `modified` replaced by the date it was last fetched."""
    import datetime as dt
    from dataclasses import replace

    records = read_sync_index(catalogue.data_dir)
    datasets = []
    for dataset in catalogue.datasets:
        try:
            fetched = dt.datetime.fromisoformat(records[dataset.id]["fetched_at"]).date()
        except (KeyError, ValueError, TypeError):
            datasets.append(dataset)
            continue
        datasets.append(replace(dataset, modified=fetched))
    return Catalogue(portal=catalogue.portal, datasets=tuple(datasets), data_dir=catalogue.data_dir)
