"""Bench figures of the real sources' shapes at a realistic size: the time and peak memory to sync each one with
the shipped catalogue.rouen.toml (download from a local fake Opendatasoft server, check with the reader, rename
into place), then to read it in a fresh process. Each sync and each read runs in its own process: its peak
resident memory is the process's, and the memory of a process that only imports the same modules is printed
beside it."""
from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# the parameters the shipped catalogue's sync sends (see its dry run)
EXPORT_PARAMS = {"travaux-json": [("delimiter", ";")],
                 "effectifs": [("where", 'dept = "76" OR (region = "28" AND dept = "999") OR region = "99"'),
                               ("delimiter", ";")]}
APL = ("/api/datasets/1.0/530_l-accessibilite-potentielle-localisee-apl/attachments/"
       "indicateur_d_accessibilite_potentielle_localisee_apl_aux_medecins_generalistes_xlsx/")
PEAK = "print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])"
READ = """
import sys, time
from pathlib import Path
from data_access.catalogue.model import load_catalogue
from data_access.readers import read_table
catalogue = load_catalogue(Path(sys.argv[1]))
if len(sys.argv) > 2:
    dataset = catalogue.get(sys.argv[2])
    start = time.perf_counter()
    table = read_table(dataset, catalogue.file_path(dataset))
    print(time.perf_counter() - start, len(table))
""" + PEAK
# the sync command as it runs, then its own peak memory (a forked child's rusage would count the bench's memory)
SYNC = f"""
import runpy, sys
sys.argv = ["sync", "--dataset", sys.argv[1]]
try:
    runpy.run_module("data_access.sync.run", run_name="__main__")
except SystemExit as exc:
    if exc.code:
        raise
finally:
    {PEAK}
"""


def _run(args: list[str], env: dict) -> tuple[float, float, str]:
    """Wall time, peak resident memory (MiB, the last line the child prints) and the rest of its output."""
    start = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"{' '.join(args)} : code {done.returncode}\n{done.stdout}\n{done.stderr[-2000:]}")
    *out, peak = done.stdout.strip().splitlines()
    return elapsed, int(peak) / 1024, "\n".join(out)


def _serve(fake) -> None:
    from tests.helpers.real_shapes import travaux_rows
    from tests.helpers.real_shapes_sante import TERRITORIES, apl_workbook, effectifs_rows

    fake.tables["travaux-json"] = travaux_rows(2000)
    # 9 years × 177 pathologies × 3 territories (Seine-Maritime, Normandie, France) × 3 sexes × 21 ages: 301,077 rows
    fake.tables["effectifs"] = effectifs_rows(years=range(2015, 2024), pathologies=177, territories=TERRITORIES[:3])
    fake.files[APL] = apl_workbook(count=35_000)
    for dataset_id in ("travaux-json", "effectifs"):  # each export rendered once, before any measure
        with urllib.request.urlopen(f"{fake.base_url}/api/explore/v2.1/catalog/datasets/{dataset_id}/exports/csv?"
                                    + urllib.parse.urlencode(EXPORT_PARAMS[dataset_id])) as answer:
            answer.read()


def sources_figures(runs: int) -> list[str]:
    from tests.helpers.fake_ods import FakeServer

    lines = ["fichiers au format des sources réelles (synchronisation puis lecture, chacune dans un nouveau "
             f"processus ; temps et mémoire résidente maximale, médianes de {runs} mesures) :"]
    with FakeServer() as fake, tempfile.TemporaryDirectory() as folder:
        fake.cache_exports = True  # the fake renders each export once: only the sync is measured
        _serve(fake)
        data_dir = Path(folder)
        text = (ROOT / "catalogue.rouen.toml").read_text(encoding="utf-8")
        (data_dir / "catalogue.toml").write_text(re.sub(r"https://[a-z0-9.-]+", fake.base_url, text), encoding="utf-8")
        env = {**os.environ, "DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
        _, base_rss, _ = _run([sys.executable, "-c", READ, str(data_dir)], env)
        lines.append(f"  processus qui importe seulement le lecteur : {base_rss:.0f} Mo")
        for dataset_id, what in (("apl-medecins-generalistes", "classeur APL, 35 000 communes × 2 feuilles"),
                                 ("travaux", "travaux-json, 2 000 lignes"),
                                 ("pathologies", "export effectifs, 301 077 lignes")):
            syncs, sync_rss, reads, read_rss = [], [], [], []
            for _ in range(runs):
                record = data_dir / ".sync" / f"{dataset_id}.json"
                if record.exists():  # a full fetch each time, never « unchanged » (304)
                    state = json.loads(record.read_text(encoding="utf-8"))
                    record.write_text(json.dumps({k: v for k, v in state.items() if k not in ("etag", "last_modified")}))
                seconds, rss, out = _run([sys.executable, "-c", SYNC, dataset_id], env)
                assert "mis à jour" in out, out
                syncs.append(seconds)
                sync_rss.append(rss)
                _, rss, out = _run([sys.executable, "-c", READ, str(data_dir), dataset_id], env)
                seconds, rows = out.split()
                reads.append(float(seconds))
                read_rss.append(rss)
            size = next(p for p in data_dir.iterdir() if p.stem == dataset_id).stat().st_size / 2**20
            lines.append(f"  {what} ({size:.1f} Mo, {int(rows)} lignes lues) : synchronisation "
                         f"{statistics.median(syncs):.2f} s, {statistics.median(sync_rss):.0f} Mo ; lecture "
                         f"{statistics.median(reads):.2f} s, {statistics.median(read_rss):.0f} Mo")
    return lines
