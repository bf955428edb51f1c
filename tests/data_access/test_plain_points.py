"""A column of points from the engine (WKB) is written as "lat, lon" straight from its bytes, exactly as through
shapely; any other WKB (big-endian, 3-D, with an SRID, another shape) goes through shapely, with the same text."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
import shapely

from data_access.extracts.plain_columns import _geometry_text, _points_text, _wkb_points, plain_from_arrow
from data_access.readers.base import FieldInfo

POINTS = [shapely.Point(1.0936, 49.44), None, shapely.Point(-0.5, -1e-05), shapely.from_wkt("POINT EMPTY"),
          shapely.Point(0.0, 49.0), shapely.Point(1e16, -123456.789), shapely.Point(0.1 + 0.2, 1 / 3)]
FIELD = FieldInfo("position", "Position", "geo_point_2d")


def through_shapely(wkb: list) -> list:
    return _geometry_text(shapely.from_wkb(np.array(wkb, dtype=object)), "geo_point_2d").to_pylist()


@pytest.mark.parametrize("kind", [pa.binary(), pa.large_binary()])
def test_points_read_from_their_bytes_are_written_as_through_shapely(kind):
    wkb = [None if p is None else shapely.to_wkb(p) for p in POINTS]
    array = pa.array(wkb, type=kind)
    decoded = _wkb_points(array)
    assert decoded is not None
    written = _points_text(*decoded).to_pylist()
    assert written == through_shapely(wkb)
    assert written[:5] == ["49.44, 1.0936", None, "-1e-05, -0.5", None, "49.0, 0.0"]  # an empty point: no position
    assert _points_text(*_wkb_points(array.slice(2, 3))).to_pylist() == written[2:5]  # a slice reads its own rows
    assert _points_text(*_wkb_points(pa.array([None, None], type=kind))).to_pylist() == [None, None]


@pytest.mark.parametrize("wkb", [
    shapely.to_wkb(POINTS[0], byte_order=0), shapely.to_wkb(shapely.Point(1, 2, 3)),
    shapely.to_wkb(shapely.set_srid(POINTS[0], 4326), include_srid=True),
    shapely.to_wkb(shapely.LineString([(0, 0), (1, 1)]))])
def test_other_wkb_goes_through_shapely(wkb):
    array = pa.array([wkb, shapely.to_wkb(POINTS[4])], type=pa.binary())
    assert _wkb_points(array) is None
    table = pa.table({"position": array})
    assert plain_from_arrow(table, (FIELD,), neutralise=False).column(0).to_pylist() == through_shapely(
        [wkb, shapely.to_wkb(POINTS[4])])
