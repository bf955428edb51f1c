"""The GTFS reader: hand-written feed (folder, zip, zip with a sub-folder), broken feeds, and the real public feeds."""
from __future__ import annotations

import random
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data_access.catalogue.model import Dataset, FieldSpec
from data_access.readers.base import ReadError
from data_access.readers.gtfs import REQUIRED_FILES, GtfsFeed, probe_gtfs, read_gtfs, read_gtfs_file, read_gtfs_table
from features.transports.modes import MODE_LABELS, route_mode
from tests.helpers.paths import FIXTURES

MINI = FIXTURES / "gtfs_mini"


def _zip(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        if prefix:
            archive.writestr(prefix, "")  # the folder entry, as zip tools write it
        for file in sorted(folder.iterdir()):
            archive.write(file, prefix + file.name)
    return target


def _copy(tmp_path: Path, name: str = "feed") -> Path:
    return Path(shutil.copytree(MINI, tmp_path / name))


@pytest.fixture(params=["folder", "zip", "zip_subfolder"])
def mini_path(request, tmp_path) -> Path:
    if request.param == "folder":
        return MINI
    if request.param == "zip":
        return _zip(MINI, tmp_path / "gtfs_mini.zip")
    return _zip(MINI, tmp_path / "gtfs_mini_sub.zip", prefix="gtfs_mini/")


@pytest.fixture(scope="module")
def mini() -> GtfsFeed:
    return read_gtfs(MINI)


# ---------------------------------------------------------------- the hand-written feed


def test_fixture_has_the_quirks_it_claims():
    assert (MINI / "stops.txt").read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in (MINI / "stop_times.txt").read_bytes()
    assert b"\r\n" not in (MINI / "routes.txt").read_bytes()
    assert (MINI / "frequencies.txt").stat().st_size == 0


def test_every_layout_reads_the_same(mini_path):
    assert probe_gtfs(mini_path) is None
    feed = read_gtfs(mini_path)
    assert set(feed.tables) == {
        "agency", "stops", "routes", "trips", "stop_times", "calendar", "calendar_dates", "feed_info",
        "frequencies", "stop_extensions",
    }
    stops = feed.table("stops")
    assert stops["stop_id"].tolist() == ["THARTS", "01", "02", "0100"]
    assert feed.table("stop_times.txt")["arrival_s"].tolist()[:1] == [25200]
    assert feed.has("calendar_dates") and not feed.has("shapes") and feed.table("shapes") is None


def test_ids_stay_text(mini):
    stops, routes, trips = mini.table("stops"), mini.table("routes"), mini.table("trips")
    assert stops["stop_id"].dtype == "str"
    assert stops.loc[1, "stop_id"] == "01"
    assert stops.loc[1, "stop_code"] == "0001"
    assert stops.loc[3, "stop_id"] == "0100"
    assert routes["route_id"].tolist() == ["01", "02", "M", "TAD1"]
    assert mini.table("agency").loc[0, "agency_id"] == "01"
    assert trips["trip_id"].tolist() == ["01", "02", "N1", "TAD-1"]
    assert mini.table("stop_times")["stop_id"].tolist()[:3] == ["01", "02", "0100"]


def test_bom_and_crlf_leave_no_trace(mini):
    assert list(mini.table("stops").columns)[0] == "stop_id"
    assert list(mini.table("agency").columns)[0] == "agency_id"
    assert mini.table("agency").loc[0, "agency_phone"] == "02 35 52 52 52"  # no trailing "\r"
    assert mini.table("calendar_dates")["exception_type"].tolist() == [2, 1]


def test_quoted_values_and_empty_cells(mini):
    stops = mini.table("stops")
    assert stops.loc[1, "stop_name"] == 'Théâtre des Arts, quai "bas"'
    assert pd.isna(stops.loc[0, "stop_code"])  # empty -> missing
    assert stops.loc[2, "stop_extra"] == "NA"  # "NA" is a value, not a missing one
    assert mini.table("feed_info").loc[0, "feed_version"] == "2025.09"


def test_coordinates_are_floats(mini):
    stops = mini.table("stops")
    assert stops["stop_lat"].dtype == "float64" and stops["stop_lon"].dtype == "float64"
    assert stops.loc[1, "stop_lat"] == 49.4397512
    assert stops.loc[1, "stop_lon"] == 1.0907255
    assert np.isnan(stops.loc[3, "stop_lat"])
    assert str(stops["location_type"].dtype) == "Int64"
    assert stops["wheelchair_boarding"].tolist()[:2] == [1, 1]
    assert pd.isna(stops.loc[2, "wheelchair_boarding"])


def test_times_stay_text_and_gain_seconds(mini):
    times = mini.table("stop_times")
    assert str(times["arrival_s"].dtype) == "Int64" and str(times["departure_s"].dtype) == "Int64"
    assert times["arrival_time"].dtype == "category" and times["trip_id"].dtype == "category"  # memory
    by_text = dict(zip(times["arrival_time"].astype(object).fillna("").tolist(), times["arrival_s"].tolist()))
    assert by_text["24:35:00"] == 88500
    assert by_text["25:10:00"] == 90600
    assert by_text[" 7:05:00"] == 25500  # one-digit hour, a blank in front
    assert by_text["100:00:00"] == 360000
    assert times.loc[2, "departure_s"] == 25530  # "7:05:30", quoted
    assert pd.isna(times.loc[1, "arrival_s"])  # no time at a stop between timepoints
    assert pd.isna(times.loc[7, "departure_s"])  # "12:60:00" is no time
    assert times.loc[7, "departure_time"] == "12:60:00"
    assert any(note.startswith("gtfs_mini/stop_times.txt : 1 valeur") and "departure_time" in note
               for note in mini.notes)


def test_numeric_columns_are_cast(mini):
    times, trips, routes = mini.table("stop_times"), mini.table("trips"), mini.table("routes")
    assert str(times["stop_sequence"].dtype) == "Int64"
    assert times["stop_sequence"].tolist() == [1, 2, 3, 1, 2, 1, 2, 1]
    assert times["shape_dist_traveled"].dtype == "float64" and times.loc[2, "shape_dist_traveled"] == 830.25
    assert str(times["pickup_type"].dtype) == "Int64" and pd.isna(times.loc[2, "pickup_type"])
    assert str(trips["direction_id"].dtype) == "Int64"
    assert trips["bikes_allowed"].tolist()[1] == 2
    assert routes["route_type"].tolist() == [0, 3, 1, 715]


def test_calendars_are_dates(mini):
    calendar, dates = mini.table("calendar"), mini.table("calendar_dates")
    assert str(calendar["monday"].dtype) == "Int64" and calendar["saturday"].tolist() == [0, 1]
    assert pd.api.types.is_datetime64_any_dtype(calendar["start_date"])
    assert calendar.loc[0, "start_date"] == pd.Timestamp("2025-09-01")
    assert calendar.loc[1, "end_date"] == pd.Timestamp("2026-06-30")
    assert dates["date"].tolist() == [pd.Timestamp("2025-12-25")] * 2
    assert mini.table("feed_info").loc[0, "feed_start_date"] == pd.Timestamp("2025-09-01")


def test_unknown_files_and_columns_are_kept_and_empty_optional_file_is_fine(mini):
    assert mini.table("stop_extensions")["object_code"].tolist() == ["THA1", "KIN2"]
    assert mini.table("stop_extensions").loc[0, "object_id"] == "01"
    assert mini.table("stops").loc[1, "stop_extra"] == "x"
    assert mini.has("frequencies") and mini.table("frequencies").empty


def test_route_modes_of_the_feed(mini):
    routes = mini.table("routes")
    modes = dict(zip(routes["route_id"], routes["route_type"].map(route_mode)))
    assert modes == {"01": "tram", "02": "bus", "M": "metro", "TAD1": "on_demand"}
    assert MODE_LABELS["on_demand"] == "Transport à la demande"


# ---------------------------------------------------------------- time parsing, fast and slow paths


def _expected_seconds(text: str | None) -> int | None:
    if text is None or not text.strip():
        return None
    h, m, s = text.strip().split(":")
    return int(h) * 3600 + int(m) * 60 + int(s)


@pytest.mark.parametrize("shape", ["canonical", "mixed"])
def test_seconds_match_a_plain_python_reference(tmp_path, shape):
    feed_dir = _copy(tmp_path)
    rnd = random.Random(7)
    texts = []
    for _ in range(5000):
        sec = rnd.randint(0, 30 * 3600 - 1)
        h, m, s = sec // 3600, sec % 3600 // 60, sec % 60
        if shape == "canonical":
            texts.append(f"{h:02d}:{m:02d}:{s:02d}")
        else:
            texts.append(rnd.choice([f"{h:02d}:{m:02d}:{s:02d}", f"{h}:{m:02d}:{s:02d}", f" {h}:{m:02d}:{s:02d} ", ""]))
    lines = ["trip_id,arrival_time,departure_time,stop_id,stop_sequence"]
    lines += [f"01,{t},{t},01,{i}" for i, t in enumerate(texts)]
    (feed_dir / "stop_times.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    times = read_gtfs(feed_dir).table("stop_times")
    got = [None if pd.isna(v) else int(v) for v in times["arrival_s"]]
    assert got == [_expected_seconds(t) for t in texts]


def test_stop_times_without_time_columns_still_have_seconds_columns(tmp_path):
    feed_dir = _copy(tmp_path)
    (feed_dir / "stop_times.txt").write_text("trip_id,stop_id,stop_sequence\n01,01,1\n", encoding="utf-8")
    times = read_gtfs(feed_dir).table("stop_times")
    assert str(times["arrival_s"].dtype) == "Int64" and pd.isna(times.loc[0, "departure_s"])


# ---------------------------------------------------------------- broken feeds


def test_missing_stop_times_is_refused_naming_the_file(tmp_path):
    feed_dir = _copy(tmp_path, "gtfs_sans_horaires")
    (feed_dir / "stop_times.txt").unlink()
    with pytest.raises(ReadError, match="stop_times.txt") as error:
        read_gtfs(feed_dir)
    assert "gtfs_sans_horaires" in str(error.value)
    assert "stop_times.txt" in probe_gtfs(feed_dir)
    assert "stop_times.txt" in probe_gtfs(_zip(feed_dir, tmp_path / "sans.zip"))
    with pytest.raises(ReadError, match="stop_times.txt"):
        read_gtfs(tmp_path / "sans.zip")


@pytest.mark.parametrize("name", REQUIRED_FILES)
def test_every_required_file_is_checked(tmp_path, name):
    feed_dir = _copy(tmp_path)
    (feed_dir / name).unlink()
    with pytest.raises(ReadError, match=name):
        read_gtfs(feed_dir)
    assert name in probe_gtfs(feed_dir)


def test_one_calendar_file_is_enough_but_none_is_refused(tmp_path):
    feed_dir = _copy(tmp_path)
    (feed_dir / "calendar.txt").unlink()
    assert probe_gtfs(feed_dir) is None
    assert not read_gtfs(feed_dir).has("calendar")
    (feed_dir / "calendar_dates.txt").unlink()
    with pytest.raises(ReadError, match="calendar.txt ou calendar_dates.txt"):
        read_gtfs(feed_dir)
    assert "calendar" in probe_gtfs(feed_dir)


def test_corrupt_zip_is_refused(tmp_path):
    broken = tmp_path / "casse.zip"
    broken.write_bytes(b"PK\x03\x04 ceci n'est pas une archive")
    with pytest.raises(ReadError, match="zip"):
        read_gtfs(broken)
    assert probe_gtfs(broken) == "archive zip illisible"


def test_truncated_zip_is_refused(tmp_path):
    whole = _zip(MINI, tmp_path / "whole.zip").read_bytes()
    cut = tmp_path / "coupe.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ReadError, match="zip"):
        read_gtfs(cut)
    assert probe_gtfs(cut) is not None


def test_damaged_member_names_the_file(tmp_path):
    target = tmp_path / "abime.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
        for file in sorted(MINI.iterdir()):
            archive.write(file, file.name)
    data = bytearray(target.read_bytes())
    at = data.index(b"N1,24:35:00")  # stop_times.txt, stored uncompressed: its CRC no longer matches
    data[at:at + 2] = b"X9"
    target.write_bytes(bytes(data))
    with pytest.raises(ReadError, match="stop_times.txt") as error:
        read_gtfs(target)
    assert "zip" in str(error.value)


def test_mac_zip_junk_and_a_sub_folder(tmp_path):
    target = _zip(MINI, tmp_path / "mac.zip", prefix="Export GTFS/")
    with zipfile.ZipFile(target, "a") as archive:
        archive.writestr("__MACOSX/Export GTFS/._stops.txt", b"\x00\x05\x16\x07 resource fork")
        archive.writestr("Export GTFS/.DS_Store.txt", b"\x00\x00")
        archive.writestr("LISEZMOI.md", "GTFS du réseau")
    assert probe_gtfs(target) is None
    feed = read_gtfs(target)
    assert feed.table("stops")["stop_id"].tolist() == ["THARTS", "01", "02", "0100"]
    assert set(feed.tables) >= {"stops", "stop_times", "stop_extensions"} and not feed.has(".DS_Store")


def test_folder_holding_the_feed_one_level_down(tmp_path):
    shutil.copytree(MINI, tmp_path / "export" / "gtfs")
    assert probe_gtfs(tmp_path / "export") is None
    assert read_gtfs(tmp_path / "export").table("routes")["route_id"].tolist() == ["01", "02", "M", "TAD1"]


def test_blanks_around_header_names_and_repeated_names(tmp_path):
    feed_dir = _copy(tmp_path)
    (feed_dir / "routes.txt").write_text(" route_id , route_type,route_type,\n01,3,9,\n", encoding="utf-8")
    feed = read_gtfs(feed_dir)
    assert list(feed.table("routes").columns) == ["route_id", "route_type", "route_type_2", "colonne_4"]
    assert feed.table("routes").loc[0, "route_type"] == 3
    assert sum("renommée" in note for note in feed.notes) == 2


def test_package_dispatch_reaches_the_gtfs_reader(tmp_path):
    from data_access.readers import probe, read_table

    table = read_table(_dataset(), MINI)
    assert table.geometry_field.type == "geo_point_2d" and "gtfs" in table.extra
    assert probe(_dataset(), MINI) is None
    assert "introuvable" in probe(_dataset(), tmp_path / "absent.zip")


def test_missing_path(tmp_path):
    assert probe_gtfs(tmp_path / "absent.zip") == "fichier introuvable"
    with pytest.raises(ReadError, match="introuvable"):
        read_gtfs(tmp_path / "absent.zip")


def test_stops_without_stop_id_names_file_and_column(tmp_path):
    feed_dir = _copy(tmp_path)
    (feed_dir / "stops.txt").write_text("stop_name,stop_lat,stop_lon\nGare,49.44,1.09\n", encoding="utf-8")
    with pytest.raises(ReadError, match="stops.txt") as error:
        read_gtfs(feed_dir)
    assert "stop_id" in str(error.value)
    assert "stop_id" in probe_gtfs(feed_dir) and "stops.txt" in probe_gtfs(feed_dir)


def test_unparseable_csv_names_the_file(tmp_path):
    feed_dir = _copy(tmp_path)
    (feed_dir / "trips.txt").write_text('route_id,service_id,trip_id\n01,SEM,01\n01,SEM,02,en trop,encore\n')
    with pytest.raises(ReadError, match="trips.txt"):
        read_gtfs(feed_dir)


def test_empty_required_file_is_refused(tmp_path):
    feed_dir = _copy(tmp_path)
    (feed_dir / "routes.txt").write_bytes(b"")
    with pytest.raises(ReadError, match="routes.txt"):
        read_gtfs(feed_dir)
    assert "routes.txt" in probe_gtfs(feed_dir)


def test_line_break_inside_a_quoted_value(tmp_path):
    feed_dir = _copy(tmp_path)
    (feed_dir / "routes.txt").write_text(
        'route_id,route_long_name,route_type\n01,"Ligne 1\nde nuit",3\n02,"Ligne 2",0\n', encoding="utf-8")
    routes = read_gtfs(feed_dir).table("routes")
    assert routes["route_long_name"].tolist() == ["Ligne 1\nde nuit", "Ligne 2"]
    assert routes["route_type"].tolist() == [3, 0]


def test_windows_1252_file_is_read_with_a_note(tmp_path):
    feed_dir = _copy(tmp_path)
    (feed_dir / "agency.txt").write_bytes("agency_name,agency_url,agency_timezone\nRéseau,https://x.fr,Europe/Paris\n"
                                          .encode("cp1252"))
    feed = read_gtfs(feed_dir)
    assert feed.table("agency").loc[0, "agency_name"] == "Réseau"
    assert any("agency.txt" in note and "Windows-1252" in note for note in feed.notes)


def test_stray_readme_in_the_zip_is_skipped(tmp_path):
    feed_dir = _copy(tmp_path)
    (feed_dir / "lisezmoi.txt").write_text('Ce flux "GTFS", est publié\nsous licence ouverte, "v2"x, y\n')
    feed = read_gtfs(_zip(feed_dir, tmp_path / "avec_lisezmoi.zip"))
    assert feed.has("stops") and not feed.has("lisezmoi")
    assert any("lisezmoi.txt" in note for note in feed.notes)


def test_bad_numbers_become_missing_with_a_note(tmp_path):
    feed_dir = _copy(tmp_path)
    (feed_dir / "routes.txt").write_text(
        "route_id,route_type\n01, 3 \n02,3.0\n03,bus\n04,\n", encoding="utf-8")
    feed = read_gtfs(feed_dir)
    assert feed.table("routes")["route_type"].tolist()[:2] == [3, 3]
    assert feed.table("routes")["route_type"].isna().tolist() == [False, False, True, True]
    assert any("route_type" in note and "1 valeur" in note for note in feed.notes)


# ---------------------------------------------------------------- the catalogue's table: the stops


def _dataset(*fields: FieldSpec) -> Dataset:
    return Dataset(id="gtfs-astuce", title="Réseau Astuce", theme="transports", format="gtfs",
                   path="gtfs_mini", fields=fields)


def test_table_is_the_stops_with_positions(mini_path):
    table = read_gtfs_table(mini_path, _dataset())
    frame = table.frame
    assert len(table) == 4 and frame["stop_id"].tolist() == ["THARTS", "01", "02", "0100"]
    geo = frame["geo_point_2d"]
    assert geo.array.crs.to_epsg() == 4326
    assert (geo.iloc[1].x, geo.iloc[1].y) == (1.0907255, 49.4397512)
    assert geo.iloc[3] is None  # no coordinates
    assert table.geometry_field.name == "geo_point_2d" and table.geometry_field.label == "Position"
    assert table.field("stop_id").label == "Identifiant de l'arrêt" and table.field("stop_id").type == "text"
    assert table.field("stop_name").label == "Nom de l'arrêt"
    assert table.field("stop_lat").type == "double" and table.field("location_type").type == "int"
    assert table.field("stop_extra").label == "stop_extra" and table.field("stop_extra").type == "text"
    assert [f.name for f in table.fields] == list(frame.columns)
    feed = table.extra["gtfs"]
    assert isinstance(feed, GtfsFeed) and len(feed.table("stop_times")) == 8
    assert "geo_point_2d" not in feed.table("stops").columns


def test_declared_fields_override_the_inferred_ones():
    table = read_gtfs_table(MINI, _dataset(
        FieldSpec(name="stop_name", label="Arrêt", role="label"),
        FieldSpec(name="wheelchair_boarding", label="Accessible", facet=True),
        FieldSpec(name="stop_code", type="int"),
        FieldSpec(name="pas_une_colonne", label="?"),
    ))
    assert table.field("stop_name").label == "Arrêt" and table.role_field("label").name == "stop_name"
    assert table.field("wheelchair_boarding").facet and table.field("wheelchair_boarding").type == "int"
    assert table.field("stop_code").type == "int" and str(table.frame["stop_code"].dtype) == "Int64"
    assert table.frame["stop_code"].tolist()[1:] == [1, 2, 100]
    assert table.field("pas_une_colonne") is None
    assert any("pas_une_colonne" in note for note in table.notes)


# ---------------------------------------------------------------- route types


@pytest.mark.parametrize(("route_type", "mode"), [
    (0, "tram"), (1, "metro"), (2, "train"), (3, "bus"), (4, "ferry"), (5, "cable_tram"), (6, "aerial"),
    (7, "funicular"), (11, "trolleybus"), (12, "monorail"),
    (100, "train"), (101, "train"), (109, "train"), (117, "train"),
    (200, "coach"), (202, "coach"),
    (400, "metro"), (401, "metro"), (402, "metro"), (405, "monorail"),
    (700, "bus"), (704, "bus"), (712, "bus"), (713, "bus"), (715, "on_demand"), (716, "bus"),
    (800, "trolleybus"), (900, "tram"), (906, "tram"),
    (1000, "ferry"), (1200, "ferry"), (1100, "other"),
    (1300, "aerial"), (1303, "aerial"), (1400, "funicular"),
    (1500, "on_demand"), (1501, "on_demand"), (1507, "on_demand"),
    (1700, "misc"), (1702, "misc"),
    (8, "other"), (99, "other"), (300, "other"), (1600, "other"), (2000, "other"), (-1, "other"),
])
def test_route_mode(route_type, mode):
    assert route_mode(route_type) == mode
    assert mode in MODE_LABELS


def test_route_mode_of_missing_values():
    assert route_mode(None) == "other"
    assert route_mode(pd.NA) == "other"
    assert route_mode(np.int64(715)) == "on_demand"


# ---------------------------------------------------------------- real public feeds


def test_real_peribus_feed(realdata):
    path = realdata / "gtfs_perigueux_peribus"
    assert probe_gtfs(path) is None
    feed = read_gtfs(path)
    stops, times, routes, trips = (feed.table(n) for n in ("stops", "stop_times", "routes", "trips"))
    assert len(stops) == 1329 and len(times) == 33408 and len(routes) == 80 and len(trips) == 2374
    assert stops["stop_id"].str.contains(":").all()
    assert routes["route_id"].str.startswith("CA_GRAND_PERIGUEUX:").all()
    assert set(routes["route_type"].unique()) == {3, 712, 713}
    assert {route_mode(t) for t in routes["route_type"]} == {"bus"}
    assert feed.table("agency")["agency_lang"].isna().all()
    assert times["trip_id"].isin(trips["trip_id"]).all()
    assert times["stop_id"].isin(stops["stop_id"]).all()
    assert times["arrival_s"].notna().all() and times["arrival_s"].max() == 21 * 3600 + 18 * 60
    assert times.loc[1, "shape_dist_traveled"] == 41343.645
    assert feed.table("calendar")["start_date"].min() == pd.Timestamp("2025-12-22")
    assert feed.table("calendar")["end_date"].max() == pd.Timestamp("2026-03-01")
    assert stops["stop_lat"].between(44, 46).all() and stops["stop_lon"].between(0, 2).all()
    assert feed.notes == []


def test_real_peribus_zipped_with_a_sub_folder(realdata, tmp_path):
    src = realdata / "gtfs_perigueux_peribus"
    feed_dir = tmp_path / "peribus"
    feed_dir.mkdir()
    for file in src.glob("*.txt"):
        shutil.copy(file, feed_dir / file.name)
    feed = read_gtfs(_zip(feed_dir, tmp_path / "peribus.zip", prefix="gtfs/"))
    assert len(feed.table("stop_times")) == 33408
    table = read_gtfs_table(tmp_path / "peribus.zip", _dataset())
    assert table.frame["geo_point_2d"].notna().all()


def test_real_rouen_astuce_is_refused_for_its_missing_stop_times(realdata):
    path = realdata / "gtfs_rouen_astuce"
    reason = probe_gtfs(path)
    assert reason is not None and "stop_times.txt" in reason
    with pytest.raises(ReadError, match="stop_times.txt") as error:
        read_gtfs(path)
    assert "gtfs_rouen_astuce" in str(error.value)


def test_real_rouen_astuce_tables_read_one_by_one(realdata):
    path = realdata / "gtfs_rouen_astuce"
    routes = read_gtfs_file(path, "routes")
    assert len(routes) == 117 and routes.loc[0, "route_id"] == "01"
    assert routes["route_type"].value_counts().to_dict() == {3: 107, 0: 4, 715: 4, 1: 1, 4: 1}
    stops = read_gtfs_file(path, "stops.txt")
    assert len(stops) == 3365 and stops.columns[0] == "stop_id" and stops.loc[0, "stop_id"] == "08MAI"
    trips = read_gtfs_file(path, "trips")
    assert len(trips) == 32791 and trips.loc[0, "trip_id"] == "0"
    assert trips["route_id"].isin(routes["route_id"]).all()
    assert len(read_gtfs_file(path, "calendar_dates")) == 4879
    assert len(read_gtfs_file(path, "transfers")) == 3223
    with pytest.raises(ReadError, match="stop_times.txt"):
        read_gtfs_file(path, "stop_times")
