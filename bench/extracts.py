"""Extracts of the largest table over HTTP (`--parts extraits`): time to first byte, total, throughput, the memory
an extract adds, and the in-memory references; the synthetic table of `--large N` rows."""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench.common import OUT, ROOT, free_port, median_ms, server_env, status_kb, wait_for


def extracts(data_dir: Path, runs: int) -> tuple[str, int, dict[str, tuple[list[float], list[float], int]], float]:
    """Throughput and time to first byte of /export on the largest table, and the peak RSS an extract adds."""
    from data_access.repository import Repository

    repository = Repository.from_data_dir(data_dir)
    sizes = {d.id: len(repository.table(d.id)) for d in repository.catalogue.datasets
             if not repository.unavailable_reason(d.id)}
    largest = max(sizes, key=sizes.get)
    table = repository.table(largest)
    # filter on the text field with the fewest values (a facet such as a commune): a realistic share of rows
    counts = {f.name: table.frame[f.name].nunique() for f in table.fields if f.type == "text"}
    facet = min((n for n, c in counts.items() if c > 1), key=counts.get)
    value = table.frame[facet].dropna().iloc[0]
    cases = {
        "csv": "", "csv filtré": f"refine.{facet}={urllib.parse.quote(str(value))}",
        "parquet": "", "parquet filtré": f"refine.{facet}={urllib.parse.quote(str(value))}",
    }
    port = free_port()
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=server_env(data_dir, port),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results: dict[str, tuple[list[float], list[float], int]] = {}
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", time.perf_counter() + 60)
        wait_for(f"http://127.0.0.1:{port}/export/{largest}.csv?limit=1", time.perf_counter() + 60)  # warm
        idle_kb = status_kb(process.pid, "VmRSS")
        with open(f"/proc/{process.pid}/clear_refs", "w") as refs:
            refs.write("5")  # reset the high-water mark: what follows is the extract's own peak
        for name, query in cases.items():
            fmt = name.split()[0]
            ttfb, total, rows = [], [], 0
            for _ in range(runs):
                start = time.perf_counter()
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/export/{largest}.{fmt}?{query}") as response:
                    response.read(1)
                    ttfb.append(time.perf_counter() - start)
                    while response.read(1 << 20):
                        pass
                    rows = int(response.headers["X-Nombre-De-Lignes"])
                total.append(time.perf_counter() - start)
            results[name] = (ttfb, total, rows)
        peak_extra_mb = (status_kb(process.pid, "VmHWM") - idle_kb) / 1024
    finally:
        process.terminate()
        process.wait()
    return largest, sizes[largest], results, peak_extra_mb


def synthetic_table(rows: int) -> Path:
    """A large table of 8 columns (text, codes, dates, numbers, points) as Parquet, with its catalogue."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = OUT / f"large-{rows}"
    if (target / "catalogue.toml").exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    communes = np.array(["Rouen", "Elbeuf", "Oissel", "Darnétal", "Canteleu", "Bihorel"])
    table = pa.table({
        "id": pa.array([f"L{i:08d}" for i in range(rows)]),
        "commune": pa.array(communes[rng.integers(0, len(communes), rows)]),
        "code_insee": pa.array(np.char.add("76", rng.integers(100, 999, rows).astype(str))),
        "date": pa.array(np.datetime64("2020-01-01") + rng.integers(0, 2000, rows).astype("timedelta64[D]")),
        "quantite": pa.array(rng.integers(-50, 5000, rows)),
        "montant": pa.array(np.round(rng.normal(1000, 400, rows), 2)),
        "libelle": pa.array(np.char.add("Opération ", rng.integers(0, 10**6, rows).astype(str))),
        "geo_point_2d": pa.array(np.char.add(np.char.add(np.round(rng.uniform(49.3, 49.5, rows), 5).astype(str), ", "),
                                             np.round(rng.uniform(0.9, 1.2, rows), 5).astype(str))),
    })
    pq.write_table(table, target / "grande-table.parquet", compression="zstd")
    (target / "catalogue.toml").write_text(
        '[[dataset]]\nid = "grande-table"\ntitle = "Grande table synthétique"\ntheme = "Banc d\'essai"\n'
        'format = "parquet"\npath = "grande-table.parquet"\n', encoding="utf-8")
    return target


def print_extracts(data_dir: Path, runs: int) -> None:
    from bench.engine import in_memory_csv_rates

    largest, rows, results, peak_extra = extracts(data_dir, runs)
    print(f"extraits de la plus grande table ({largest}, {rows} lignes) : premier octet / total / débit")
    for name, (ttfb, total, count) in results.items():
        rate = count / statistics.median(total)
        print(f"  {name:16s} {count:>9d} lignes  {median_ms(ttfb)} / {median_ms(total)} / {rate:>10,.0f} lignes/s")
    print(f"  mémoire ajoutée pendant les extraits (pic - repos) : {peak_extra:.0f} Mo")
    ours, raw = in_memory_csv_rates(data_dir, largest, runs)  # the same rows held in memory: the references
    streamed = results["csv"][2] / statistics.median(results["csv"][1])
    alone = f" ; pyarrow seul sur le fichier brut {raw:,.0f} lignes/s ({streamed / raw:.2f})" if raw == raw else ""
    print(f"  références en mémoire : l'écrivain CSV des extraits {ours:,.0f} lignes/s (l'extrait HTTP en flux en "
          f"fait {streamed / ours:.2f}){alone}")
