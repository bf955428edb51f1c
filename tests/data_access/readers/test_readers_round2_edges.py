"""The edges of round 2's readers: what must not be taken for a units row, a header declared as written beside
another with the same field name, links written with a header's name, odd JSON numbers, unreadable `crs`
members, empty arrays, and codes that cannot be codes."""
from __future__ import annotations

import json

import pytest

from data_access.catalogue.model import Dataset, FieldSpec, parse_catalogue
from data_access.query import parse_query
from data_access.readers import read_table
from tests.helpers.apps import make_app

POINT = {"type": "Point", "coordinates": [1.0993, 49.4431]}


def dataset(path: str, fmt: str = "csv", **keys) -> Dataset:
    return Dataset(id="d", title="D", theme="T", format=fmt, path=path, **keys)


def geojson(features: list[dict], **members) -> str:
    return json.dumps({"type": "FeatureCollection", **members, "features": features})


@pytest.mark.parametrize("content", ["nom;valeur\n;NC\nA;1\nB;2\n", "nom;valeur\n;-\nA;12\nB;13\n",
                                     "code;nom;valeur\n;;inconnu\n76540;Rouen;1\n;Elbeuf;2\n"])
def test_a_first_row_that_is_data_is_never_taken_for_a_units_row(tmp_path, content):
    (tmp_path / "f.csv").write_text(content, encoding="utf-8")
    table = read_table(dataset("f.csv"), tmp_path / "f.csv")
    assert len(table) == 3 and table.field("valeur").unit is None
    assert not any("ligne d'unités" in note for note in table.notes)


def test_json_records_have_no_units_row(tmp_path):
    (tmp_path / "r.json").write_text(json.dumps([{"nom": None, "pop": "Nombre d'habitants"}, {"nom": "A", "pop": 1},
                                                 {"nom": "B", "pop": 2}]), encoding="utf-8")
    assert len(read_table(dataset("r.json", "json"), tmp_path / "r.json")) == 3


def test_a_field_declared_by_its_header_keeps_its_column_beside_one_of_the_same_field_name(tmp_path):
    (tmp_path / "f.csv").write_text("Commune;Nb;Nb (%)\nRouen;120;12.5\nElbeuf;40;4.1\n", encoding="utf-8")
    spec = FieldSpec(name="nb", written="Nb (%)", label="Part", unit="%")
    table = read_table(dataset("f.csv", fields=(spec,)), tmp_path / "f.csv")
    assert table.field("nb").label == "Part" and table.frame["nb"].tolist() == [12.5, 4.1]
    assert table.field("nb_2").label == "Nb" and table.frame["nb_2"].tolist() == [120, 40]


def test_links_that_name_a_field_by_its_header_keep_working(tmp_path):
    feature = {"type": "Feature", "geometry": POINT, "properties": {"codeBureauVote": "76540_0001", "nomCommune": "Rouen"}}
    (tmp_path / "b.geojson").write_text(geojson([feature]), encoding="utf-8")
    table = read_table(dataset("b.geojson", "geojson"), tmp_path / "b.geojson")
    query, errors = parse_query("refine.codeBureauVote=76540_0001&select=nomCommune,codeBureauVote&sort=-nomCommune",
                                table.fields)
    assert errors == [] and query.refine == (("codebureauvote", ("76540_0001",)),)
    assert query.select == ("nomcommune", "codebureauvote") and query.sort == (("nomcommune", True),)
    assert dict(query.params)["refine.codebureauvote"] == "76540_0001"  # the permalink takes the field name


def test_a_property_empty_in_the_first_features_is_typed_by_all_of_them(tmp_path):
    features = [{"type": "Feature", "geometry": POINT, "properties": {"pop": None}} for _ in range(6000)]
    features.append({"type": "Feature", "geometry": POINT, "properties": {"pop": 12.5}})
    (tmp_path / "p.geojson").write_text(geojson(features), encoding="utf-8")
    table = read_table(dataset("p.geojson", "geojson"), tmp_path / "p.geojson")
    assert table.field("pop").type == "double" and table.frame["pop"].iloc[-1] == 12.5


def test_nan_infinity_and_numbers_past_int64_are_read(tmp_path):
    text = '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", ' \
           '"coordinates": [1.09, 49.44]}, "properties": {"a": NaN, "big": 123456789012345678901234567890}}]}'
    (tmp_path / "n.geojson").write_text(text, encoding="utf-8")
    assert len(read_table(dataset("n.geojson", "geojson"), tmp_path / "n.geojson")) == 1
    (tmp_path / "n.json").write_text('[{"a": NaN, "b": Infinity, "big": 123456789012345678901234567890}]')
    table = read_table(dataset("n.json", "json"), tmp_path / "n.json")
    assert table.frame["big"].iloc[0] == "123456789012345678901234567890"  # too long for a number: kept whole


