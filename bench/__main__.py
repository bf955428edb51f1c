"""The benchmark: prints median figures for start-up, pages, dataset loads, demo generation and memory.

Usage: python -m bench [--scales 1 10] [--runs 5]. It never asserts a time: compare its figures run to run.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import OUT, ROOT, free_port, median_ms, server_env, wait_for  # noqa: E402
from bench.extracts import print_extracts, synthetic_table  # noqa: E402


def generate(scale: int, runs: int) -> tuple[Path, list[float], dict[str, int]]:
    """Generate the snapshot at `scale` `runs` times; keep the last one for the other measures."""
    from data_access.demo.generate import generate_snapshot

    target = OUT / f"scale-{scale}"
    times, counts = [], {}
    for _ in range(runs):
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        start = time.perf_counter()
        counts = generate_snapshot(target, scale=scale)
        times.append(time.perf_counter() - start)
    return target, times, counts


def cold_starts(data_dir: Path, runs: int) -> list[float]:
    """Process start until /healthz answers, with `python app.py`."""
    times = []
    for _ in range(runs):
        port = free_port()
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=server_env(data_dir, port),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz", start + 60)
            times.append(time.perf_counter() - start)
        finally:
            process.terminate()
            process.wait()
    return times


def peak_rss_mb(data_dir: Path, page_paths: list[str]) -> float:
    """Peak resident memory of a server that has opened every page and loaded every dataset."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=server_env(data_dir, port),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", time.perf_counter() + 60)
        for path in page_paths:
            _render_over_http(port, path)
        with open(f"/proc/{process.pid}/status") as status:
            line = next(line for line in status if line.startswith("VmHWM"))
        return int(line.split()[1]) / 1024
    finally:
        process.terminate()
        process.wait()


def _render_over_http(port: int, path: str) -> None:
    body = json.dumps({
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": ""}],
        "changedPropIds": ["_pages_location.pathname"], "state": [],
    }).encode()
    urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).read()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/_dash-update-component", data=body,
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=120).read()


def page_layouts(data_dir: Path, runs: int) -> dict[str, tuple[float, list[float]]]:
    """Server time of each page's layout function: the first call (cold data) and the median of the next ones."""
    import dash

    from config import load_settings
    from factory import create_app

    app = create_app(load_settings({"DATA_DIR": str(data_dir), "SECRET_KEY": "bench"}))
    results = {}
    with app.server.test_request_context("/"):
        for page in dash.page_registry.values():
            if page.get("path_template"):  # needs a dataset: measured by bench.explorer
                continue
            path = page["path"]
            layout = page["layout"]
            start = time.perf_counter()
            layout()
            first = time.perf_counter() - start
            warm = []
            for _ in range(runs):
                start = time.perf_counter()
                layout()
                warm.append(time.perf_counter() - start)
            results[path] = (first, warm)
    return results


def dataset_loads(data_dir: Path, runs: int) -> dict[str, tuple[list[float], list[float], int]]:
    from data_access.repository import DatasetUnavailable, Repository

    results = {}
    repository = Repository.from_data_dir(data_dir)
    for dataset in repository.catalogue.datasets:
        cold, cached, rows = [], [], 0
        try:
            for _ in range(runs):
                repository.forget()
                table, stats = repository.load(dataset.id)
                cold.append(stats.seconds)
                rows = len(table)
                for _ in range(5):
                    cached.append(repository.load(dataset.id)[1].seconds)
        except DatasetUnavailable as exc:
            print(f"  {dataset.id}: indisponible ({exc})")
            continue
        results[dataset.id] = (cold, cached, rows)
    return results


def first_loads_in_fresh_process(data_dir: Path, runs: int) -> dict[str, list[float]]:
    """A dataset's first load in a new process, imports of its reader included (the truest cold figure)."""
    code = ("import sys, time; from pathlib import Path; from data_access.repository import Repository; "
            "r = Repository.from_data_dir(Path(sys.argv[1])); t = time.perf_counter(); r.load(sys.argv[2]); "
            "print(time.perf_counter() - t)")
    from data_access.catalogue.model import load_catalogue

    results: dict[str, list[float]] = {}
    for dataset in load_catalogue(data_dir).datasets:
        for _ in range(runs):
            out = subprocess.run([sys.executable, "-c", code, str(data_dir), dataset.id], cwd=ROOT,
                                 capture_output=True, text=True)
            if out.returncode == 0:
                results.setdefault(dataset.id, []).append(float(out.stdout.strip().splitlines()[-1]))
    return results


PARTS = ("demarrage", "pages", "extraits", "explorateur", "travaux", "sante", "transports", "sources", "formats",
         "nationaux", "adresses", "moteur", "poids", "proximite", "recits", "communes", "recherche", "lighthouse",
         "historique", "temps-reel")
