"""The history's figures (`--parts historique`): two versions of the synthetic 10,000,000-row table, 1 % of its
records changed, 0.1 % removed and 10,000 added, compared as the sync compares them (data_access/history), in a
fresh process each time: its time and peak memory, on the key and without it; and the disk a version takes."""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

from bench.common import ROOT
from bench.engine import FIELDS, ROWS, synthetic
from data_access.engine.served import DATA


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
    return lines
