"""/pres-de-chez-moi drawn by the router (deep links, bad parameters), its callbacks given forged bodies, the
parts a catalogue lacks named, the real sources' shapes, and the web app manifest."""
from __future__ import annotations

import json
import struct

import pytest

from tests.helpers.apps import make_app, render_page, text_of
from tests.helpers.paths import FIXTURES

PAGE = "/pres-de-chez-moi"


@pytest.fixture(scope="module")
def app():
    return make_app(TILE_URL="")


def test_a_deep_link_to_a_position_answers_at_once(app):
    text = text_of(render_page(app, PAGE, "?lat=49.4431&lon=1.0993")["layout"])
    for heading in ("Votre commune", "Votre bureau de vote", "Travaux à moins de 500 m", "Les 3 arrêts les plus "
                    "proches", "Station Lovélo la plus proche", "Parking le plus proche",
                    "Associations à moins de 500 m", "Services d'archives", "Accès aux soins dans la commune"):
        assert heading in text
    assert "Ce que cette page ne peut pas dire ici" not in text  # the demo drives every block


def test_a_deep_link_to_an_address_or_a_commune(app):
    with app.server.app_context():
        from components.portal import current_portal
        from features.proximite import data as P

        _, table = P.address_table(current_portal().repository)
        address_id, label = P.address_id(table, 10), None
        from data_access.addresses import address_index

        label = address_index(table).labels[10]
    assert f"{label} : " in text_of(render_page(app, PAGE, f"?adresse={address_id}")["layout"])
    text = text_of(render_page(app, PAGE, "?commune=76540")["layout"])
    assert "Rouen compte" in text and "Choisissez une adresse ou un point sur la carte" in text


@pytest.mark.parametrize(("search", "param", "words"), [
    ("?lat=abc&lon=1", "lat", "deux nombres"), ("?lat=48.8566&lon=2.3522", "lat", "aucune commune"),
    ("?adresse=%3Cscript%3E", "adresse", "n'est pas dans la base"), ("?commune=99999", "commune", "n'est pas le "
                                                                                                  "code"),
    ("?zoom=3", "zoom", "n'a pas de sens")])
def test_a_bad_deep_link_is_a_notice_and_the_page_still_works(app, search, param, words):
    text = text_of(render_page(app, PAGE, search)["layout"])
    assert f"{param} :" in text and words in text and "Votre adresse" in text
    assert "Votre bureau de vote" not in text


def _callback_key(app, output: str) -> str:
    return next(k for k in app.callback_map if output in k)


def _post(app, output: str, inputs: list, state: list, changed: str) -> tuple[int, dict]:
    client = app.server.test_client()
    client.get("/")
    key = _callback_key(app, output)
    spec = app.callback_map[key]
    body = {"output": key, "outputs": [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in
                                       key.strip(".").split("...") if o],
            "inputs": inputs, "state": state, "changedPropIds": [changed]}
    assert spec
    answer = client.post("/_dash-update-component", json=body)
    return answer.status_code, (answer.get_json() if answer.is_json else {})


def test_a_forged_tap_outside_or_malformed_gets_a_french_status(app):
    inputs = [[], {"id": "proximite-carte", "property": "clickData", "value": {"latlng": {"lat": 48.85, "lng": 2.35}}},
              {"id": "proximite-position", "property": "data", "value": None},
              {"id": "proximite-commune", "property": "value", "value": None}]
    state = [{"id": "proximite-proposees", "property": "data", "value": []}]
    status, body = _post(app, "proximite-lieu.data", inputs, state, "proximite-carte.clickData")
    assert status == 200
    assert "aucune commune de la Métropole" in json.dumps(body, ensure_ascii=False)
    inputs[1]["value"] = {"latlng": {"lat": "1e999", "lng": [1]}}
    status, body = _post(app, "proximite-lieu.data", inputs, state, "proximite-carte.clickData")
    assert status == 200 and "ne peut pas être choisi" in json.dumps(body, ensure_ascii=False)


