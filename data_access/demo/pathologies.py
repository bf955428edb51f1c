"""Demo dataset `pathologies`: shaped like the CNAM file of patients per pathology, sex, age class and territory."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from data_access.demo.common import fmt_decimal, write_ods_csv
from data_access.demo.communes import Territory

SEED = 2026_11_03
YEARS = tuple(range(2015, 2025))
AGE_CLASSES = tuple(f"{a:02d}-{a + 4:02d}" for a in range(0, 95, 5)) + ("95et+",)
AGE_LABELS = tuple(f"de {a} à {a + 4} ans" for a in range(0, 95, 5)) + ("plus de 95 ans",)
AGE_MID = np.array([a + 2.5 for a in range(0, 95, 5)] + [97.5])
SEXES = (("1", "hommes"), ("2", "femmes"), ("9", "tous sexes"))
# Published territories, each the sum of the "parts" it covers: parts are 76, rest of Normandie, rest of France.
TERRITORIES = (("28", "76", (0,)), ("28", "999", (0, 1)), ("99", "999", (0, 1, 2)))
PART_POPULATION_2024 = np.array([1_250_000, 2_050_000, 64_700_000])
PART_GROWTH = np.array([-0.001, 0.0, 0.0035])  # per year
PART_PREVALENCE = np.array([1.03, 1.015, 1.0])  # Seine-Maritime is a little above the national level
# Share of each 5-year class in the French population, and the share of women in it.
AGE_SHARES = np.array([5.4, 6.0, 6.2, 6.1, 5.6, 5.7, 6.0, 6.3, 6.2, 6.6, 6.7, 6.5, 6.1, 5.8, 5.3, 3.7, 2.9,
                       2.0, 0.9, 0.25])
FEMALE_SHARE = np.array([0.49, 0.49, 0.49, 0.49, 0.50, 0.50, 0.50, 0.50, 0.50, 0.50, 0.51, 0.51, 0.52, 0.52,
                         0.53, 0.54, 0.58, 0.62, 0.70, 0.78])
SECRET_BELOW = 10  # ntop under this is not published, as in the real file

CARDIO = "Maladies cardioneurovasculaires"
CANCERS = "Cancers"
# (niv1, niv2, niv3, top, leaf parameters or None for a total)
# leaf parameters: overall prevalence % in France, age of half-rise, width, floor, age of decline or None,
# male/female ratio (0 or None: one sex only), trend per year.
LINES: tuple[tuple, ...] = (
    (CARDIO, "", "", "CVA_CAT_CAT", None),
    (CARDIO, "Maladie coronaire", "", "CVA_MCO_CAT", None),
    (CARDIO, "Maladie coronaire", "Syndrome coronaire aigu", "CVA_MCO_AIG", (0.15, 70, 8, 0, None, 2.0, -0.01)),
    (CARDIO, "Maladie coronaire", "Maladie coronaire chronique", "CVA_MCO_CHR", (2.9, 70, 9, 0, None, 2.2, 0.01)),
    (CARDIO, "Accident vasculaire cérébral", "", "CVA_AVC_CAT", None),
    (CARDIO, "Accident vasculaire cérébral", "Accident vasculaire cérébral aigu", "CVA_AVC_AIG",
     (0.2, 75, 9, 0.01, None, 1.2, 0.0)),
    (CARDIO, "Accident vasculaire cérébral", "Séquelle d'accident vasculaire cérébral", "CVA_AVC_SEQ",
     (1.1, 75, 10, 0.01, None, 1.2, 0.01)),
    (CARDIO, "Insuffisance cardiaque", "", "CVA_ICA_CAT", None),
    (CARDIO, "Insuffisance cardiaque", "Insuffisance cardiaque aiguë", "CVA_ICA_AIG",
     (0.35, 80, 7, 0, None, 1.2, 0.01)),
    (CARDIO, "Insuffisance cardiaque", "Insuffisance cardiaque chronique", "CVA_ICA_CHR",
     (0.9, 80, 8, 0, None, 1.2, 0.015)),
    (CARDIO, "Artériopathie oblitérante du membre inférieur", "Artériopathie oblitérante du membre inférieur",
     "CVA_AOM_IND", (0.9, 72, 8, 0, None, 2.0, 0.0)),
    (CARDIO, "Troubles du rythme ou de la conduction cardiaque",
     "Troubles du rythme ou de la conduction cardiaque", "CVA_TRC_IND", (2.6, 75, 9, 0.01, None, 1.3, 0.025)),
    (CARDIO, "Maladie valvulaire", "Maladie valvulaire", "CVA_MVA_IND", (0.7, 78, 10, 0.01, None, 1.1, 0.01)),
    ("Diabète", "", "", "DIA_CAT_CAT", None),
    ("Diabète", "Diabète de type 1", "Diabète de type 1", "DIA_DT1_IND", (0.4, 15, 8, 0.3, None, 1.2, 0.0)),
    ("Diabète", "Diabète de type 2", "Diabète de type 2", "DIA_DT2_IND", (5.2, 62, 9, 0, None, 1.3, 0.012)),
    (CANCERS, "", "", "CAN_CAT_CAT", None),
    (CANCERS, "Cancer du sein de la femme", "", "CAN_SEI_CAT", None),
    (CANCERS, "Cancer du sein de la femme", "Cancer du sein de la femme actif", "CAN_SEI_ACT",
     (0.35, 58, 9, 0, None, 0, 0.01)),
    (CANCERS, "Cancer du sein de la femme", "Cancer du sein de la femme sous surveillance", "CAN_SEI_SUR",
     (0.95, 65, 10, 0, None, 0, 0.02)),
    (CANCERS, "Cancer colorectal", "", "CAN_COL_CAT", None),
    (CANCERS, "Cancer colorectal", "Cancer colorectal actif", "CAN_COL_ACT", (0.13, 70, 9, 0, None, 1.3, 0.0)),
    (CANCERS, "Cancer colorectal", "Cancer colorectal sous surveillance", "CAN_COL_SUR",
     (0.45, 72, 9, 0, None, 1.2, 0.01)),
    (CANCERS, "Cancer bronchopulmonaire", "", "CAN_BPU_CAT", None),
    (CANCERS, "Cancer bronchopulmonaire", "Cancer bronchopulmonaire actif", "CAN_BPU_ACT",
     (0.15, 66, 8, 0, None, 1.8, 0.02)),
    (CANCERS, "Cancer bronchopulmonaire", "Cancer bronchopulmonaire sous surveillance", "CAN_BPU_SUR",
     (0.12, 68, 8, 0, None, 1.5, 0.03)),
    (CANCERS, "Cancer de la prostate", "", "CAN_PRO_CAT", None),
    (CANCERS, "Cancer de la prostate", "Cancer de la prostate actif", "CAN_PRO_ACT",
     (0.28, 72, 6, 0, None, None, -0.01)),
    (CANCERS, "Cancer de la prostate", "Cancer de la prostate sous surveillance", "CAN_PRO_SUR",
     (0.55, 75, 7, 0, None, None, 0.01)),
    ("Maladies psychiatriques", "", "", "PSY_CAT_CAT", None),
    ("Maladies psychiatriques", "Troubles psychotiques", "Troubles psychotiques", "PSY_PSC_IND",
     (0.75, 30, 6, 0.02, None, 1.5, 0.005)),
    ("Maladies psychiatriques", "Troubles névrotiques et de l'humeur", "Troubles névrotiques et de l'humeur",
     "PSY_NEV_IND", (2.1, 35, 10, 0.05, None, 0.6, 0.015)),
    ("Maladies psychiatriques", "Déficience mentale", "Déficience mentale", "PSY_DEF_IND",
     (0.2, 5, 3, 0.5, None, 1.3, 0.0)),
    ("Maladies psychiatriques", "Troubles addictifs", "Troubles addictifs", "PSY_ADD_IND",
     (1.0, 30, 6, 0, 68, 2.5, 0.01)),
    ("Maladies psychiatriques", "Troubles psychiatriques ayant débuté dans l'enfance",
     "Troubles psychiatriques ayant débuté dans l'enfance", "PSY_ENF_IND", (0.5, 4, 2, 0.02, 22, 1.8, 0.04)),
    ("Maladies neurologiques ou dégénératives", "", "", "NEU_CAT_CAT", None),
    ("Maladies neurologiques ou dégénératives", "Démences (dont maladie d'Alzheimer)",
     "Démences (dont maladie d'Alzheimer)", "NEU_DEM_IND", (1.0, 83, 5, 0, None, 0.7, 0.01)),
    ("Maladies neurologiques ou dégénératives", "Maladie de Parkinson", "Maladie de Parkinson", "NEU_PAR_IND",
     (0.4, 75, 6, 0, None, 1.4, 0.01)),
    ("Maladies neurologiques ou dégénératives", "Sclérose en plaques", "Sclérose en plaques", "NEU_SEP_IND",
     (0.17, 30, 6, 0, 75, 0.4, 0.02)),
    ("Maladies neurologiques ou dégénératives", "Épilepsie", "Épilepsie", "NEU_EPI_IND",
     (0.6, 15, 10, 0.2, None, 1.1, 0.005)),
    ("Maladies respiratoires chroniques (hors mucoviscidose)",
     "Maladies respiratoires chroniques (hors mucoviscidose)",
     "Maladies respiratoires chroniques (hors mucoviscidose)", "RES_CAT_EXC", (4.0, 50, 20, 0.6, None, 1.0, 0.005)),
    ("Maladies inflammatoires ou rares ou infection VIH", "", "", "INF_CAT_CAT", None),
    ("Maladies inflammatoires ou rares ou infection VIH", "Maladies inflammatoires chroniques",
     "Maladies inflammatoires chroniques", "INF_MIC_IND", (1.3, 40, 12, 0.05, None, 0.8, 0.03)),
    ("Maladies inflammatoires ou rares ou infection VIH", "Maladies rares", "Maladies rares", "INF_MRA_IND",
     (0.4, 40, 20, 0.3, None, 0.9, 0.02)),
    ("Maladies inflammatoires ou rares ou infection VIH", "VIH ou sida", "VIH ou sida", "INF_VIH_IND",
     (0.2, 35, 6, 0, 75, 2.0, 0.01)),
    ("Insuffisance rénale chronique terminale", "", "", "IRC_CAT_CAT", None),
    ("Insuffisance rénale chronique terminale", "Dialyse chronique", "Dialyse chronique", "IRC_DIA_IND",
     (0.07, 65, 10, 0, None, 1.6, 0.01)),
    ("Insuffisance rénale chronique terminale", "Transplantation rénale", "Transplantation rénale",
     "IRC_TRA_IND", (0.06, 50, 10, 0, 80, 1.6, 0.03)),
    ("Total consommants tous régimes", "Total consommants tous régimes", "Total consommants tous régimes",
     "POP_TOT_IND", (92.0, 50, 20, 3.0, None, 0.93, 0.001)),
)

ENTRY = {
    "id": "pathologies",
    "title": "Effectifs de patients par pathologie, sexe, classe d'âge et territoire",
    "description": (
        "Nombre de patients pris en charge pour une pathologie, un traitement chronique ou un épisode de soins, "
        "par année (2015-2024), sexe, classe d'âge de 5 ans et territoire (Seine-Maritime, Normandie, France), "
        "sur le modèle du fichier de la Cnam.\n\n"
        "- `ntop` : effectif de patients ; `npop` : population de référence ; `prev` : prévalence en %.\n"
        "- `sexe` 9 = tous sexes, `cla_age_5` « tsage » = tous âges ; `dept` 999 = toute la région "
        "(`region` 99 = France entière).\n"
        "- Les effectifs inférieurs à 10 ne sont pas publiés (secret statistique) ; les totaux les incluent."
    ),
    "theme": "Santé",
    "keywords": ["santé", "pathologies", "prévalence", "assurance maladie", "Cnam"],
    "modified": date(2026, 7, 1),
    "format": "csv",
    "path": "pathologies.csv",
    "dashboard": "sante",
    "fields": [
        {"name": "annee", "label": "Année", "type": "int", "role": "year"},
        {"name": "patho_niv1", "label": "Pathologie (niveau 1)", "type": "text", "facet": True,
         "role": "pathology_l1"},
        {"name": "patho_niv2", "label": "Pathologie (niveau 2)", "type": "text", "role": "pathology_l2"},
        {"name": "patho_niv3", "label": "Pathologie (niveau 3)", "type": "text", "role": "pathology_l3"},
        {"name": "top", "label": "Code de la pathologie", "type": "text"},
        {"name": "cla_age_5", "label": "Classe d'âge", "type": "text", "role": "age_class"},
        {"name": "sexe", "label": "Sexe", "type": "text", "role": "sex"},
        {"name": "region", "label": "Région", "type": "text", "role": "region"},
        {"name": "dept", "label": "Département", "type": "text", "role": "dept"},
        {"name": "ntop", "label": "Effectif de patients", "type": "int", "role": "patients"},
        {"name": "npop", "label": "Population de référence", "type": "int", "role": "population"},
        {"name": "prev", "label": "Prévalence", "type": "double", "role": "prevalence", "unit": "%"},
        {"name": "libelle_classe_age", "label": "Libellé de la classe d'âge", "type": "text", "facet": True,
         "role": "age_label"},
        {"name": "libelle_sexe", "label": "Libellé du sexe", "type": "text", "facet": True},
    ],
}
HEADER = [f["name"] for f in ENTRY["fields"]]


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def insured_population(rng: np.random.Generator) -> np.ndarray:
    """Insured population per [year, part, age class, sex (men, women)]."""
    years = np.array(YEARS) - YEARS[-1]
    shares = AGE_SHARES / AGE_SHARES.sum()
    old = (AGE_MID >= 60).astype(float)
    young = (AGE_MID < 30).astype(float)
    pop = np.empty((len(YEARS), 3, len(AGE_MID), 2))
    for p in range(3):
        tilt = 1.0 + (0.08 * old - 0.04 * young) * (p < 2)  # Normandie is a little older than France
        for y, dy in enumerate(years):
            s = shares * tilt * (1.0 + 0.012 * old) ** dy  # the population ages slowly
            s = s / s.sum() * PART_POPULATION_2024[p] * (1.0 + PART_GROWTH[p]) ** dy
            pop[y, p, :, 0] = s * (1.0 - FEMALE_SHARE)
            pop[y, p, :, 1] = s * FEMALE_SHARE
    pop *= 1.0 + rng.normal(0.0, 0.01, pop.shape)
    return np.rint(pop).astype(np.int64)


def leaf_prevalence(params: tuple, france_2024: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Prevalence (0-1) per [year, part, age, sex], scaled so France 2024 all ages matches the target."""
    target, a50, width, floor, decline, ratio, trend = params
    curve = floor + _sigmoid((AGE_MID - a50) / width)
    if decline is not None:
        curve = curve * _sigmoid((decline - AGE_MID) / 8.0)
    if ratio is None:  # men only
        sex = np.array([1.0, 0.0])
    elif ratio == 0:  # women only
        sex = np.array([0.0, 1.0])
    else:
        sex = np.array([ratio, 1.0])
    shape = curve[:, None] * sex[None, :]
    scale = target / 100.0 * france_2024.sum() / (shape * france_2024).sum()
    base = shape * scale
    years = np.array(YEARS) - YEARS[-1]
    by_year = (1.0 + trend) ** years * (1.0 + rng.normal(0.0, 0.004, len(YEARS)))
    by_part = PART_PREVALENCE * np.exp(rng.normal(0.0, 0.02, 3))
    by_part[2] = 1.0  # the rest of France is the reference
    prev = base[None, None] * by_year[:, None, None, None] * by_part[None, :, None, None]
    return np.clip(prev, 0.0, 0.99)


