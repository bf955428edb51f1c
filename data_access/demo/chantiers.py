"""Demo dataset `chantiers`: public works sites, statuses and progress consistent with SNAPSHOT_DATE."""
from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from data_access.demo.common import SNAPSHOT_DATE, de_commune, fmt_money, fmt_point, geometry_json, write_ods_csv
from data_access.demo.communes import Territory, to_lonlat

SEED = 2026_11_02
ROWS_PER_SCALE = 600
FIRST_START = date(2022, 1, 3)
LAST_START = date(2027, 10, 29)
LAST_END = date(2027, 12, 31)

METROPOLE = "Métropole Rouen Normandie"
DEPARTEMENT = "Département de la Seine-Maritime"
REGION = "Région Normandie"
VILLE = "{ville}"  # replaced by "Ville de Rouen", "Commune de Gouy"…

STREETS = (
    "rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "rue Pasteur", "boulevard de l'Europe",
    "rue du Général Leclerc", "rue Gambetta", "rue Jean Moulin", "avenue de la Libération", "rue des Écoles",
    "rue de l'Église", "rue du Moulin", "chemin des Prés", "rue Aristide Briand", "rue Émile Zola",
    "allée des Tilleuls", "rue des Champs", "rue du Maréchal Foch", "rue de la Gare", "rue Pierre Corneille",
    "rue Gustave Flaubert", "avenue des Canadiens", "rue du Stade", "rue de la Mairie", "rue Anatole France",
    "boulevard Charles de Gaulle", "rue Albert Camus", "rue Claude Monet", "rue du 8 Mai 1945", "rue de Verdun",
    "chemin de la Forêt", "route de Paris", "rue Louise Michel", "rue des Sapins", "rue Jules Ferry",
)
ROUEN_STREETS = (
    "boulevard des Belges", "quai Gustave Flaubert", "rue Jeanne d'Arc", "rue du Gros-Horloge", "rue Beauvoisine",
    "avenue du Mont-Riboudet", "rue Saint-Sever", "boulevard de l'Yser", "rue Martainville", "rue Saint-Romain",
    "rue de Crosne", "avenue de Bretagne", "quai de Paris", "rue du Renard", "route de Lyons-la-Forêt",
    "rue Eau de Robec", "boulevard d'Orléans", "place Saint-Marc", "rue Lafayette", "rue Saint-Julien",
)
ROUTES_DEPARTEMENTALES = ("6015", "982", "43", "18E", "938", "92", "7", "13", "95", "91")
PEOPLE = (
    "Jules Ferry", "Jean Jaurès", "Jacques Prévert", "Pierre Corneille", "Victor Hugo", "Louise Michel",
    "Marie Curie", "Jean Moulin", "Paul Éluard", "Simone Veil", "Pablo Picasso", "Guy de Maupassant",
    "Gustave Flaubert", "Albert Camus", "Claude Monet", "Jean de La Fontaine",
)

