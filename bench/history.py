"""The history's figures (`--parts historique`): two versions of the synthetic 10,000,000-row table, 1 % of its
records changed, 0.1 % removed and 10,000 added, compared as the sync compares them (data_access/history), in a
fresh process each time: its time and peak memory, on the key and without it; and the disk a version takes. Then
both versions kept in a history folder as the sync keeps them (versions.record: hard links, no copy), and the
Atom feed of a filtered view over them built as its route builds it, in a fresh process: the first request
(the view's diff computed) and the second (from the process's memory), with the peak memory."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from bench.common import ROOT
from bench.engine import FIELDS, ROWS, synthetic
from data_access.clock import PARIS
from data_access.engine.served import DATA

DATASET = "synthetique"
VIEW = [("refine.commune", "Rouen")]  # one commune in 16: about 625,000 rows of each version
MOMENTS = (dt.datetime(2026, 11, 2, 6, 0, tzinfo=PARIS), dt.datetime(2026, 11, 15, 6, 0, tzinfo=PARIS))


def next_version(old: Path, target: Path) -> Path:
    """The second version, written once by DuckDB from the first: amounts changed on 1 % of the ids, 0.1 % of
    the records gone, 10,000 new ones."""
    if target.is_file():
        return target
    import duckdb

    target.parent.mkdir(parents=True, exist_ok=True)
    columns = ", ".join(f'"{f.name}"' for f in FIELDS)
    changed = ", ".join('CASE WHEN id % 100 = 3 THEN montant + 1 ELSE montant END AS montant' if f.name == "montant"
                        else f'"{f.name}"' for f in FIELDS)
    duckdb.connect().execute(
        f"COPY (SELECT {changed} FROM read_parquet(?) WHERE id % 1000 <> 7 UNION ALL "
        f"SELECT * REPLACE (id + {ROWS} AS id) FROM (SELECT {columns} FROM read_parquet(?) LIMIT 10000)) "
        f"TO '{target}' (FORMAT parquet, COMPRESSION zstd)", [str(old), str(old)])
    return target


def _one(old: Path, new: Path, key: bool) -> dict:
    code = ("import json, resource, sys, time; sys.path.insert(0, sys.argv[1]);"
            "from bench.engine import FIELDS; from data_access.engine.backend import CONNECTIONS;"
            "from data_access.history.diff import compare;"
            "start = time.perf_counter();"
            "key = ('id',) if sys.argv[4] == '1' else ();"
            "c = compare(CONNECTIONS.cursor(), sys.argv[2], sys.argv[3], FIELDS, FIELDS, key);"
            "print(json.dumps({'s': time.perf_counter() - start, 'rss': resource.getrusage(resource.RUSAGE_SELF)"
            ".ru_maxrss / 1024, **c.as_dict()}))")
    out = subprocess.run([sys.executable, "-c", code, str(ROOT), str(old), str(new), "1" if key else "0"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def history_figures(folder: Path, runs: int) -> list[str]:
    old = synthetic(folder) / DATA
    new = next_version(old, folder / "synthetique" / "v-suivante" / DATA)
    from data_access.french import format_int

    lines = [f"historique : deux versions de la table synthétique ({format_int(ROWS)} lignes ; 1 % modifiées, 0,1 % "
             "supprimées, 10 000 ajoutées), comparées comme la synchronisation les compare, dans un processus neuf :"]
    for key, name in ((True, "sur la clé (id)"), (False, "lignes entières")):
        results = [_one(old, new, key) for _ in range(max(1, min(runs, 3)))]
        last = results[-1]
        lines.append(f"  {name:18s} {statistics.median(r['s'] for r in results):6.1f} s, pic de mémoire "
                     f"{max(r['rss'] for r in results):5.0f} Mio : {format_int(last['added'])} ajoutées, "
                     f"{format_int(last['removed'])} supprimées, {format_int(last['changed'])} modifiées")
    lines.append(f"  place d'une version sur le disque : {new.stat().st_size / 2**20:.0f} Mio (Parquet zstd ; la "
                 "version servie est un lien, sans copie)")
    return lines + view_feed_figures(kept_history(folder, old, new), runs)


def kept_history(folder: Path, old: Path, new: Path) -> Path:
    """A served folder whose history keeps both versions (`old`, `new`: their Parquet files), recorded once as the
    sync records them (the second compared with the first on the key); kept between runs while its files are still
    the versions' own (hard links)."""
    from data_access.engine.store import Served
    from data_access.history.versions import history_dir, read_versions, record, version_file

    served_dir = folder / "historique-servi"
    history = history_dir(served_dir, DATASET)
    kept = read_versions(history)
    if len(kept) == 2 and all(version_file(history, v["version"]).is_file() and os.path.samefile(
            version_file(history, v["version"]), source) for v, source in zip(kept, (old, new))):
        return served_dir
    shutil.rmtree(served_dir, ignore_errors=True)
    from data_access.engine.backend import CONNECTIONS
    from data_access.engine.served import read_manifest

    first = Served(old.parent, read_manifest(old.parent))
    rows = int(CONNECTIONS.cursor().sql("SELECT count(*) FROM read_parquet(?)", params=[str(new)]).fetchall()[0][0])
    second = Served(new.parent, {**first.manifest, "version": new.parent.name, "rows": rows})
    for served, moment in zip((first, second), MOMENTS):
        record(CONNECTIONS.cursor(), served, served_dir, DATASET, ("id",), moment=moment)
    return served_dir


