"""`python -m data_access.sync.run [--dataset ID ...] [--dry-run]`: refresh the datasets that have a `source` from
their live portals, safely (ARCHITECTURE §8).

Each download goes to a temporary file beside its target, is checked (complete, readable by the project's own
reader, with the catalogue's declared fields, not empty when the previous file had rows) and only then renamed
into place, atomically. On any failure the previous file stays and keeps being served, the failure is reported
with the dataset and its cause, and the command exits non-zero. A lock keeps two syncs from running at once.
What was fetched, when and from where is recorded in `<DATA_DIR>/.sync/<id>.json`, and all of it in
`<DATA_DIR>/.sync/_index.json`, which the app reads.
"""
from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import sys
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from data_access.catalogue.model import Catalogue, Dataset, load_catalogue
from data_access.clock import stamp
from data_access.french import format_int, plural
from data_access.names import slugify
from data_access.reduction import (ReduceError, code_text, fingerprint, keep_context, needs_reduction, ods_where,
                                   reduce_download)
from data_access.repository import SYNC_INDEX
from data_access.repository import SYNC_STATE_DIR as STATE_DIR  # the pages read the fetch dates there
from data_access.repository import read_sync_index, served_now
from data_access.files import write_atomically
from data_access.history.versions import Retention, remember
from data_access.sync.http import SyncError, fetch, newest_resource, session

log = logging.getLogger(__name__)

LOCK_FILE = ".sync.lock"
ODS_FORMATS = {"csv": "csv", "geojson": "geojson", "json": "json", "parquet": "parquet"}


@dataclass
class Outcome:
    dataset_id: str
    status: str  # "mis à jour", "inchangé", "simulation", "échec"
    message: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "échec"


def export_url(dataset: Dataset, codes: frozenset[str] | None = None) -> tuple[str, list[tuple[str, str]]]:
    """The request of a source: the Explore API v2.1 exports endpoint for `ods` (never the paged records
    endpoint), filtered on the communes to keep where the source asks for it; the file's own URL for `url`."""
    source = dataset.source
    options = dict(source.options)
    if source.kind == "url":
        return source.url, []
    if source.kind == "datagouv":
        return f"{source.base_url.rstrip('/')}/api/1/datasets/{source.dataset_id}/", []
    fmt = options.get("format") or ODS_FORMATS.get(dataset.format, "csv")
    url = f"{source.base_url.rstrip('/')}/api/explore/v2.1/catalog/datasets/{source.dataset_id}/exports/{fmt}"
    params: list[tuple[str, str]] = []
    wheres = [options["where"]] if options.get("where") else []
    if source.keep is not None and codes:
        wheres.append(ods_where(slugify(source.keep.field), codes))  # ODSQL names a field by its field name
    if wheres:
        params.append(("where", " AND ".join(f"({w})" if len(wheres) > 1 else w for w in wheres)))
    refine = options.get("refine")
    if isinstance(refine, dict):
        params += [("refine", f"{k}:{v}") for k, values in refine.items()
                   for v in (values if isinstance(values, list) else [values])]
    elif isinstance(refine, list):
        params += [("refine", str(r)) for r in refine]
    elif refine:
        params.append(("refine", str(refine)))
    if options.get("select"):
        params.append(("select", options["select"]))
    if fmt == "csv":
        params.append(("delimiter", ";"))
    return url, params


def state_path(data_dir: Path, dataset_id: str) -> Path:
    return data_dir / STATE_DIR / f"{dataset_id}.json"


