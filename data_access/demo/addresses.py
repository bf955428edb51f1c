"""Demo dataset `adresses`: synthetic addresses in the shape of the Base Adresse Nationale (one `;` CSV, positions
in `lon`/`lat`), about 20,000 at scale 1, every one inside its commune's real outline. Street names are common
French ones, not the communes' real streets: the dataset is labelled as demo data."""
from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import shapely

from data_access.demo.common import write_ods_csv
from data_access.demo.communes import Territory, to_lonlat

SEED = 2026_12_01
ADDRESSES_PER_SCALE = 20_000
STREET_TYPES = ("Rue", "Rue", "Rue", "Avenue", "Chemin", "Impasse", "Allée", "Place", "Route", "Boulevard", "Sente")
STREET_NAMES = (
    "de la République", "Jean Jaurès", "Victor Hugo", "de la Gare", "du Général de Gaulle", "Pasteur",
    "de l'Église", "des Écoles", "du Moulin", "de la Mairie", "Jules Ferry", "Gambetta", "de Verdun", "de la Paix",
    "du Stade", "des Tilleuls", "des Lilas", "du Château", "du Bois", "des Prés", "de la Forêt", "de la Libération",
    "du 8 Mai 1945", "du 11 Novembre", "Émile Zola", "Anatole France", "Jean Moulin", "Pierre Corneille",
    "Gustave Flaubert", "Jeanne d'Arc", "Guy de Maupassant", "Saint-Martin", "de la Seine", "des Coteaux", "du Val",
    "des Sources", "de l'Industrie", "du Commerce", "des Marronniers", "des Peupliers", "du Calvaire", "des Canadiens",
    "Louise Michel", "Marie Curie", "Charles de Gaulle", "Aristide Briand", "Georges Clemenceau", "des Martyrs",
    "du Presbytère", "de la Croix", "des Fontaines", "du Manoir", "des Vergers", "de la Source", "Édouard Vaillant",
)
# and streets named after people: first name and surname
FIRST_NAMES = ("Jean", "Louis", "Paul", "Marie", "Pierre", "Jacques", "Henri", "Louise", "Georges", "Camille",
               "Albert", "Marcel", "Lucie", "André", "Simone", "Robert", "Suzanne", "Émile", "Jeanne", "Maurice")
SURNAMES = ("Lefebvre", "Duval", "Leroux", "Lemonnier", "Deschamps", "Hébert", "Lecomte", "Delamare", "Anquetil",
            "Lesueur", "Grenier", "Féret", "Poulain", "Quesnel", "Letellier", "Avenel", "Boutigny", "Vasse",
            "Lemaître", "Bréant")
SUFFIXES = ("bis", "ter")
STEP_M = 9.0  # between two house numbers on the same side of a street

ENTRY = {
    "id": "adresses",
    "title": "Adresses des communes de la Métropole",
    "description": (
        "Adresses sur le modèle de la Base Adresse Nationale (BAN) : numéro, voie, commune et position. Les noms "
        "des voies sont des noms courants, pas ceux des vraies rues des communes ; chaque adresse est dans le "
        "contour réel de sa commune. Ce jeu sert à la recherche d'adresse du portail."
    ),
    "theme": "Territoire",
    "keywords": ["adresses", "BAN", "voies", "territoire"],
    "modified": date(2026, 11, 1),
    "format": "csv",
    "path": "adresses.csv",
    "position": ("lat", "lon"),
    "fields": [
        {"name": "id", "label": "Identifiant", "type": "text", "role": "id"},
        {"name": "numero", "label": "Numéro", "type": "text", "role": "house_number"},
        {"name": "rep", "label": "Indice de répétition", "type": "text", "role": "house_number_suffix"},
        {"name": "nom_voie", "label": "Voie", "type": "text", "role": "street"},
        {"name": "code_insee", "label": "Code INSEE", "type": "text", "role": "commune"},
        {"name": "nom_commune", "label": "Commune", "type": "text", "facet": True, "role": "commune_name"},
        {"name": "lon", "label": "Longitude", "type": "double"},
        {"name": "lat", "label": "Latitude", "type": "double"},
    ],
}
HEADER = [f["name"] for f in ENTRY["fields"]]


def _streets(territory: Territory, total: int, rng: np.random.Generator) -> list[tuple[int, str, int]]:
    """(commune, street name, addresses on it): more streets where more people live."""
    population = territory.populations.astype(float)
    per_commune = np.maximum(1, np.round(total * population / population.sum())).astype(int)
    streets = []
    for i, count in enumerate(per_commune.tolist()):
        names = set()
        while count > 0:
            size = int(min(count, rng.integers(8, 90)))
            kind = STREET_TYPES[rng.integers(len(STREET_TYPES))]
            if rng.random() < 0.5:
                name = f"{kind} {STREET_NAMES[rng.integers(len(STREET_NAMES))]}"
            else:
                name = f"{kind} {FIRST_NAMES[rng.integers(len(FIRST_NAMES))]} {SURNAMES[rng.integers(len(SURNAMES))]}"
            if name in names:  # a second street of that name in the commune: a new one is drawn
                continue
            names.add(name)
            streets.append((i, name, size))
            count -= size
    return streets


def rows(territory: Territory, scale: int):
    """Each street starts at a random point of its commune and runs straight; a number that would fall outside the
    commune is brought back inside it."""
    rng = np.random.default_rng(SEED)
    for street, (i, name, size) in enumerate(_streets(territory, ADDRESSES_PER_SCALE * scale, rng)):
        commune = territory.communes[i]
        x0, y0 = territory.random_xy(np.array([i]), rng, spread=0.3)
        heading = rng.uniform(0, math.pi)
        for k in range(size):
            number = k + 1
            along = STEP_M * (number // 2)
            side = 8.0 if number % 2 else -8.0
            x = x0[0] + along * math.cos(heading) - side * math.sin(heading)
            y = y0[0] + along * math.sin(heading) + side * math.cos(heading)
            if not shapely.contains_xy(territory.cells[i], x, y):
                x, y = territory.pull_inside(i, x, y, 5.0)
            lon, lat = to_lonlat(x, y)
            suffix = SUFFIXES[int(rng.integers(2))] if rng.random() < 0.02 else ""
            yield (f"{commune.insee}_{street:05d}_{number:05d}{suffix}", str(number), suffix, name,
                   commune.insee, commune.nom, f"{float(lon):.6f}", f"{float(lat):.6f}")


def write(out: Path, territory: Territory, scale: int) -> int:
    return write_ods_csv(out / ENTRY["path"], HEADER, rows(territory, scale))
