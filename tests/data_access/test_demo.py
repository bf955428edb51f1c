"""The demo snapshot generator: deterministic bytes, a valid catalogue, volumes, consistency, safe regeneration."""
from __future__ import annotations

import csv
import io
import json
import multiprocessing
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import shapely
from shapely.geometry import shape

from data_access.catalogue.model import load_catalogue
from data_access.demo import STAMP_FILE, ensure_snapshot, generator_stamp, snapshot_is_current
from data_access.demo.common import DEMO_NOTICE, SNAPSHOT_DATE
from data_access.demo.facts import communes
from data_access.demo.generate import generate_snapshot
from tests.helpers.demo import read_ods_csv

DATASET_IDS = {"adresses", "services-archives", "communes", "chantiers", "pathologies", "offre-de-soins", "reseau-astuce-gtfs", "stations-lovelo",
               "parkings", "associations", "bureaux-de-vote", "archives"}


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("demo") / "snapshot"
    return out, generate_snapshot(out, scale=1)


def test_same_scale_gives_byte_identical_files(snapshot, tmp_path):
    first, _ = snapshot
    second = tmp_path / "again"
    generate_snapshot(second, scale=1)
    names = sorted(str(p.relative_to(first)) for p in first.rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(second)) for p in second.rglob("*") if p.is_file())
    assert len(names) == 16  # twelve datasets, the catalogue and three stories
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_catalogue_lists_every_dataset_as_demo_data(snapshot):
    out, counts = snapshot
    catalogue = load_catalogue(out)
    assert {d.id for d in catalogue.datasets} == DATASET_IDS == set(counts)
    assert catalogue.portal.demo is True
    assert catalogue.portal.title == "Open data — Métropole Rouen Normandie"
    for dataset in catalogue.datasets:
        assert dataset.demo is True
        assert dataset.description.startswith(DEMO_NOTICE)
        assert dataset.license == "Licence Ouverte v2.0"
        assert dataset.modified is not None and dataset.modified <= SNAPSHOT_DATE
        assert catalogue.file_path(dataset).is_file(), dataset.path
    chantiers = catalogue.get("chantiers")
    assert chantiers.dashboard == "travaux"
    assert chantiers.role_field("planned_end_date") == "date_fin_prevue"
    assert chantiers.field_spec("statut").facet is True
    assert catalogue.get("pathologies").role_field("prevalence") == "prev"
    assert catalogue.get("pathologies").field_spec("dept").type == "text"
    assert catalogue.get("reseau-astuce-gtfs").format == "gtfs"


def test_volumes_at_scale_one(snapshot):
    out, counts = snapshot
    with zipfile.ZipFile(out / "reseau-astuce-gtfs.zip") as feed:
        stops = pd.read_csv(feed.open("stops.txt"), dtype=str)
        stop_times = sum(1 for _ in io.TextIOWrapper(feed.open("stop_times.txt"), encoding="utf-8")) - 1
    assert len(stops) >= 2_000
    assert stop_times >= 300_000 and counts["reseau-astuce-gtfs"] == stop_times
    assert 400 <= len(read_ods_csv(out / "chantiers.csv")) == counts["chantiers"] <= 1_000
    assert pq.read_metadata(out / "associations.parquet").num_rows == counts["associations"] >= 5_000
    assert 250 <= counts["bureaux-de-vote"] <= 350
    assert counts["archives"] >= 1_000 and counts["pathologies"] >= 50_000


def test_ods_csv_conventions(snapshot):
    out, _ = snapshot
    raw = (out / "chantiers.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid;titre;description;code_insee;")
    assert b"\r\n" in raw
    frame = read_ods_csv(out / "chantiers.csv")
    multiline = frame[frame["description"].str.contains("\n")]
    assert len(multiline) > 0 and multiline["description"].str.contains(";").all()
    lat, lon = frame["geo_point_2d"].iloc[0].split(", ")
    assert 49.2 < float(lat) < 49.6 and 0.7 < float(lon) < 1.3
    shapes = frame["geo_shape"].map(lambda s: json.loads(s)["type"])
    assert set(shapes) == {"Point", "LineString"}
    archives = (out / "archives.csv").read_bytes()
    assert archives.startswith(b"cote,intitule,") and b"\r\n" not in archives