def patients(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """ntop per [line, year, part, age, sex] and npop per [year, part, age, sex] (true, unpublished values)."""
    pop = insured_population(rng)
    france_2024 = pop[-1].sum(axis=0).astype(float)
    ntop = np.zeros((len(LINES),) + pop.shape, dtype=np.int64)
    prevs: dict[int, np.ndarray] = {}
    for i, line in enumerate(LINES):
        if line[4] is not None:
            prevs[i] = leaf_prevalence(line[4], france_2024, rng)
            ntop[i] = rng.binomial(pop, prevs[i])
    for i, (niv1, niv2, niv3, _, params) in enumerate(LINES):
        if params is not None:
            continue
        children = [j for j, c in enumerate(LINES) if c[4] is not None and c[0] == niv1 and (not niv2 or c[1] == niv2)]
        union = 1.0 - np.prod([1.0 - prevs[j] for j in children], axis=0)  # patients with at least one
        ntop[i] = np.maximum(rng.binomial(pop, union), ntop[children].max(axis=0))
    return ntop, pop


def _publish(values: np.ndarray) -> np.ndarray:
    """[..., part, age, sex] -> [..., territory, age + tsage, sex + 9]."""
    terr = np.stack([values[..., list(parts), :, :].sum(axis=-3) for _, _, parts in TERRITORIES], axis=-3)
    terr = np.concatenate([terr, terr.sum(axis=-2, keepdims=True)], axis=-2)
    return np.concatenate([terr, terr.sum(axis=-1, keepdims=True)], axis=-1)


def rows(territory: Territory | None, scale: int):
    rng = np.random.default_rng(SEED)
    ntop, pop = patients(rng)
    ntop_pub = _publish(ntop)  # [line, year, terr, age, sex]
    npop_pub = _publish(pop)  # [year, terr, age, sex]
    prev = np.round(100.0 * ntop_pub / npop_pub[None], 3)
    ages = AGE_CLASSES + ("tsage",)
    age_labels = AGE_LABELS + ("tous âges",)
    for y, year in enumerate(YEARS):
        for i, (niv1, niv2, niv3, top, _) in enumerate(LINES):
            for t, (region, dept, _) in enumerate(TERRITORIES):
                for a, age in enumerate(ages):
                    for s, (sexe, sexe_label) in enumerate(SEXES):
                        n = int(ntop_pub[i, y, t, a, s])
                        secret = n < SECRET_BELOW
                        yield (year, niv1, niv2, niv3, top, age, sexe, region, dept,
                               None if secret else n, int(npop_pub[y, t, a, s]),
                               None if secret else fmt_decimal(float(prev[i, y, t, a, s]), 3),
                               age_labels[a], sexe_label)


def write(out: Path, territory: Territory, scale: int) -> int:
    return write_ods_csv(out / ENTRY["path"], HEADER, rows(territory, scale))
