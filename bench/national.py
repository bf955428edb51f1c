"""Bench figures of the national files: each one synced with the shipped catalogue.rouen.toml from a local fake
server and cut down to the Métropole's communes (time, peak resident memory of the sync process, rows read and
kept); and the address search over about 250,000 addresses (server time of /api/adresses, median)."""
from __future__ import annotations

import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.sources import SYNC, _run

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ("12 rue de la republique rouen", "rue jean jaures", "8 av pasteur sotteville", "gambetta",
           "chemin des coteaux canteleu", "1 place de la mairie", "elbeuf", "3 bis rue victor hugo",
           "allee des tilleuls mont saint", "route de la foret")


def national_figures(runs: int) -> list[str]:
    from tests.helpers.fake_ods import FakeServer
    from tests.helpers.national_shapes import (ban_csv_gz, ban_rows, polling_topojson, rna_rows, rna_zip,
                                               write_polling_geojson)
    from tests.helpers.real_shapes import georef_rows
    from tests.helpers.rouen_snapshot import BAN, RNA_API, TOPOJSON, datagouv_description

    lines = ["fichiers nationaux réduits aux 71 communes par la synchronisation (nouveau processus ; médianes de "
             f"{runs} mesures) :"]
    with FakeServer() as fake, tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        big = data_dir / "national.geojson"
        write_polling_geojson(big, filler_mb=620)
        fake.tables["georef-france-commune"] = georef_rows()
        fake.files.update({
            "/national.geojson": big.read_bytes(), TOPOJSON: json.dumps(polling_topojson(filler=30_000)).encode(),
            BAN: ban_csv_gz(ban_rows(per_commune=3_400, filler=250_000)), RNA_API: datagouv_description(fake.base_url),
            "/fichiers/rna_waldec_20261101.zip": rna_zip(rna_rows(per_commune=400, filler=1_000_000)),
        })
        big.unlink()
        text = re.sub(r"https://[a-z0-9.-]+", fake.base_url, (ROOT / "catalogue.rouen.toml").read_text(encoding="utf-8"))
        # the 2022 GeoJSON, the documented alternative, as a fifth entry
        geojson = text[text.index("[[dataset]]\nid = \"bureaux-de-vote\""):text.index("# seen: the register's")]
        geojson = geojson.replace('id = "bureaux-de-vote"', 'id = "bureaux-de-vote-2022"').replace(
            "bureaux-de-vote.geojson", "bureaux-de-vote-2022.geojson").replace('format = "topojson"\n', "").replace(
            'name = "codeCirco"', 'name = "codeCirconscription"')  # the 2022 file's name for the constituency
        geojson = re.sub(r'url = "[^"]+"', f'url = "{fake.base_url}/national.geojson"', geojson)
        (data_dir / "catalogue.toml").write_text(text + "\n" + geojson, encoding="utf-8")
        env = {**os.environ, "DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
        _run([sys.executable, "-c", SYNC, "communes"], env)
        for dataset_id, what in (("bureaux-de-vote-2022", "GeoJSON national des bureaux de vote"),
                                 ("bureaux-de-vote", "TopoJSON des bureaux de vote"),
                                 ("associations", "RNA, zip de CSV"), ("adresses", "BAN, CSV gzippé")):
            size = len(fake.files["/national.geojson" if dataset_id.endswith("2022") else
                                  {"bureaux-de-vote": TOPOJSON, "associations": "/fichiers/rna_waldec_20261101.zip",
                                   "adresses": BAN}[dataset_id]]) / 1e6
            seconds, peaks, out = [], [], ""
            for _ in range(runs):
                (data_dir / ".sync" / f"{dataset_id}.json").unlink(missing_ok=True)  # a full fetch each time
                took, peak, out = _run([sys.executable, "-c", SYNC, dataset_id], env)
                seconds.append(took)
                peaks.append(peak)
            kept = re.search(r"([\d\u202f]+) lignes? gardées? sur ([\d\u202f]+) lues", out)
            if kept is None:
                lines.append(f"  {what} ({size:.0f} Mo) : échec de la synchronisation — {out.strip()}")
                continue
            lines.append(f"  {what} ({size:.0f} Mo) : {statistics.median(seconds):.1f} s, "
                         f"{statistics.median(peaks):.0f} Mo au plus ; {kept.group(2)} lignes lues, "
                         f"{kept.group(1)} gardées")
    return lines


def address_figures(runs: int) -> list[str]:
    from bench.explorer import bench_app
    from data_access.demo import addresses
    from data_access.demo.catalogue_toml import render_catalogue
    from data_access.demo.communes import build_territory

    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        count = addresses.write(data_dir, build_territory(), 13)
        (data_dir / "catalogue.toml").write_text(render_catalogue([addresses.ENTRY]), encoding="utf-8")
        _app, client, repository = bench_app(data_dir)
        start = time.perf_counter()
        client.get("/api/adresses/adresses.json?q=rouen")  # reads the file and builds the index
        first = time.perf_counter() - start
        samples = []
        for _ in range(runs):
            for query in QUERIES:
                start = time.perf_counter()
                answer = client.get("/api/adresses/adresses.json", query_string={"q": query})
                samples.append(time.perf_counter() - start)
                assert answer.status_code == 200
        return [f"recherche d'adresse sur {count} adresses : premier appel (lecture et index) {first:.2f} s ; "
                f"ensuite {statistics.median(samples) * 1000:.1f} ms par recherche (médiane de {len(samples)}), "
                f"{max(samples) * 1000:.1f} ms au plus"]