def read_state(data_dir: Path, dataset_id: str) -> dict:
    try:
        return json.loads(state_path(data_dir, dataset_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def validate(dataset: Dataset, candidate: Path, previous_rows: int | None, codes: frozenset[str] | None = None) -> int:
    """The candidate file read by the project's own reader and checked against the catalogue (and, for a national
    file cut down, that no row outside the communes kept survived); its row count."""
    from data_access.readers import ReadError, missing_fields, read_table

    if dataset.format == "gtfs":
        try:
            with zipfile.ZipFile(candidate) as archive:
                broken = archive.testzip()
        except (zipfile.BadZipFile, NotImplementedError, zlib.error, EOFError):
            raise SyncError("l'archive reçue n'est pas un zip valide") from None
        if broken:
            raise SyncError(f"l'archive reçue est abîmée ({broken})")
    try:
        table = read_table(dataset, candidate)
    except ReadError as exc:
        raise SyncError(f"fichier illisible : {str(exc).replace(candidate.name, dataset.path)}") from None
    if missing := missing_fields(table, dataset):
        raise SyncError(f"schéma changé : champ(s) déclaré(s) absent(s) : {' ; '.join(missing)}")
    roles = [spec.role for spec in dataset.fields if spec.role and table.role_field(spec.role) is None]
    if roles:
        raise SyncError(f"schéma changé : rôle(s) sans champ : {', '.join(roles)}")
    if len(table) == 0:
        raise SyncError(f"export vide alors que le fichier servi a {previous_rows} lignes" if previous_rows
                        else "export vide : rien à servir")
    if codes is not None:
        field = table.find(dataset.source.keep.field)
        if field is None:
            raise SyncError(f"source.keep.field : {table.absent(dataset.source.keep.field)}")
        outside = sorted({code_text(v) for v in table.frame[field.name].dropna().unique()} - {None} - codes)
        if outside:
            raise SyncError(f"{len(outside)} commune(s) hors de la liste à garder : {', '.join(outside[:5])}")
    return len(table)


def _previous_rows(dataset: Dataset, target: Path) -> int | None:
    from data_access.readers import ReadError, read_table

    if not target.is_file():
        return None
    try:
        return len(read_table(dataset, target))
    except ReadError:
        return None


def _dry_run(catalogue: Catalogue, dataset: Dataset) -> Outcome:
    from urllib.parse import urlencode

    source, codes = dataset.source, None
    if source.keep is not None:
        try:
            codes = keep_context(catalogue, source.keep).codes
        except ReduceError:  # the communes are not fetched yet: the request is shown without them
            codes = None
    url, params = export_url(dataset, codes)
    shown = url + ("?" + urlencode(params) if params else "")
    if source.kind == "datagouv":
        shown += f", puis la ressource la plus récente dont le titre contient « {source.resource} »"
    if source.keep is not None:
        where = f"les codes de « {source.keep.communes} »" if source.keep.communes else \
            f"{len(source.keep.codes)} communes"
        shown += f" ; gardées : les lignes dont « {source.keep.field} » est l'un des codes ({where})"
    return Outcome(dataset.id, "simulation", f"GET {shown} -> {dataset.path}")


def sync_dataset(catalogue: Catalogue, dataset: Dataset, session, dry_run: bool = False,
                 sleep: Callable[[float], None] = time.sleep) -> Outcome:
    if dry_run:
        return _dry_run(catalogue, dataset)
    data_dir = catalogue.data_dir
    target = catalogue.file_path(dataset)
    if target.is_dir():
        return Outcome(dataset.id, "échec", f"{dataset.path} est un dossier : la synchronisation écrit un fichier")
    state = read_state(data_dir, dataset.id)
    headers = {"Accept-Encoding": "gzip"}
    recorded = bool(state.get("sha256")) and target.is_file() and state["sha256"] == _sha256(target)
    temporary = reduced = None
    try:
        keep = dataset.source.keep
        territory = keep_context(catalogue, keep) if keep is not None else None
        codes = territory.codes if territory is not None else None
        kept_as = fingerprint(keep, territory) if territory is not None else None
        url, params = export_url(dataset, codes)
        target.parent.mkdir(parents=True, exist_ok=True)
        if dataset.source.kind == "datagouv":
            url = newest_resource(session, url, dataset.source.resource, target.parent, sleep)
        if dataset.source.kind != "ods" and recorded and state.get("requested_url") in (url, None) \
                and state.get("kept_as") == kept_as:
            # the file in place is the one fetched from this address and cut down the same way (the same
            # communes, the same options): the server may answer « unchanged »
            if state.get("etag"):
                headers["If-None-Match"] = state["etag"]
            if state.get("last_modified"):
                headers["If-Modified-Since"] = state["last_modified"]
        try:
            response, temporary = fetch(session, url, params, headers, target.parent, sleep)
        except SyncError as exc:
            if not (exc.status == 400 and dataset.source.kind == "ods" and codes):
                raise
            # the portal refused the filter on the codes (too long a query, a numeric field): the whole export,
            # cut down here as any national file
            log.warning("%s : filtre des communes refusé par le portail (%s), export complet", dataset.id, exc)
            url, params = export_url(dataset, None)
            response, temporary = fetch(session, url, params, headers, target.parent, sleep)
        if temporary is None:
            _record(data_dir, dataset, {**state, "checked_at": _now()})
            return Outcome(dataset.id, "inchangé", "le serveur indique que le fichier n'a pas changé (304)")
        stats = None
        if needs_reduction(dataset, temporary):
            reduced = temporary.with_name(temporary.name + ".reduit")
            stats = reduce_download(temporary, dataset, territory, reduced)
            temporary.unlink()
            temporary, reduced = reduced, None
        # the file in place is the one recorded: its rows are known without reading it again
        previous = state.get("rows") if recorded else _previous_rows(dataset, target)
        rows = validate(dataset, temporary, previous, codes if keep is not None else None)
        digest = _sha256(temporary)
        os.replace(temporary, target)  # atomic: readers see the old file or the new one, never a mix
        temporary = None
        record = {"fetched_at": _now(), "checked_at": _now(), "source_url": response.url, "requested_url": url,
                  "rows": rows,
                  "sha256": digest, "last_modified": response.headers.get("Last-Modified"),
                  "etag": response.headers.get("ETag"), "kept_as": kept_as}
        message = plural(rows, "ligne")
        if stats is not None and codes is not None:
            missing = sorted(codes - stats.codes)
            record.update(rows_in=stats.rows_in, communes_missing=missing, shapes_clipped=stats.clipped,
                          rows_malformed=stats.skipped)
            message += (f" {'gardée' if rows == 1 else 'gardées'} sur {format_int(stats.rows_in)} lues ; "
                        f"{len(codes) - len(missing)} sur {plural(len(codes), 'commune')}"
                        + (f" (absentes de la source : {', '.join(missing[:10])}{', …' if len(missing) > 10 else ''})"
                           if missing else "")
                        + (f" ; {stats.clipped} forme(s) coupée(s) au contour de leur commune"
                           if stats.clipped else "")
                        + (f" ; {plural(stats.skipped, 'ligne mal formée', 'lignes mal formées')} "
                           f"{'laissée' if stats.skipped == 1 else 'laissées'} de côté" if stats.skipped else ""))
        _record(data_dir, dataset, record)
        return Outcome(dataset.id, "mis à jour", message)
    except (SyncError, ReduceError) as exc:
        return Outcome(dataset.id, "échec", str(exc))
    except Exception as exc:  # a disk, a reader…: this dataset fails, the others are still synced
        log.exception("synchronisation de %s", dataset.id)
        return Outcome(dataset.id, "échec", f"erreur inattendue ({type(exc).__name__} : {exc})")
    finally:
        for leftover in (temporary, reduced):
            if leftover is not None:
                Path(leftover).unlink(missing_ok=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _now() -> str:
    return stamp()  # Europe/Paris with its offset: the pages read the day of a fetch as it was in Rouen


def _record(data_dir: Path, dataset: Dataset, state: dict) -> None:
    """The dataset's record, then the index of every record that the app reads (one file, replaced atomically:
    the app rebuilds its catalogue's dates once per sync write, never while reading half of it)."""
    write_atomically(state_path(data_dir, dataset.id), json.dumps(state, ensure_ascii=False, indent=2).encode())
    index = read_sync_index(data_dir)
    index[dataset.id] = state
    write_atomically(data_dir / STATE_DIR / SYNC_INDEX, json.dumps(index, ensure_ascii=False).encode())


@contextlib.contextmanager
def sync_lock(data_dir: Path):
    """One sync at a time on a data folder (an advisory lock the system releases if the process dies)."""
    try:
        handle = open(data_dir / LOCK_FILE, "a+")
    except OSError as exc:
        raise SyncError(f"impossible de créer le verrou dans {data_dir} ({exc.strerror})") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise SyncError("une autre synchronisation est en cours sur ce dossier") from None
        yield
    finally:
        handle.close()


def run(data_dir: Path, dataset_ids: list[str] | None = None, dry_run: bool = False,
        sleep: Callable[[float], None] = time.sleep, out=sys.stdout, served_dir: Path | None = None,
        retention: Retention | None = None) -> int:
    """Sync the datasets (those with a source; the named ones when given), each version kept in its history
    under `retention`; the exit status."""
    catalogue = load_catalogue(data_dir)
    chosen = [d for d in catalogue.datasets if d.source is not None]
    if dataset_ids:
        unknown = [i for i in dataset_ids if catalogue.get(i) is None]
        without = [i for i in dataset_ids if catalogue.get(i) is not None and catalogue.get(i).source is None]
        if unknown or without:
            for i in unknown:
                print(f"{i} : jeu de données inconnu du catalogue", file=out)
            for i in without:
                print(f"{i} : pas de [dataset.source] dans le catalogue", file=out)
            return 2
        chosen = [d for d in chosen if d.id in dataset_ids]
    if not chosen:
        print("Aucun jeu de données avec une source à synchroniser.", file=out)
        return 0
    try:
        with sync_lock(data_dir):
            client = session()
            # the communes a national file is cut down to are fetched before it
            chosen.sort(key=lambda d: bool(d.source.keep and d.source.keep.communes))
            outcomes, ready = [], []
            for dataset in chosen:  # each converted as soon as it is fetched: the app's workers only read
                outcomes.append(sync_dataset(catalogue, dataset, client, dry_run, sleep))
                if not dry_run and not outcomes[-1].failed:
                    line, served = served_now(dataset.id, data_dir, served_dir)
                    ready.append(line)
                    kept = remember(dataset, served, retention or Retention()) if served is not None else None
                    if kept:
                        ready.append(kept)
    except SyncError as exc:
        print(f"synchronisation refusée : {exc}", file=out)
        return 3
    for outcome in outcomes:
        print(f"{outcome.dataset_id} : {outcome.status}" + (f" — {outcome.message}" if outcome.message else ""),
              file=out)
        (log.error if outcome.failed else log.info)("synchronisation de %s : %s %s", outcome.dataset_id,
                                                   outcome.status, outcome.message)
    for line in ready:
        print(line, file=out)
    return 1 if any(o.failed for o in outcomes) else 0


def main(argv: list[str] | None = None) -> int:
    from config import ConfigError, load_settings
    from data_access.catalogue.model import CatalogueError

    parser = argparse.ArgumentParser(prog="python -m portail sync",
                                     description="Rafraîchit les jeux de données qui ont une source.")
    parser.add_argument("--dataset", nargs="+", metavar="ID", help="seulement ces jeux de données")
    parser.add_argument("--dry-run", action="store_true", help="affiche ce qui serait téléchargé, sans rien écrire")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings()
        return run(settings.data_dir, args.dataset, args.dry_run, served_dir=settings.served_dir,
                   retention=Retention(settings.history_versions, settings.history_days))
    except (ConfigError, CatalogueError) as exc:
        print(str(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
