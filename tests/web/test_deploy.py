"""The production stack as a newcomer starts it (`deploy/serve`, nginx in front of gunicorn, on a free port) and as a
hostile visitor meets it: connections that never finish their headers and downloads that are never read hold no
thread, so a normal page is answered while they hang on; nginx's own refusals are French pages with the portal's
security headers; assets and component files come with long cache headers; a forged X-Forwarded-For counts for
nothing. Also gunicorn alone: an unread extract gives its thread back after EXTRACT_SEND_TIMEOUT, and the rate limits
count across two workers without Redis. Skipped without Debian's nginx, except under CI=true (.ci/run installs it)."""
from __future__ import annotations

import re
import socket
import subprocess
import time

import pytest
import requests

from tests.helpers.paths import ROOT, in_ci
from tests.helpers.servers import (BIG_EXTRACT, SLOW_CLIENTS, gunicorn, hanging, hold_the_server, live_members,
                                   nginx_missing, stack, still_open, wait_until)


def needs_nginx() -> None:
    missing = nginx_missing()
    if missing:
        if in_ci():
            pytest.fail(f"nginx absent alors que CI=true (paquet Debian nginx, installé par .ci/run) : {missing}")
        pytest.skip(missing)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    needs_nginx()
    folder = tmp_path_factory.mktemp("serve")
    # 2 × 4 threads, whatever the environment says: 8 slow clients and 10 unread downloads would take them all
    with stack(folder / "serve.log", DATABASE_URL=f"sqlite:///{folder / 'c.sqlite'}", WEB_CONCURRENCY="2",
               GUNICORN_THREADS="4", EXTRACT_CACHE_DIR=str(folder / "extraits")) as running:
        yield running


def test_slow_clients_and_unread_downloads_hold_no_thread(served):
    held = hold_the_server(served.port)
    try:
        answers = [requests.get(served.url(path), timeout=8) for path in ("/", "/catalogue", "/healthz",
                                                                         "/export/chantiers.csv?limit=10")]
        # answered while every slow client still holds its connection (nginx drops them only after 10 s)
        assert [a.status_code for a in answers] == [200] * 4
        assert all(still_open(connection) for connection in held[:SLOW_CLIENTS])
    finally:
        for connection in held:
            connection.close()


