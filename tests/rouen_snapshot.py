"""A DATA_DIR as the shipped catalogue.rouen.toml makes it: synced from the local fake Opendatasoft server (every
host rewritten to it), which serves hand-written files in the real sources' shapes (tests/real_shapes*.py)."""
from __future__ import annotations

import io
import re
from pathlib import Path

from data_access import sync
from tests.conftest import ROOT
from tests.fake_ods import FakeServer
from tests.real_shapes import georef_rows, gtfs_zip, line_rows, lovelo_rows, parking_rows, stop_rows, travaux_rows
from tests.real_shapes_sante import apl_workbook, effectifs_rows

CATALOGUE = ROOT / "catalogue.rouen.toml"
APL = ("/api/datasets/1.0/530_l-accessibilite-potentielle-localisee-apl/attachments/"
       "indicateur_d_accessibilite_potentielle_localisee_apl_aux_{}_xlsx/")


def run_sync(data_dir: Path, dry_run: bool = False) -> tuple[int, str]:
    out = io.StringIO()
    return sync.run(data_dir, dry_run=dry_run, sleep=lambda s: None, out=out), out.getvalue()


def sync_rouen(data_dir: Path) -> tuple[int, str]:
    """Sync every dataset of the shipped catalogue into `data_dir`; the exit status and the output."""
    with FakeServer() as fake:
        fake.tables.update({
            "travaux-json": travaux_rows(), "georef-france-commune": georef_rows(), "effectifs": effectifs_rows(),
            "liste-des-arrets-du-reseau-astuce-metropole-rouen-normandie": stop_rows(),
            "trace-des-lignes-regulieres-du-reseau-astuce-metropole-rouen-normandie": line_rows(),
            "donnees-statiques-et-temps-reel-du-service-de-vls-lovelo-metropole-rouen-normand": lovelo_rows(),
            "parkings-relais-metropole-rouen-normandie": parking_rows(),
        })
        fake.files.update({
            "/dataflow/offre-tc/download": gtfs_zip(),
            APL.format("medecins_generalistes"): apl_workbook(),
            APL.format("infirmieres"): apl_workbook(sheets=(("APL 2022", "new"), ("APL 2023", "new")),
                                                    profession="infirmières", indicator="infirmières"),
        })
        text = re.sub(r"https://[a-z0-9.-]+", fake.base_url, CATALOGUE.read_text(encoding="utf-8"))
        (data_dir / "catalogue.toml").write_text(text, encoding="utf-8")
        return run_sync(data_dir)
