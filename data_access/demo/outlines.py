"""The real outlines of the 71 communes, the one real data file the snapshot is built from (see contours/SOURCE.md),
and how they are credited wherever they are shown: the catalogue entry and the about page."""
from __future__ import annotations

from pathlib import Path

OUTLINES_FILE = Path(__file__).parent / "contours" / "communes-metropole-rouen-normandie-71.geojson"
OUTLINES_SOURCE = "IGN Admin Express 2018 (COG 2018), via le projet france-geojson"
OUTLINES_SOURCE_URL = "https://github.com/gregoiredavid/france-geojson"
OUTLINES_LICENSE = "Licence Ouverte v2.0"
OUTLINES_LICENSE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
