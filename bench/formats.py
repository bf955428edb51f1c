"""Bench figures of the files that need more than a CSV reader: a 50 MB GeoJSON in EPSG:3949 (RGF93 / Lambert CC49,
as the Métropole publishes some) reprojected to degrees, and a JSON file of 100,000 records (an Opendatasoft json
export's shape, and GBFS's records under « data.stations »). Each is converted (read, reprojected, typed) in a
fresh process, whose time and peak resident memory are printed, beside the memory of a process that only imports
the same modules. The files are written once under bench/out/formats, deterministically."""
from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

from bench.sources import PEAK, ROOT
from bench.sources import _run as run_child

OUT = ROOT / "bench" / "out" / "formats"
GEOJSON_BYTES = 50 * 1024 * 1024
JSON_RECORDS = 100_000
# the Métropole's box in Lambert CC49 (x, y): about 0.85-1.30° E, 49.25-49.55° N
X0, X1, Y0, Y1 = 1_540_000.0, 1_575_000.0, 8_200_000.0, 8_235_000.0
CATALOGUE = """
[[dataset]]
id = "parcelles"
title = "Parcelles (Lambert CC49)"
theme = "Bench"
format = "geojson"
path = "parcelles-cc49.geojson"

[[dataset]]
id = "stations"
title = "Stations (GBFS)"
theme = "Bench"
format = "json"
path = "station_information.json"
json = { records = "data.stations" }
position = { lat = "lat", lon = "lon" }

[[dataset]]
id = "export"
title = "Export json (Opendatasoft)"
theme = "Bench"
format = "json"
path = "export.json"
"""


# the conversion as the portal makes it: the reader (reprojection included), then the served Parquet and manifest
CONVERT = """
import sys, tempfile, time
from pathlib import Path
from data_access.repository import Repository
with tempfile.TemporaryDirectory(prefix="bench-formats-") as served_dir:
    repository = Repository.from_data_dir(Path(sys.argv[1]), served_dir=Path(served_dir))
    if len(sys.argv) > 2:
        start = time.perf_counter()
        served = repository.served(sys.argv[2])
        print(time.perf_counter() - start, served.rows)
""" + PEAK


def _polygon(rng: random.Random, vertices: int) -> list:
    x, y = rng.uniform(X0, X1), rng.uniform(Y0, Y1)
    ring = [[round(x + 40 * (k % 7) + rng.random(), 2), round(y + 35 * (k % 5) + rng.random(), 2)]
            for k in range(vertices)]
    return [ring + [ring[0]]]


def write_projected_geojson(path: Path) -> int:
    """Parcel-like polygons in EPSG:3949 with a `crs` member, until the file reaches 50 MB; the feature count."""
    rng = random.Random(3949)
    count, size = 0, 0
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"type": "FeatureCollection", "name": "parcelles", "crs": {"type": "name", "properties": '
                  '{"name": "urn:ogc:def:crs:EPSG::3949"}}, "features": [\n')
        while size < GEOJSON_BYTES:
            feature = {"type": "Feature", "properties": {
                "Identifiant": f"P{count:07d}", "Code_insee": rng.choice([76540, 76451, 76217, 76681]),
                "Surface": round(rng.uniform(80, 5000), 1), "Nature": rng.choice(["bâti", "jardin", "voirie"])},
                "geometry": {"type": "Polygon", "coordinates": _polygon(rng, 60)}}
            text = ("," if count else "") + json.dumps(feature, ensure_ascii=False) + "\n"
            out.write(text)
            size += len(text.encode())
            count += 1
        out.write("]}\n")
    return count


def _station(rng: random.Random, k: int) -> dict:
    return {"station_id": str(5000 + k), "name": f"{k % 999} - STATION {k}", "address": f"{k} rue de la Bench",
            "lat": round(rng.uniform(49.25, 49.55), 6), "lon": round(rng.uniform(0.85, 1.30), 6),
            "capacity": rng.randint(8, 40), "is_virtual_station": True,
            "rental_uris": {"android": f"https://example.org/a/{k}", "ios": f"https://example.org/i/{k}"}}


def write_gbfs(path: Path) -> None:
    rng = random.Random(15)
    stations = [_station(rng, k) for k in range(JSON_RECORDS)]
    path.write_text(json.dumps({"last_updated": 1_765_000_000, "ttl": 15, "version": "2.3",
                                "data": {"stations": stations}}), encoding="utf-8")


def write_ods_export(path: Path) -> None:
    rng = random.Random(2026)
    records = [{"id": f"R{k:06d}", "commune": rng.choice(["Rouen", "Elbeuf", "Darnétal"]),
                "insee": float(rng.choice([76540, 76231, 76212])), "montant": round(rng.uniform(0, 1e5), 2),
                "date": f"2026-{1 + k % 12:02d}-{1 + k % 28:02d}", "niveau": ["2", "3"] if k % 3 else ["1"],
                "geo_point_2d": {"lon": round(rng.uniform(0.85, 1.30), 6), "lat": round(rng.uniform(49.25, 49.55), 6)}}
               for k in range(JSON_RECORDS)]
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")


def prepare() -> dict[str, int]:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "catalogue.toml").write_text(CATALOGUE, encoding="utf-8")
    counts = {}
    if not (OUT / "parcelles-cc49.geojson").is_file():
        write_projected_geojson(OUT / "parcelles-cc49.geojson")
    if not (OUT / "station_information.json").is_file():
        write_gbfs(OUT / "station_information.json")
    if not (OUT / "export.json").is_file():
        write_ods_export(OUT / "export.json")
    for name in ("parcelles-cc49.geojson", "station_information.json", "export.json"):
        counts[name] = (OUT / name).stat().st_size
    return counts


def _run(*args: str) -> tuple[float, int, float]:
    """Seconds to convert the dataset (read, reproject, write its served Parquet), its rows, and the process's
    peak resident memory (MiB)."""
    _, peak, out = run_child([sys.executable, "-c", CONVERT, str(OUT), *args], dict(os.environ))
    seconds, rows = out.split() if args else ("0", "0")
    return float(seconds), int(rows), peak


def formats_figures(runs: int) -> list[str]:
    sizes = prepare()
    base = _run()[2]
    lines = [f"formats: conversion (read, reprojection, served Parquet) in a fresh process "
             f"(peak memory of one that only imports the portal: {base:.0f} MiB)"]
    for dataset_id, name in (("parcelles", "parcelles-cc49.geojson"), ("stations", "station_information.json"),
                             ("export", "export.json")):
        samples = [_run(dataset_id) for _ in range(runs)]
        seconds = statistics.median(s[0] for s in samples)
        peak = max(s[2] for s in samples)
        lines.append(f"  {name:<26} {sizes[name] / 2**20:6.1f} MB  {samples[0][1]:>7} rows  "
                     f"conversion {seconds:6.2f} s  peak {peak:6.0f} MiB")
    return lines


if __name__ == "__main__":
    start = time.perf_counter()
    print("\n".join(formats_figures(int(sys.argv[1]) if len(sys.argv) > 1 else 3)))
    print(f"({time.perf_counter() - start:.0f} s)")
