"""What the demo's tests share: reading its Opendatasoft-style CSV files as text, and the communes' real outlines
that every demo point must fall within."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import Point, shape

from data_access.demo import OUTLINES_FILE

TEXT = {"code_insee": str, "region": str, "dept": str, "sexe": str, "top": str, "cla_age_5": str}


def read_ods_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=TEXT, keep_default_na=False, na_values=[""])


# The snapshot rounds coordinates to 6 decimals (about 0.1 m): a point may sit that far across a border.
TOLERANCE_DEG = 1e-5  # about 1 m


def shipped_features() -> list[dict]:
    return json.loads(OUTLINES_FILE.read_text(encoding="utf-8"))["features"]


def real_outlines() -> dict[str, shapely.Geometry]:
    """INSEE code -> real outline (lon/lat), read straight from the shipped file."""
    return {f["properties"]["code"]: shape(f["geometry"]) for f in shipped_features()}


def outside_own_commune(outlines, codes, lons, lats) -> list[tuple[str, float, float]]:
    """The points that are not within TOLERANCE_DEG of the real outline of the commune given with them."""
    return [(code, lon, lat) for code, lon, lat in zip(codes, lons, lats)
            if not shapely.dwithin(outlines[code], Point(lon, lat), TOLERANCE_DEG)]


def split_points(cells: pd.Series) -> tuple[list[float], list[float]]:
    """An Opendatasoft geo_point_2d column ("lat, lon") as lon and lat lists."""
    lat_lon = cells.str.split(", ", expand=True).astype(float)
    return lat_lon[1].tolist(), lat_lon[0].tolist()
