"""The demo snapshot draws the 71 communes with the real outlines it ships, and every demo point stands inside its
own commune's real outline."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import shapely
from shapely.affinity import translate
from shapely.geometry import LineString, Point, mapping, shape

import data_access.demo as demo
from config import DEMO_DATA_DIR
from data_access.demo import OUTLINES_FILE, ensure_snapshot, generator_stamp
from data_access.demo.common import de_commune, round_coords
from data_access.demo.communes import build_territory, to_lonlat, to_xy
from data_access.demo.facts import communes
from data_access.demo.network import MERGE_RADIUS_M, QUAY_OFFSET_M, STOP_INSET_M, build_network, stop_lonlat
from tests.helpers.demo import (TOLERANCE_DEG, outside_own_commune, read_ods_csv, real_outlines, shipped_features,
                                split_points)


@pytest.fixture(scope="module")
def outlines() -> dict[str, shapely.Geometry]:
    return real_outlines()


@pytest.fixture(scope="module")
def snapshot() -> Path:
    ensure_snapshot(DEMO_DATA_DIR)  # the snapshot every demo test reads, generated once per generator stamp
    return DEMO_DATA_DIR


# ---------------------------------------------------------------- the communes dataset


def test_communes_dataset_holds_the_shipped_outlines(snapshot):
    written = json.loads((snapshot / "communes.geojson").read_text(encoding="utf-8"))["features"]
    shipped = {f["properties"]["code"]: f["geometry"] for f in shipped_features()}
    assert len(written) == 71 == len(shipped)
    assert {f["properties"]["insee"] for f in written} == set(shipped) == {c.insee for c in communes()}
    for feature in written:
        source = shipped[feature["properties"]["insee"]]
        assert feature["geometry"]["type"] == source["type"] == "Polygon"
        assert feature["geometry"]["coordinates"] == round_coords(source["coordinates"], 6), feature["properties"]
    assert all("contour_approximatif" not in f["properties"] for f in written)


def test_shipped_outlines_are_the_realdata_extract_byte_for_byte(realdata):
    extract = realdata / "geo_seine_maritime" / OUTLINES_FILE.name
    assert OUTLINES_FILE.read_bytes() == extract.read_bytes()


def test_communes_entry_credits_the_real_outlines(snapshot):
    from data_access.catalogue.model import load_catalogue

    dataset = load_catalogue(snapshot).get("communes")
    assert dataset.license == "Licence Ouverte v2.0"
    assert dataset.publisher == "IGN (Admin Express) et INSEE"
    assert "IGN Admin Express 2018" in dataset.description and "france-geojson" in dataset.description
    assert "approximati" not in dataset.description
    assert dataset.field_spec("contour_approximatif") is None


def test_generator_stamp_follows_the_outlines_file(tmp_path, monkeypatch):
    copy = tmp_path / OUTLINES_FILE.name
    copy.write_bytes(OUTLINES_FILE.read_bytes())
    monkeypatch.setattr(demo, "OUTLINES_FILE", copy)
    before = generator_stamp(1)
    copy.write_bytes(OUTLINES_FILE.read_bytes().replace(b"0.85788", b"0.85789", 1))
    assert generator_stamp(1) != before


# ---------------------------------------------------------------- the territory


def test_territory_fails_loudly_when_a_commune_has_no_outline(tmp_path):
    collection = json.loads(OUTLINES_FILE.read_text(encoding="utf-8"))
    collection["features"] = [f for f in collection["features"] if f["properties"]["code"] != "76540"]
    partial = tmp_path / "partial.geojson"
    partial.write_text(json.dumps(collection), encoding="utf-8")
    with pytest.raises(ValueError, match=r"no outline for 76540 \(Rouen\)"):
        build_territory(partial)


def test_a_commune_point_outside_its_outline_is_replaced_by_one_inside(tmp_path):
    collection = json.loads(OUTLINES_FILE.read_text(encoding="utf-8"))
    rouen = next(f for f in collection["features"] if f["properties"]["code"] == "76540")
    moved = translate(shape(rouen["geometry"]), xoff=0.3)  # 22 km east: the facts point is left outside
    rouen["geometry"] = mapping(moved)
    shifted = tmp_path / "shifted.geojson"
    shifted.write_text(json.dumps(collection), encoding="utf-8")
    territory = build_territory(shifted)
    i = territory.index("76540")
    lon, lat = to_lonlat(territory.x[i], territory.y[i])
    assert moved.contains(Point(float(lon), float(lat)))
    facts = {c.insee: c for c in communes()}
    j = territory.index("76005")  # a commune whose facts point is inside its outline keeps it
    lon, lat = to_lonlat(territory.x[j], territory.y[j])
    assert (round(float(lon), 9), round(float(lat), 9)) == (facts["76005"].lon, facts["76005"].lat)


def test_nearest_commune_is_the_one_whose_outline_holds_the_point(outlines):
    territory = build_territory()
    codes = [c.insee for c in territory.communes]
    # The outline's representative point: inside it, however the commune is shaped.
    inner = [outlines[code].representative_point() for code in codes]
    x, y = to_xy([p.x for p in inner], [p.y for p in inner])
    assert [codes[i] for i in territory.nearest_commune(x, y)] == codes
    # Outside the Métropole (north of Malaunay, west of Jumièges): the commune with the nearest outline.
    metres = {code: shapely.transform(o, lambda c: np.column_stack(to_xy(c[:, 0], c[:, 1])))
              for code, o in outlines.items()}
    for lon, lat in ((1.06, 49.60), (0.70, 49.43)):
        x, y = to_xy(lon, lat)
        assert not any(o.intersects(Point(x, y)) for o in metres.values())
        nearest = min(codes, key=lambda code: metres[code].distance(Point(x, y)))
        assert codes[int(territory.nearest_commune(x, y)[0])] == nearest


# ---------------------------------------------------------------- every point in its own commune


def test_every_chantier_is_inside_its_commune(snapshot, outlines):
    frame = read_ods_csv(snapshot / "chantiers.csv")
    lons, lats = split_points(frame["geo_point_2d"])
    assert len(frame) == 600
    assert outside_own_commune(outlines, frame["code_insee"], lons, lats) == []
    points = frame[frame["geo_shape"].str.contains('"Point"')]
    assert len(points) > 100  # a point-shaped site stands on its position
    assert all(json.loads(s)["coordinates"] == [lon, lat] for s, lon, lat in
               zip(points["geo_shape"], *split_points(points["geo_point_2d"])))


def test_every_lovelo_station_is_inside_its_commune(snapshot, outlines):
    frame = read_ods_csv(snapshot / "stations-lovelo.csv")
    lons, lats = split_points(frame["geo_point_2d"])
    assert len(frame) == 40
    assert outside_own_commune(outlines, frame["code_insee"], lons, lats) == []


def test_every_parking_is_inside_its_commune(snapshot, outlines):
    import pyproj

    doc = json.loads((snapshot / "parkings.geojson").read_text(encoding="utf-8"))
    features = doc["features"]
    # written in Lambert CC49 with its crs member, and the codes as integers, as the Métropole's own files
    assert doc["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::3949"
    codes = [f"{f['properties']['code_insee']:05d}" for f in features]
    to_degrees = pyproj.Transformer.from_crs("EPSG:3949", "EPSG:4326", always_xy=True)
    lons, lats = to_degrees.transform([f["geometry"]["coordinates"][0] for f in features],
                                      [f["geometry"]["coordinates"][1] for f in features])
    assert len(features) == 45
    assert outside_own_commune(outlines, codes, lons, lats) == []
    named = {c.nom: c.insee for c in communes()}
    for f in features:  # "Parking de la Gare (Elbeuf)" is in Elbeuf, and recorded as such
        found = re.search(r"\(([^)]+)\)$", f["properties"]["nom"])
        if found:
            assert named[found.group(1)] == f"{f['properties']['code_insee']:05d}", f["properties"]


def test_every_association_is_inside_its_commune(snapshot, outlines):
    frame = pq.read_table(snapshot / "associations.parquet", columns=["code_insee", "geo_point_2d"]).to_pandas()
    lons, lats = split_points(frame["geo_point_2d"])
    assert len(frame) == 6000
    assert outside_own_commune(outlines, frame["code_insee"], lons, lats) == []


def test_polling_stations_divide_their_commune(snapshot, outlines):
    features = json.loads((snapshot / "bureaux-de-vote.geojson").read_text(encoding="utf-8"))["features"]
    by_commune: dict[str, list] = {}
    for f in features:
        by_commune.setdefault(f["properties"]["code_insee"], []).append(shape(f["geometry"]))
    assert set(by_commune) == set(outlines) and len(features) == 337
    for code, bureaux in by_commune.items():
        outline = outlines[code]
        around = outline.buffer(TOLERANCE_DEG)
        assert all(b.geom_type == "Polygon" and around.covers(b) for b in bureaux), code
        # They cover the commune without overlapping: their areas add up to the commune's, rounding aside.
        assert sum(b.area for b in bureaux) == pytest.approx(outline.area, rel=1e-3), code
        assert shapely.union_all(bureaux).area == pytest.approx(outline.area, rel=1e-3), code


def test_every_gtfs_stop_is_in_the_metropole_and_named_stops_in_their_commune(snapshot, outlines):
    with zipfile.ZipFile(snapshot / "reseau-astuce-gtfs.zip") as feed:
        stops = pd.read_csv(feed.open("stops.txt"), dtype={"stop_id": str})
    metropole = shapely.union_all(list(outlines.values())).buffer(TOLERANCE_DEG)
    points = shapely.points(stops["stop_lon"], stops["stop_lat"])
    assert len(stops) > 2000 and metropole.covers(points).all()
    # A stop named after a commune ("Mairie de Bihorel", "Église du Trait", "Tourville-la-Rivière") is in it.
    suffixes = sorted(((" " + de_commune(c.nom), c.insee) for c in communes()), key=lambda s: -len(s[0]))
    names = {c.nom: c.insee for c in communes()}
    attributed = []
    for name, lon, lat in zip(stops["stop_name"], stops["stop_lon"], stops["stop_lat"]):
        code = names.get(name) or next((c for suffix, c in suffixes if name.endswith(suffix)), None)
        if code:
            attributed.append((code, lon, lat))
    assert len(attributed) > 300
    assert outside_own_commune(outlines, *zip(*attributed)) == []


def test_network_stops_and_their_quays_stand_in_the_commune_they_are_attributed_to(outlines):
    territory = build_territory()
    lines, stops = build_network(territory)
    codes = [territory.communes[s.commune].insee for s in stops]
    for side in (0.0, QUAY_OFFSET_M, -QUAY_OFFSET_M):  # the stop, then its quay on either side of the line
        lat, lon = stop_lonlat(stops, side)
        assert outside_own_commune(outlines, codes, lon.tolist(), lat.tolist()) == [], side
    # ... and still on their line where it cuts across a neighbouring territory: at most a merge away from it.
    for line in lines:
        for pattern in line.patterns:
            path = LineString(pattern.path)
            far = [stops[j].name for j in pattern.stops
                   if path.distance(Point(stops[j].x, stops[j].y)) > MERGE_RADIUS_M + STOP_INSET_M]
            assert far == [], line.short_name