def view_feed(served_dir: str) -> None:
    """In a fresh process: the feed of the view VIEW over the history in `served_dir`, built twice as the route
    builds it (the view's entries, then the Atom), each timed; prints them as JSON."""
    import resource
    import time
    from types import SimpleNamespace

    from bench.engine import FIELDS
    from data_access.engine.backend import CONNECTIONS
    from data_access.history.atom import Feed, atom
    from data_access.history.feeds import feed_path, view_entries
    from data_access.query import describe_query, parse_query

    dataset = SimpleNamespace(id=DATASET, title="Table synthétique", key=("id",))
    times = []
    for _ in range(2):
        start = time.perf_counter()
        words = " ; ".join(describe_query(parse_query(VIEW, FIELDS)[0], FIELDS))
        entries = view_entries(CONNECTIONS.cursor(), Path(served_dir), dataset, VIEW, words)
        page = f"/jeux-de-donnees/{DATASET}"
        atom(Feed(f"{dataset.title} ({words}) : ce qui change", "bench", feed_path(page, VIEW), page, "bench",
                  MOMENTS[0]), entries, "http://localhost")
        times.append(time.perf_counter() - start)
    print(json.dumps({"s": times, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "entries": [e.summary for e in entries], "words": words}))


def view_feed_figures(served_dir: Path, runs: int) -> list[str]:
    code = "import sys; sys.path.insert(0, sys.argv[1]); from bench.history import view_feed; view_feed(sys.argv[2])"
    results = []
    for _ in range(max(1, min(runs, 3))):
        out = subprocess.run([sys.executable, "-c", code, str(ROOT), str(served_dir)], capture_output=True,
                             text=True, check=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    first = statistics.median(r["s"][0] for r in results)
    second = statistics.median(r["s"][1] for r in results) * 1000
    return [f"  flux Atom d'une vue filtrée ({results[-1]['words']}) sur ces deux versions gardées dans "
            "l'historique, dans un processus neuf :",
            f"    première demande (écarts de la vue calculés) {first:6.1f} s",
            f"    deuxième demande (écarts gardés en mémoire)  {second:6.1f} ms",
            f"    pic de mémoire {max(r['rss'] for r in results):5.0f} Mio ; entrées : "
            + " / ".join(results[-1]["entries"])]
