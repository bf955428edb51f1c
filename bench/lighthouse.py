"""Lighthouse 12.2.3's mobile audit (its default: a simulated slow 4G and a CPU 4 times slower) of the public
pages, against `python app.py` on the embedded demo: each page's performance and accessibility scores, LCP, TBT
and CLS (medians of the runs). It never fails: without node or the lighthouse command it says so and moves on.

Lighthouse is a node tool, not a Python one: `npm i -E lighthouse@12.2.3` (13.x needs Node 22) in a folder of your
choice, then `LIGHTHOUSE=<that folder>/node_modules/.bin/lighthouse python -m bench --parts lighthouse`. A
`lighthouse` on the PATH, or in the checkout's node_modules/.bin, is found too. Chromium: CHROME_PATH, else
/usr/bin/chromium."""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

PAGES = ("/", "/catalogue", "/jeux-de-donnees/chantiers", "/pres-de-chez-moi", "/communes/76540", "/recits",
         "/tableaux-de-bord/travaux", "/tableaux-de-bord/sante", "/tableaux-de-bord/transports")
ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 240  # seconds for one page's audit


def lighthouse_command() -> tuple[list[str] | None, str]:
    """The command that runs lighthouse, or None with the reason, in French."""
    if shutil.which("node") is None:
        return None, "lighthouse : node est absent de cette machine, partie ignorée (apt-get install nodejs npm)"
    candidates = [os.environ.get("LIGHTHOUSE"), shutil.which("lighthouse"),
                  str(ROOT / "node_modules" / ".bin" / "lighthouse")]
    found = next((c for c in candidates if c and Path(c).exists()), None)
    if found is None:
        return None, ("lighthouse : commande introuvable, partie ignorée (npm i -E lighthouse@12.2.3, puis "
                      "LIGHTHOUSE=<dossier>/node_modules/.bin/lighthouse)")
    return [found], ""


def audit(command: list[str], url: str) -> dict:
    """One mobile audit of `url`: scores out of 100, LCP and TBT in milliseconds, CLS."""
    done = subprocess.run(command + [url, "--output=json", "--output-path=stdout", "--quiet",
                                     "--only-categories=performance,accessibility",
                                     "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                          capture_output=True, text=True, timeout=TIMEOUT,
                          env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")})
    report = json.loads(done.stdout)
    audits, categories = report["audits"], report["categories"]
    return {"performance": round(categories["performance"]["score"] * 100),
            "accessibility": round(categories["accessibility"]["score"] * 100),
            "lcp": audits["largest-contentful-paint"]["numericValue"],
            "tbt": audits["total-blocking-time"]["numericValue"],
            "cls": audits["cumulative-layout-shift"]["numericValue"]}


def _audit_twice(command: list[str], url: str) -> dict:
    """An audit, tried once more when Lighthouse gives no report (Chromium sometimes ends its trace badly)."""
    try:
        return audit(command, url)
    except (json.JSONDecodeError, KeyError, TypeError):
        return audit(command, url)


def _ready(base: str) -> None:
    """Wait for the server, then open the home page once: the demo is converted for the engine before a measure."""
    import urllib.request

    for _ in range(900):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                break
        except OSError:
            time.sleep(0.1)
    with urllib.request.urlopen(base + "/", timeout=120) as first:
        first.read()


def lighthouse_figures(runs: int) -> list[str]:
    from tests.helpers.apps import free_port

    command, reason = lighthouse_command()
    if command is None:
        return [reason]
    port = free_port()
    # the embedded demo, without map tiles (nothing is fetched from outside: as bench/weight.py measures)
    env = {**os.environ, "PORT": str(port), "SECRET_KEY": "bench", "DASH_DEV": "0", "TILE_URL": ""}
    env.pop("DATA_DIR", None)
    server = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    lines = [f"lighthouse 12.2 mobile (4G lente simulée, processeur ÷4), médianes de {runs} audit(s) par page :",
             f"  {'page':30s} {'perf.':>5s} {'access.':>7s} {'LCP':>8s} {'TBT':>8s} {'CLS':>6s}"]
    try:
        _ready(f"http://127.0.0.1:{port}")
        for path in PAGES:
            try:
                found = [_audit_twice(command, f"http://127.0.0.1:{port}{path}") for _ in range(runs)]
            except (subprocess.TimeoutExpired, json.JSONDecodeError, KeyError, TypeError) as exc:
                lines.append(f"  {path:30s} audit impossible ({type(exc).__name__})")
                continue
            median = {k: statistics.median(f[k] for f in found) for k in found[0]}
            lines.append(f"  {path:30s} {median['performance']:5.0f} {median['accessibility']:7.0f} "
                         f"{median['lcp'] / 1000:7.1f}s {median['tbt']:6.0f}ms {median['cls']:6.2f}")
    finally:
        server.terminate()
        server.wait()
    return lines