def test_a_tap_in_rouen_answers_and_the_suggestions_come_from_the_addresses(app):
    inputs = [[], {"id": "proximite-carte", "property": "clickData", "value": {"latlng": {"lat": 49.4431,
                                                                                          "lng": 1.0993}}},
              {"id": "proximite-position", "property": "data", "value": None},
              {"id": "proximite-commune", "property": "value", "value": None}]
    state = [{"id": "proximite-proposees", "property": "data", "value": []}]
    status, body = _post(app, "proximite-lieu.data", inputs, state, "proximite-carte.clickData")
    assert status == 200
    response = body["response"]
    assert response["proximite-lieu"]["data"]["commune"] == "76540"
    assert "Votre bureau de vote" in text_of(response["proximite-reponses"]["children"])
    status, body = _post(app, "proximite-suggestions.children", [
        {"id": "proximite-adresse", "property": "value", "value": "jeanne d arc rouen"}], [],
        "proximite-adresse.value")
    entries = body["response"]["proximite-proposees"]["data"]
    assert status == 200 and entries and all("Jeanne d'Arc" in e["label"] for e in entries)


def _headings(node) -> list[str]:
    """The page's h1 and h2, in order."""
    if isinstance(node, list):
        return [h for child in node for h in _headings(child)]
    if not isinstance(node, dict):
        return []
    if node.get("type") in ("H1", "H2"):
        return [text_of(node)]
    return [h for value in node.get("props", {}).values() for h in _headings(value)]


def test_the_parts_a_catalogue_lacks_are_named(tmp_path):
    fixture = make_app(FIXTURES / "portal", TILE_URL="")
    with fixture.server.app_context():
        from components.portal import current_portal

        codes = current_portal().repository.table("communes").frame
        code = str(codes[codes.columns[0]].iloc[0])
    text = text_of(render_page(fixture, PAGE, f"?commune={code}")["layout"])
    assert "Ce que cette page ne peut pas dire ici" in text
    for words in ("les contours des bureaux de vote", "le réseau de transport en commun", "le répertoire des "
                  "associations", "l'annuaire des services d'archives", "l'offre de soins par commune"):
        assert words in text
    assert "Le portail n'a pas de base d'adresses" in text
    headings = _headings(render_page(fixture, PAGE, f"?commune={code}")["layout"])
    assert headings == ["Près de chez moi", "Votre commune", "Ce que cette page ne peut pas dire ici"]  # named only


def test_the_real_sources_shapes_hide_and_name_what_they_lack(rouen_synced):
    data_dir, code, _ = rouen_synced
    assert code == 0
    app = make_app(data_dir, TILE_URL="")
    text = text_of(render_page(app, PAGE, "?commune=76540")["layout"])
    assert "Rouen compte" in text  # polling stations
    with app.server.app_context():
        import datetime as dt

        from components.portal import current_portal
        from data_access.clock import PARIS
        from features.proximite import data as P
        from features.proximite.reponses import answers

        repository = current_portal().repository
        _, table = P.address_table(repository)
        point = table.frame[table.geometry_field.name].iloc[0]
        place = P.place_at(repository, point.y, point.x, "adresse", "adresse")
        found = {b.key: b for b in answers(repository, place, dt.datetime(2026, 12, 1, 9, tzinfo=PARIS)).blocks}
    assert "n'ont pas de position" in found["travaux"].note  # the Métropole's works have a commune only
    assert "ne donne pas la position des associations" in found["associations"].note
    assert found["bureau"].text.startswith("Ce lieu est dans le secteur du bureau")
    assert all(line["definition"] for line in found["soins"].lines)


def test_the_web_app_manifest_and_its_icons(app):
    client = app.server.test_client()
    answer = client.get("/manifest.webmanifest")
    assert answer.status_code == 200 and answer.mimetype == "application/manifest+json"
    manifest = answer.get_json(force=True)
    assert manifest["lang"] == "fr" and manifest["theme_color"] == "#00558c" and manifest["display"] == "standalone"
    assert manifest["start_url"] == PAGE and manifest["name"]
    sizes = set()
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", image.data[16:24])
        assert f"{width}x{height}" == icon["sizes"]
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes  # what a phone asks to install an app
    page = client.get(PAGE).get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page and 'name="theme-color"' in page


