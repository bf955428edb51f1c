"""Every real public file in ../shared/realdata loads through the readers (skipped when the folder is absent).

The GTFS feeds are covered in test_reader_gtfs.py.
"""
from __future__ import annotations

import pytest
import shapely

from data_access.catalogue.model import Dataset
from data_access.readers import read_table

CSV_FILES = [
    # path, rows, columns, a few (field, type) pairs that matter
    ("communes_insee/cog_communes.csv", 37496, 12, {"com": "text", "reg": "text", "dep": "text"}),
    ("communes_insee/donnees_communes_insee_population.csv", 34900, 11,
     {"codcom": "text", "pmun": "int", "dep": "text"}),
    ("communes_insee/epcicom2025_dept76.csv", 730, 14, {"siren": "text", "insee": "text", "pmun_2025": "int"}),
    ("communes_insee/epcicom2025_metropole_rouen_200023414.csv", 71, 14, {"insee": "text", "ptot_2025": "int"}),
    ("ods_paris_chantiers/chantiers-perturbants.csv", 192, 19,
     {"date_de_debut": "date", "geo_shape": "geo_shape", "geo_point_2d": "geo_point_2d",
      "code_postal_de_l_arrondissement": "text"}),
    ("ods_paris_chantiers/chantiers-a-paris.csv", 1725, 14,
     {"surface_m2": "double", "geo_shape": "geo_shape", "geo_point_2d": "geo_point_2d"}),
    ("ods_paris_velib/velib-emplacement-des-stations.csv", 1469, 4,
     {"coordonnees_geographiques": "geo_point_2d", "capacite_de_la_station": "int", "identifiant_station": "text"}),
    ("sante_ameli_pathologies/effectifs_extrait.csv", 16880, 16,
     {"dept": "text", "region": "text", "cla_age_5": "text", "ntop": "int", "prev": "double", "annee": "int"}),
]

GEOJSON_FILES = [
    # path, features, features without geometry, geometry type of the main field
    ("geo_seine_maritime/communes-76-seine-maritime.geojson", 711, 0, "geo_shape"),
    ("geo_seine_maritime/communes-metropole-rouen-normandie-71.geojson", 71, 0, "geo_shape"),
    ("geo_seine_maritime/departement-76-seine-maritime.geojson", 1, 0, "geo_shape"),  # a bare Feature
    ("geo_seine_maritime/arrondissements-76-seine-maritime.geojson", 3, 0, "geo_shape"),
    ("geo_seine_maritime/cantons-76-seine-maritime.geojson", 35, 0, "geo_shape"),
    ("bureaux_de_vote_contours/Bvote_Propre_Dep_04.geojson", 261, 1, "geo_shape"),
    ("bureaux_de_vote_contours/rennes2014_bureaux.geojson", 106, 0, "geo_shape"),
    ("gtfs_perigueux_peribus/map.geojson", 3074, 0, "geo_shape"),
]


def _read(realdata, relative: str, fmt: str):
    dataset = Dataset(id="reel", title="Réel", theme="Test", format=fmt, path=relative)
    return read_table(dataset, realdata / relative)


@pytest.mark.parametrize(("relative", "rows", "columns", "types"), CSV_FILES, ids=[c[0] for c in CSV_FILES])
def test_real_csv_exports_load(realdata, relative, rows, columns, types):
    table = _read(realdata, relative, "csv")
    assert len(table) == rows and len(table.fields) == columns
    for name, type_ in types.items():
        assert table.field(name).type == type_, name
    for field in table.fields:
        if field.is_geo:
            column = table.frame[field.name]
            assert column.notna().sum() > 0.95 * rows  # geometry parsed, not just kept as text
            assert shapely.is_valid_input(column.dropna().iloc[0])


def test_real_ods_export_keeps_labels_codes_and_embedded_newlines(realdata):
    table = _read(realdata, "ods_paris_chantiers/chantiers-perturbants.csv", "csv")
    assert table.field("code_postal_de_l_arrondissement").label == "Code postal de l'arrondissement"
    assert table.frame["code_postal_de_l_arrondissement"].dropna().str.match(r"^75\d{3}$").all()
    assert table.frame["description"].str.contains("\n").any()  # newlines inside quoted fields survive
    point = table.frame["geo_point_2d"].dropna().iloc[0]
    assert 48.8 < point.y < 48.95 and 2.2 < point.x < 2.5  # "lat, lon" read in the right order


def test_real_cnam_extract_keeps_its_codes_and_damage_visible(realdata):
    frame = _read(realdata, "sante_ameli_pathologies/effectifs_extrait.csv", "csv").frame
    assert (frame["dept"] == "999").sum() == 2606 and (frame["dept"] == "76").sum() == 147
    assert "2B" in set(frame["dept"])
    assert {"05-sept", "oct-14", "tsage"} <= set(frame["cla_age_5"])  # repaired by the Santé dashboard, not here
    assert set(frame["sexe"].dropna()) == {1, 2, 9}


@pytest.mark.parametrize(("relative", "features", "empty", "geo_type"), GEOJSON_FILES, ids=[g[0] for g in GEOJSON_FILES])
def test_real_geojson_files_load(realdata, relative, features, empty, geo_type):
    table = _read(realdata, relative, "geojson")
    assert len(table) == features
    geometry = table.frame[table.geometry_field.name]
    assert int(geometry.isna().sum()) == empty
    assert table.geometry_field.type == geo_type
    assert shapely.is_valid(geometry.dropna().to_numpy()).mean() > 0.9


def test_real_communes_keep_insee_codes_as_text(realdata):
    frame = _read(realdata, "geo_seine_maritime/communes-metropole-rouen-normandie-71.geojson", "geojson").frame
    assert "76540" in set(frame["code"]) and frame.loc[frame["code"] == "76540", "nom"].item() == "Rouen"