# type -> (weight, duration range in days, median budget €, linear geometry?, [(title, owners, action)])
TYPES: dict[str, tuple] = {
    "voirie": (0.28, (20, 240), 180_000, True, [
        ("Réfection de la chaussée {rue}", [METROPOLE], "reprendre la couche de roulement et les bordures"),
        ("Requalification de la voirie {rue}", [METROPOLE, VILLE], "élargir les trottoirs et planter des arbres"),
        ("Aménagement cyclable {rue}", [METROPOLE], "créer une piste cyclable bidirectionnelle séparée"),
        ("Mise en accessibilité des trottoirs {rue}", [METROPOLE, VILLE], "abaisser les bordures et poser des bandes podotactiles"),
        ("Renforcement de la chaussée de la RD {rd}", [DEPARTEMENT], "renforcer la structure de chaussée"),
    ]),
    "assainissement": (0.14, (30, 300), 350_000, True, [
        ("Réhabilitation du réseau d'assainissement {rue}", [METROPOLE], "chemiser les collecteurs sans tranchée"),
        ("Mise en séparatif des réseaux {rue}", [METROPOLE], "séparer les eaux pluviales des eaux usées"),
        ("Création d'un bassin de rétention {rue}", [METROPOLE], "stocker les eaux pluviales lors des orages"),
    ]),
    "eau potable": (0.12, (20, 200), 250_000, True, [
        ("Renouvellement de la canalisation d'eau potable {rue}", [METROPOLE], "remplacer une conduite en fonte ancienne"),
        ("Remplacement des branchements en plomb {rue}", [METROPOLE], "supprimer les derniers branchements en plomb"),
        ("Maillage du réseau d'eau potable {rue}", [METROPOLE], "sécuriser l'alimentation du quartier"),
    ]),
    "réseaux": (0.16, (10, 120), 90_000, True, [
        ("Renforcement du réseau électrique {rue}", ["Enedis"], "poser un nouveau câble haute tension souterrain"),
        ("Renouvellement de la conduite de gaz {rue}", ["GRDF"], "remplacer la conduite de distribution de gaz"),
        ("Enfouissement des réseaux aériens {rue}", [METROPOLE, VILLE], "enterrer les lignes électriques et téléphoniques"),
        ("Extension du réseau de chaleur {rue}", [METROPOLE], "raccorder de nouveaux bâtiments au chauffage urbain"),
    ]),
    "transport": (0.08, (60, 540), 1_200_000, True, [
        ("Aménagement d'arrêts de bus accessibles {rue}", [METROPOLE], "rehausser les quais et installer des abris"),
        ("Création d'une voie réservée aux bus {rue}", [METROPOLE], "fiabiliser les temps de parcours des lignes Fast"),
        ("Travaux sur un passage à niveau {rue}", ["SNCF Réseau"], "moderniser la signalisation ferroviaire"),
    ]),
    "espaces publics": (0.12, (60, 400), 400_000, False, [
        ("Réaménagement de la place de la Mairie", [VILLE, METROPOLE], "créer un espace piéton arboré"),
        ("Création d'une aire de jeux {rue}", [VILLE], "installer des jeux pour enfants et du mobilier"),
        ("Aménagement des berges de Seine", [METROPOLE], "ouvrir une promenade le long du fleuve"),
        ("Végétalisation de la cour de l'école {nom}", [VILLE], "désimperméabiliser et planter la cour"),
        ("Requalification du parc municipal", [VILLE], "rénover les allées et l'éclairage"),
    ]),
    "bâtiments": (0.10, (120, 720), 900_000, False, [
        ("Rénovation énergétique de l'école {nom}", [VILLE], "isoler les façades et changer les menuiseries"),
        ("Extension du gymnase {nom}", [VILLE], "ajouter une salle de sports de combat"),
        ("Réhabilitation du collège {nom}", [DEPARTEMENT], "restructurer les salles de sciences"),
        ("Restructuration du lycée {nom}", [REGION], "créer un internat et un restaurant scolaire"),
        ("Construction d'une médiathèque", [VILLE, METROPOLE], "bâtir un équipement culturel de proximité"),
    ]),
}
IMPACTS = ("aucun", "faible", "modéré", "fort")
IMPACT_WEIGHTS = {
    "voirie": (0.05, 0.30, 0.40, 0.25), "assainissement": (0.05, 0.35, 0.40, 0.20),
    "eau potable": (0.05, 0.40, 0.40, 0.15), "réseaux": (0.10, 0.50, 0.30, 0.10),
    "transport": (0.05, 0.25, 0.40, 0.30), "espaces publics": (0.30, 0.45, 0.20, 0.05),
    "bâtiments": (0.60, 0.30, 0.08, 0.02),
}
TRAFFIC_SENTENCES = {
    "aucun": "Pas d'impact sur la circulation.",
    "faible": "Gêne ponctuelle, la circulation est maintenue.",
    "modéré": "Circulation alternée par feux tricolores en journée.",
    "fort": "Voie barrée ; déviation mise en place par {rue2}.",
}

