"""The edges of cutting a national file down: arcs shared and reversed in a TopoJSON of several objects, codes
written as numbers or with spaces, dates and times left as written, a single shape that stretches out of its
commune, nothing of the Métropole in the file, empty and malformed CSV files."""
from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
import shapely
from shapely.geometry import box, shape

from data_access.reduction import Kept, ReduceError, reduce_download
from tests.helpers.national_shapes import DEVILLE, metropole_outlines
from tests.helpers.reduction import CODES, KEPT, dataset

# arc 0 is the outside square's, so the kept arcs are renumbered; arc 1, the edge both squares share, is walked
# backwards by the right-hand square (~1 = -2)
ARCS = [[[1.5, 48.0], [1.6, 48.0], [1.6, 48.1], [1.5, 48.1], [1.5, 48.0]],
        [[1.0, 49.0], [1.0, 49.1]],
        [[1.0, 49.1], [0.9, 49.1], [0.9, 49.0], [1.0, 49.0]],
        [[1.0, 49.0], [1.1, 49.0], [1.1, 49.1], [1.0, 49.1]]]
TOPOLOGY = {"type": "Topology", "arcs": ARCS, "objects": {
    "a": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[1, 2]], "properties": {"code": 76540, "id": "A-1", "n": 1}},
        {"type": "Polygon", "arcs": [[0]], "properties": {"code": "27229", "id": "X-1", "n": 2}}]},
    "b": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[~1, 3]], "properties": {"code": " 76231", "id": "B-1", "n": None}}]}}}


def features(path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def test_a_topojson_s_objects_shared_arcs_and_codes(tmp_path):
    (tmp_path / "raw").write_text(json.dumps(TOPOLOGY), encoding="utf-8")
    out = tmp_path / "out.geojson"
    result = reduce_download(tmp_path / "raw", dataset("geojson", "code", "topojson"), KEPT, out)
    assert (result.rows_in, result.rows_kept, result.codes) == (3, 2, {"76540", "76231"})
    found = {f["properties"]["code"]: f for f in features(out)}
    assert set(found) == {"76540", "76231"}  # a number and a code with a space, written as the codes are
    assert shape(found["76540"]["geometry"]).equals(box(0.9, 49.0, 1.0, 49.1))
    assert shape(found["76231"]["geometry"]).equals(box(1.0, 49.0, 1.1, 49.1))  # the shared edge, reversed
    assert [found[c]["properties"]["id"] for c in ("76540", "76231")] == ["A-1", "B-1"]  # a real « id » kept
    assert found["76540"]["properties"]["n"] == 1 and found["76231"]["properties"]["n"] is None  # 1, not 1.0
    assert not [p.name for p in tmp_path.iterdir() if "topojson" in p.name]  # the small TopoJSON is gone


def test_a_topojson_without_the_metropole_gives_an_empty_file(tmp_path):
    outside = {**TOPOLOGY, "objects": {"a": {"type": "GeometryCollection",
                                             "geometries": TOPOLOGY["objects"]["a"]["geometries"][1:]}}}
    (tmp_path / "raw").write_text(json.dumps(outside), encoding="utf-8")
    result = reduce_download(tmp_path / "raw", dataset("geojson", "code", "topojson"), KEPT, tmp_path / "o.geojson")
    assert (result.rows_in, result.rows_kept, result.codes) == (1, 0, set())
    assert features(tmp_path / "o.geojson") == []  # the sync's checks then say « export vide »


def test_a_geojson_s_dates_times_and_numeric_codes_are_kept_as_written(tmp_path):
    points = [({"code": 76540, "heure": "09:00", "quand": "2024/01/02 10:00", "jour": "2024-01-02"}, (1.09, 49.44)),
              ({"code": 27229, "heure": "10:00", "quand": "2024/01/03 10:00", "jour": "2024-01-03"}, (1.15, 49.02))]
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": xy}}
        for props, xy in points]}
    (tmp_path / "raw").write_text(json.dumps(collection), encoding="utf-8")
    result = reduce_download(tmp_path / "raw", dataset("geojson", "code"), KEPT, tmp_path / "out.geojson")
    assert (result.rows_in, result.rows_kept) == (2, 1)
    [kept] = features(tmp_path / "out.geojson")
    assert kept["properties"] == {"code": "76540", "heure": "09:00", "quand": "2024/01/02 10:00",
                                  "jour": "2024-01-02"}


def test_a_single_shape_that_stretches_out_is_cut_to_its_commune(tmp_path):
    """Dieppe joined to a Déville station as one outline rather than a separate part: cut all the same."""
    outlines = metropole_outlines()
    deville = outlines[DEVILLE]
    stretched = shapely.union(deville, box(deville.centroid.x - 0.005, deville.centroid.y, deville.centroid.x + 0.005,
                                           49.95))
    assert stretched.geom_type == "Polygon"
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": DEVILLE}, "geometry": json.loads(shapely.to_geojson(stretched))},
        {"type": "Feature", "properties": {"code": "76540"},
         "geometry": json.loads(shapely.to_geojson(outlines["76540"]))}]}
    (tmp_path / "raw").write_text(json.dumps(collection), encoding="utf-8")
    result = reduce_download(tmp_path / "raw", dataset("geojson", "code"), Kept(CODES, outlines),
                             tmp_path / "out.geojson")
    assert result.clipped == 1  # Rouen's own outline is left as drawn
    cut = {f["properties"]["code"]: shape(f["geometry"]) for f in features(tmp_path / "out.geojson")}
    assert cut[DEVILLE].bounds[3] < deville.bounds[3] + 0.003  # nothing left up to Dieppe
    assert cut[DEVILLE].geom_type in ("Polygon", "MultiPolygon") and cut[DEVILLE].area >= deville.area * 0.99
    assert cut["76540"].equals(outlines["76540"])


def csv_zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_empty_and_malformed_csv_files(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out.csv"
    raw.write_bytes(b"")
    with pytest.raises(ReduceError, match="^le fichier reçu est vide$"):
        reduce_download(raw, dataset("csv", "code"), KEPT, out)
    # an empty CSV among the zip's is passed over
    raw.write_bytes(csv_zip({"dpt_27.csv": "", "dpt_76.csv": "code;nom\n76540;Rouen\n27229;Évreux\n"}))
    assert reduce_download(raw, dataset("csv", "code"), KEPT, out).rows_kept == 1
    # a row with a cell too many is left out and counted, the rest of the file is kept
    raw.write_text("code;nom\n76540;Rouen\n76231;Elbeuf;de trop\n76095;Bihorel\n", encoding="utf-8")
    result = reduce_download(raw, dataset("csv", "code"), KEPT, out)
    assert (result.rows_kept, result.skipped) == (2, 1)
    assert list(csv.reader(io.StringIO(out.read_text(encoding="utf-8")), delimiter=";"))[1:] == [
        ["76540", "Rouen"], ["76095", "Bihorel"]]
