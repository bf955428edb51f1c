"""Keeping only the Métropole's rows of a national file, while streaming it (ARCHITECTURE §8): a CSV (plain,
gzipped, or the CSV files of a zip), a GeoJSON or a TopoJSON. Memory stays bounded by a block of the file plus
the rows kept, whatever the national file's size. The sync calls `reduce_download` on what it downloaded,
before the checks and the rename into place."""
from __future__ import annotations

from pathlib import Path

from data_access.catalogue.model import Dataset
from data_access.reduction.common import Reduced, ReduceError, code_text, compression
from data_access.reduction.geo import reduce_geo
from data_access.reduction.tabular import reduce_csv
from data_access.reduction.territory import Kept, communes_table, fingerprint, keep_context, ods_where

__all__ = ["Kept", "ReduceError", "Reduced", "code_text", "communes_table", "fingerprint", "keep_context",
           "needs_reduction", "ods_where", "reduce_download"]


def reduce_download(raw: Path, dataset: Dataset, territory: Kept | None, out: Path) -> Reduced:
    """Write into `out`, in the dataset's format, the rows of the downloaded file `raw` whose keep field holds one
    of the territory's codes (every row without a territory: the file is only decompressed or converted)."""
    keep = dataset.source.keep
    codes = territory.codes if territory is not None else None
    if dataset.format == "csv":
        return reduce_csv(raw, keep.field if keep else None, codes, out)
    return reduce_geo(raw, dataset, keep.field if keep else None, territory, out)


def needs_reduction(dataset: Dataset, raw: Path) -> bool:
    """Whether the download must go through `reduce_download`: rows to keep, a compressed CSV or GeoJSON, or a
    TopoJSON to serve as GeoJSON."""
    source = dataset.source
    if dataset.format not in ("csv", "geojson"):
        return False
    return bool(source.keep) or source.format == "topojson" or compression(raw) is not None