def test_communes_cover_the_71_insee_codes_without_overlap(snapshot):
    out, _ = snapshot
    collection = json.loads((out / "communes.geojson").read_text(encoding="utf-8"))
    props = [f["properties"] for f in collection["features"]]
    assert {p["insee"] for p in props} == {c.insee for c in communes()}
    assert len(props) == 71
    rouen = next(p for p in props if p["insee"] == "76540")
    assert rouen["population"] == 116331 and "contour_approximatif" not in rouen
    outlines = [shape(f["geometry"]) for f in collection["features"]]
    assert all(o.is_valid and o.geom_type == "Polygon" for o in outlines)
    union = shapely.union_all(outlines).area
    assert sum(o.area for o in outlines) == pytest.approx(union, rel=1e-6)
    for c, outline in zip(communes(), outlines):
        assert outline.contains(shapely.Point(c.lon, c.lat)), c.nom


def test_chantiers_status_is_consistent_with_the_snapshot_date(snapshot):
    out, _ = snapshot
    frame = read_ods_csv(out / "chantiers.csv")
    today = pd.Timestamp(SNAPSHOT_DATE)
    start = pd.to_datetime(frame["date_debut"])
    assert (start <= pd.to_datetime(frame["date_fin_prevue"])).all()
    planned = frame["statut"] == "programmé"
    assert (start[planned] > today).all() and (frame.loc[planned, "avancement"] == 0).all()
    done = frame["statut"] == "terminé"
    assert (frame.loc[done, "avancement"] == 100).all()
    assert frame["date_fin_reelle"].notna().equals(done)
    assert (pd.to_datetime(frame.loc[done, "date_fin_reelle"]) <= today).all()
    assert frame["commune"].value_counts().index[0] == "Rouen"
    assert (frame["budget_engage"] > frame["budget_prevu"]).any()
    assert frame["id"].is_unique and frame["id"].str.match(r"^CH-20\d\d-\d{4}$").all()


def test_pathologies_aggregates_add_up(snapshot):
    out, _ = snapshot
    frame = read_ods_csv(out / "pathologies.csv")
    assert list(frame.columns) == ["annee", "patho_niv1", "patho_niv2", "patho_niv3", "top", "cla_age_5", "sexe",
                                   "region", "dept", "ntop", "npop", "prev", "libelle_classe_age", "libelle_sexe"]
    assert set(frame["dept"]) == {"76", "999"} and set(frame["sexe"]) == {"1", "2", "9"}
    keys = ["annee", "top", "region", "dept", "cla_age_5"]
    by_sex = frame.pivot_table(index=keys, columns="sexe", values=["ntop", "npop"], aggfunc="first")
    full = by_sex["ntop"].dropna()
    assert len(full) > 10_000
    assert (full["1"] + full["2"] == full["9"]).all()
    assert (by_sex["npop"]["1"] + by_sex["npop"]["2"] == by_sex["npop"]["9"]).all()
    diabetes = frame[(frame["top"] == "DIA_CAT_CAT") & (frame["region"] == "99")]
    by_age = diabetes[diabetes["cla_age_5"] != "tsage"].groupby(["annee", "sexe"])[["ntop", "npop"]].sum()
    total = diabetes[diabetes["cla_age_5"] == "tsage"].set_index(["annee", "sexe"])[["ntop", "npop"]]
    pd.testing.assert_frame_equal(by_age.sort_index(), total.sort_index(), check_dtype=False)
    national = total.xs("9", level="sexe")
    assert ((national["ntop"] / national["npop"]).between(0.045, 0.065)).all()
    cell = frame.dropna(subset=["ntop"]).iloc[123]
    assert cell["prev"] == round(100 * cell["ntop"] / cell["npop"], 3)
    assert frame["ntop"].isna().any()  # statistical secrecy
    assert (frame.loc[frame["ntop"].isna(), "prev"].isna()).all()


