"""The CSV, GeoJSON and Parquet readers on hand-written fixtures that reproduce the quirks of real files."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely

from data_access.catalogue.model import CsvOptions, Dataset, FieldSpec
from data_access.readers import ReadError, probe, read_table
from data_access.readers.csv import sniff_delimiter
from data_access.readers.schema import field_names, infer_text_type, slugify
from tests.helpers.paths import FIXTURES


def dataset(path: str, fmt: str = "csv", **kwargs) -> Dataset:
    return Dataset(id="test", title="Test", theme="Test", format=fmt, path=path, **kwargs)


def read(name: str, fmt: str = "csv", **kwargs):
    return read_table(dataset(name, fmt, **kwargs), FIXTURES / name)


# ---------------------------------------------------------------- Opendatasoft-style CSV


def test_ods_export_quirks_are_all_handled():
    table = read("ods_quirks.csv")
    frame = table.frame
    assert [f.name for f in table.fields] == [
        "identifiant", "code_postal", "libelle_du_chantier", "date_de_debut", "surface_m2", "cout", "actif",
        "geo_point_2d", "geo_shape"]
    # labels as headers are kept as labels; the BOM is not part of the first one
    assert table.field("identifiant").label == "Identifiant"
    assert table.field("libelle_du_chantier").label == "Libellé du chantier"
    assert list(frame["identifiant"]) == ["01", "02"]  # leading zeros kept: it is text
    assert list(frame["code_postal"]) == ["75012", "2B"]
    assert frame["libelle_du_chantier"][0] == "Réfection ; trottoir\r\nrue de Lyon"  # newline and ; inside quotes
    assert frame["libelle_du_chantier"][1] == '=HYPERLINK("x")'
    assert table.field("date_de_debut").type == "date"
    assert frame["date_de_debut"][1] == pd.Timestamp("2024-04-15")
    assert table.field("surface_m2").type == "double" and frame["surface_m2"].tolist() == [12.5, 7.0]
    assert table.field("cout").type == "double" and frame["cout"][0] == 1234.5  # decimal comma
    assert pd.isna(frame["cout"][1])
    assert table.field("actif").type == "boolean" and frame["actif"].tolist() == [True, False]
    # "lat, lon" with and without the space; GeoJSON text with doubled quotes; an empty shape stays a row
    points = frame["geo_point_2d"]
    assert (points[0].y, points[0].x) == (48.84, 2.37) and (points[1].y, points[1].x) == (48.85, 2.38)
    assert frame["geo_shape"][0].equals(shapely.Point(2.37, 48.84)) and frame["geo_shape"][1] is None
    assert table.geometry_field.name == "geo_shape"


def test_windows_1252_comma_separated_file_is_sniffed_and_noted():
    table = read("cp1252_comma.csv")
    assert table.frame["nom"].tolist() == ["Vélo Gare", "Théâtre des Arts, quai"]
    assert table.field("capacite").type == "int" and table.frame["capacite"].tolist()[0] == 20
    assert pd.isna(table.frame["capacite"][1])
    assert any("cp1252" in note for note in table.notes)


def test_declared_fields_override_inference_and_keep_unparseable_values():
    specs = (FieldSpec(name="identifiant", type="int", label="Numéro", facet=True, role="id"),
             FieldSpec(name="Code postal", type="int"))  # matched on the header; "2B" is not an int
    table = read("ods_quirks.csv", fields=specs)
    assert table.field("identifiant").type == "int" and table.frame["identifiant"].tolist() == [1, 2]
    assert table.field("identifiant").label == "Numéro" and table.field("identifiant").role == "id"
    # nothing is lost: the declared type is dropped, the text is kept, and a note says why
    assert table.field("code_postal").type == "text" and table.frame["code_postal"].tolist() == ["75012", "2B"]
    assert any("Code postal" in n and "2B" not in n for n in table.notes)


def test_declared_delimiter_and_encoding_are_used(tmp_path):
    path = tmp_path / "pipe.csv"
    path.write_bytes("a|b\r\nélan|2\r\n".encode("latin-1"))
    table = read_table(dataset("pipe.csv", csv=CsvOptions(delimiter="|", encoding="latin-1")), path)
    assert table.frame["a"].tolist() == ["élan"] and table.frame["b"].tolist() == [2]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "fichier vide"), (b"\xef\xbb\xbf\r\n", "fichier vide"),
     (b"a;b\r\n1;2;3;4\r\n", "CSV illisible : bad.csv")],
)
def test_broken_csv_files_raise_a_read_error_naming_the_file(tmp_path, content, message):
    (tmp_path / "bad.csv").write_bytes(content)
    with pytest.raises(ReadError, match=message):
        read_table(dataset("bad.csv"), tmp_path / "bad.csv")


def test_header_only_csv_gives_an_empty_table(tmp_path):
    (tmp_path / "vide.csv").write_text("\ufeffa;b\r\n", encoding="utf-8")
    table = read_table(dataset("vide.csv"), tmp_path / "vide.csv")
    assert len(table) == 0 and [f.name for f in table.fields] == ["a", "b"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [('a;b;c', ";"), ("a,b,c", ","), ('"x;y",b,c', ","), ("a\tb", "\t"), ("seul", ",")],
)
def test_delimiter_sniffing(header, expected):
    assert sniff_delimiter(header + "\n1,2,3\n") == expected


@pytest.mark.parametrize(
    ("label", "name"),
    [("Date de début", "date_de_debut"), ("Maitre d'ouvrage", "maitre_d_ouvrage"), ("Surface (m2)", "surface_m2"),
     ("  Coût TTC (€) ", "cout_ttc"), ("geo_point_2d", "geo_point_2d")],
)
def test_slugify_gives_opendatasoft_like_names(label, name):
    assert slugify(label) == name


def test_field_names_are_unique_and_never_empty():
    assert field_names(["Nom", "nom", "€", "Nom"]) == ["nom", "nom_2", "champ_3", "nom_3"]


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        ("insee", ["76540", "76005"], "text"),  # a code by its name, even without leading zeros
        ("capacite", ["12", "0", "-3"], "int"),
        ("valeur", ["012", "13"], "text"),  # leading zeros: a code
        ("dept", ["76", "2B"], "text"),
        ("prix", ["1.5", "2", "1e3"], "double"),
        ("taux", ["1,5", "2,25"], "double"),
        ("jour", ["2024-01-31", None, ""], "date"),
        ("jour", ["31/01/2024"], "date"),
        ("horodatage", ["2024-01-31T10:00:00+01:00", "2024-02-01 08:30"], "datetime"),
        ("actif", ["Oui", "non"], "boolean"),
        ("coordonnees", ["48.85, 2.35", "48.9,2.4"], "geo_point_2d"),
        ("coordonnees", ["148.85, 2.35"], "text"),  # out of range: not a point
        ("vide", [None, ""], "text"),
        ("libelle", ["1", "un"], "text"),
    ],
)
def test_type_inference(name, values, expected):
    assert infer_text_type(name, pa.array(values, type=pa.string())) == expected


# ---------------------------------------------------------------- GeoJSON


def test_a_bare_feature_is_one_row():
    table = read("bare_feature.geojson", "geojson")
    assert len(table) == 1 and table.frame["nom"][0] == "Seine-Maritime"
    assert table.frame["code"][0] == "76"  # a JSON string stays text
    assert table.geometry_field.type == "geo_shape" and table.frame["geometry"][0].geom_type == "Polygon"


def test_null_geometries_are_kept_as_rows_without_geometry():
    table = read("bureaux_null_geometry.geojson", "geojson")
    frame = table.frame
    assert len(table) == 3
    assert frame["geometry"][1] is None and frame["geometry"][0].geom_type == "MultiPolygon"
    # properties take field names, as a CSV file's headers do, and keep their header as written
    assert frame["code_bv"].tolist() == ["04036_2", "04036_3", "04112_1"]
    assert frame["insee_com"].tolist()[0] == "04036"
    assert table.field("code_bv").label == "CODE_BV" and table.find("CODE_BV") == table.field("code_bv")
    assert table.field("inscrits").type == "int" and frame["inscrits"].sum() == 2655
    assert table.field("ouvert").type == "date" and frame["ouvert"][0] == pd.Timestamp("2022-04-10")
    assert frame["tags"][2] == '["a", "b"]'  # nested values are kept as JSON text
    assert table.field("geometry").label == "Géométrie"


@pytest.mark.parametrize("content", ['{"type": "Topology"}', "{pas du json", '[1, 2]'])
def test_invalid_geojson_raises_a_read_error(tmp_path, content):
    (tmp_path / "x.geojson").write_text(content)
    with pytest.raises(ReadError, match="x.geojson"):
        read_table(dataset("x.geojson", "geojson"), tmp_path / "x.geojson")


# ---------------------------------------------------------------- Parquet


def test_parquet_types_become_field_types(tmp_path):
    table = pa.table({
        "code_insee": pa.array(["76540", "76005"]),
        "effectif": pa.array([3, None], type=pa.int32()),
        "creation": pa.array([dt.date(1901, 7, 1), dt.date(2024, 2, 29)], type=pa.date32()),
        "geo_point_2d": pa.array(["49.44, 1.09", None]),
        "part": pa.array([0.5, 1.25]),
    })
    pq.write_table(table, tmp_path / "a.parquet")
    result = read_table(dataset("a.parquet", "parquet"), tmp_path / "a.parquet")
    types = {f.name: f.type for f in result.fields}
    assert types == {"code_insee": "text", "effectif": "int", "creation": "date", "geo_point_2d": "geo_point_2d",
                     "part": "double"}
    assert result.frame["code_insee"].tolist() == ["76540", "76005"]
    assert result.frame["creation"][0] == pd.Timestamp("1901-07-01")
    assert result.frame["geo_point_2d"][0].y == 49.44 and result.frame["geo_point_2d"][1] is None


def test_geoparquet_geometry_is_read(tmp_path):
    import geopandas as gpd

    gpd.GeoDataFrame({"nom": ["a"]}, geometry=[shapely.Point(1.0, 49.0)], crs="EPSG:4326").to_parquet(tmp_path / "g.parquet")
    result = read_table(dataset("g.parquet", "parquet"), tmp_path / "g.parquet")
    assert result.geometry_field.name == "geometry" and result.geometry_field.type == "geo_point_2d"


def test_probe_finds_missing_empty_and_fake_files(tmp_path):
    assert probe(dataset("absent.csv"), tmp_path / "absent.csv") == "fichier introuvable : absent.csv"
    (tmp_path / "vide.csv").write_bytes(b"")
    assert probe(dataset("vide.csv"), tmp_path / "vide.csv") == "fichier vide : vide.csv"
    (tmp_path / "faux.parquet").write_text("a,b\n")
    assert "n'est pas un fichier Parquet" in probe(dataset("faux.parquet", "parquet"), tmp_path / "faux.parquet")
    assert probe(dataset("ods_quirks.csv"), FIXTURES / "ods_quirks.csv") is None


def test_local_times_are_kept_and_zoned_times_converted_to_paris(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("quand;n\r\n2024-07-01 10:00;1\r\n2024-07-01T10:00:00+00:00;2\r\n2024-12-01T10:00:00Z;3\r\n",
                    encoding="utf-8")
    frame = read_table(dataset("t.csv"), path).frame
    assert frame["quand"].tolist() == [pd.Timestamp("2024-07-01 10:00"), pd.Timestamp("2024-07-01 12:00"),
                                       pd.Timestamp("2024-12-01 11:00")]


def test_a_semicolon_file_with_commas_in_a_label(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("Identifiant;Types acceptés (vélo, trottinette, scooter)\r\n01;oui\r\n02;non\r\n", encoding="utf-8")
    table = read_table(dataset("s.csv"), path)
    assert [f.name for f in table.fields] == ["identifiant", "types_acceptes_velo_trottinette_scooter"]
    assert table.frame["identifiant"].tolist() == ["01", "02"]


def test_blank_lines_before_the_header_are_skipped(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("\r\n\r\na;b\r\n01;x\r\n", encoding="utf-8")
    table = read_table(dataset("b.csv"), path)
    assert [f.name for f in table.fields] == ["a", "b"] and table.frame["a"].tolist() == ["01"]


def test_windows_1252_beyond_the_sniffed_sample_is_still_read(tmp_path):
    path = tmp_path / "w.csv"
    rows = "".join(f"ligne {i};Rouen\r\n" for i in range(5000))
    path.write_bytes(("nom;commune\r\n" + rows).encode("ascii") + "fin;Déville\r\n".encode("cp1252"))
    table = read_table(dataset("w.csv"), path)
    assert len(table) == 5001 and table.frame["commune"].iloc[-1] == "Déville"
    assert any("cp1252" in note for note in table.notes)


def test_a_declared_type_that_does_not_fit_a_typed_column_is_ignored_with_a_note(tmp_path):
    path = tmp_path / "d.geojson"
    path.write_text('{"type": "Feature", "properties": {"taux": 1.5}, "geometry": null}', encoding="utf-8")
    table = read_table(dataset("d.geojson", "geojson", fields=(FieldSpec(name="taux", type="int"),)), path)
    assert table.field("taux").type == "double" and table.frame["taux"][0] == 1.5
    assert any("taux" in note and "ignoré" in note for note in table.notes)