def test_nginx_refusals_are_french_pages_with_the_security_headers(served):
    too_long = requests.get(served.url("/catalogue?q=" + "a" * 6000), timeout=10)
    too_large = requests.post(served.url("/_dash-update-component"), data=b"{" + b" " * (2 << 20) + b"}",
                              headers={"Content-Type": "application/json"}, timeout=10)
    missing = requests.get(served.url("/assets/absent.js"), timeout=10)
    with socket.create_connection(("127.0.0.1", served.port)) as raw:
        raw.sendall(b"BONJOUR\r\n\r\n")
        garbled = raw.recv(65536).decode("utf-8", "replace")
    for answer, status, words in ((too_long, 414, "Adresse trop longue"), (too_large, 413, "Requête trop volumineuse"),
                                  (missing, 404, "Page introuvable")):
        assert answer.status_code == status and words in answer.text
        assert '<html lang="fr"' in answer.text and "nginx" not in answer.text
        for header, value in (("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
                              ("Permissions-Policy", "geolocation=(self), camera=(), microphone=()"),
                              ("Cross-Origin-Opener-Policy", "same-origin")):
            assert answer.headers[header] == value
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
        assert answer.headers["Server"] == "nginx"  # no version
    assert garbled.startswith("HTTP/1.1 400") and "Requête invalide" in garbled and "nosniff" in garbled


def test_a_host_that_is_not_trusted_is_refused_through_the_proxy(served):
    answer = requests.get(served.url("/"), headers={"Host": "evil.example"}, timeout=10)
    assert answer.status_code == 400 and "Adresse inconnue" in answer.text


def test_assets_and_component_files_come_with_long_cache_headers(served):
    page = requests.get(served.url("/"), timeout=10).text
    asset = re.search(r'href="(/assets/portail\.css\?m=[\d.]+)"', page)[1]
    assert requests.get(served.url(asset), timeout=10).headers["Cache-Control"] == \
        "public, max-age=31536000, immutable"
    suite = re.search(r'src="(/_dash-component-suites/dash/deps/react@[^"]+)"', page)[1]
    first, second = (requests.get(served.url(suite), timeout=10) for _ in range(2))
    assert first.status_code == second.status_code == 200 and second.headers["X-Cache"] == "HIT"
    assert "max-age=31536000" in second.headers["Cache-Control"] and second.content == first.content


def login_from(served, source: str, forged: str, token: str, cookie: str) -> int:
    """A login posted from the local address `source`, claiming to come from `forged`; its status."""
    import http.client
    from urllib.parse import urlencode

    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30, source_address=(source, 0))
    try:
        connection.request("POST", "/moderation/connexion", urlencode({"csrf_token": token, "nom": "x",
                                                                       "mot_de_passe": "y"}),
                           {"Host": "127.0.0.1", "Cookie": cookie, "X-Forwarded-For": forged,
                            "Content-Type": "application/x-www-form-urlencoded"})
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_forged_forwarded_address_counts_for_nothing(served):
    """Behind nginx the reader's address is the one nginx saw: the 11th login in a minute is refused whatever
    X-Forwarded-For the client sends, and another reader, from another address, is not."""
    page = requests.get(served.url("/moderation"), timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    cookie = f"session={page.cookies['session']}"  # Secure: sent by hand over http
    statuses = [login_from(served, "127.0.0.3", f"10.9.9.{k}", token, cookie) for k in range(11)]
    assert statuses == [401] * 10 + [429]
    assert login_from(served, "127.0.0.4", "10.9.9.1", token, cookie) == 401


def test_a_client_saying_https_gets_no_hsts_over_plain_http(served):
    answer = requests.get(served.url("/"), headers={"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on"},
                          timeout=10)
    assert answer.status_code == 200 and "Strict-Transport-Security" not in answer.headers


def test_gunicorn_down_gives_nginx_french_page_with_the_headers(tmp_path):
    """nginx alone, its gunicorn absent: the reader gets the portal's « indisponible » page, not nginx's."""
    from deploy.stack import find_nginx, owner, prepare
    from tests.helpers.apps import free_port

    needs_nginx()
    port = free_port()
    config = prepare(tmp_path, f"127.0.0.1:{port}", owner())
    nginx = subprocess.Popen([find_nginx(), "-p", f"{tmp_path}/", "-c", str(config), "-e", "stderr", "-g",
                              "daemon off;"], stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: requests.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 503, 20, "nginx")
        answer = requests.get(f"http://127.0.0.1:{port}/catalogue", timeout=5)
        assert answer.status_code == 503 and "Portail momentanément indisponible" in answer.text
        assert answer.headers["X-Frame-Options"] == "DENY" and answer.headers["Cache-Control"] == "no-store"
    finally:
        nginx.terminate()
        nginx.wait(20)


def test_deploy_serve_says_what_is_missing(tmp_path):
    script = str(ROOT / "deploy" / "serve")
    no_nginx = subprocess.run([script], env={"PATH": "/usr/bin:/bin", "NGINX": str(tmp_path / "nginx")},
                              capture_output=True, text=True, timeout=60)
    assert no_nginx.returncode == 2
    assert "nginx est introuvable" in no_nginx.stderr and "apt-get install nginx" in no_nginx.stderr
    bad_port = subprocess.run([script], env={"PATH": "/usr/bin:/bin", "PORT": "huit mille"}, capture_output=True,
                              text=True, timeout=60)
    assert bad_port.returncode == 2 and "Erreur de configuration : PORT='huit mille'" in bad_port.stderr
    assert "Traceback" not in no_nginx.stderr + bad_port.stderr


def test_deploy_serve_starts_with_its_trusted_hosts_and_stops_every_process(tmp_path):
    """Started with a TRUSTED_HOSTS that leaves out localhost (it asks gunicorn under a trusted name), stopped
    with SIGTERM: nginx's and gunicorn's masters and every worker of theirs are gone, the socket too."""
    import os

    needs_nginx()
    running = stack(tmp_path / "serve.log", DATABASE_URL=f"sqlite:///{tmp_path / 'c.sqlite'}",
                    SERVE_DIR=str(tmp_path / "travail"), TRUSTED_HOSTS="127.0.0.1")
    groups = [int((tmp_path / "travail" / name).read_text()) for name in ("nginx.pid", "gunicorn.pid")]
    for group in groups:
        os.killpg(group, 0)  # each server leads a process group of its own, its workers with it
    assert running.stop() == 0
    with pytest.raises(requests.ConnectionError):
        requests.get(running.url("/healthz"), timeout=5)
    for group in groups:  # gone, or zombies the machine's first process has yet to reap
        wait_until(lambda: not live_members(group), 5)
        assert live_members(group) == [], group
    assert not (tmp_path / "travail" / "gunicorn.sock").exists()


# --- gunicorn alone ------------------------------------------------------------------------------------------------

def test_an_unread_extract_gives_its_thread_back_after_the_send_timeout(tmp_path):
    """One worker, two threads, both taken by downloads nobody reads: after EXTRACT_SEND_TIMEOUT the writes give
    up, the threads serve again, and the log says so in one line each (no traceback)."""
    with gunicorn(tmp_path / "g.log", DATABASE_URL=f"sqlite:///{tmp_path / 'c.sqlite'}", WEB_CONCURRENCY="1",
                  GUNICORN_THREADS="2", EXTRACT_SEND_TIMEOUT="2") as served:
        held = [hanging(served.port, f"GET {BIG_EXTRACT} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
                for _ in range(2)]
        try:
            wait_until(lambda: served.text().count("envoi interrompu : le client ne lit plus") == 2, 60,
                       "les deux envois interrompus")
            assert requests.get(served.url("/healthz"), timeout=10).status_code == 200
        finally:
            for connection in held:
                connection.close()
        assert "Traceback" not in served.text()


def test_the_limits_count_across_two_workers_without_redis(tmp_path):
    """2 workers, no Redis: of 13 contributions from one address in a few seconds, 10 are taken, and of 11 logins
    the 11th is refused, whichever worker each one reached (the access log names the worker)."""
    with gunicorn(tmp_path / "g.log", DATABASE_URL=f"sqlite:///{tmp_path / 'c.sqlite'}", WEB_CONCURRENCY="2",
                  GUNICORN_THREADS="4", PROXY_COUNT="1") as served:
        for round_ in range(5):  # a round's requests spread over the two workers as the kernel hands them out
            address = {"X-Forwarded-For": f"10.7.7.{round_ + 1}", "Connection": "close"}
            http = requests.Session()
            page = http.get(served.url("/moderation"), timeout=10, headers=address)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
            headers = {**address, "Cookie": f"session={page.cookies['session']}"}
            marker = f"tour{round_}"
            sent = [http.post(served.url(f"/contributions/jeu?{marker}"), timeout=30, allow_redirects=False,
                              headers=headers, data={"csrf_token": token, "description": f"n° {k}"}).status_code
                    for k in range(13)]
            logins = [http.post(served.url(f"/moderation/connexion?{marker}"), timeout=30, allow_redirects=False,
                                headers=headers, data={"csrf_token": token, "nom": "x", "mot_de_passe": "y"})
                      .status_code for _ in range(11)]
            assert sent == [303] * 10 + [429] * 3 and logins == [401] * 10 + [429]
            time.sleep(0.5)  # the access log is written
            workers = {line.split()[0] for line in served.text().splitlines() if marker in line}
            if len(workers) == 2:
                break
        assert len(workers) == 2, "toutes les requêtes sont allées au même processus, cinq fois de suite"
