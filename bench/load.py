"""`python -m bench --load`: the portal under load, as production serves it (`deploy/serve`: nginx in front of
gunicorn, 2 workers × 4 threads, a shared FileSystemCache, the demo snapshot). 50 clients replay what the pages ask
for 60 s (each page's router callback, the map's geometry, extracts), with no pause between requests: first 50
normal clients, then 45 normal and 5 hostile ones (search and filters over the caps, oversized callback bodies,
long address searches). Prints the requests per second, p50/p95 per route, the errors (a failed connection, a
5xx, an unexpected status), and the normal clients' p95 in both runs; then a normal page's time while 8 clients
that never finish their headers and 10 extract downloads nobody reads hold connections, through deploy/serve and
through gunicorn alone. Printed first: the server time of a 5 KB hostile query string against a plain page, and
/healthz on 500 datasets while a sync writes its index."""
from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 50
HOSTILE_CLIENTS = 5
SECONDS = 60

HOSTILE_QUERY = urlencode([("q", " ".join(f"mot{k}" for k in range(60)))] + [("q", "encore")] * 20
                          + [("refine.patho_niv1", f"valeur{k}") for k in range(150)]
                          + [("exclude.patho_niv1", "x")] * 40)
# under gunicorn's 4,094-byte request line, so that the app's own caps answer (a longer URL gets gunicorn's 414)
HOSTILE_EXTRACT = urlencode([("q", " ".join(f"mot{k}" for k in range(60)))] + [("q", "encore")] * 20
                            + [("refine.patho_niv1", f"v{k}") for k in range(120)])
# (route name, method, path or page, what the answer's status must be)
NORMAL = (
    ("page /", "page", "/", ""),
    ("page catalogue", "page", "/catalogue", "q=sante"),
    ("page pathologies (tableau)", "page", "/jeux-de-donnees/pathologies", "tab=table&refine.annee=2023"),
    ("page chantiers (carte)", "page", "/jeux-de-donnees/chantiers", "tab=map"),
    ("tableau de bord travaux", "page", "/tableaux-de-bord/travaux", ""),
    ("tableau de bord santé", "page", "/tableaux-de-bord/sante", ""),
    ("tableau de bord transports", "page", "/tableaux-de-bord/transports", ""),
    ("géométrie chantiers", "get", "/api/geo/chantiers.geojson", ""),
    ("extrait CSV filtré", "get", "/export/pathologies.csv", "refine.annee=2023&limit=5000"),
    ("extrait JSON filtré", "get", "/export/chantiers.json", "limit=200"),
    ("recherche d'adresse", "get", "/api/adresses/adresses.json", "q=12+rue+jeanne+d%27arc"),
    ("healthz", "get", "/healthz", ""),
)
HOSTILE = (
    ("hostile : page 5 Ko", "page", "/jeux-de-donnees/pathologies", HOSTILE_QUERY),
    ("hostile : extrait 3 Ko", "get", "/export/pathologies.xlsx", HOSTILE_EXTRACT),
    ("hostile : extrait 5 Ko", "get", "/export/pathologies.xlsx", HOSTILE_QUERY),
    ("hostile : corps de 2 Mo", "post", "/_dash-update-component", ""),
    ("hostile : adresse trop longue", "get", "/api/adresses/adresses.json", "q=" + "rue+" * 80),
)
EXPECTED = {"hostile : extrait 3 Ko": (400,), "hostile : extrait 5 Ko": (414,), "hostile : corps de 2 Mo": (413,),
            "hostile : adresse trop longue": (400,)}


def _environment(data_dir: Path, cache_dir: Path, port: int, **extra: str) -> dict:
    return {**os.environ, "DATA_DIR": str(data_dir), "PORT": str(port), "HOST": "127.0.0.1", "TILE_URL": "",
            "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "4", "CACHE_TYPE": "FileSystemCache",
            "CACHE_DIR": str(cache_dir), "SECRET_KEY": "bench", "EXTRACT_CACHE_DIR": str(cache_dir / "extraits"),
            "DATABASE_URL": f"sqlite:///{cache_dir / 'contributions.sqlite'}", **extra}


