"""What a cold load of each page transfers, measured in headless Chromium at 390 px (a phone): the sum of every
resource's transferSize (compressed, as sent), the largest files, and the charts drawn. The demo is served by
`python app.py` on a free port, without map tiles (nothing is fetched from outside)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("/", "/catalogue", "/tableaux-de-bord/travaux", "/tableaux-de-bord/sante", "/tableaux-de-bord/transports",
         "/jeux-de-donnees/chantiers?tab=chart", "/jeux-de-donnees/chantiers?tab=table", "/pres-de-chez-moi",
         "/pres-de-chez-moi?lat=49.4431&lon=1.0993", "/recits/grands-chantiers", "/communes", "/communes/76540",
         "/integrer/jeux-de-donnees/chantiers?tab=chart&x=commune", "/integrer/tableaux-de-bord/travaux/carte",
         "/integrer/tableaux-de-bord/travaux/chiffres")
SETTLE_SECONDS = 6  # the charts and maps drawn, their files fetched


def _browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_window_size(390, 900)
    return driver


def weight_figures(runs: int) -> list[str]:
    import requests

    from tests.helpers.apps import free_port

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env={**os.environ, "PORT": str(port),
                              "TILE_URL": ""}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lines = ["poids d'une page à froid dans Chromium à 390 px (compressé, tel que transféré) :"]
    try:
        for _ in range(600):
            try:
                if requests.get(base + "/healthz", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        requests.get(base + "/", timeout=120)  # the demo converted for the engine before the first measure
        for path in PAGES:
            totals, largest, charts = [], [], 0
            for _ in range(max(1, min(runs, 3))):
                driver = _browser()  # a new profile: an empty cache
                try:
                    driver.get(base + path)
                    time.sleep(SETTLE_SECONDS)
                    entries = driver.execute_script(
                        "return performance.getEntriesByType('navigation').concat("
                        "performance.getEntriesByType('resource')).map(e => [e.name, e.transferSize])")
                    charts = driver.execute_script("return document.querySelectorAll('.js-plotly-plot').length")
                finally:
                    driver.quit()
                totals.append(sum(size for _, size in entries))
                largest = sorted(entries, key=lambda e: -e[1])[:3]
            total = sorted(totals)[len(totals) // 2]
            files = ", ".join(f"{name.split('/')[-1].split('?')[0][:40]} {size / 1000:.0f} Ko" for name, size in largest)
            lines.append(f"  {path:40s} {total / 1e6:5.3f} Mo ({charts} graphiques) ; les plus lourds : {files}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()
    return lines
