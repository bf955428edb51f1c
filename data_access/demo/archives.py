"""Demo dataset `archives`: a finding aid of archive files, written as a plain comma-separated CSV."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from data_access.demo.common import SNAPSHOT_DATE, de_commune, write_plain_csv
from data_access.demo.communes import Territory

SEED = 2026_11_11
ROWS_PER_SCALE = 1_500
SURNAMES = ("Lefebvre", "Duval", "Leroux", "Lemonnier", "Deschamps", "Hébert", "Lecomte", "Vasse", "Delamare",
            "Anquetil", "Lesueur", "Boutigny", "Grenier", "Féret", "Poulain", "Quesnel", "Letellier", "Avenel")
# series -> (weight, cote pattern, (first year, last year), span in years, [(title, producer, delay in years)])
# Cote patterns: {c} commune number, {e} notary office, {k} running number, {f} fonds number.
SERIES: dict[str, tuple] = {
    "3 E": (0.18, "3 E {e}/{k}", (1600, 1900), 10, [
        ("Minutes notariales", "Étude de Maître {s}, notaire {de}", 100),
        ("Répertoire des actes", "Étude de Maître {s}, notaire {de}", 75),
        ("Contrats de mariage et inventaires après décès", "Étude de Maître {s}, notaire {de}", 75),
    ]),
    "E dépôt": (0.2, "E dépôt {c}/{k}", (1600, 1990), 30, [
        ("Registres paroissiaux {de} : baptêmes, mariages, sépultures", "Commune {de}", 0),
        ("Registres des délibérations du conseil municipal {de}", "Commune {de}", 0),
        ("État civil {de} : naissances, mariages, décès", "Commune {de}", 75),
        ("Listes électorales {de}", "Commune {de}", 50),
    ]),
    "2 O": (0.12, "2 O {c}/{k}", (1800, 1940), 15, [
        ("Commune {de} : construction de la mairie-école", "Préfecture de la Seine-Inférieure", 0),
        ("Commune {de} : chemins vicinaux, alignements", "Préfecture de la Seine-Inférieure", 0),
        ("Commune {de} : église, travaux de réparation", "Préfecture de la Seine-Inférieure", 0),
        ("Commune {de} : cimetière, agrandissement", "Préfecture de la Seine-Inférieure", 0),
    ]),
    "4 M": (0.08, "4 M {k}", (1800, 1940), 20, [
        ("Fêtes et cérémonies publiques {de}", "Préfecture de la Seine-Inférieure", 0),
        ("Débits de boissons, autorisations ({n})", "Préfecture de la Seine-Inférieure", 0),
        ("Surveillance des étrangers, dossiers individuels ({n})", "Préfecture de la Seine-Inférieure", 75),
    ]),
    "3 P": (0.1, "3 P {k}", (1820, 1970), 40, [
        ("Cadastre napoléonien {de} : plan parcellaire", "Service du cadastre", 0),
        ("État de sections {de}", "Service du cadastre", 0),
        ("Matrices cadastrales des propriétés bâties {de}", "Service du cadastre", 0),
    ]),
    "5 Fi": (0.08, "5 Fi {k}", (1890, 1990), 5, [
        ("Cartes postales : {n}, vues générales", "Collection départementale", 0),
        ("Photographies aériennes {de}", "Institut géographique national", 0),
    ]),
    "1 W": (0.12, "1 W {k}", (1940, 2005), 12, [
        ("Reconstruction {de} : plans, devis et correspondance", "Préfecture de la Seine-Maritime", 0),
        ("Dommages de guerre : dossiers individuels ({n})", "Préfecture de la Seine-Maritime", 50),
        ("Élections municipales : procès-verbaux ({n})", "Préfecture de la Seine-Maritime", 0),
        ("Installations classées : usine {de}", "Direction départementale de l'Équipement", 25),
    ]),
    "J": (0.05, "{f} J {k}", (1700, 2000), 60, [
        ("Fonds de la famille {s} : correspondance, titres de propriété", "Famille {s}", 0),
        ("Fonds de l'entreprise {s} et Cie, filature {de}", "Entreprise {s} et Cie", 0),
    ]),
    "W": (0.07, "{f} W {k}", (1970, 2024), 15, [
        ("Transports en commun : études et travaux du métro", "District de l'agglomération rouennaise", 25),
        ("Assainissement : station d'épuration, dossiers de travaux", "Métropole Rouen Normandie", 25),
        ("Voirie {de} : dossiers de travaux", "Métropole Rouen Normandie", 25),
        ("Personnel : dossiers de carrière", "Métropole Rouen Normandie", 50),
    ]),
}
HEADER = ["cote", "intitule", "date_debut", "date_fin", "producteur", "metrage_lineaire", "communicabilite"]

ENTRY = {
    "id": "archives",
    "title": "Inventaire d'archives publiques et privées",
    "description": (
        "Extrait d'un instrument de recherche : cote, intitulé, dates extrêmes, producteur, métrage linéaire "
        "et communicabilité des dossiers (notaires, communes, préfecture, cadastre, fonds privés, "
        "intercommunalité).\n\n"
        "Fichier CSV séparé par des virgules, sans BOM."
    ),
    "theme": "Culture",
    "keywords": ["archives", "patrimoine", "histoire", "inventaire"],
    "modified": date(2025, 12, 5),
    "format": "csv",
    "path": "archives.csv",
    "fields": [
        {"name": "cote", "label": "Cote", "type": "text", "role": "id"},
        {"name": "intitule", "label": "Intitulé", "type": "text", "role": "title"},
        {"name": "date_debut", "label": "Date de début", "type": "int", "unit": "année"},
        {"name": "date_fin", "label": "Date de fin", "type": "int", "unit": "année"},
        {"name": "producteur", "label": "Producteur", "type": "text", "facet": True},
        {"name": "metrage_lineaire", "label": "Métrage linéaire", "type": "double", "unit": "m"},
        {"name": "communicabilite", "label": "Communicabilité", "type": "text", "facet": True},
    ],
}


def communicability(end_year: int, delay: int, rng: np.random.Generator) -> str:
    if rng.random() < 0.02:
        return "non communicable (mauvais état matériel)"
    if delay and end_year + delay > SNAPSHOT_DATE.year:
        return f"communicable sous délai ({delay} ans)"
    return "librement communicable"


def rows(territory: Territory, scale: int):
    rng = np.random.default_rng(SEED)
    n = ROWS_PER_SCALE * scale
    names = list(SERIES)
    counts = rng.multinomial(n, [SERIES[s][0] for s in names])
    pop = territory.populations.astype(float) ** 0.5  # small communes have old archives too
    for series, count in zip(names, counts):
        _, pattern, (first, last), span, titles = SERIES[series]
        running: dict[tuple, int] = {}
        fonds = (int(rng.integers(1, 60)), int(rng.integers(60, 120))) if series == "J" else \
            (int(rng.integers(1000, 2400)), int(rng.integers(2400, 4000)))
        for _ in range(count):
            c = int(rng.choice(len(pop), p=pop / pop.sum()))
            commune = territory.communes[c]
            title, producer, delay = titles[int(rng.integers(len(titles)))]
            start = int(rng.integers(first, last + 1))
            end = min(start + int(rng.integers(0, span + 1)), last)
            key = {"3 E": ("e", c % 60 + 1), "E dépôt": ("c", c + 1), "2 O": ("c", c + 1)}.get(series, ("f", 0))
            if series in ("J", "W"):
                key = ("f", fonds[int(rng.integers(2))])
            running[key] = running.get(key, 0) + 1
            cote = pattern.format(e=key[1], c=key[1], f=key[1], k=running[key])
            surname = SURNAMES[int(rng.integers(len(SURNAMES)))]
            if series == "3 E":  # one notary per office
                surname = SURNAMES[key[1] % len(SURNAMES)]
            text = {"de": de_commune(commune.nom), "n": commune.nom, "s": surname}
            metres = round(float(np.clip(rng.lognormal(-1.2, 1.0), 0.01, 12.0)), 2)
            if series == "5 Fi":
                metres = round(float(rng.uniform(0.01, 0.2)), 2)
            yield (cote, title.format(**text), start, end, producer.format(**text), f"{metres:.2f}",
                   communicability(end, delay, rng))


def write(out: Path, territory: Territory, scale: int) -> int:
    return write_plain_csv(out / ENTRY["path"], HEADER, rows(territory, scale))
