"""An embedded view's first rows: a count with a thousands separator, a year or an identifier as it is."""
from __future__ import annotations

from data_access.readers.base import FieldInfo
from features.integration.vues import _as_is, _cell


def test_cells_separate_thousands_of_counts_but_never_years_or_identifiers():
    year, count, station = (FieldInfo("annee", "Année", "int", role="year"), FieldInfo("ntop", "Patients", "int"),
                            FieldInfo("id_station", "Station", "int"))
    assert _cell(24570, _as_is(count)) == "24\u202f570"
    assert _cell(2015, _as_is(year)) == "2015" and _cell(2015.0, _as_is(year)) == "2015"
    assert _cell(12345, _as_is(station)) == "12345"
    assert _cell(1234.5) == "1\u202f234,5"
