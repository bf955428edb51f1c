"""Demo datasets `stations-lovelo` (bike stations) and `parkings` (car parks and park-and-ride sites)."""
from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

import numpy as np

from data_access.demo.common import de_commune, feature, fmt_point, write_geojson, write_ods_csv
from data_access.demo.communes import Territory, to_xy
from data_access.demo.network import HUBS, PEOPLE, ROUEN_PLACES

SEED_LOVELO = 2026_11_07
SEED_PARKINGS = 2026_11_08
STATIONS_PER_SCALE = 40
PARKINGS_PER_SCALE = 45
PARKINGS_CRS = "EPSG:3949"  # the parkings are written in Lambert CC49, as some of the Métropole's files are
ROUEN = "76540"

LOVELO_ENTRY = {
    "id": "stations-lovelo",
    "title": "Stations Lovélo libre-service",
    "description": (
        "Emplacement et capacité des stations de vélos en libre-service Lovélo, surtout à Rouen et dans les "
        "communes denses de la première couronne."
    ),
    "theme": "Transports",
    "keywords": ["vélo", "Lovélo", "mobilité", "libre-service"],
    "modified": date(2026, 9, 1),
    "format": "csv",
    "path": "stations-lovelo.csv",
    "fields": [
        {"name": "id_station", "label": "Numéro de station", "type": "int", "role": "id"},
        {"name": "nom", "label": "Station", "type": "text", "role": "title"},
        {"name": "commune", "label": "Commune", "type": "text", "facet": True, "role": "commune_name"},
        {"name": "code_insee", "label": "Code INSEE", "type": "text", "role": "commune"},
        {"name": "capacite", "label": "Capacité", "type": "int", "role": "docks", "unit": "bornettes"},
        {"name": "geo_point_2d", "label": "Position", "type": "geo_point_2d"},
    ],
    "realtime": {"kind": "gbfs", "url": "/demo/temps-reel/station_status.json", "ttl": 15},
}
PARKINGS_ENTRY = {
    "id": "parkings",
    "title": "Parkings et parcs relais",
    "description": (
        "Parkings publics (souterrains, en ouvrage, de surface) et parcs relais aux terminus du métro et des "
        "lignes TEOR et Fast : capacité, places réservées aux personnes à mobilité réduite et tarif. Le fichier "
        "est publié en Lambert CC49 (EPSG:3949), converti en degrés par le portail."
    ),
    "theme": "Transports",
    "keywords": ["stationnement", "parkings", "parcs relais", "voiture", "mobilité"],
    "modified": date(2026, 6, 15),
    "format": "geojson",
    "path": "parkings.geojson",
    "fields": [
        {"name": "nom", "label": "Parking", "type": "text", "role": "title"},
        {"name": "commune", "label": "Commune", "type": "text", "facet": True, "role": "commune_name"},
        {"name": "code_insee", "label": "Code INSEE", "type": "text", "role": "commune"},
        {"name": "type", "label": "Type", "type": "text", "facet": True, "role": "type"},
        {"name": "parc_relais", "label": "Parc relais", "type": "boolean", "facet": True, "role": "park_and_ride"},
        {"name": "capacite", "label": "Capacité", "type": "int", "role": "spaces", "unit": "places"},
        {"name": "places_pmr", "label": "Places PMR", "type": "int", "unit": "places"},
        {"name": "tarif", "label": "Tarif", "type": "text"},
    ],
}
PARK_AND_RIDE_AT = ("Mont-Riboudet", "Georges Braque", "Technopôle", "Boulingrin", "Mont aux Malades",
                    "Mairie - V. Schoelcher", "Zénith-Parc Expo", "Durécu-Lavoisier", "Tamarelle",
                    "Plaine de la Ronce", "Hameau de Frévaux", "Champ de Foire")
ROUEN_UNDERGROUND = ("Palais de Justice", "Vieux-Marché", "Cathédrale", "Saint-Marc", "Pasteur", "Théâtre des Arts",
                     "Hôtel de Ville", "Gare Rue Verte", "Jeanne d'Arc", "Martainville", "Bourse", "Haute-Vieille-Tour")
ROUEN_MULTISTOREY = ("Saint-Sever", "Docks 76", "Corneille", "Beauvoisine", "Île Lacroix")
LOVELO_PLACES = ("Mairie", "Centre", "Médiathèque", "Collège", "Piscine", "Stade", "Église", "Gare", "Marché")
LOCAL_PLACES = ("de la Mairie", "de la Gare", "de l'Église", "du Stade", "du Centre", "du Marché", "de la Médiathèque",
                "de la Piscine", "des Écoles", "du Cimetière", "de la Salle des Fêtes", "du Collège")
CAPACITY = {"souterrain": (200, 800), "en ouvrage": (150, 600), "surface": (30, 250), "parc relais": (80, 500)}


def _unique(name: str, used: set[str]) -> str:
    candidate, k = name, 2
    while candidate in used:
        candidate, k = f"{name} {k}", k + 1
    used.add(candidate)
    return candidate


