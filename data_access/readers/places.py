"""Every geometry of a table in degrees (WGS 84), once, when the file is read: the served file, the maps and every
extract then hold longitudes and latitudes.

The system of a geometry is the one the catalogue declares (`crs`, or `position.crs` for the point made from two
columns), else the one the file declares (a GeoJSON's `crs` member), else degrees. Coordinates that cannot be
degrees (|x| > 180 or |y| > 90) with no system declared, or that a declared system puts far from its area of use,
are never drawn: a few are left empty and said; most of them and the file is refused with the reason, an example,
and the key to write. A map of wrong places is worse than no map."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from data_access.catalogue.model import Dataset
from data_access.geometry.coordinates import (EXAMPLE, MOST, Crs, area_of_use, extents, first_coordinates, known_crs,
                                              outside_area, outside_degrees, transform_to_wgs84)
from data_access.readers.base import FieldInfo, ReadError, Table

POSITION_FIELD = "position_field"  # Table.extra: the point made from two number columns (readers.derived)
FILE_CRS = "crs"  # Table.extra: the system the file declares (a Crs), or None


def _declared(table: Table, dataset: Dataset, field: FieldInfo) -> tuple[Crs | None, str, list[str]]:
    """The system of a geometry field, the key that names it, and a note when the catalogue overrides the file."""
    if field.name == table.extra.get(POSITION_FIELD):
        code = dataset.position.crs or dataset.crs
        key = "crs" if dataset.crs and not dataset.position.crs else "position.crs"
        return (known_crs(code) if code else None), key, []
    in_file: Crs | None = table.extra.get(FILE_CRS)
    if dataset.crs is None:
        return in_file, "crs", []
    notes = []
    if in_file is not None and in_file.code != dataset.crs:  # the catalogue's code is checked and canonical
        notes.append(f"{dataset.path} : le fichier déclare le système {in_file.code}, la clé crs du catalogue "
                     f"{dataset.crs} : {dataset.crs} est lu")
    return known_crs(dataset.crs), "crs", notes


def _share(wrong: np.ndarray, bounds: np.ndarray) -> float:
    present = int((~np.isnan(bounds).any(axis=1)).sum())
    return int(wrong.sum()) / present if present else 0.0


def _in_degrees(geometries: np.ndarray, crs: Crs | None, key: str, dataset: Dataset, field: FieldInfo,
                notes: list[str]) -> np.ndarray:
    source = geometries
    if crs is not None and not crs.is_degrees:
        geometries = transform_to_wgs84(geometries, crs)
    bounds = extents(geometries)
    wrong = outside_degrees(bounds)
    area = area_of_use(crs) if crs is not None and not crs.is_degrees else None
    if area is not None:
        wrong |= outside_area(bounds, area)
    if _share(wrong, bounds) > MOST:
        k = int(np.flatnonzero(wrong)[0])
        if crs is None or crs.is_degrees:
            raise ReadError(f"{dataset.path} : les coordonnées de « {field.label} » ne sont pas des degrés (par exemple "
                            f"{first_coordinates(source[k])}) : elles semblent projetées. Indiquez leur système avec la "
                            f"clé « {key} » du jeu de données ({EXAMPLE})")
        where = f"la clé « {key} »" if key != "crs" or dataset.crs else \
            "le membre « crs » du fichier, ou indiquez le bon avec la clé « crs » du jeu de données"
        raise ReadError(f"{dataset.path} : les coordonnées de « {field.label} », lues en {crs.code} ({crs.title}), "
                        f"tombent hors de la zone de ce système (par exemple {first_coordinates(source[k])} donne "
                        f"{first_coordinates(geometries[k])} en degrés) : ce n'est pas leur système. Vérifiez {where}")
    if crs is not None and not crs.is_degrees:
        notes.append(f"{dataset.path} : coordonnées de « {field.label} » lues en {crs.code} ({crs.title}) et "
                     "converties en degrés (WGS 84)")
    if wrong.any():
        geometries = geometries.copy()
        geometries[wrong] = None
        bounds_of = "de sa zone" if area is not None else "des degrés"
        notes.append(f"{dataset.path} : {int(wrong.sum())} géométrie(s) de « {field.label} » hors {bounds_of}, "
                     "laissée(s) vide(s)")
    return geometries


def in_degrees(table: Table, dataset: Dataset) -> Table:
    """The table with each geometry field in degrees, each conversion and each emptied geometry noted."""
    import geopandas as gpd

    geo = [f for f in table.fields if f.is_geo]
    if not geo:
        return table
    frame, notes = table.frame, list(table.notes)
    for field in geo:
        crs, key, overridden = _declared(table, dataset, field)
        notes += overridden
        column = frame[field.name]
        geometries = np.asarray(column.array, dtype=object)
        settled = _in_degrees(geometries, crs, key, dataset, field, notes)
        if settled is not geometries:
            frame = frame.assign(**{field.name: gpd.GeoSeries(settled, crs="EPSG:4326", index=frame.index)})
    if frame is table.frame and len(notes) == len(table.notes):
        return table
    return replace(table, frame=frame, notes=tuple(notes))
