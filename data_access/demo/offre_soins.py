"""Demo dataset `offre-de-soins`: health care supply per commune and year (densities per 10,000 and APL)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from data_access.demo.common import write_ods_csv
from data_access.demo.communes import Territory

SEED = 2026_11_04
YEARS = tuple(range(2015, 2025))
ROUEN = "76540"

ENTRY = {
    "id": "offre-de-soins",
    "title": "Offre de soins de proximité par commune",
    "description": (
        "Densité de médecins généralistes, de pharmacies et d'infirmiers libéraux pour 10 000 habitants, et "
        "accessibilité potentielle localisée (APL) aux médecins généralistes, par commune et par année "
        "(2015-2024).\n\n"
        "L'APL compte les consultations accessibles par an et par habitant, en tenant compte de l'offre des "
        "communes voisines."
    ),
    "theme": "Santé",
    "keywords": ["santé", "médecins", "pharmacies", "infirmiers", "APL", "accès aux soins"],
    "modified": date(2026, 3, 31),
    "format": "csv",
    "path": "offre-de-soins.csv",
    "dashboard": "sante",
    "fields": [
        {"name": "annee", "label": "Année", "type": "int", "role": "year"},
        {"name": "code_insee", "label": "Code INSEE", "type": "text", "role": "commune"},
        {"name": "commune", "label": "Commune", "type": "text", "role": "commune_name"},
        {"name": "population", "label": "Population", "type": "int", "role": "population", "unit": "hab."},
        # "indicator" is held by the four measures: the Santé dashboard offers each of them.
        {"name": "medecins_generalistes", "label": "Médecins généralistes", "type": "double",
         "role": "indicator", "unit": "pour 10 000 hab.",
         "description": "médecins généralistes libéraux installés dans la commune, pour 10 000 habitants"},
        {"name": "pharmacies", "label": "Pharmacies", "type": "double", "role": "indicator",
         "unit": "pour 10 000 hab.", "description": "officines ouvertes dans la commune, pour 10 000 habitants"},
        {"name": "infirmiers", "label": "Infirmiers", "type": "double", "role": "indicator",
         "unit": "pour 10 000 hab.", "description": "infirmiers libéraux installés dans la commune, pour 10 000 "
                                                   "habitants"},
        {"name": "apl_medecins", "label": "APL aux médecins généralistes", "type": "double", "role": "indicator",
         "unit": "consultations/an/hab.",
         "description": "accessibilité potentielle localisée : consultations de médecin généraliste accessibles par an "
                        "et par habitant, en tenant compte de l'offre des communes voisines (DREES)"},
    ],
}
HEADER = [f["name"] for f in ENTRY["fields"]]


def _counts(rate_2024: np.ndarray, pop: np.ndarray, trend: float, rng: np.random.Generator,
            closures: float = 0.0) -> np.ndarray:
    """Whole numbers of professionals per [commune, year]: a stable commune level times a slow trend."""
    years = np.array(YEARS) - YEARS[-1]
    level = rate_2024 * np.exp(rng.normal(0.0, 0.25, len(rate_2024)))
    expected = level[:, None] * pop / 10_000 * (1.0 + trend) ** years[None, :]
    # Rounding with a fixed per-commune offset: a village expecting 0.4 pharmacist has one or none, every year.
    offset = rng.random(len(rate_2024))[:, None]
    counts = np.floor(expected * (1.0 + rng.normal(0.0, 0.03, expected.shape)) + offset).astype(int)
    if closures:  # a pharmacy that closes stays closed
        for c in np.flatnonzero(rng.random(len(rate_2024)) < closures):
            year = int(rng.integers(1, len(YEARS)))
            counts[c, year:] = np.maximum(counts[c, year:] - 1, 0)
    return np.maximum(counts, 0)


def rows(territory: Territory, scale: int):
    rng = np.random.default_rng(SEED)
    pop_2025 = territory.populations.astype(float)
    growth = np.clip(rng.normal(0.002, 0.006, len(pop_2025)), -0.012, 0.015)
    years = np.array(YEARS)
    pop = np.rint(pop_2025[:, None] / (1.0 + growth[:, None]) ** (2025 - years[None, :])).astype(int)
    is_rouen = np.array([c.insee == ROUEN for c in territory.communes])
    size = np.where(is_rouen, 3, np.where(pop_2025 >= 8_000, 2, np.where(pop_2025 >= 2_000, 1, 0)))
    gp = _counts(np.array([5.0, 6.5, 8.0, 11.5])[size], pop, -0.015, rng)
    pharma = _counts(np.array([3.5, 3.0, 3.2, 3.8])[size], pop, 0.0, rng, closures=0.1)
    nurses = _counts(np.array([9.0, 12.0, 14.0, 17.0])[size], pop, 0.025, rng)
    dist_km = np.hypot(territory.x - territory.x[is_rouen], territory.y - territory.y[is_rouen]) / 1000
    apl_2024 = np.clip(4.1 - 0.08 * dist_km + rng.normal(0.0, 0.25, len(dist_km)), 1.5, 5.0)
    for y, year in enumerate(YEARS):
        for c, commune in enumerate(territory.communes):
            per_10k = 10_000 / pop[c, y]
            apl = np.clip(apl_2024[c] * 1.012 ** (YEARS[-1] - year) + rng.normal(0.0, 0.04), 1.5, 5.0)
            yield (year, commune.insee, commune.nom, int(pop[c, y]),
                   f"{gp[c, y] * per_10k:.2f}", f"{pharma[c, y] * per_10k:.2f}",
                   f"{nurses[c, y] * per_10k:.2f}", f"{apl:.2f}")


def write(out: Path, territory: Territory, scale: int) -> int:
    return write_ods_csv(out / ENTRY["path"], HEADER, rows(territory, scale))
