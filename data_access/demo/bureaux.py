"""Demo dataset `bureaux-de-vote`: polling stations, their registered voters and outlines inside each commune."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point

from data_access.demo.common import de_commune, feature, write_geojson
from data_access.demo.communes import Territory, geojson_geometry

SEED = 2026_11_10
VOTERS_PER_POPULATION = 0.72
VOTERS_PER_BUREAU = 1_100
PEOPLE = ("Jules Ferry", "Jean Jaurès", "Jacques Prévert", "Louise Michel", "Victor Hugo", "Marie Curie",
          "Jean Moulin", "Paul Éluard", "Pablo Picasso", "Pierre Corneille", "Gustave Flaubert", "Albert Camus",
          "Simone Veil", "Jean de La Fontaine", "Anatole France", "Claude Monet", "Guy de Maupassant", "Condorcet")
VENUES = ("École {p}", "Groupe scolaire {p}", "Gymnase {p}", "Salle {p}", "École maternelle {p}")
PLACES = ("Salle des fêtes", "Maison des associations", "Médiathèque", "Centre social", "Salle polyvalente",
          "Foyer municipal", "Maison de quartier")
BORDER_TOLERANCE_M = 0.5  # cells clipped from one Voronoi diagram share their borders, up to floating-point noise

ENTRY = {
    "id": "bureaux-de-vote",
    "title": "Bureaux de vote",
    "description": (
        "Bureaux de vote des communes de la Métropole : lieu, nombre d'électeurs inscrits et périmètre "
        "fictif du bureau (découpage de Voronoï à l'intérieur du contour réel de la commune)."
    ),
    "theme": "Citoyenneté",
    "keywords": ["élections", "bureaux de vote", "électeurs", "citoyenneté"],
    "modified": date(2026, 2, 20),
    "format": "geojson",
    "path": "bureaux-de-vote.geojson",
    "fields": [
        {"name": "code_bv", "label": "Code du bureau", "type": "text", "role": "polling_station"},
        {"name": "commune", "label": "Commune", "type": "text", "facet": True, "role": "commune_name"},
        {"name": "code_insee", "label": "Code INSEE", "type": "text", "role": "commune"},
        {"name": "inscrits", "label": "Électeurs inscrits", "type": "int", "unit": "électeurs"},
        {"name": "nom_bureau", "label": "Lieu de vote", "type": "text", "role": "title"},
    ],
}


def split_total(total: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """Split `total` into n uneven whole parts that add up exactly (largest remainders)."""
    w = rng.uniform(0.75, 1.25, n)
    raw = total * w / w.sum()
    parts = np.floor(raw).astype(int)
    parts[np.argsort(parts - raw)[: total - parts.sum()]] += 1
    return parts


def venue_names(commune_name: str, n: int, rng: np.random.Generator) -> list[str]:
    if n == 1:
        return ["Mairie " + de_commune(commune_name)]
    names = ["Hôtel de Ville" if n > 20 else "Mairie"]
    pool = [v.format(p=p) for v in VENUES for p in PEOPLE] + list(PLACES)
    picks = rng.choice(len(pool), size=min(n - 1, len(pool)), replace=False)
    names += [pool[i] for i in picks]
    names += [f"Annexe n° {k}" for k in range(1, n - len(names) + 1)]
    return names


def in_one_piece(shapes: list, seeds: list[Point]) -> list:
    """Voronoi cells clipped to a commune, each made one polygon.

    Where a bend of the commune's outline cuts a cell in two, the piece away from its seed goes to the
    neighbouring cell it shares the longest border with: a polling station's area is never in several pieces.
    """
    shapes = list(shapes)
    for k, (shape, seed) in enumerate(zip(shapes, seeds)):
        parts = [p for p in shapely.get_parts(shape) if p.geom_type == "Polygon" and p.area > 0]
        if len(parts) == 1 and shape.geom_type == "Polygon":
            continue
        own = min(range(len(parts)), key=lambda j: parts[j].distance(seed))
        shapes[k] = parts[own]
        for j, part in enumerate(parts):
            if j == own:
                continue
            near = part.buffer(BORDER_TOLERANCE_M)
            shared = [near.intersection(other.boundary).length if m != k else -1.0 for m, other in enumerate(shapes)]
            m = int(np.argmax(shared))
            shapes[m] = shapely.union(shapes[m], part)
    return shapes


def features(territory: Territory, scale: int) -> list[dict]:
    rng = np.random.default_rng(SEED)
    out = []
    for i, commune in enumerate(territory.communes):
        voters = int(round(commune.population * VOTERS_PER_POPULATION))
        n = max(1, int(round(voters / VOTERS_PER_BUREAU))) * scale
        cell = territory.cells[i]
        if n == 1:
            shapes = [cell]
        else:
            x, y = territory.random_xy(np.full(n, i), rng, spread=0.35)
            order = np.lexsort((x, -y))  # bureaux numbered from north-west to south-east
            seeds = MultiPoint(np.column_stack([x[order], y[order]]))
            cells = shapely.voronoi_polygons(seeds, extend_to=cell, ordered=True).geoms
            shapes = in_one_piece([shapely.intersection(c, cell) for c in cells], list(seeds.geoms))
        counts = split_total(voters, n, rng)
        for k, (shape, count, name) in enumerate(zip(shapes, counts, venue_names(commune.nom, n, rng)), start=1):
            out.append(feature(geojson_geometry(shape), {
                "code_bv": f"{commune.insee}_{k:04d}", "commune": commune.nom, "code_insee": commune.insee,
                "inscrits": int(count), "nom_bureau": name,
            }))
    return out


def write(out: Path, territory: Territory, scale: int) -> int:
    return write_geojson(out / ENTRY["path"], features(territory, scale), "bureaux-de-vote")
