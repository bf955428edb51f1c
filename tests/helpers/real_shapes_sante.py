"""Hand-written health files in the shapes of their real sources (ROUEN-SOURCES.md §5-6): the CNAM `effectifs`
export of data.ameli.fr under both header styles, and the DREES APL workbook (title rows above the table, one
sheet per year, columns renamed between editions). Small for the tests; the arguments scale them for the bench."""
from __future__ import annotations

import io
import random

from data_access.demo.facts import communes

EFFECTIFS_FIELDS = ("annee", "patho_niv1", "patho_niv2", "patho_niv3", "top", "cla_age_5", "sexe", "region", "dept",
                    "ntop", "npop", "prev", "niveau_prioritaire", "libelle_classe_age", "libelle_sexe", "tri")
# with use_labels=true the export writes labels for these headers (the others are unchanged)
LABELS = {"ntop": "Ntop", "npop": "Npop", "niveau_prioritaire": "Niveau prioritaire"}
PATHOLOGIES = [  # niv1, niv2, niv3, top, niveau_prioritaire (multivalued: a list)
    ("Maladies cardioneurovasculaires", "Maladie coronaire", "Maladie coronaire chronique", "CVA_COR_CHR",
     ["1", "2", "3"]),
    ("Maladies cardioneurovasculaires", "Insuffisance cardiaque", "Insuffisance cardiaque chronique", "CVA_ICA_CHR",
     ["2", "3"]),
    ("Diabète", "Diabète", "Diabète", "MET_DIA_IND", ["1", "2", "3"]),
    ("Traitements psychotropes (hors pathologies)", "", "", "TPS_CAT_EXC", ["1"]),
    ("Total consommants tous régimes", "Total consommants tous régimes", "Total consommants tous régimes",
     "POP_TOT_IND", []),
]
AGES = ["00-04", "05-09", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59",
        "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90-94", "95et+"]
# Seine-Maritime, Normandie's total, France; and two rows the catalogue's `where` leaves out (Eure, Paris)
TERRITORIES = [("28", "76", 1.00), ("28", "999", 1.05), ("99", "999", 1.10), ("28", "27", 0.95), ("11", "75", 0.9)]
SEX_LABELS = {"1": "hommes", "2": "femmes", "9": "tous sexes"}


def _pathologies(count: int | None) -> list[tuple]:
    """The hand-written pathologies, then as many more level-3 ones as asked (for the bench's volume)."""
    items = list(PATHOLOGIES)
    for k in range(len(items), count or 0):
        items.append(("Maladies inflammatoires ou rares ou VIH ou SIDA", f"Maladie rare n° {k}",
                      f"Maladie rare n° {k}", f"INF_R{k:03d}", ["2", "3"]))
    return items


def effectifs_rows(years=(2022, 2023), pathologies: int | None = None, territories=TERRITORIES,
                   seed: int = 5) -> list[dict]:
    """One row per (year, pathology, age class or all ages, sex or both, territory), lowercase API names, counts
    rounded to ten as the CNAM publishes them, the prevalence in percent."""
    rng = random.Random(seed)
    rows = []
    for year in years:
        for niv1, niv2, niv3, top, levels in _pathologies(pathologies):
            base = 0.5 + 12 * rng.random()
            for region, dept, factor in territories:
                for sex in ("1", "2", "9"):
                    for age in AGES + ["tsage"]:
                        population = 2_000_000 if dept == "999" and region == "99" else 40_000
                        population *= 21 if age == "tsage" else 1
                        rate = base * factor * (1 + 0.02 * (year - 2022)) * (0.4 if age < "40" else 1.5)
                        patients = round(population * rate / 100 / 10) * 10
                        rows.append({"annee": str(year), "patho_niv1": niv1, "patho_niv2": niv2, "patho_niv3": niv3,
                                     "top": top, "cla_age_5": age, "sexe": sex, "region": region, "dept": dept,
                                     "ntop": patients, "npop": population,
                                     "prev": round(100 * patients / population, 3), "niveau_prioritaire": levels,
                                     "libelle_classe_age": "tous âges" if age == "tsage" else f"de {age} ans",
                                     "libelle_sexe": SEX_LABELS[sex], "tri": f"{len(rows) % 90}.0"})
    return rows


