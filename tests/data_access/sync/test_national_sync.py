"""The national files of catalogue.rouen.toml once synced and cut down to the Métropole: polling stations from the
TopoJSON, associations from the RNA's monthly zip found through data.gouv.fr's API, archive services from an
Opendatasoft export, addresses from the BAN's gzipped CSV; and a broken national file that changes nothing."""
from __future__ import annotations

import contextlib
import json
import re

import shapely
from shapely.geometry import shape

from data_access.dataset_view import facet_fields
from data_access.demo.facts import communes
from tests.helpers.apps import as_layout, find_all, make_app, render_page, text_of
from tests.helpers.fake_ods import FakeServer
from tests.helpers.national_shapes import metropole_outlines, rna_rows, rna_zip
from tests.helpers.rouen_snapshot import CATALOGUE, RNA_API, datagouv_description, run_sync

CODES = {c.insee for c in communes()}


def test_the_sync_says_what_it_kept(rouen_synced):
    _, status, out = rouen_synced
    assert status == 0, out
    assert "bureaux-de-vote : mis à jour — 142 lignes gardées sur 146 lues ; 71 sur 71 communes" in out
    assert "associations : mis à jour — 213 lignes gardées sur 225 lues ; 71 sur 71 communes" in out
    assert "adresses : mis à jour — 1\u202f420 lignes gardées sur 1\u202f460 lues ; 71 sur 71 communes" in out
    # the directory has services in two of the Métropole's communes: the others are said to be absent
    assert re.search(r"services-archives : mis à jour — 3 lignes gardées sur 3 lues ; 2 sur 71 communes "
                     r"\(absentes de la source : 76005, 76020", out)
    record = json.loads((rouen_synced[0] / ".sync" / "associations.json").read_text(encoding="utf-8"))
    assert record["source_url"].endswith("/fichiers/rna_waldec_20261101.zip")  # the newest month's file
    assert (record["rows_in"], record["rows"], record["communes_missing"]) == (225, 213, [])


def test_polling_stations_are_the_metropole_s_with_a_label_each(rouen_synced):
    app = make_app(rouen_synced[0])
    client = app.server.test_client()
    extract = client.get("/export/bureaux-de-vote.geojson").get_json()
    features = extract["features"]
    assert len(features) == 142 and {f["properties"]["codecommune"] for f in features} == CODES
    metropole = shapely.buffer(shapely.union_all(list(metropole_outlines().values())), 0.003)
    assert all(metropole.contains(shape(f["geometry"])) for f in features)
    assert extract["metadata"]["source_url"].endswith("contours-bureaux-vote.json")
    assert extract["metadata"]["license"] == "Licence Ouverte v2.0" and extract["metadata"]["rows"] == 142
    layout = render_page(app, "/jeux-de-donnees/bureaux-de-vote", "?tab=map&q=bihorel")["layout"]
    layer = find_all(layout, lambda n: n.get("props", {}).get("id") == "jeu-carte-couche")[0]["props"]
    labels = layer["hideout"]["etiquettes"]
    assert len(labels) == 142 and "76540_0001" in labels  # a label per station, sent once
    # each station has its commune's name (the file has only its code): a search finds a commune's stations
    assert "2 objets sur la carte" in text_of(layout)
    assert {f["properties"]["nomcommune"] for f in features if f["properties"]["codecommune"] == "76095"} == \
        {"Bihorel"}


def test_associations_have_facets_by_commune_and_theme_and_dissolved_ones_marked(rouen_synced):
    app = make_app(rouen_synced[0])
    table = app.server.extensions["portail"].repository.table("associations")
    assert len(table) == 213 and set(table.frame["adrs_codeinsee"]) == CODES
    backend = app.server.extensions["portail"].repository.backend("associations")
    assert [f.name for f in facet_fields(backend)] == ["adrs_libcommune", "objet_social1_libelle", "position_libelle"]
    assert (table.frame["position_libelle"] == "dissoute").sum() == 71
    themes = set(table.frame["objet_social1_libelle"].dropna())
    assert themes <= {"culture, pratiques d'activités artistiques, culturelles", "sports, activités de plein air",
                      "interventions sociales"} and themes
    text = text_of(render_page(app, "/jeux-de-donnees/associations", "?refine.position_libelle=dissoute")["layout"])
    assert "71 lignes" in text


def test_archive_services_each_have_a_card_with_hours_and_link(rouen_synced):
    from components.dataset_tabs import record_card

    app = make_app(rouen_synced[0])
    table = app.server.extensions["portail"].repository.table("services-archives")
    assert sorted(table.frame["ville"]) == ["Elbeuf", "Rouen", "Rouen"]
    card = as_layout(record_card(table, 0))
    assert "Lundi au vendredi, 9 h – 17 h" in text_of(card)
    links = find_all(card, lambda n: n.get("type") == "A")
    assert [a["props"]["href"] for a in links] == ["https://www.archivesdepartementales76.net"]