def test_gtfs_feed_is_well_formed(snapshot):
    out, _ = snapshot
    with zipfile.ZipFile(out / "reseau-astuce-gtfs.zip") as feed:
        names = feed.namelist()
        assert names == sorted(names)
        assert all(info.date_time == (2026, 11, 15, 0, 0, 0) for info in feed.infolist())
        routes = pd.read_csv(feed.open("routes.txt"), dtype=str)
        stops = pd.read_csv(feed.open("stops.txt"), dtype=str)
        trips = pd.read_csv(feed.open("trips.txt"), dtype=str)
        dates = pd.read_csv(feed.open("calendar_dates.txt"), dtype=str)
        head = list(csv.reader(io.TextIOWrapper(feed.open("stop_times.txt"), encoding="utf-8")))[:200]
        stop_times = pd.read_csv(feed.open("stop_times.txt"), dtype=str, usecols=["trip_id", "arrival_time"])
    metro = routes.set_index("route_short_name").loc["Métro"]
    assert metro["route_type"] == "1" and metro["route_color"] == "123E8B"
    assert set(routes["route_type"]) == {"0", "1", "3", "715"}
    assert stops["stop_id"].str.startswith("0").any() and stops["stop_id"].is_unique
    quays = stops[stops["location_type"] == "0"]
    assert set(quays["parent_station"].dropna()) <= set(stops.loc[stops["location_type"] == "1", "stop_id"])
    assert set(trips["route_id"]) == set(routes["route_id"])
    assert (stop_times["arrival_time"] > "24:").any()
    assert ("SEM", "20261111", "2") in set(map(tuple, dates.values))
    sequences = [int(row[4]) for row in head[1:] if row[0] == head[1][0]]
    assert sequences == list(range(1, len(sequences) + 1))


def test_parquet_and_geojson_types(snapshot):
    out, _ = snapshot
    table = pq.read_table(out / "associations.parquet")
    assert str(table.schema.field("date_creation").type) == "date32[day]"
    assert table.column("id_rna")[0].as_py().startswith("W761")
    parkings = json.loads((out / "parkings.geojson").read_text(encoding="utf-8"))["features"]
    assert any(f["properties"]["parc_relais"] is True for f in parkings)
    assert all(isinstance(f["properties"]["capacite"], int) for f in parkings)
    bureaux = json.loads((out / "bureaux-de-vote.geojson").read_text(encoding="utf-8"))["features"]
    assert {f["properties"]["code_insee"] for f in bureaux} == {c.insee for c in communes()}
    assert all(f["geometry"]["type"] == "Polygon" for f in bureaux)


def test_ensure_snapshot_generates_once(tmp_path):
    target = tmp_path / "data" / "demo"
    assert ensure_snapshot(target) is True
    assert snapshot_is_current(target)
    assert (target / STAMP_FILE).read_text().strip() == generator_stamp(1)
    assert ensure_snapshot(target) is False
    assert sorted(p.name for p in target.parent.iterdir()) == [".demo.lock", "demo"]  # no leftovers
    # the contributions written into the demo's folder (the default DATABASE_URL) outlive a new snapshot
    from features.contributions import store

    url = store.default_url(target)
    store.submit(store.open_database(url), "jeu", description="gardée")
    (target / STAMP_FILE).write_text("stale\n")
    assert ensure_snapshot(target) is True
    assert (target / "catalogue.toml").is_file()
    store._migrated.discard(url)  # as a new process would open it
    assert [row["description"] for row in store.export_rows(store.open_database(url))] == ["gardée"]


def test_scale_two_doubles_the_main_volumes(snapshot, tmp_path):
    _, counts = snapshot
    doubled = generate_snapshot(tmp_path / "x2", scale=2)
    assert doubled["chantiers"] == 2 * counts["chantiers"]
    assert doubled["associations"] == 2 * counts["associations"]
    assert doubled["reseau-astuce-gtfs"] == pytest.approx(2 * counts["reseau-astuce-gtfs"], rel=0.05)
    assert doubled["pathologies"] == counts["pathologies"]


def test_workers_starting_together_generate_once(tmp_path):
    target = tmp_path / "demo"
    with ProcessPoolExecutor(max_workers=3, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(ensure_snapshot, [target] * 3))
    assert sorted(results) == [False, False, True]
    assert snapshot_is_current(target)


def test_the_command_line_leaves_every_dataset_ready_for_the_engine(tmp_path, capsys):
    from data_access.demo.__main__ import main
    from data_access.repository import Repository, served_version

    target = tmp_path / "demo"
    assert main(["--out", str(target)]) == 0
    out = capsys.readouterr().out
    repository = Repository.from_data_dir(target)
    for dataset in repository.catalogue.datasets:
        version = served_version(dataset, repository.version(dataset.id))
        assert repository.served_store.find(dataset.id, version) is not None, dataset.id
        assert f"{dataset.id} : prêt pour le moteur (" in out