def test_every_id_of_an_answered_page_is_unique(app):
    """Dash indexes components by id: a heading sharing the commune picker's id would take its place."""
    layout = render_page(app, PAGE, "?lat=49.4431&lon=1.0993")["layout"]
    ids = []

    def walk(node):
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            props = node.get("props", {})
            if "id" in props:
                ids.append(json.dumps(props["id"], sort_keys=True))
            for value in props.values():
                walk(value)
    walk(layout)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def _choose(app, trigger: str, click=None, located=None, commune=None, suggested=None, clicks=None):
    inputs = [clicks or [], {"id": "proximite-carte", "property": "clickData", "value": click},
              {"id": "proximite-position", "property": "data", "value": located},
              {"id": "proximite-commune", "property": "value", "value": commune}]
    return _post(app, "proximite-lieu.data", inputs, [{"id": "proximite-proposees", "property": "data",
                                                       "value": suggested if suggested is not None else []}], trigger)


def test_a_commune_picked_and_forged_bodies(app):
    status, body = _choose(app, "proximite-commune.value", commune="76540")
    assert status == 200 and body["response"]["proximite-lieu"]["data"]["commune"] == "76540"
    huge = int("1" + "0" * 400)  # float() overflows
    for located in ({"lat": huge, "lon": 1}, {"lat": [1], "lon": {}}, "x"):
        status, body = _choose(app, "proximite-position.data", located=located)
        assert status in (200, 204), located
    forged = [{"id": {"type": "proximite-suggestion", "index": 0}, "property": "n_clicks", "value": 1}]
    for suggested in (["x"], [{"row": -1}], [{"row": 10 ** 12}], [{"row": "3"}], [{"lat": 49.44, "lon": 1.09}]):
        status, body = _choose(app, '{"index":0,"type":"proximite-suggestion"}.n_clicks', clicks=forged,
                               suggested=suggested)
        assert status in (200, 204), suggested
        assert "commune" not in json.dumps(body.get("response", {}).get("proximite-lieu", {}))
    for stored in ({"lat": huge, "lon": 1}, {"commune": "99999"}, {}, {"commune": ["76540"]}):
        status, _ = _post(app, "proximite-partage.children@", [{"id": "proximite-partager", "property": "n_clicks",
                                                               "value": 1}],
                          [{"id": "proximite-lieu", "property": "data", "value": stored}],
                          "proximite-partager.n_clicks")
        assert status == 204, stored  # nothing to share: no link, no error


def test_a_suggestion_is_placed_in_the_address_own_commune(app):
    with app.server.app_context():
        from components.portal import current_portal
        from features.proximite import data as P

        repository = current_portal().repository
        _, table = P.address_table(repository)
        for row in range(0, len(table), 997):
            assert P.address_row_place(repository, table, row).commune == table.frame["code_insee"].iloc[row]


CATALOGUE = """[portal]
title = "Portail de test"
publisher = "Test"

[[dataset]]
id = "velos"
title = "Stations de vélos"
theme = "Transports"
format = "csv"
path = "velos.csv"

[[dataset.field]]
name = "nom"
role = "title"

[[dataset.field]]
name = "bornes"
type = "int"
role = "docks"
unit = "bornes"

[[dataset.field]]
name = "geo_point_2d"
type = "geo_point_2d"

[[dataset.field]]
name = "geo_shape"
type = "geo_shape"
"""


def test_without_outlines_an_empty_capacity_and_a_row_without_shape(tmp_path):
    (tmp_path / "catalogue.toml").write_text(CATALOGUE, encoding="utf-8")
    (tmp_path / "velos.csv").write_text(
        "nom;bornes;geo_point_2d;geo_shape\n"
        "Gare;;49.4490, 1.0940;\n"
        'Théâtre;20;49.4430, 1.0930;"{""type"": ""Point"", ""coordinates"": [1.093, 49.443]}"\n', encoding="utf-8")
    app = make_app(tmp_path, TILE_URL="")
    text = text_of(render_page(app, PAGE, "?lat=49.4491&lon=1.0941")["layout"])
    assert "Gare, à 10 m à vol d'oiseau, environ 1 min à pied : capacité non renseignée." in text
    assert "Votre commune : il faudrait les contours des communes" in text
    assert "Services d'archives" not in text or "Services d'archives : il faudrait" in text
    assert "None" not in text and "réessayez plus tard" not in text
    with app.server.app_context():
        from components.portal import current_portal

        shapes = current_portal().repository.table("velos").frame["geo_shape"]
        assert shapes.iloc[0] is None or shapes.isna().iloc[0]  # the table's own column was not written into