def test_an_unreadable_crs_member_is_set_aside(tmp_path):
    link = {"type": "link", "properties": {"href": "http://example.org/crs", "type": "proj4"}}
    feature = {"type": "Feature", "geometry": POINT, "properties": {}}
    (tmp_path / "l.geojson").write_text(geojson([feature], crs=link), encoding="utf-8")
    table = read_table(dataset("l.geojson", "geojson"), tmp_path / "l.geojson")
    assert table.frame["geometry"].iloc[0].x == 1.0993  # degrees: read, the member noted and set aside
    assert any("ne nomme aucun système ; il est ignoré" in note for note in table.notes)
    unknown = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::999999"}}
    projected = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1562182.4, 8251000.6]},
                 "properties": {}}
    (tmp_path / "u.geojson").write_text(geojson([projected], crs=unknown), encoding="utf-8")
    table = read_table(dataset("u.geojson", "geojson", crs="EPSG:3949"), tmp_path / "u.geojson")
    assert abs(table.frame["geometry"].iloc[0].x - 1.0993) < 1e-4  # the catalogue's system is the one read


def test_a_bom_before_a_feature_collection_is_read(tmp_path):
    (tmp_path / "b.geojson").write_bytes(b"\xef\xbb\xbf" + geojson([{"type": "Feature", "geometry": POINT,
                                                                       "properties": {"n": 1}}]).encode())
    assert len(read_table(dataset("b.geojson", "geojson"), tmp_path / "b.geojson")) == 1


def test_an_empty_array_is_no_records_not_an_error(tmp_path):
    (tmp_path / "e.json").write_text("[]")
    assert len(read_table(dataset("e.json", "json"), tmp_path / "e.json")) == 0
    (tmp_path / "s.json").write_text('{"data": {"stations": []}}')
    assert len(read_table(dataset("s.json", "json", json=parse_json("data.stations")), tmp_path / "s.json")) == 0


def parse_json(records: str):
    text = f'[[dataset]]\nid = "d"\ntitle = "D"\ntheme = "T"\nformat = "json"\npath = "s.json"\n' \
           f'json = {{ records = "{records}" }}\n'
    return parse_catalogue(text, None).datasets[0].json


def test_numbers_that_cannot_be_codes_stay_as_they_are(tmp_path):
    (tmp_path / "c.json").write_text(json.dumps([{"insee": 1e20}, {"insee": 76540.0}, {"insee": True}]))
    table = read_table(dataset("c.json", "json", fields=(FieldSpec(name="insee", role="commune"),)),
                       tmp_path / "c.json")
    assert table.frame["insee"].tolist() == ["1e+20", "76540", "true"]


def test_an_extract_filtered_on_a_header_as_written(tmp_path):
    (tmp_path / "f.csv").write_text("Code commune;Nom\n76540;Rouen\n76231;Elbeuf\n", encoding="utf-8")
    (tmp_path / "catalogue.toml").write_text('[[dataset]]\nid = "f"\ntitle = "F"\ntheme = "T"\nformat = "csv"\n'
                                             'path = "f.csv"\n', encoding="utf-8")
    answer = make_app(tmp_path).server.test_client().get("/export/f.csv?refine.Code%20commune=76540")
    assert answer.status_code == 200 and answer.data.decode("utf-8-sig").splitlines()[1:] == ['"76540";"Rouen"']


def test_the_catalogue_crs_wins_over_a_wrong_member_and_the_notes_say_so(tmp_path):
    """A file that declares degrees for coordinates in Lambert CC49: the catalogue's crs is read, and said."""
    wrong = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    projected = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1562182.4, 8251000.6]},
                 "properties": {}}
    (tmp_path / "w.geojson").write_text(geojson([projected], crs=wrong), encoding="utf-8")
    table = read_table(dataset("w.geojson", "geojson", crs="EPSG:3949"), tmp_path / "w.geojson")
    assert abs(table.frame["geometry"].iloc[0].x - 1.0993) < 1e-4
    assert "w.geojson : le fichier déclare le système OGC:CRS84, la clé crs du catalogue EPSG:3949 : EPSG:3949 " \
           "est lu" in table.notes