def test_addresses_answer_a_search(rouen_synced):
    client = make_app(rouen_synced[0]).server.test_client()
    answer = client.get("/api/adresses/adresses.json?q=2+rue+de+la+republique+rouen&limit=3").get_json()
    assert [r["label"] for r in answer["resultats"]][0] == "2 Rue de la République, 76000 Rouen"
    assert answer["resultats"][0]["lat"] is not None
    for limit in ("0", "21", "deux", "²", "-1", ""):  # « ² » passes str.isdigit but is no number
        refused = client.get("/api/adresses/adresses.json", query_string={"q": "x", "limit": limit})
        assert (refused.status_code, refused.get_json()) == (400, {"erreur": "limit : un nombre entier de 1 à 20 "
                                                                             "est attendu"})
    assert client.get("/api/adresses/communes.json?q=rouen").status_code == 404
    assert client.get("/api/adresses/inconnu.json?q=rouen").status_code == 404


@contextlib.contextmanager
def national_portal(data_dir, communes: str = "com_code;com_name\n76540;Rouen\n76231;Elbeuf\n"):
    """A fake portal serving the RNA's monthly zip through data.gouv.fr's API, the shipped catalogue pointed at it,
    and `communes` as the list of communes in place."""
    with FakeServer() as fake:
        fake.files[RNA_API] = datagouv_description(fake.base_url)
        fake.files["/fichiers/rna_waldec_20261101.zip"] = rna_zip(rna_rows())
        text = re.sub(r"https://[a-z0-9.-]+", fake.base_url, CATALOGUE.read_text(encoding="utf-8"))
        (data_dir / "catalogue.toml").write_text(text, encoding="utf-8")
        (data_dir / "communes.csv").write_text(communes, encoding="utf-8")
        yield fake


def test_a_broken_national_file_leaves_the_served_one_in_place(tmp_path):
    with national_portal(tmp_path) as fake:
        status, out = run_sync(tmp_path, "associations")
        assert status == 0 and "associations : mis à jour — 6 lignes gardées sur 225 lues ; 2 sur 2 communes" in out
        before = (tmp_path / "associations.csv").read_bytes()
        fake.files["/fichiers/rna_waldec_20261101.zip"] = rna_zip(rna_rows())[:5000]  # cut short
        status, out = run_sync(tmp_path, "associations")
        assert status == 1 and "associations : échec — " in out
        assert (tmp_path / "associations.csv").read_bytes() == before
        assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".sync-")]


def test_new_communes_cut_the_national_file_again_though_the_server_says_unchanged(tmp_path):
    with national_portal(tmp_path, "com_code;com_name\n76540;Rouen\n"):
        communes_csv = tmp_path / "communes.csv"
        status, out = run_sync(tmp_path, "associations")
        assert status == 0 and "3 lignes gardées sur 225 lues ; 1 sur 1 commune" in out
        status, out = run_sync(tmp_path, "associations")
        assert status == 0 and "associations : inchangé" in out  # same file, same communes: the server's 304
        communes_csv.write_text("com_code;com_name\n76540;Rouen\n76231;Elbeuf\n76095;Bihorel\n", encoding="utf-8")
        status, out = run_sync(tmp_path, "associations")
        assert status == 0 and "9 lignes gardées sur 225 lues ; 3 sur 3 communes" in out
        assert len((tmp_path / "associations.csv").read_text(encoding="utf-8").splitlines()) > 9
        communes_csv.write_text("autre;nom\n76540;Rouen\n", encoding="utf-8")  # the commune column is gone
        before = (tmp_path / "associations.csv").read_bytes()
        status, out = run_sync(tmp_path, "associations")
        assert status == 1 and "associations : échec — le jeu de données « communes » n'a pas de champ de rôle " \
                               "« commune »" in out
        assert (tmp_path / "associations.csv").read_bytes() == before


def test_a_portal_that_refuses_the_communes_filter_is_cut_down_here(tmp_path):
    from tests.helpers.national_shapes import archives_rows

    with national_portal(tmp_path) as fake:
        fake.tables["annuaire-des-services-darchives-publiques-en-france"] = archives_rows()
        fake.faults["annuaire-des-services-darchives-publiques-en-france"] = {"kind": "where"}
        status, out = run_sync(tmp_path, "services-archives")
        assert status == 0 and "services-archives : mis à jour — 3 lignes gardées sur 4 lues ; 2 sur 2 communes" in out
        wheres = [dict(params).get("where") for path, params, _ in fake.requests if "/exports/" in path]
        assert len(wheres) == 2 and "76540" in wheres[0] and wheres[1] is None  # refused, then the whole export
        assert "Évreux" not in (tmp_path / "services-archives.csv").read_text(encoding="utf-8")