def effectifs_csv(rows: list[dict], labels: bool = False) -> bytes:
    """The export's CSV: `;`, a BOM, CRLF, multivalued fields joined with `,`; labels as headers when asked."""
    header = [LABELS.get(f, f) if labels else f for f in EFFECTIFS_FIELDS]
    lines = [";".join(header)]
    for row in rows:
        lines.append(";".join(",".join(v) if isinstance(v, list) else str(v) for v in (row[f] for f in EFFECTIFS_FIELDS)))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


# ---- DREES APL: one workbook per profession ---------------------------------------------------------------------

APL_TITLE_ROWS = [
    "Accessibilité potentielle localisée (APL) aux {profession}",
    None,
    "Champ : France entière (hors Mayotte)",
    "Source : SNDS 2023 ; Insee, populations 2021 ; traitements Drees.",
    None,
    "Note : l'APL s'exprime en nombre de consultations accessibles par an et par habitant standardisé.",
    None,
    "Lecture : en 2023, les habitants de la commune A ont accès à 3,5 consultations par an.",
]
# the columns of each edition: the commune's code, its name, the indicator and the populations
APL_EDITIONS = {
    "new": ["Code commune INSEE", "Commune", "APL aux {indicator} de moins de 65 ans", "APL aux {indicator}",
            "Population standardisée 2021 pour la médecine générale", "Population totale 2021"],
    "old": ["Code commune", "Commune", "APL aux {indicator} de moins de 62 ans",
            "APL aux {indicator} (sans borne d'âge)", "Population standardisée 2017 pour la médecine générale",
            "Population totale 2017"],
}
OTHERS = [(1001, "L'Abergement-Clémenciat"), ("2A004", "Ajaccio"), ("75056", "Paris"), ("27229", "Évreux")]


def apl_communes(count: int | None = None) -> list[tuple]:
    """(code as the workbook stores it, name): the Métropole's 71 communes, a few others (one code stored as a
    number, its leading zero lost), then made-up ones up to `count` for the bench."""
    items = [(c.insee, c.nom) for c in communes()] + OTHERS
    for k in range(len(items), count or 0):
        items.append((f"{10 + k // 999 % 85:02d}{k % 999 + 1:03d}", f"Commune {k}"))
    return items


APL_UNITS = [None, None, "Nombre de consultations accessibles par habitant standardisé",
             "Nombre de consultations accessibles par habitant standardisé", "Nombre d'habitants standardisés",
             "Nombre d'habitants"]


def apl_workbook(sheets=(("APL_2019", "old"), ("APL 2023", "new")), profession: str = "médecins généralistes",
                 indicator: str = "médecins généralistes", count: int | None = None, seed: int = 3,
                 units: bool = True) -> bytes:
    """The workbook: a contents sheet, then one sheet per year with 8 title rows, the header, the units row under
    it (as the DREES writes it), the communes and a note under the table."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    book = Workbook(write_only=True)
    contents = book.create_sheet("Sommaire")
    contents.append([APL_TITLE_ROWS[0].format(profession=profession)])
    contents.append(["Une feuille par année de l'indicateur."])
    places = apl_communes(count)
    for name, edition in sheets:
        sheet = book.create_sheet(name)
        for row in APL_TITLE_ROWS:
            sheet.append([row.format(profession=profession)] if row else [])
        sheet.append([header.format(indicator=indicator) for header in APL_EDITIONS[edition]])
        if units:
            sheet.append(APL_UNITS)
        for k, (code, commune) in enumerate(places):
            value = None if k % 97 == 13 else round(1.5 + 4 * rng.random(), 3)
            sheet.append([code, commune, value, None if value is None else round(value * 1.1, 3),
                          round(300 + 5000 * rng.random()), 300 + k % 5000])
        sheet.append([])
        sheet.append(["Source : SNDS, Insee ; traitements Drees."])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
