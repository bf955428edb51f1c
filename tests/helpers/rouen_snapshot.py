"""A DATA_DIR as the shipped catalogue.rouen.toml makes it: synced from the local fake Opendatasoft server (every
host rewritten to it), which serves hand-written files in the real sources' shapes (tests/real_shapes*.py)."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

from data_access.sync import run as sync
from tests.helpers.fake_ods import FakeServer
from tests.helpers.national_shapes import archives_rows, ban_csv_gz, ban_rows, polling_topojson, rna_rows, rna_zip
from tests.helpers.paths import ROOT
from tests.helpers.real_shapes import (georef_rows, gtfs_zip, line_rows, lovelo_rows, parking_rows, stop_rows,
                                       travaux_rows)
from tests.helpers.real_shapes_sante import apl_workbook, effectifs_rows

CATALOGUE = ROOT / "catalogue.rouen.toml"
APL = ("/api/datasets/1.0/530_l-accessibilite-potentielle-localisee-apl/attachments/"
       "indicateur_d_accessibilite_potentielle_localisee_apl_aux_{}_xlsx/")
TOPOJSON = ("/resources/proposition-de-contours-des-bureaux-de-vote-selon-la-methode-de-linsee/20240711-174028/"
            "contours-bureaux-vote.json")
BAN = "/data/ban/adresses/latest/csv/adresses-76.csv.gz"
RNA_API = "/api/1/datasets/repertoire-national-des-associations/"


def datagouv_description(base_url: str) -> bytes:
    """data.gouv.fr's description of the RNA dataset: the monthly files, the newest last, and another resource."""
    resources = [{"title": f"rna_waldec_{month}.zip", "url": f"{base_url}/fichiers/rna_waldec_{month}.zip",
                  "format": "zip", "created_at": f"{month[:4]}-{month[4:6]}-02T08:00:00",
                  "last_modified": f"{month[:4]}-{month[4:6]}-02T08:00:00"} for month in ("20260901", "20261101",
                                                                                            "20261001")]
    resources.append({"title": "rna_import_20261101.zip", "url": f"{base_url}/fichiers/import.zip", "format": "zip",
                      "created_at": "2026-11-03T08:00:00", "last_modified": "2026-11-03T08:00:00"})
    return json.dumps({"slug": "repertoire-national-des-associations", "resources": resources}).encode()


def run_sync(data_dir: Path, *ids: str, dry_run: bool = False) -> tuple[int, str]:
    out = io.StringIO()
    return sync.run(data_dir, list(ids) or None, dry_run=dry_run, sleep=lambda s: None, out=out), out.getvalue()


def sync_rouen(data_dir: Path) -> tuple[int, str]:
    """Sync every dataset of the shipped catalogue into `data_dir`; the exit status and the output."""
    with FakeServer() as fake:
        fake.tables.update({
            "travaux-json": travaux_rows(), "georef-france-commune": georef_rows(), "effectifs": effectifs_rows(),
            "liste-des-arrets-du-reseau-astuce-metropole-rouen-normandie": stop_rows(),
            "trace-des-lignes-regulieres-du-reseau-astuce-metropole-rouen-normandie": line_rows(),
            "parkings-relais-metropole-rouen-normandie": parking_rows(),
            "annuaire-des-services-darchives-publiques-en-france": archives_rows(),
        })
        fake.files.update({
            "/dataflow/offre-tc/download": gtfs_zip(),
            "/lovelolibreservice.fr/station_information.json": json.dumps({
                "last_updated": 1765101600, "ttl": 15, "version": "2.3", "data": {"stations": lovelo_rows()}}).encode(),
            APL.format("medecins_generalistes"): apl_workbook(),
            APL.format("infirmieres"): apl_workbook(sheets=(("APL 2022", "new"), ("APL 2023", "new")),
                                                    profession="infirmières", indicator="infirmières"),
            TOPOJSON: json.dumps(polling_topojson()).encode(),
            BAN: ban_csv_gz(ban_rows()),
            RNA_API: datagouv_description(fake.base_url),
            "/fichiers/rna_waldec_20261101.zip": rna_zip(rna_rows()),
            "/fichiers/rna_waldec_20261001.zip": b"PK\x03\x04 an older month: never fetched",
        })
        text = re.sub(r"https://[a-z0-9.-]+", fake.base_url, CATALOGUE.read_text(encoding="utf-8"))
        (data_dir / "catalogue.toml").write_text(text, encoding="utf-8")
        return run_sync(data_dir)
