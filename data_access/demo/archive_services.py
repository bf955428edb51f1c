"""Demo dataset `services-archives`: archive services of the Métropole's communes, in the shape of FranceArchives'
directory (name, addresses, opening hours, website, INSEE code), each at a point of its commune."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from data_access.demo.common import fmt_point, write_ods_csv
from data_access.demo.communes import Territory

SEED = 2026_12_02
FRANCEARCHIVES = "https://francearchives.gouv.fr/fr/"
# (INSEE code, service, opening hours): a service in the largest communes, the département's in Rouen
SERVICES = (
    ("76540", "Archives départementales de la Seine-Maritime", "Du lundi au vendredi, 9 h – 17 h 30"),
    ("76540", "Archives municipales de Rouen", "Du mardi au vendredi, 13 h 30 – 17 h ; le samedi sur rendez-vous"),
    ("76540", "Archives de la Métropole Rouen Normandie", "Sur rendez-vous, du lundi au jeudi"),
    ("76231", "Archives municipales d'Elbeuf", "Le mardi et le jeudi, 9 h – 12 h et 14 h – 17 h"),
    ("76681", "Archives municipales de Sotteville-lès-Rouen", "Du lundi au vendredi, 14 h – 17 h"),
    ("76575", "Archives municipales de Saint-Étienne-du-Rouvray", "Le mercredi, 9 h – 12 h, et sur rendez-vous"),
    ("76322", "Archives municipales du Grand-Quevilly", "Sur rendez-vous"),
    ("76498", "Archives municipales du Petit-Quevilly", "Le lundi et le vendredi, 9 h – 12 h"),
    ("76451", "Archives municipales de Mont-Saint-Aignan", "Sur rendez-vous"),
    ("76157", "Archives municipales de Canteleu", "Le jeudi, 14 h – 17 h"),
)

ENTRY = {
    "id": "services-archives",
    "title": "Services d'archives publiques",
    "description": (
        "Les services d'archives publiques des communes de la Métropole, sur le modèle de l'annuaire de "
        "FranceArchives : nom, adresse, horaires d'ouverture, site internet et commune. Les horaires et les "
        "positions sont fictifs ; le lien de chaque service mène au portail national FranceArchives, où "
        "trouver ses coordonnées réelles."
    ),
    "theme": "Culture et patrimoine",
    "keywords": ["archives", "patrimoine", "FranceArchives"],
    "modified": date(2026, 9, 15),
    "format": "csv",
    "path": "services-archives.csv",
    "fields": [
        {"name": "id_francearchives", "label": "Identifiant FranceArchives", "type": "text", "role": "archive_service"},
        {"name": "nom_du_service", "label": "Service", "type": "text", "role": "title"},
        {"name": "adresse_du_service", "label": "Adresse", "type": "text", "role": "address"},
        {"name": "horaires_d_ouverture", "label": "Horaires d'ouverture", "type": "text", "role": "opening_hours"},
        {"name": "site_internet", "label": "Site internet", "type": "text", "role": "link"},
        {"name": "ville", "label": "Commune", "type": "text", "facet": True, "role": "commune_name"},
        {"name": "code_insee_commune", "label": "Code INSEE", "type": "text", "role": "commune"},
        {"name": "geo_point_2d", "label": "Position", "type": "geo_point_2d"},
    ],
}
HEADER = [f["name"] for f in ENTRY["fields"]]


def rows(territory: Territory, scale: int):
    rng = np.random.default_rng(SEED)
    idx = np.array([territory.index(code) for code, _, _ in SERVICES])
    lat, lon = territory.random_lonlat(idx, rng, spread=0.1)
    for k, (code, name, hours) in enumerate(SERVICES):
        commune = territory.communes[idx[k]]
        # the demo does not invent the websites of real services: each links to the national directory's portal
        yield (f"FRAD{k + 1:03d}", name, f"Centre-ville, {commune.nom}", hours, FRANCEARCHIVES, commune.nom, code,
               fmt_point(lat[k], lon[k]))


def write(out: Path, territory: Territory, scale: int) -> int:
    return write_ods_csv(out / ENTRY["path"], HEADER, rows(territory, scale))