ENTRY = {
    "id": "chantiers",
    "title": "Chantiers et travaux",
    "description": (
        "Les chantiers de voirie, de réseaux, de transport et de bâtiments publics sur le territoire de la "
        "Métropole, de 2022 à 2027 : maître d'ouvrage, dates prévues et réelles, avancement, budget et "
        "impact sur la circulation. Statuts et avancements sont cohérents avec la date de l'instantané "
        "(15 novembre 2026)."
    ),
    "theme": "Travaux",
    "keywords": ["travaux", "chantiers", "voirie", "réseaux", "circulation"],
    "modified": date(2026, 11, 14),
    "format": "csv",
    "path": "chantiers.csv",
    "dashboard": "travaux",
    "key": "id",
    "frequency": "weekly",
    "fields": [
        {"name": "id", "label": "Identifiant", "type": "text", "role": "id"},
        {"name": "titre", "label": "Titre", "type": "text", "role": "title"},
        {"name": "description", "label": "Description", "type": "text", "role": "description"},
        {"name": "code_insee", "label": "Code INSEE", "type": "text", "role": "commune"},
        {"name": "commune", "label": "Commune", "type": "text", "facet": True, "role": "commune_name"},
        {"name": "type", "label": "Type de travaux", "type": "text", "facet": True, "role": "type"},
        {"name": "maitre_ouvrage", "label": "Maître d'ouvrage", "type": "text", "facet": True, "role": "owner"},
        {"name": "statut", "label": "Statut", "type": "text", "facet": True, "role": "status"},
        {"name": "date_debut", "label": "Début", "type": "date", "role": "start_date"},
        {"name": "date_fin_prevue", "label": "Fin prévue", "type": "date", "role": "planned_end_date"},
        {"name": "date_fin_reelle", "label": "Fin réelle", "type": "date", "role": "actual_end_date"},
        {"name": "avancement", "label": "Avancement", "type": "int", "role": "progress", "unit": "%"},
        {"name": "budget_prevu", "label": "Budget prévu", "type": "double", "role": "budget_planned", "unit": "€"},
        {"name": "budget_engage", "label": "Budget engagé", "type": "double", "role": "budget_committed", "unit": "€"},
        {"name": "impact_circulation", "label": "Impact sur la circulation", "type": "text", "facet": True,
         "role": "traffic_impact"},
        {"name": "geo_point_2d", "label": "Position", "type": "geo_point_2d"},
        {"name": "geo_shape", "label": "Emprise", "type": "geo_shape"},
    ],
}
HEADER = [f["name"] for f in ENTRY["fields"]]


def ville(nom: str, population: int) -> str:
    """The commune as a maître d'ouvrage: "Ville de Rouen", "Ville du Trait", "Commune de Gouy"."""
    return ("Ville " if population >= 5_000 else "Commune ") + de_commune(nom)


