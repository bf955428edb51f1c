"""Bench figures of the site-wide search: its index (built once per data version: time, size on disk, memory the
building takes) and its answers (the index's own, and the whole /recherche page as the browser asks it), median
and 95th percentile over words citizens type, typos included."""
from __future__ import annotations

import resource
import shutil
import statistics
import time
from pathlib import Path

from bench.explorer import bench_app, render

WORDS = ("diabete", "diabte", "sotteville", "rouen", "voirie", "metro", "velo", "parking", "bureau de vote",
         "cancer", "rue pasteur", "associations", "chantiers en retard", "zzzqqq", "elbeuf", "pathologies")
ROUNDS = 20  # each word asked this many times, warm


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def recherche_figures(data_dir: Path, runs: int) -> list[str]:
    from features.recherche.draw import dashboard_documents
    from features.recherche.index import search
    from features.recherche.service import current_index

    app, client, repository = bench_app(data_dir, TILE_URL="")
    with app.server.test_request_context("/"):
        dashboards = dashboard_documents()
    folder = repository.served_store.folder / "recherche"
    builds, sizes = [], []
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(max(1, min(runs, 3))):
        shutil.rmtree(folder, ignore_errors=True)
        start = time.perf_counter()
        path = current_index(repository, dashboards)
        builds.append(time.perf_counter() - start)
        sizes.append(path.stat().st_size)
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    documents = _count(path)
    own = [_timed(lambda w=w: search(path, w)) for _ in range(ROUNDS) for w in WORDS]
    pages = [render(client, app, "/recherche", "?q=" + w.replace(" ", "+"))[0] for _ in range(3) for w in WORDS]
    return [
        f"recherche : index de {documents} documents, première construction {builds[0] * 1000:.0f} ms (chaque jeu "
        f"lu et servi pour la première fois compris), puis {statistics.median(builds[1:] or builds) * 1000:.0f} ms "
        f"(médiane), {statistics.median(sizes) / 1e6:.1f} Mo sur disque ; mémoire de pointe du processus "
        f"+{grown:.0f} Mo pendant la première construction (tables lues comprises)",
        f"  réponse de l'index ({len(own)} requêtes, {len(WORDS)} mots) : médiane {statistics.median(own) * 1000:.2f} ms, "
        f"p95 {_percentile(own, .95) * 1000:.2f} ms",
        f"  page /recherche complète (adresses comprises) : médiane {statistics.median(pages) * 1000:.1f} ms, "
        f"p95 {_percentile(pages, .95) * 1000:.1f} ms",
    ]


def _timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def _count(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute("SELECT count(*) FROM docs").fetchone()[0]
