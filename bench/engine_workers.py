"""The synthetic 10,000,000-row dataset served by gunicorn with 1, 2 and 4 worker processes on one host, over the
same served files: cold start, the home page, a dataset page, a grid block, a full CSV extract, the throughput of
a mix of pages, and each worker's resident memory (RSS) afterwards."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.engine import _median_ms
from data_access.catalogue.model import load_catalogue
from data_access.engine.served import CLUSTERED, DATA, MANIFEST, version_folder
from data_access.repository import file_version, served_version

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = '''[portal]
title = "Banc du moteur"

[[dataset]]
id = "synthetique"
title = "Dix millions de lignes"
theme = "Banc"
format = "parquet"
path = "synthetique.parquet"
'''


def portal_on(served: Path, folder: Path) -> tuple[Path, Path]:
    """A data folder whose one dataset is the synthetic file, and its served folder, as the sync leaves them: the
    source file is the served file itself (a hard link: no copy of 600 MB)."""
    data_dir, served_dir = folder / "donnees", folder / "servi"
    data_dir.mkdir()
    (data_dir / "catalogue.toml").write_text(CATALOGUE, encoding="utf-8")
    os.link(served / DATA, data_dir / "synthetique.parquet")
    dataset = load_catalogue(data_dir).get("synthetique")
    target = version_folder(served_dir, "synthetique",
                            served_version(dataset, file_version(data_dir / "synthetique.parquet")))
    target.mkdir(parents=True)
    for name in (DATA, MANIFEST, CLUSTERED):
        if (served / name).exists():
            os.link(served / name, target / name)
    return data_dir, served_dir


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("VmRSS")) / 1024


def _workers(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _one_host(data_dir: Path, served_dir: Path, workers: int, runs: int) -> list[str]:
    import requests

    from tests.helpers.apps import ROUTER_OUTPUT, free_port, router_body

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATA_DIR": str(data_dir), "SERVED_DIR": str(served_dir), "PORT": str(port),
           "HOST": "127.0.0.1", "WEB_CONCURRENCY": str(workers), "GUNICORN_THREADS": "4", "SECRET_KEY": "banc",
           "MAX_EXPORT_ROWS": "20000000", "CACHE_TYPE": "FileSystemCache", "TILE_URL": "",
           "CACHE_DIR": tempfile.mkdtemp(prefix="banc-cache-")}
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "app:server", "--log-level", "warning"], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                if requests.get(base + "/healthz", timeout=5).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.05)
        cold = time.perf_counter() - started
        session = requests.Session()
        key = next(c["output"] for c in session.get(base + "/_dash-dependencies").json()
                   if ROUTER_OUTPUT in c["output"])
        grid_key = next(c["output"] for c in session.get(base + "/_dash-dependencies").json()
                        if "getRowsResponse" in c["output"])

        def page(path, search=""):
            answer = session.post(base + "/_dash-update-component", json=router_body(key, path, search))
            assert answer.ok, answer.text[:200]

        def block(filters: str):
            body = {"output": grid_key, "outputs": {"id": "jeu-tableau", "property": "getRowsResponse"},
                    "inputs": [{"id": "jeu-tableau", "property": "getRowsRequest",
                                "value": {"startRow": 100, "endRow": 200,
                                          "sortModel": [{"colId": "montant", "sort": "desc"}]}}],
                    "state": [{"id": "jeu-id", "property": "data", "value": "synthetique"},
                              {"id": "jeu-requete", "property": "data", "value": filters}],
                    "changedPropIds": ["jeu-tableau.getRowsRequest"]}
            answer = session.post(base + "/_dash-update-component", json=body)
            assert answer.ok and answer.json()["response"]["jeu-tableau"]["getRowsResponse"]["rowCount"] > 0

        dataset = "/jeux-de-donnees/synthetique"
        figures = {
            "accueil": _median_ms(lambda: page("/"), runs),
            "catalogue": _median_ms(lambda: page("/catalogue"), runs),
            "page du jeu, filtrée (compte et facettes)": _median_ms(
                lambda: page(dataset, "?tab=table&refine.commune=Rouen&refine.statut=en+cours"), runs),
            "page du jeu, informations": _median_ms(lambda: page(dataset), runs),
            "bloc de 100 lignes trié, commune et statut": _median_ms(
                lambda: block("refine.commune=Rouen&refine.statut=en+cours"), runs),
            "bloc de 100 lignes trié, commune seule": _median_ms(lambda: block("refine.commune=Rouen"), runs),
            "bloc de 100 lignes trié, catégorie (hors des clés)": _median_ms(
                lambda: block("refine.categorie=voirie"), runs),
        }
        start = time.perf_counter()
        with session.get(base + "/export/synthetique.csv", stream=True) as answer:
            size = sum(len(part) for part in answer.iter_content(1 << 20))
            rows = int(answer.headers["X-Nombre-De-Lignes"])
        extract = time.perf_counter() - start
        served = _mix(base, key, seconds=20)
        rss = [_rss_mb(pid) for pid in _workers(server.pid)]
        lines = [f"{workers} worker(s) : démarrage à froid {cold:.2f} s ; "
                 + " ; ".join(f"{name} {ms:.0f} ms" for name, ms in figures.items()),
                 f"  extrait CSV complet : {rows:,} lignes, {size / 2**20:.0f} Mio en {extract:.1f} s "
                 f"({rows / extract:,.0f} lignes/s)".replace(",", " "),
                 f"  débit (8 clients sans pause, la page du jeu filtrée, 20 s) : {served:.1f} pages/s",
                 f"  mémoire résidente par worker : {', '.join(f'{r:.0f}' for r in rss)} Mio "
                 f"(total {sum(rss):.0f} Mio, maître {_rss_mb(server.pid):.0f} Mio)"]
        return lines
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)


def _mix(base: str, key: str, seconds: float) -> float:
    """Requests per second of 8 clients without pause, each drawing the dataset page with one filter after
    another (a count and the facets each time)."""
    import requests

    from tests.helpers.apps import router_body

    searches = ["?refine.commune=Rouen", "?refine.statut=annul%C3%A9&tab=table", "?refine.categorie=fibre",
                "?from.montant=20000&tab=table", ""]
    done = []
    until = time.monotonic() + seconds

    def client(offset: int) -> None:
        session = requests.Session()
        k = offset
        while time.monotonic() < until:
            search = searches[k % len(searches)]
            k += 1
            answer = session.post(base + "/_dash-update-component",
                                  json=router_body(key, "/jeux-de-donnees/synthetique", search))
            done.append(answer.ok)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def workers_figures(served: Path, runs: int) -> list[str]:
    lines = ["le jeu synthétique servi par gunicorn (4 threads par worker), sur les mêmes fichiers :"]
    with tempfile.TemporaryDirectory() as folder:
        data_dir, served_dir = portal_on(served, Path(folder))
        for workers in (1, 2, 4):
            lines += _one_host(data_dir, served_dir, workers, runs)
    return lines
