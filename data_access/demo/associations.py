"""Demo dataset `associations`: an extract shaped like the national register of associations (RNA), as Parquet."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from data_access.demo.common import SNAPSHOT_DATE, de_commune, fmt_point
from data_access.demo.communes import Territory
from data_access.demo.network import ROUEN_PLACES

SEED = 2026_11_09
ROWS_PER_SCALE = 6_000
ROUEN = "76540"
QUARTERS = ("Centre", "Les Hauts", "Le Bourg", "La Vallée", "Les Coteaux", "Le Plateau")

# theme -> (weight, [(name template, activity)], [object templates])
THEMES: dict[str, tuple] = {
    "sport": (0.24, [
        ("Association sportive {de}", "sports collectifs"), ("Football club {de}", "football"),
        ("Tennis club {de}", "tennis"), ("Judo club {de}", "judo"), ("Union cycliste {de}", "cyclisme"),
        ("Basket club {de}", "basket-ball"), ("Handball club {de}", "handball"), ("Randonneurs {de}", "randonnée"),
        ("Gymnastique volontaire {de}", "gymnastique"), ("Pétanque club {de}", "pétanque"),
        ("Badminton club {de}", "badminton"), ("Rugby club {de}", "rugby"), ("Club nautique {de}", "aviron et canoë"),
        ("Tennis de table {de}", "tennis de table"), ("Yoga {nom}", "yoga"),
    ], ["Favoriser la pratique du {activity} en loisir et en compétition.",
        "Organiser des entraînements et des rencontres de {activity} pour les jeunes et les adultes."]),
    "culture": (0.16, [
        ("Chorale {de}", "chant choral"), ("Compagnie théâtrale {de}", "théâtre"),
        ("Les Amis du patrimoine {de}", "patrimoine local"), ("Harmonie {de}", "musique d'harmonie"),
        ("Atelier de peinture {de}", "peinture"), ("Ciné-club {de}", "cinéma"), ("Photo-club {de}", "photographie"),
        ("École de danse {de}", "danse"), ("Cercle de lecture {de}", "lecture"),
    ], ["Promouvoir {activity} auprès des habitants et organiser des manifestations culturelles.",
        "Faire découvrir et pratiquer {activity}, organiser expositions et spectacles."]),
    "loisirs": (0.14, [
        ("Comité des fêtes {de}", "animations festives"), ("Club de scrabble {de}", "scrabble"),
        ("Amicale des pêcheurs {de}", "pêche"), ("Club informatique {de}", "informatique"),
        ("Comité de jumelage {de}", "échanges avec les villes jumelles"), ("Club de bridge {de}", "bridge"),
        ("Modélisme ferroviaire {de}", "modélisme"), ("Club des aînés {de}", "rencontres entre aînés"),
    ], ["Proposer des activités de loisirs autour du thème : {activity}.",
        "Réunir les habitants autour de {activity} et créer du lien."]),
    "social": (0.12, [
        ("Secours solidaire {de}", "l'aide alimentaire"), ("Entraide {nom}", "l'entraide entre voisins"),
        ("Association des familles {de}", "le soutien aux familles"), ("Épicerie solidaire {de}", "l'aide alimentaire"),
        ("Accueil et solidarité {de}", "l'accueil des personnes isolées"),
    ], ["Lutter contre l'exclusion par {activity}.", "Développer {activity} sur le territoire."]),
    "éducation": (0.09, [
        ("Parents d'élèves {de}", "la vie scolaire"), ("Soutien scolaire {de}", "l'aide aux devoirs"),
        ("Amicale laïque {de}", "l'éducation populaire"), ("Université populaire {de}", "les conférences ouvertes à tous"),
    ], ["Accompagner les enfants et les familles par {activity}.", "Promouvoir {activity} pour tous les âges."]),
    "environnement": (0.06, [
        ("Jardins partagés {de}", "le jardinage"), ("Nature et patrimoine {de}", "la protection de la nature"),
        ("Collectif vélo {de}", "le vélo au quotidien"), ("Apiculteurs {de}", "l'apiculture"),
        ("Les Amis des berges de Seine {de}", "la préservation des berges"),
    ], ["Sensibiliser le public à {activity}.", "Agir pour {activity} et l'environnement local."]),
    "santé": (0.05, [
        ("Donneurs de sang bénévoles {de}", "le don du sang"), ("Sport santé {de}", "l'activité physique adaptée"),
        ("Prévention santé {de}", "la prévention des maladies chroniques"),
    ], ["Promouvoir {activity} et informer le public.", "Soutenir les patients et leurs proches par {activity}."]),
    "défense des droits": (0.04, [
        ("Locataires {de}", "la défense des locataires"), ("Collectif citoyen {de}", "la démocratie participative"),
        ("Consommateurs {de}", "la défense des consommateurs"), ("Comité de quartier {de}", "le cadre de vie"),
    ], ["Défendre les intérêts des habitants : {activity}.", "Représenter ses membres pour {activity}."]),
    "économie": (0.05, [
        ("Union des commerçants {de}", "le commerce local"), ("Club d'entreprises {de}", "le développement économique"),
        ("Artisans {de}", "l'artisanat"),
    ], ["Promouvoir {activity} et animer le centre-ville.", "Fédérer les acteurs autour de {activity}."]),
    "mémoire": (0.05, [
        ("Anciens combattants {de}", "le devoir de mémoire"), ("Comité du souvenir {de}", "le devoir de mémoire"),
        ("Cercle généalogique {de}", "la généalogie"),
    ], ["Entretenir {activity} et participer aux commémorations.", "Rassembler les passionnés autour de {activity}."]),
}

ENTRY = {
    "id": "associations",
    "title": "Associations du territoire (RNA)",
    "description": (
        "Associations déclarées dont le siège est dans une commune de la Métropole, sur le modèle d'un extrait "
        "du Répertoire national des associations (RNA) : identifiant, nom, objet, thème, commune et date de "
        "création."
    ),
    "theme": "Vie associative",
    "keywords": ["associations", "RNA", "vie associative", "bénévolat"],
    "modified": date(2026, 10, 1),
    "format": "parquet",
    "path": "associations.parquet",
    "key": "id_rna",
    "frequency": "monthly",
    "fields": [
        {"name": "id_rna", "label": "Identifiant RNA", "type": "text", "role": "association"},
        {"name": "nom", "label": "Nom", "type": "text", "role": "title"},
        {"name": "objet", "label": "Objet", "type": "text", "role": "description"},
        {"name": "theme", "label": "Thème", "type": "text", "facet": True, "role": "type"},
        {"name": "code_insee", "label": "Code INSEE", "type": "text", "role": "commune"},
        {"name": "commune", "label": "Commune", "type": "text", "facet": True, "role": "commune_name"},
        {"name": "date_creation", "label": "Date de création", "type": "date"},
        {"name": "objet_social1", "label": "Objet social", "type": "text", "facet": True,
         "labels": "rna_objet_social"},
        {"name": "position", "label": "Situation", "type": "text", "facet": True, "role": "situation",
         "labels": {"A": "active", "D": "dissoute"}},
        {"name": "geo_point_2d", "label": "Siège", "type": "geo_point_2d"},
    ],
}


def creation_dates(n: int, rng: np.random.Generator) -> np.ndarray:
    """Skewed towards recent years (associations die as others are born), a few back to 1901."""
    today = np.datetime64(SNAPSHOT_DATE, "D")
    age_days = np.where(rng.random(n) < 0.04, rng.uniform(0, 125 * 365.25, n), rng.exponential(14 * 365.25, n))
    days = np.minimum(age_days, (SNAPSHOT_DATE - date(1901, 7, 2)).days).astype(np.int64)
    return np.sort(today - days.astype("timedelta64[D]"))


# Each theme's family in the RNA's nomenclature of social objects (data_access/catalogue/nomenclatures.py).
OBJET_SOCIAL = {"sport": "011000", "culture": "006000", "loisirs": "007000", "social": "019000",
                "éducation": "015000", "environnement": "024000", "santé": "017000", "défense des droits": "003000",
                "économie": "022000", "mémoire": "010000"}
DISSOLVED_SHARE = 0.08


def rna_codes(themes: list[str]) -> dict[str, pa.Array]:
    """The RNA's coded columns: the social object of each association's theme, and its situation (A active,
    D dissolved, kept in the register). Drawn apart, so that the other columns keep their values."""
    rng = np.random.default_rng(SEED + 1)
    dissolved = rng.random(len(themes)) < DISSOLVED_SHARE
    return {"objet_social1": pa.array([OBJET_SOCIAL[t] for t in themes], pa.string()),
            "position": pa.array(np.where(dissolved, "D", "A").tolist(), pa.string())}


def table(territory: Territory, scale: int) -> pa.Table:
    rng = np.random.default_rng(SEED)
    n = ROWS_PER_SCALE * scale
    weights = territory.populations.astype(float)
    weights[territory.index(ROUEN)] *= 1.5  # the prefecture concentrates head offices
    idx = rng.choice(len(weights), size=n, p=weights / weights.sum())
    dates = creation_dates(n, rng)  # sorted: RNA numbers grow with the registration date
    numbers = np.sort(rng.choice(1_000_000, size=n, replace=False))
    themes = list(THEMES)
    theme_idx = rng.choice(len(themes), size=n, p=[THEMES[t][0] for t in themes])
    lat, lon = territory.random_lonlat(idx, rng, spread=0.3)
    used: set[str] = set()
    names, objects, points = [], [], []
    for k in range(n):
        commune = territory.communes[idx[k]]
        _, templates, objets = THEMES[themes[theme_idx[k]]]
        template, activity = templates[int(rng.integers(len(templates)))]
        name = template.format(de=de_commune(commune.nom), nom=commune.nom)
        if name in used:
            quarters = ROUEN_PLACES if commune.insee == ROUEN else QUARTERS
            name = f"{name} – {quarters[int(rng.integers(len(quarters)))]}"
        if name in used:
            name = f"{name} ({dates[k].astype(object).year})"
        used.add(name)
        names.append(name)
        objects.append(objets[int(rng.integers(len(objets)))].format(activity=activity))
        points.append(fmt_point(lat[k], lon[k]))
    return pa.table({
        "id_rna": pa.array([f"W761{num:06d}" for num in numbers], pa.string()),
        "nom": pa.array(names, pa.string()),
        "objet": pa.array(objects, pa.string()),
        "theme": pa.array([themes[t] for t in theme_idx], pa.string()),
        "code_insee": pa.array([territory.communes[i].insee for i in idx], pa.string()),
        "commune": pa.array([territory.communes[i].nom for i in idx], pa.string()),
        "date_creation": pa.array(dates, pa.date32()),
        **rna_codes([themes[t] for t in theme_idx]),
        "geo_point_2d": pa.array(points, pa.string()),
    })


def write(out: Path, territory: Territory, scale: int) -> int:
    data = table(territory, scale)
    pq.write_table(data, out / ENTRY["path"], compression="zstd")
    return data.num_rows