def lovelo_rows(territory: Territory, scale: int):
    rng = np.random.default_rng(SEED_LOVELO)
    n = STATIONS_PER_SCALE * scale
    density = territory.populations / territory.areas
    rouen = territory.index(ROUEN)
    weights = np.where(density > 1_500, territory.populations, 0).astype(float)
    weights[rouen] = 0.0
    in_rouen = int(round(0.6 * n))  # most stations are in Rouen, the rest in the dense first ring
    idx = np.sort(np.concatenate([np.full(in_rouen, rouen),
                                  rng.choice(len(weights), size=n - in_rouen, p=weights / weights.sum())]))
    lat, lon = territory.random_lonlat(idx, rng, spread=0.25)
    used: set[str] = set()
    pools: dict[int, list[str]] = {}
    for k, i in enumerate(idx):
        commune = territory.communes[i]
        if i not in pools:
            de = de_commune(commune.nom)
            pools[i] = list(ROUEN_PLACES) if i == rouen else (
                [f"{place} {de}" for place in LOVELO_PLACES] + [f"Place {p} ({commune.nom})" for p in PEOPLE])
        pool = pools[i]
        name = pool.pop(int(rng.integers(len(pool)))) if pool else f"{commune.nom} {k + 1}"
        yield (k + 1, _unique(name, used), commune.nom, commune.insee,
               int(rng.choice([10, 12, 15, 16, 20, 24, 25, 30, 36, 40])), fmt_point(lat[k], lon[k]))


def parking_features(territory: Territory, scale: int) -> list[dict]:
    rng = np.random.default_rng(SEED_PARKINGS)
    n = PARKINGS_PER_SCALE * scale
    rouen = territory.index(ROUEN)
    sites: list[tuple[str, str, float, float]] = []  # name, type, lat, lon
    for hub in PARK_AND_RIDE_AT:
        lat, lon = HUBS[hub]
        sites.append((f"Parc relais {hub}", "parc relais", lat + rng.normal(0, 0.0006), lon + rng.normal(0, 0.0009)))
    for names, kind, spread in ((ROUEN_UNDERGROUND, "souterrain", 0.08), (ROUEN_MULTISTOREY, "en ouvrage", 0.15)):
        lat, lon = territory.random_lonlat(np.full(len(names), rouen), rng, spread=spread)
        sites += [(f"Parking {name}", kind, a, b) for name, a, b in zip(names, lat, lon)]
    extra = max(n - len(sites), 0)
    pop = territory.populations.astype(float)
    idx = np.sort(rng.choice(len(pop), size=extra, p=pop / pop.sum()))
    lat, lon = territory.random_lonlat(idx, rng, spread=0.3)
    kinds = rng.choice(["surface", "en ouvrage", "souterrain"], size=extra, p=[0.7, 0.2, 0.1])
    for i, kind, a, b in zip(idx, kinds, lat, lon):
        place = LOCAL_PLACES[int(rng.integers(len(LOCAL_PLACES)))]
        sites.append((f"Parking {place} ({territory.communes[i].nom})", str(kind), a, b))
    used: set[str] = set()
    features = []
    for name, kind, lat, lon in sites[:n]:
        x, y = to_xy(lon, lat)
        commune = territory.communes[int(territory.nearest_commune(x, y)[0])]
        low, high = CAPACITY[kind]
        capacity = int(rng.integers(low, high + 1))
        if kind == "parc relais":
            fee = "Gratuit avec un titre de transport Astuce"
        elif kind == "surface":
            fee = ("Gratuit", "Gratuit, zone bleue 1 h 30", "Payant : 1,20 € / heure")[int(rng.choice(3, p=[0.6, 0.25, 0.15]))]
        else:
            fee = f"Payant : {rng.choice([1.6, 1.8, 2.0, 2.2, 2.4]):.2f} € / heure".replace(".", ",")
        # in Lambert CC49 to the decimetre, as the Métropole publishes its parking files
        east, north = to_cc49(float(lon), float(lat))
        geometry = {"type": "Point", "coordinates": [round(east, 1), round(north, 1)]}
        features.append(feature(geometry, {  # the code an integer, as in the Métropole's files (Code_insee)
            "nom": _unique(name, used), "commune": commune.nom, "code_insee": int(commune.insee), "type": kind,
            "parc_relais": kind == "parc relais", "capacite": capacity,
            "places_pmr": max(1, int(round(capacity * rng.uniform(0.02, 0.04)))), "tarif": fee,
        }))
    return features


def write_lovelo(out: Path, territory: Territory, scale: int) -> int:
    header = [f["name"] for f in LOVELO_ENTRY["fields"]]
    return write_ods_csv(out / LOVELO_ENTRY["path"], header, lovelo_rows(territory, scale))


@functools.cache
def _to_cc49():
    import pyproj

    return pyproj.Transformer.from_crs("EPSG:4326", PARKINGS_CRS, always_xy=True)


def to_cc49(lon: float, lat: float) -> tuple[float, float]:
    """Degrees to RGF93 / Lambert CC49 (EPSG:3949) metres: easting, northing."""
    return _to_cc49().transform(lon, lat)


def write_parkings(out: Path, territory: Territory, scale: int) -> int:
    return write_geojson(out / PARKINGS_ENTRY["path"], parking_features(territory, scale), "parkings",
                         crs="urn:ogc:def:crs:EPSG::3949")
