"""A version the history keeps, read as it was: found by its id, refused with the right status when it cannot be
(a malformed id is 400, an unknown one 404, one past retention 410), and queried by the engine in place."""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from data_access.clock import PARIS
from data_access.engine.served import MANIFEST
from data_access.history.versions import history_dir, read_versions, version_file

VERSION_ID = re.compile(r"(\d{8})-(\d{6})(?:-(\d{1,3}))?")  # the history's ids: « 20261207-214108 », « …-2 »
PARAMETER = "version"  # ?version=<id> on a dataset page, its extracts, its embeds and its feeds


class VersionRefused(LookupError):
    """A version that cannot be shown: `status` (400, 404 or 410) and a French message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Pinned:
    """A version of a dataset's content the history keeps."""

    dataset_id: str
    entry: dict  # its record in versions.json
    newest: bool  # the one served now

    @property
    def version(self) -> str:
        return self.entry["version"]

    @property
    def moment(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.entry["date"])

    @property
    def words(self) -> str:
        """« du 07/12/2026 à 21:41 »"""
        from data_access.history.feeds import moment_words

        return moment_words(self.entry["date"])


def moment_of(version: str) -> dt.datetime | None:
    """The Paris date and time a well-formed version id names, else None."""
    found = VERSION_ID.fullmatch(version)
    if not found:
        return None
    try:
        return dt.datetime.strptime(found[1] + found[2], "%Y%m%d%H%M%S").replace(tzinfo=PARIS)
    except ValueError:
        return None


def _order(version: str) -> tuple[dt.datetime, int]:
    """Where a well-formed id falls among the history's: its moment, then its suffix (two in one second)."""
    return moment_of(version), int(VERSION_ID.fullmatch(version)[3] or 1)


def find(served_dir: Path, dataset_id: str, asked: str) -> Pinned:
    """The version `asked` of a dataset; VersionRefused when it is malformed, unknown or past retention."""
    if not isinstance(asked, str) or moment_of(asked) is None:
        raise VersionRefused(400, "version : un identifiant de version est attendu, par exemple "
                                  "« 20261207-214108 » (voir l'historique du jeu de données)")
    versions = read_versions(history_dir(served_dir, dataset_id))
    for k, entry in enumerate(versions):
        if entry["version"] == asked:
            if not version_file(history_dir(served_dir, dataset_id), asked).is_file():
                break  # listed, but its rows are gone: as if past retention
            return Pinned(dataset_id, entry, k == len(versions) - 1)
    else:
        if not versions or moment_of(versions[0]["version"]) is None or _order(asked) >= _order(
                versions[0]["version"]):
            raise VersionRefused(404, f"version « {asked} » inconnue pour ce jeu de données : voir son historique "
                                      "pour les versions conservées")
    raise VersionRefused(410, f"la version « {asked} » n'est plus conservée : le portail garde les dernières "
                              "versions de chaque jeu de données pendant une durée limitée ; consultez son "
                              "historique pour les versions disponibles, ou les données d'aujourd'hui")


def pinned(repository, dataset_id: str, asked: str | None) -> Pinned | None:
    """The version an address's `?version=` asks for, or None (today's data); VersionRefused."""
    return None if asked is None else find(repository.served_store.folder, dataset_id, asked)


def backend_of(repository, dataset_id: str, version: Pinned | None):
    """The engine over today's rows (`version` None), or over the version's; DatasetUnavailable."""
    return repository.backend(dataset_id) if version is None else backend(repository.served_store.folder, version)


def table_of(repository, dataset_id: str, version: Pinned | None):
    """Today's table (`version` None), or the version's, as a map or a chart draws it; DatasetUnavailable."""
    return repository.table(dataset_id) if version is None else table(repository.served_store.folder, version)


def newest(served_dir: Path, dataset_id: str) -> Pinned | None:
    """The version the history kept last (the content served now, once synced), or None."""
    versions = read_versions(history_dir(served_dir, dataset_id))
    return Pinned(dataset_id, versions[-1], True) if versions else None


def manifest_of(served_dir: Path, pinned: Pinned) -> dict:
    """The version's manifest as it was served (kept beside its rows); for a version kept before the manifests
    were, its fields and rows from the index. Without the clustered copy, which the history does not keep."""
    folder = history_dir(served_dir, pinned.dataset_id) / pinned.version
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {"fields": pinned.entry["schema_fields"], "rows": pinned.entry["rows"]}
    return {**manifest, "cluster_keys": []}


def served(served_dir: Path, pinned: Pinned):
    """The version as a served form (engine.store.Served): its folder in the history, its manifest."""
    from data_access.engine.store import Served

    return Served(history_dir(served_dir, pinned.dataset_id) / pinned.version, manifest_of(served_dir, pinned))


def backend(served_dir: Path, pinned: Pinned):
    """The engine over the version's rows, as over a served dataset."""
    from data_access.engine.backend import DuckDBBackend

    kept = served(served_dir, pinned)
    return DuckDBBackend(kept.data, kept.fields, kept.rows, kept.manifest)


def table(served_dir: Path, pinned: Pinned):
    """The version's rows as the table a map or a chart draws, read once per process within the derived
    structures' budget, as the repository keeps today's. DatasetUnavailable when its file cannot be read."""
    import pyarrow as pa

    from data_access.derived import derived
    from data_access.engine.frames import whole_table
    from data_access.errors import DatasetUnavailable

    kept = served(served_dir, pinned)
    try:
        return derived(("table-version", str(kept.data)), lambda: whole_table(kept))
    except (OSError, pa.ArrowException) as exc:
        raise DatasetUnavailable(f"version {pinned.version} illisible pour le moment ({type(exc).__name__})"
                                 ) from None
