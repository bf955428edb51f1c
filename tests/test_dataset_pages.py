"""Every dataset in every tab that applies, through the router: the demo snapshot and real files declared by hand."""
from __future__ import annotations

import json

import pytest

from components.dataset_tabs import TABS
from tests.apps import make_app, render_page, text_of
from tests.conftest import REALDATA

DEMO_IDS = ["communes", "chantiers", "pathologies", "offre-de-soins", "reseau-astuce-gtfs", "stations-lovelo",
            "parkings", "associations", "bureaux-de-vote", "archives"]
CALLBACK_LIMIT = 300_000  # bytes: no callback response may be larger (issue target, checked on the demo)


@pytest.fixture(scope="module")
def demo_app():
    return make_app()


@pytest.mark.parametrize("dataset_id", DEMO_IDS)
def test_every_demo_dataset_in_every_tab(demo_app, dataset_id):
    first = render_page(demo_app, f"/jeux-de-donnees/{dataset_id}")
    text = text_of(first["layout"])
    tabs = [t for t in TABS if TABS[t] in text.split(" lignes sur ")[1][:200]]
    assert "information" in tabs and "table" in tabs and "chart" in tabs
    for tab in tabs:
        page = render_page(demo_app, f"/jeux-de-donnees/{dataset_id}", f"?tab={tab}")
        body = json.dumps(page["layout"])
        assert len(body) < CALLBACK_LIMIT, f"{tab}: {len(body)} octets"
        assert "Certains paramètres" not in text_of(page["layout"])
    if dataset_id in ("chantiers", "stations-lovelo", "associations", "communes", "parkings", "bureaux-de-vote",
                      "reseau-astuce-gtfs"):
        assert "map" in tabs


REAL_ENTRIES = """
[[dataset]]
id = "chantiers-paris"
title = "Chantiers perturbants (Paris)"
theme = "Travaux"
format = "csv"
path = "ods_paris_chantiers/chantiers-perturbants.csv"

[[dataset]]
id = "communes-76"
title = "Communes de Seine-Maritime"
theme = "Territoire"
format = "geojson"
path = "geo_seine_maritime/communes-76-seine-maritime.geojson"

[[dataset]]
id = "peribus"
title = "Réseau Péribus"
theme = "Transports"
format = "gtfs"
path = "gtfs_perigueux_peribus"

[[dataset]]
id = "astuce-reel"
title = "Réseau Astuce (sans horaires)"
theme = "Transports"
format = "gtfs"
path = "gtfs_rouen_astuce"

[[dataset]]
id = "pathologies-reel"
title = "Effectifs par pathologie (extrait CNAM)"
theme = "Santé"
format = "csv"
path = "sante_ameli_pathologies/effectifs_extrait.csv"
"""


def test_real_files_declared_by_hand_show_in_every_tab(realdata, tmp_path):
    (tmp_path / "catalogue.toml").write_text(REAL_ENTRIES, encoding="utf-8")
    for child in realdata.iterdir():
        (tmp_path / child.name).symlink_to(child)
    app = make_app(tmp_path)
    for dataset_id in ("chantiers-paris", "communes-76", "peribus", "pathologies-reel"):
        for tab in TABS:
            page = render_page(app, f"/jeux-de-donnees/{dataset_id}", f"?tab={tab}")
            assert "Jeu de données indisponible" not in text_of(page["layout"]), (dataset_id, tab)
    text = text_of(render_page(app, "/jeux-de-donnees/astuce-reel")["layout"])
    assert "Jeu de données indisponible" in text and "stop_times.txt" in text
    assert make_app(tmp_path).server.test_client().get("/export/chantiers-paris.geojson?limit=3").status_code == 200
