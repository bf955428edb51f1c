"""`python -m bench --contributions [--database sqlite|postgresql]`: the write path under load, as it is served
(deploy/serve: nginx in front of gunicorn, 2 workers × 4 threads, Redis for the cache and the rate limits, the demo
snapshot). 50 clients for 60 s with no pause: 40 replay what the pages ask for (as bench/load.py), 10 submit the
three forms in turn, each from the address a load balancer in front would pass on (PROXY_COUNT=2, one address per
submission, so that the limit of 10 a minute per address is met, not tripped). Prints the requests per second, p50/p95 per route, the errors, and whether the
database holds exactly what was accepted: each accepted submission once, none lost, none twice."""
from __future__ import annotations

import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from bench.load import CLIENTS, NORMAL, SECONDS, Client, _report, _start_server, ready

SUBMITTERS = 10
KINDS = {
    "erreur": {"description": "La date de fin est fausse ({tag}).", "dataset_id": "chantiers", "row_ref": "12"},
    "jeu": {"description": "Les horaires des déchèteries ({tag}).", "why": "Pour y aller au bon moment."},
    "reutilisation": {"title": "Carte", "link": "https://example.org/carte", "description": "Une carte ({tag}).",
                      "datasets": "chantiers,pathologies"},
}


class Submitter(threading.Thread):
    """A citizen's browser sending forms: its session (cookie and CSRF token) from a page, then submission after
    submission, each from an address of its own."""

    def __init__(self, base: str, number: int, until: float, results: list, accepted: list):
        super().__init__(daemon=True)
        import requests

        self.http, self.base, self.number, self.until = requests.Session(), base, number, until
        self.results, self.accepted = results, accepted

    def run(self) -> None:
        page = self.http.get(self.base + "/moderation", timeout=60)  # any page with a form gives the token
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
        # the cookie is Secure: a browser sends it to localhost over http, the requests library does not
        cookie = f"session={page.cookies['session']}"
        self.http.cookies.clear()
        k = 0
        while time.monotonic() < self.until:
            kind = tuple(KINDS)[k % len(KINDS)]
            tag = f"banc-{self.number}-{k}"
            fields = {name: value.format(tag=tag) for name, value in KINDS[kind].items()}
            start = time.perf_counter()
            try:
                answer = self.http.post(
                    f"{self.base}/contributions/{kind}", timeout=60, allow_redirects=False,
                    data={**fields, "csrf_token": token, "retour": "/catalogue"},
                    headers={"Cookie": cookie, "X-Forwarded-For": f"10.{self.number}.{k // 250}.{k % 250 + 1}"})
                status = answer.status_code
            except Exception as exc:  # a refused or cut connection, a timeout: an error
                status = type(exc).__name__
            self.results.append((f"envoi : {kind}", time.perf_counter() - start, status))
            if status == 303:
                self.accepted.append(tag)
            k += 1


def _redis() -> tuple[subprocess.Popen | None, str | None]:
    from tests.helpers.apps import free_port

    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(server).exists():
        return None, None
    port = free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return process, f"redis://127.0.0.1:{port}/0"


def _stored(url: str) -> list[str]:
    """The tag of each contribution the database holds, as many times as it holds it."""
    from sqlalchemy import select

    from features.contributions.models import Contribution
    from features.contributions.store import open_database

    with open_database(url)() as session:
        texts = session.scalars(select(Contribution.description))
        return [m[1] for m in (re.search(r"\((banc-\d+-\d+)\)", t or "") for t in texts) if m]


def page_figures(runs: int = 7, published: int = 2000) -> list[str]:
    """A dataset page drawn in-process (its published contributions read, its form's token made): with none, then
    with `published` approved contributions in the database (a tenth of them about this dataset)."""
    import statistics

    from features.contributions.store import moderate, submit
    from features.contributions.web import sessions
    from tests.helpers.apps import make_app, render_page

    times = {}
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(TILE_URL="", DATABASE_URL=f"sqlite:///{Path(folder) / 'c.sqlite'}")
        for label in ("aucune", str(published)):
            if label != "aucune":
                with app.server.app_context():
                    for k in range(published):
                        number = submit(sessions(), "erreur", description=f"signalement {k}",
                                        dataset_id="chantiers" if k % 10 == 0 else "pathologies", email="a@b.fr")
                        moderate(sessions(), number, "banc", "approuver", "réponse")
            render_page(app, "/jeux-de-donnees/chantiers")
            samples = []
            for _ in range(runs):
                start = time.perf_counter()
                render_page(app, "/jeux-de-donnees/chantiers")
                samples.append(time.perf_counter() - start)
            times[label] = statistics.median(samples)
    return [f"page du jeu « chantiers » (rendu serveur, médiane de {runs}) : {times['aucune'] * 1000:.0f} ms sans "
            f"contribution publiée, {times[str(published)] * 1000:.0f} ms avec {published} publiées "
            f"({published // 10} sur ce jeu)"]


def contributions_figures(seconds: float = SECONDS, database: str = "sqlite") -> list[str]:
    from config import DEMO_DATA_DIR
    from data_access.demo import ensure_snapshot
    from tests.helpers.apps import free_port

    ensure_snapshot(DEMO_DATA_DIR)
    cluster = None
    with tempfile.TemporaryDirectory() as folder:
        if database == "postgresql":
            from tests.helpers.databases import Cluster

            cluster = Cluster()
            url = cluster.url()
        else:
            url = f"sqlite:///{Path(folder) / 'contributions.sqlite'}"
        redis, redis_url = _redis()
        shared = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url} if redis_url else {}
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        # deploy/serve's nginx adds the address it saw: the submitter's own address (the one a load balancer in
        # front would pass on) is the second from the right
        server = _start_server(DEMO_DATA_DIR, Path(folder), port, DATABASE_URL=url, PROXY_COUNT="2", **shared)
        try:
            key = ready(base)
            warm: list = []
            until = time.monotonic() + 10
            for client in [Client(base, key, NORMAL, k, until, warm) for k in range(CLIENTS)]:
                client.start()
            time.sleep(10.5)  # every worker reads its datasets and fills the caches first
            results, accepted = [], []
            until = time.monotonic() + seconds
            clients = [Client(base, key, NORMAL, k, until, results) for k in range(CLIENTS - SUBMITTERS)]
            clients += [Submitter(base, k, until, results, accepted) for k in range(SUBMITTERS)]
            for client in clients:
                client.start()
            for client in clients:
                client.join()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
            if redis:
                redis.send_signal(signal.SIGTERM)
                redis.wait(10)
        stored = _stored(url)
        if cluster:
            cluster.stop()
    sent = {f"envoi : {kind}": (303,) for kind in KINDS}
    lines, _p95 = _report(f"{CLIENTS - SUBMITTERS} lecteurs et {SUBMITTERS} contributeurs ({database}, limites sur "
                          f"{'Redis' if redis_url else 'un fichier partagé par les workers'})", results, seconds, sent)
    lost, twice = set(accepted) - set(stored), len(stored) - len(set(stored))
    lines.append(f"contributions acceptées (303) : {len(accepted)} ; en base : {len(stored)} ; perdues : {len(lost)} "
                 f"; en double : {twice} ; inattendues : {len(set(stored) - set(accepted))}")
    return lines
