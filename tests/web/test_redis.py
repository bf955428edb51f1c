"""Two gunicorn processes of the portal on one real Redis (Debian's redis-server, started here on a free port):
a load failure found by one is seen by the other and expires; the memoised results are shared; /healthz agrees.
Skipped without redis-server, except under CI=true, where it must run (.ci/run installs it)."""
from __future__ import annotations

import shutil
import signal
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from tests.helpers.apps import ROUTER_OUTPUT, free_port, router_body
from tests.helpers.paths import FIXTURES, in_ci
from tests.helpers.servers import gunicorn, wait_until

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
FAILURE_SECONDS = 8  # long enough for both workers to draw the catalogue on a busy machine


@contextmanager
def running_redis():
    """A redis-server of its own on a free port: its URL and a client."""
    if not Path(REDIS).exists():
        if in_ci():
            pytest.fail("redis-server absent alors que CI=true (paquet Debian redis-server, installé par .ci/run)")
        pytest.skip("redis-server absent (paquet Debian redis-server)")
    port = free_port()
    server = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    try:
        wait_until(client.ping, 10, "redis-server ne répond pas")
        yield f"redis://127.0.0.1:{port}/0", client
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(10)


@pytest.fixture(scope="module")
def redis_url():
    with running_redis() as running:
        yield running


@pytest.fixture(scope="module")
def portal_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("portail")
    shutil.copytree(FIXTURES / "portal", folder, dirs_exist_ok=True)
    (folder / "absent.csv").write_text("a;b\r\n1;2;3\r\n", encoding="utf-8")  # passes the probe, fails to parse
    return folder


class Worker:
    """One gunicorn process of the portal (one worker, two threads) on the shared Redis, with its own port and log."""

    def __init__(self, data_dir: Path, redis_url: str, log: Path):
        self.served = gunicorn(log, DATA_DIR=str(data_dir), CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_url,
                               LOAD_FAILURE_SECONDS=str(FAILURE_SECONDS), WEB_CONCURRENCY="1", GUNICORN_THREADS="2")
        self.log, self.url, self.stop = log, self.served.url, self.served.stop

    def health(self) -> dict:
        return requests.get(self.url("/healthz"), timeout=10).json()

    def render(self, pathname: str) -> dict:
        """The page's layout, asked the way the browser's router does (Dash's pages callback)."""
        outputs = requests.get(self.url("/_dash-dependencies"), timeout=10).json()
        key = next(c["output"] for c in outputs if ROUTER_OUTPUT in c["output"])
        answer = requests.post(self.url("/_dash-update-component"), timeout=60, json=router_body(key, pathname))
        answer.raise_for_status()
        return answer.json()


@pytest.fixture(scope="module")
def workers(portal_dir, redis_url, tmp_path_factory):
    logs = tmp_path_factory.mktemp("logs")
    redis_url[1].flushall()
    started = [Worker(portal_dir, redis_url[0], logs / f"worker{k}.log") for k in (1, 2)]
    yield started
    for worker in started:
        worker.stop()


def test_two_workers_share_failures_results_and_health(workers, redis_url):
    first, second = workers
    _url, client = redis_url
    assert first.health() == second.health() and first.health()["status"] == "ok"
    # the first worker draws the catalogue: it reads every dataset, finds « absent » unreadable, and keeps the
    # summaries it computed in Redis
    first.render("/catalogue")
    keys = set(client.keys("*"))
    assert any(b"load-failure" in k for k in keys) and any(b"_cached_summaries" in k for k in keys)
    health = second.health()  # the second worker never read the file
    assert health["status"] == "degraded" and [u["id"] for u in health["unavailable"]] == ["absent"]
    assert "CSV illisible" in health["unavailable"][0]["reason"] and first.health() == health
    # the second worker draws the catalogue from the shared summaries: no dataset read, no new key
    assert without_tokens(second.render("/catalogue")) == without_tokens(first.render("/catalogue"))
    assert set(client.keys("*")) == keys
    second_log, first_log = (w.log.read_text(encoding="utf-8") for w in (second, first))
    assert "chargé" not in second_log and "converti" not in second_log
    assert "converti en Parquet" in first_log  # the first worker made the served forms the summaries come from
    # the failure expires: both workers report the dataset as they find it again
    wait_until(lambda: second.health()["status"] == "ok", FAILURE_SECONDS + 10, "expiration de l'échec")
    assert first.health() == second.health()


def without_tokens(node):
    """A layout without the CSRF tokens of its forms (each reader's session has its own)."""
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and props.get("name") == "csrf_token":
            return {**node, "props": {**props, "value": "…"}}
        return {k: without_tokens(v) for k, v in node.items()}
    if isinstance(node, list):
        return [without_tokens(v) for v in node]
    return node


def test_the_submissions_limit_is_shared_by_the_workers(workers, redis_url):
    """The 11th submission in a minute from one address is refused, whichever worker each one reached."""
    import re

    first, second = workers
    page = requests.get(first.url("/moderation"), timeout=10)  # a form's page: the session and its token
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    cookie = {"Cookie": f"session={page.cookies['session']}"}  # Secure: sent by hand over http
    statuses = [requests.post((first if k % 2 else second).url("/contributions/jeu"), timeout=30,
                              allow_redirects=False, headers=cookie,
                              data={"csrf_token": token, "description": f"proposition {k}"}).status_code
                for k in range(11)]
    assert statuses == [303] * 10 + [429]
    assert any(b"LIMITS" in k or b"limiter" in k.lower() for k in redis_url[1].keys("*"))


def test_the_limits_fall_back_to_memory_when_redis_goes_down(tmp_path):
    """Redis stops after start-up: submissions are still counted (in the worker's memory) and kept, never a 500."""
    from tests.helpers.apps import make_app
    from tests.helpers.contributions import count, post, token

    with running_redis() as (url, _client):
        app = make_app(TILE_URL="", DATABASE_URL=f"sqlite:///{tmp_path / 'c.sqlite'}", CACHE_TYPE="RedisCache",
                       CACHE_REDIS_URL=url)
        client = app.server.test_client()
        value = token(client)
        assert post(client, "jeu", csrf_token=value, description="avant la panne").status_code == 303
    statuses = [post(client, "jeu", csrf_token=value, description=f"n° {k}").status_code for k in range(11)]
    assert statuses == [303] * 10 + [429] and count(app) == 11