def street_path(x0: float, y0: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A street-like polyline (metres): a few segments with gentle bends and the odd right-angle turn.

    Its middle vertex, the site's position, is (x0, y0): a point drawn inside the site's commune.
    """
    n = int(rng.integers(3, 8))
    heading = rng.uniform(0, 2 * math.pi)
    xs, ys = [0.0], [0.0]
    for _ in range(n):
        heading += rng.choice([0.0, math.pi / 2, -math.pi / 2], p=[0.8, 0.1, 0.1]) + rng.normal(0, 0.2)
        step = rng.uniform(60, 180)
        xs.append(xs[-1] + step * math.cos(heading))
        ys.append(ys[-1] + step * math.sin(heading))
    mid = len(xs) // 2
    return np.array(xs) - xs[mid] + x0, np.array(ys) - ys[mid] + y0


def _status(start: date, planned_end: date, rng: np.random.Generator):
    """statut, avancement, date_fin_reelle, as seen on SNAPSHOT_DATE."""
    today = SNAPSHOT_DATE
    if start > today:
        return "programmé", 0, None
    duration = max((planned_end - start).days, 1)
    if planned_end < today:
        u = rng.random()
        delay = int(rng.integers(-10, 21) if u < 0.7 else rng.integers(20, 151) if u < 0.95 else rng.integers(150, 401))
        actual = max(planned_end + timedelta(days=delay), start + timedelta(days=1))
        if actual <= today:
            return "terminé", 100, actual
        progress = int(np.clip(round(100 * (today - start).days / (actual - start).days), 50, 97))
        return ("suspendu" if rng.random() < 0.08 else "en cours"), progress, None
    expected = 100 * (today - start).days / duration
    if expected > 85 and rng.random() < 0.2:
        done = start + timedelta(days=int(duration * rng.uniform(0.85, 1.0)))
        return "terminé", 100, min(done, today)
    u = rng.random()
    if u < 0.07:
        return "suspendu", int(expected * rng.uniform(0.3, 0.8)), None
    if u < 0.17:  # noticeably behind schedule
        return "en cours", int(max(0, round(expected - rng.uniform(20, 40)))), None
    return "en cours", int(np.clip(round(expected + rng.normal(0, 5)), 0, 99)), None


def _budgets(kind: str, status: str, progress: int, rng: np.random.Generator) -> tuple[float, float]:
    planned = round(TYPES[kind][2] * math.exp(rng.normal(0, 0.7)), -2)
    if status == "programmé":
        committed = 0.0 if rng.random() < 0.7 else planned * rng.uniform(0.02, 0.1)
    elif status == "terminé":
        committed = planned * (rng.uniform(0.85, 1.02) if rng.random() < 0.85 else rng.uniform(1.05, 1.45))
    else:
        committed = planned * min(progress / 100 * rng.uniform(0.8, 1.1) + rng.uniform(0.02, 0.08), 1.3)
    return planned, round(committed, 2)


def rows(territory: Territory, scale: int):
    rng = np.random.default_rng(SEED)
    n = ROWS_PER_SCALE * scale
    pop = territory.populations.astype(float)
    commune_idx = rng.choice(len(pop), size=n, p=pop / pop.sum())
    kinds = list(TYPES)
    kind_idx = rng.choice(len(kinds), size=n, p=[TYPES[k][0] for k in kinds])
    span = (LAST_START - FIRST_START).days
    # More recent sites than old ones: the register keeps finished sites but fills up with new ones.
    starts = np.sort(np.floor(rng.beta(1.8, 1.0, size=n) * (span + 1)).astype(int))
    px, py = territory.random_xy(commune_idx, rng, spread=0.3)
    records = []
    for i in range(n):
        commune = territory.communes[commune_idx[i]]
        kind = kinds[kind_idx[i]]
        _, (dmin, dmax), _, linear, templates = TYPES[kind]
        title_t, owners, action = templates[int(rng.integers(len(templates)))]
        streets = ROUEN_STREETS + STREETS if commune.insee == "76540" else STREETS
        rue, rue2 = (streets[j] for j in rng.choice(len(streets), size=2, replace=False))
        nom = PEOPLE[int(rng.integers(len(PEOPLE)))]
        owner = owners[int(rng.integers(len(owners)))].replace(VILLE, ville(commune.nom, commune.population))
        title = title_t.format(rue=rue, nom=nom, rd=ROUTES_DEPARTEMENTALES[int(rng.integers(len(ROUTES_DEPARTEMENTALES)))])
        start = FIRST_START + timedelta(days=int(starts[i]))
        planned_end = min(start + timedelta(days=int(rng.integers(dmin, dmax + 1))), LAST_END)
        status, progress, actual_end = _status(start, planned_end, rng)
        planned, committed = _budgets(kind, status, progress, rng)
        impact = IMPACTS[int(rng.choice(4, p=IMPACT_WEIGHTS[kind]))]
        traffic = TRAFFIC_SENTENCES[impact].format(rue2=rue2)
        if rng.random() < 0.15:  # ODS exports keep line breaks and semicolons inside quoted cells
            description = (f"{title} à {commune.nom}.\nPhase 1 : installation du chantier et sondages ;\n"
                           f"Phase 2 : travaux pour {action}. {traffic}")
        else:
            description = f"{title} à {commune.nom} : les travaux consistent à {action}. {traffic}"
        if linear:
            xs, ys = street_path(px[i], py[i], rng)
            lon, lat = to_lonlat(xs, ys)
            coords = [[round(float(a), 6), round(float(b), 6)] for a, b in zip(lon, lat)]
            shape = {"type": "LineString", "coordinates": coords}
            mid = coords[len(coords) // 2]
            point = fmt_point(mid[1], mid[0])
        else:
            lon, lat = to_lonlat(px[i], py[i])
            shape = {"type": "Point", "coordinates": [round(float(lon), 6), round(float(lat), 6)]}
            point = fmt_point(float(lat), float(lon))
        records.append([
            start.year, title, description, commune.insee, commune.nom, kind, owner, status,
            start.isoformat(), planned_end.isoformat(), actual_end.isoformat() if actual_end else None,
            progress, fmt_money(planned), fmt_money(committed), impact, point, geometry_json(shape),
        ])
    seq: dict[int, int] = {}
    for rec in records:  # ids follow the start date: CH-<year>-<n° in that year>
        year = rec[0]
        seq[year] = seq.get(year, 0) + 1
        rec[0] = f"CH-{year}-{seq[year]:04d}"
    return records


def write(out: Path, territory: Territory, scale: int) -> int:
    return write_ods_csv(out / ENTRY["path"], HEADER, rows(territory, scale))
