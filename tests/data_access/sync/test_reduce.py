"""National files cut down to the Métropole's 71 communes while streaming: the polling-station outlines (GeoJSON
with the 2022 defect, and the corrected TopoJSON), the RNA's zip of CSV files and the BAN's gzipped CSV."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import shapely
from shapely.geometry import shape

from data_access.readers import read_table
from data_access.reduction import Kept, ReduceError, reduce_download
from tests.helpers.national_shapes import (DEVILLE, ban_csv_gz, ban_rows, metropole_outlines, polling_topojson,
                                           rna_rows, rna_zip, write_polling_geojson)
from tests.helpers.paths import ROOT
from tests.helpers.reduction import CODES, KEPT, dataset


def test_the_ban_gzipped_csv_keeps_the_metropole_addresses_only(tmp_path):
    rows = ban_rows()
    (tmp_path / "raw").write_bytes(ban_csv_gz(rows))
    result = reduce_download(tmp_path / "raw", dataset("csv", "code_insee"), KEPT, tmp_path / "out.csv")
    assert (result.rows_in, result.rows_kept) == (len(rows), 71 * 20) and result.codes == set(CODES)
    table = read_table(dataset("csv", "code_insee"), tmp_path / "out.csv")
    assert set(table.frame["code_insee"]) == set(CODES) and len(table) == 71 * 20
    assert table.field("numero").type == "text" and table.frame["nom_voie"].iloc[0] == "Rue de la République"


def test_the_rna_zip_keeps_every_csv_s_metropole_rows_with_their_quirks(tmp_path):
    rows = rna_rows()
    (tmp_path / "raw").write_bytes(rna_zip(rows))
    result = reduce_download(tmp_path / "raw", dataset("csv", "adrs_codeinsee"), KEPT, tmp_path / "out.csv")
    assert result.rows_in == len(rows) and result.rows_kept == 71 * 3 and result.codes == set(CODES)
    frame = read_table(dataset("csv", "adrs_codeinsee"), tmp_path / "out.csv").frame
    assert set(frame["adrs_codeinsee"]) == set(CODES)
    assert (frame["position"] == "D").sum() == 71  # the dissolved associations are kept
    assert frame["objet"].str.contains("\n").all()  # a newline inside a quoted cell survives


def test_a_missing_keep_field_or_a_broken_file_is_said(tmp_path):
    (tmp_path / "raw").write_bytes(ban_csv_gz(ban_rows(per_commune=1)))
    with pytest.raises(ReduceError, match="source.keep.field : « codeinsee » est absent du fichier"):
        reduce_download(tmp_path / "raw", dataset("csv", "codeinsee"), KEPT, tmp_path / "out.csv")
    (tmp_path / "raw").write_bytes(b"PK\x03\x04 pas une archive")
    with pytest.raises(ReduceError, match="l'archive reçue n'est pas un zip valide"):
        reduce_download(tmp_path / "raw", dataset("csv", "code_insee"), KEPT, tmp_path / "out.csv")
    (tmp_path / "raw").write_bytes(b'{"type": "FeatureCollection", "features": [')
    with pytest.raises(ReduceError, match="GeoJSON reçu illisible"):
        reduce_download(tmp_path / "raw", dataset("geojson", "codeCommune"), KEPT, tmp_path / "out.geojson")


def test_the_2022_geojson_loses_dieppe_from_the_deville_station(tmp_path):
    write_polling_geojson(tmp_path / "raw")
    outlines = metropole_outlines()
    result = reduce_download(tmp_path / "raw", dataset("geojson", "codeCommune"), Kept(CODES, outlines),
                             tmp_path / "out.geojson")
    assert result.rows_kept == 142 and result.codes == set(CODES) and result.clipped == 1
    features = json.loads((tmp_path / "out.geojson").read_text(encoding="utf-8"))["features"]
    metropole = shapely.buffer(shapely.union_all(list(outlines.values())), 0.003)
    assert all(metropole.contains(shape(f["geometry"])) for f in features)  # nothing stretches to Dieppe
    deville = [f for f in features if f["properties"]["codeCommune"] == DEVILLE]
    assert len(deville) == 2 and {f["properties"]["nomCommune"] for f in deville} == {"Déville-lès-Rouen"}
    # without the outlines, the defect shows: the last station of Déville reaches Dieppe, 50 km away
    raw = reduce_download(tmp_path / "raw", dataset("geojson", "codeCommune"), KEPT, tmp_path / "raw.geojson")
    shapes = [shape(f["geometry"]) for f in json.loads((tmp_path / "raw.geojson").read_text())["features"]]
    assert raw.clipped == 0 and not all(metropole.contains(s) for s in shapes)


def test_the_corrected_topojson_is_decoded_and_kept_to_the_metropole(tmp_path):
    (tmp_path / "raw").write_text(json.dumps(polling_topojson()), encoding="utf-8")
    out = tmp_path / "out.geojson"
    result = reduce_download(tmp_path / "raw", dataset("geojson", "codeCommune", "topojson"),
                             Kept(CODES, metropole_outlines()), out)
    assert (result.rows_in, result.rows_kept, result.clipped) == (146, 142, 0) and result.codes == set(CODES)
    table = read_table(dataset("geojson", "codeCommune"), out)
    assert {f.name for f in table.fields} >= {"codecommune", "codebureauvote", "codecirco"}
    assert table.find("codeBureauVote").label == "codeBureauVote"  # the header as written names the field too
    rouen = table.frame[table.frame["codebureauvote"] == "76540_0001"]
    outline = metropole_outlines()["76540"]
    assert len(rouen) == 1 and abs(rouen["geometry"].iloc[0].area - outline.intersection(
        rouen["geometry"].iloc[0]).area) < 1e-6  # the half of Rouen, quantized to a micro-degree


MEASURE = """
import resource, sys
from pathlib import Path
from data_access.demo.facts import communes
from tests.helpers.reduction import dataset
from data_access.reduction import Kept, reduce_download
codes = frozenset(c.insee for c in communes())
result = reduce_download(Path(sys.argv[1]), dataset("geojson", "codeCommune"), Kept(codes), Path(sys.argv[2]))
print(result.rows_in, result.rows_kept, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def test_memory_does_not_grow_with_the_national_file(tmp_path):
    peaks = {}
    for megabytes in (10, 60):
        raw = tmp_path / f"raw{megabytes}"
        features = write_polling_geojson(raw, filler_mb=megabytes)
        done = subprocess.run([sys.executable, "-c", MEASURE, str(raw), str(tmp_path / "out.geojson")], cwd=ROOT,
                              capture_output=True, text=True, check=True)
        rows_in, kept, peak = map(int, done.stdout.split())
        assert rows_in == features and kept == 142
        peaks[megabytes] = peak
        raw.unlink()
    assert peaks[60] - peaks[10] < 40, peaks  # six times the file, about the same memory (MiB)