def _start_server(data_dir: Path, cache_dir: Path, port: int, **extra: str) -> subprocess.Popen:
    """deploy/serve on `port`: nginx in front of gunicorn, as production runs it."""
    env = _environment(data_dir, cache_dir, port, SERVE_DIR=str(cache_dir / "serve"), **extra)
    return subprocess.Popen([str(ROOT / "deploy" / "serve")], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _start_gunicorn(data_dir: Path, cache_dir: Path, port: int, **extra: str) -> subprocess.Popen:
    """gunicorn alone on `port`, for the comparison."""
    return subprocess.Popen([sys.executable, "-m", "gunicorn", "app:server", "--log-level", "warning"], cwd=ROOT,
                            env=_environment(data_dir, cache_dir, port, **extra), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


class Client(threading.Thread):
    def __init__(self, base: str, router_key: str, routes, offset: int, until: float, results: list):
        super().__init__(daemon=True)
        import requests

        from tests.helpers.apps import router_body

        self.session = requests.Session()
        self.base, self.key, self.routes, self.offset, self.until = base, router_key, routes, offset, until
        self.results, self.body = results, router_body

    def run(self) -> None:
        k = self.offset
        while time.monotonic() < self.until:
            name, method, path, query = self.routes[k % len(self.routes)]
            k += 1
            start = time.perf_counter()
            try:
                if method == "page":
                    answer = self.session.post(self.base + "/_dash-update-component", timeout=60,
                                               json=self.body(self.key, path, f"?{query}" if query else ""))
                elif method == "post":
                    answer = self.session.post(self.base + path, data=b"{" + b" " * (2 << 20) + b"}", timeout=60,
                                               headers={"Content-Type": "application/json", "Connection": "close"})
                else:
                    answer = self.session.get(self.base + path + (f"?{query}" if query else ""), timeout=60)
                answer.content  # the whole body, as a browser would read it
                status = answer.status_code
            except Exception as exc:  # a refused or cut connection, a timeout: an error
                status = type(exc).__name__
            self.results.append((name, time.perf_counter() - start, status))


def ready(base: str) -> str:
    """Once the server answers /healthz (within 60 s): the id of Dash's pages router callback."""
    import requests

    from tests.helpers.apps import ROUTER_OUTPUT

    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(base + "/healthz", timeout=5).ok:
                break
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("gunicorn ne répond pas")
        time.sleep(0.3)
    return next(c["output"] for c in requests.get(base + "/_dash-dependencies", timeout=10).json()
                if ROUTER_OUTPUT in c["output"])


def _run(base: str, key: str, hostile: int, seconds: float) -> list:
    results: list = []
    until = time.monotonic() + seconds
    clients = [Client(base, key, NORMAL, k, until, results) for k in range(CLIENTS - hostile)]
    clients += [Client(base, key, HOSTILE, k, until, results) for k in range(hostile)]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    return results


def _report(title: str, results: list, seconds: float, expected: dict | None = None) -> tuple[list[str], float]:
    """The run's figures; an error is a status other than the route's expected ones (200 unless `expected` or
    EXPECTED says otherwise)."""
    expected = {**EXPECTED, **(expected or {})}
    by_route = defaultdict(list)
    errors = defaultdict(int)
    for name, took, status in results:
        by_route[name].append(took)
        if status not in expected.get(name, (200,)):
            errors[(name, status)] += 1
    normal = [took for name, took, _ in results if not name.startswith("hostile")]
    p95 = _p95(normal)
    lines = [f"{title} : {len(results) / seconds:.0f} requêtes/s, {sum(errors.values())} erreur(s) ; clients "
             f"normaux p50 {statistics.median(normal) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"]
    for name, times in by_route.items():
        lines.append(f"  {name:32s} {len(times):6d} req.  p50 {statistics.median(times) * 1000:7.0f} ms  "
                     f"p95 {_p95(times) * 1000:7.0f} ms")
    for (name, status), count in errors.items():
        lines.append(f"  ERREUR {name} : {status} × {count}")
    return lines, p95


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] if len(times) > 1 else (times[0] if times else 0.0)


def hostile_page_figures(runs: int = 5) -> list[str]:
    """Server time of one render of the pathologies page, plain and with the 4 KB hostile query string."""
    from tests.helpers.apps import make_app, render_page

    folder = tempfile.mkdtemp(prefix="banc-")  # the contributions' database outside the demo's folder
    app = make_app(DATABASE_URL=f"sqlite:///{folder}/contributions.sqlite")
    times = {"plain": [], "hostile": []}
    for _ in range(runs):
        for kind, search in (("plain", ""), ("hostile", "?" + HOSTILE_QUERY)):
            start = time.perf_counter()
            render_page(app, "/jeux-de-donnees/pathologies", search)
            times[kind].append(time.perf_counter() - start)
    plain, hostile = (statistics.median(times[k]) for k in ("plain", "hostile"))
    return [f"page pathologies, chaîne de requête de {len(HOSTILE_QUERY)} octets : {hostile * 1000:.0f} ms contre "
            f"{plain * 1000:.0f} ms sans filtre ({hostile / plain:.1f} ×), médianes de {runs}"]


@contextmanager
def serving(start, **extra: str):
    """A server of the demo started by `start` (_start_server or _start_gunicorn) on a free port, ready: its
    address, its router callback's id and its port; stopped at the end."""
    from config import DEMO_DATA_DIR
    from tests.helpers.apps import free_port

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        server = start(DEMO_DATA_DIR, Path(folder), port, **extra)
        try:
            yield base, ready(base), port
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(60)


def load_figures(seconds: float = SECONDS) -> list[str]:
    from config import DEMO_DATA_DIR
    from data_access.demo import ensure_snapshot

    ensure_snapshot(DEMO_DATA_DIR)
    lines = hostile_page_figures() + healthz_during_sync_figures()
    with serving(_start_server) as (base, key, port):
        _run(base, key, 0, 10)  # every worker reads its datasets and fills the caches first
        lines.append(f"deploy/serve (nginx devant gunicorn 2 workers × 4 threads), {CLIENTS} clients sans pause, "
                     f"{seconds:.0f} s par mesure :")
        quiet, quiet_p95 = _report(f"{CLIENTS} clients normaux", _run(base, key, 0, seconds), seconds)
        loud, loud_p95 = _report(f"{CLIENTS - HOSTILE_CLIENTS} normaux et {HOSTILE_CLIENTS} hostiles",
                                 _run(base, key, HOSTILE_CLIENTS, seconds), seconds)
        lines += quiet + loud
        lines.append(f"p95 des clients normaux : {loud_p95 * 1000:.0f} ms avec les hostiles contre "
                     f"{quiet_p95 * 1000:.0f} ms sans ({loud_p95 / quiet_p95:.2f} ×)")
        lines += slow_client_figures(base, key, port, "deploy/serve")
    with serving(_start_gunicorn) as (base, key, port):
        lines += slow_client_figures(base, key, port, "gunicorn seul")
    return lines


def _normal_page(base: str, key: str, timeout: float) -> float | None:
    """The seconds a reader waits for the home page and its content (its router callback); None past `timeout`."""
    import requests

    from tests.helpers.apps import router_body

    start = time.perf_counter()
    try:
        requests.get(base + "/", timeout=timeout).raise_for_status()
        requests.post(base + "/_dash-update-component", json=router_body(key, "/"), timeout=timeout).raise_for_status()
    except requests.RequestException:
        return None
    return time.perf_counter() - start


def slow_client_figures(base: str, key: str, port: int, server: str, runs: int = 15, timeout: float = 20) -> list[str]:
    """A normal page's time (median of `runs`) alone, then while 8 clients that never finish their headers and 10
    unread extract downloads hold connections."""
    from tests.helpers.servers import SLOW_CLIENTS, UNREAD_DOWNLOADS, hold_the_server

    alone = [_normal_page(base, key, timeout) for _ in range(runs)]
    held = hold_the_server(port)
    try:
        first = _normal_page(base, key, timeout)
        during = [first] + ([_normal_page(base, key, timeout) for _ in range(runs - 1)] if first is not None else [])
    finally:
        for connection in held:
            connection.close()
    answered = [t for t in during if t is not None]
    said = (f"{statistics.median(answered) * 1000:.0f} ms (médiane de {len(answered)})" if answered and
            len(answered) == len(during) else f"aucune réponse en {timeout:.0f} s")
    return [f"{server} : page normale {statistics.median(alone) * 1000:.0f} ms seule, {said} pendant que "
            f"{SLOW_CLIENTS} clients lents et {UNREAD_DOWNLOADS} téléchargements jamais lus tiennent leurs connexions"]


def healthz_during_sync_figures(datasets: int = 500, runs: int = 200) -> list[str]:
    """/healthz on a catalogue of `datasets` synced datasets: between two writes of the sync's index, and on
    the first request after a write (the one that rebuilds the catalogue's dates)."""
    import json

    from components.portal import EXTENSION
    from data_access.clock import stamp
    from data_access.sync.run import _record
    from tests.helpers.apps import make_app

    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        entries = []
        for k in range(datasets):
            (data_dir / f"d{k}.csv").write_text("a;b\n1;2\n", encoding="utf-8")
            entries.append(f'[[dataset]]\nid = "d{k}"\ntitle = "Jeu {k}"\ntheme = "T"\nformat = "csv"\n'
                           f'path = "d{k}.csv"\n')
        (data_dir / "catalogue.toml").write_text('[portal]\ntitle = "Banc"\n\n' + "\n".join(entries),
                                                 encoding="utf-8")
        app = make_app(data_dir)
        client = app.server.test_client()
        catalogue = app.server.extensions[EXTENSION].repository.catalogue
        for dataset in catalogue.datasets:  # a sync that fetched every dataset
            _record(data_dir, dataset, {"fetched_at": stamp(), "sha256": "0" * 64})
        steady, after_write = [], []
        for k in range(runs):
            start = time.perf_counter()
            assert client.get("/healthz").status_code == 200
            (after_write if k % 10 == 0 else steady).append(time.perf_counter() - start)
            if k % 10 == 9:  # the sync fetches one more dataset: its record and the index are written again
                _record(data_dir, catalogue.datasets[k % datasets], {"fetched_at": stamp(), "sha256": "1" * 64})
        size = (data_dir / ".sync" / "_index.json").stat().st_size
        json.loads((data_dir / ".sync" / "_index.json").read_text(encoding="utf-8"))
    return [f"/healthz, {datasets} jeux synchronisés, pendant une synchronisation (index de {size // 1024} Ko) : "
            f"{statistics.median(steady) * 1000:.1f} ms entre deux écritures, "
            f"{statistics.median(after_write) * 1000:.1f} ms juste après une écriture (médianes)"]