# measured once, on files of their own (or the embedded demo), whatever the scale
ALONE = {"sources", "formats", "nationaux", "adresses", "moteur", "poids", "lighthouse", "historique", "temps-reel"}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Mesures de performance (médianes).")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10], help="échelles de l'instantané (1 10)")
    parser.add_argument("--runs", type=int, default=5, help="nombre de mesures par chiffre (médiane)")
    parser.add_argument("--large", type=int, default=1_000_000,
                        help="lignes de la table synthétique des extraits (0 : pas de table synthétique)")
    parser.add_argument("--parts", nargs="+", default=list(PARTS), choices=PARTS,
                        help="parties à mesurer (toutes par défaut)")
    parser.add_argument("--load", action="store_true",
                        help="la charge seule : gunicorn, 50 clients pendant 60 s, sans puis avec 5 clients hostiles")
    parser.add_argument("--contributions", action="store_true",
                        help="les contributions sous charge : 40 lecteurs et 10 contributeurs pendant 60 s")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite",
                        help="base des contributions pour --contributions")
    args = parser.parse_args()
    parts = set(args.parts)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cœurs, médianes de {args.runs} mesures")
    if args.load:
        from bench.load import load_figures

        print("\n".join(load_figures()))
        return
    if args.contributions:
        from bench.contributions import contributions_figures, page_figures

        print("\n".join(page_figures() + contributions_figures(database=args.database)))
        return
    if "sources" in parts:  # the real sources' shapes at their own realistic size, whatever the scale
        from bench.sources import sources_figures

        print("\n".join(sources_figures(min(args.runs, 3))))
    if "formats" in parts:  # a 50 MB GeoJSON in Lambert CC49, 100,000 JSON records
        from bench.formats import formats_figures

        print("\n".join(formats_figures(min(args.runs, 3))))
    if "nationaux" in parts:
        from bench.national import national_figures

        print("\n".join(national_figures(min(args.runs, 3))))
    if "adresses" in parts:
        from bench.national import address_figures

        print("\n".join(address_figures(args.runs)))
    if "moteur" in parts:
        from bench.engine import engine_figures

        print("\n".join(engine_figures(OUT, args.runs)))
    if "historique" in parts:  # two versions of the 10M-row table compared as the sync compares them
        from bench.history import history_figures

        print("\n".join(history_figures(OUT, args.runs)))
    if "temps-reel" in parts:  # a 5 MB GTFS-RT feed; the demo's live stand-in on a stop and a page
        from bench.realtime import realtime_figures

        print("\n".join(realtime_figures(args.runs)))
    if "poids" in parts:  # the embedded demo, as a phone loads it
        from bench.weight import weight_figures

        print("\n".join(weight_figures(args.runs)))
    if "lighthouse" in parts:  # the embedded demo, as Lighthouse's mobile audit sees it (skipped without node)
        from bench.lighthouse import lighthouse_figures

        print("\n".join(lighthouse_figures(max(1, min(args.runs, 3)))))
    for scale in (args.scales if parts - ALONE else []):
        print(f"\n=== échelle {scale} ===")
        gen_runs = max(1, min(args.runs, 3 if scale > 1 else args.runs))
        data_dir, times, counts = generate(scale, gen_runs)
        size = sum(p.stat().st_size for p in data_dir.rglob("*") if p.is_file()) / 1e6
        print(f"génération de l'instantané : {median_ms(times)}  ({gen_runs} mesures, {size:.1f} Mo)")
        print("  lignes : " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        if "demarrage" in parts:
            print(f"démarrage à froid (jusqu'à /healthz) : {median_ms(cold_starts(data_dir, args.runs))}")
            print("chargement des jeux de données (premier dans un nouveau processus / à froid / en cache) :")
            fresh = first_loads_in_fresh_process(data_dir, min(args.runs, 3))
            for dataset_id, (cold, cached, rows) in dataset_loads(data_dir, args.runs).items():
                first = median_ms(fresh[dataset_id]) if dataset_id in fresh else "      —"
                print(f"  {dataset_id:22s} {rows:>9d} lignes  {first} / {median_ms(cold)} / "
                      f"{statistics.median(cached) * 1000:7.3f} ms")
        if "pages" in parts:
            print("mise en page côté serveur (premier appel / médiane ensuite) :")
            layouts = page_layouts(data_dir, args.runs)
            for path, (first, warm) in layouts.items():
                print(f"  {path:28s} {first * 1000:8.1f} ms / {median_ms(warm)}")
            print(f"mémoire résidente maximale (toutes pages, tous jeux chargés) : "
                  f"{peak_rss_mb(data_dir, list(layouts)):.0f} Mo")
        if "extraits" in parts:
            print_extracts(data_dir, args.runs)
        if "explorateur" in parts:
            from bench.explorer import explorer_figures

            print("\n".join(explorer_figures(data_dir, args.runs)))
        if "travaux" in parts:
            from bench.travaux import travaux_figures

            print("\n".join(travaux_figures(data_dir, args.runs)))
        if "sante" in parts:
            from bench.sante import sante_figures

            print("\n".join(sante_figures(data_dir, args.runs)))
        if "transports" in parts:
            from bench.transports import transports_figures

            print("\n".join(transports_figures(data_dir, args.runs)))
        if "proximite" in parts:
            from bench.proximite import proximite_figures

            print("\n".join(proximite_figures(data_dir, args.runs)))
        if "recherche" in parts:
            from bench.recherche import recherche_figures

            print("\n".join(recherche_figures(data_dir, args.runs)))
        if "recits" in parts:
            from bench.recits import recits_figures

            print("\n".join(recits_figures(data_dir, args.runs)))
        if "communes" in parts:
            from bench.communes import communes_figures

            print("\n".join(communes_figures(data_dir, args.runs)))
    if args.large and "extraits" in parts:
        print(f"\n=== table synthétique de {args.large} lignes, 8 colonnes ===")
        print_extracts(synthetic_table(args.large), min(args.runs, 3))


if __name__ == "__main__":
    main()
