"""The Santé tests' shared data: the roles of a small CNAM-shaped file, Diabète's hand-written cells (totals that
are not the sums of their details, as in the real file), and the catalogue entry of the real damaged extract."""
from __future__ import annotations

import pandas as pd

from data_access.readers.base import FieldInfo, Table

ROLE_FIELDS = (
    FieldInfo("annee", "Année", "int", role="year"),
    FieldInfo("n1", "Niveau 1", "text", role="pathology_l1"),
    FieldInfo("n2", "Niveau 2", "text", role="pathology_l2"),
    FieldInfo("n3", "Niveau 3", "text", role="pathology_l3"),
    FieldInfo("region", "Région", "text", role="region"),
    FieldInfo("dept", "Département", "text", role="dept"),
    FieldInfo("sexe", "Sexe", "int", role="sex"),
    FieldInfo("age", "Âge", "text", role="age_class"),
    FieldInfo("ntop", "Patients", "int", role="patients"),
    FieldInfo("npop", "Population", "int", role="population"),
    FieldInfo("prev", "Prévalence", "double", role="prevalence"),
)


def row(year, n1, n2, n3, region, dept, sex, age, ntop, npop):
    return {"annee": year, "n1": n1, "n2": n2, "n3": n3, "region": region, "dept": dept, "sexe": sex, "age": age,
            "ntop": ntop, "npop": npop, "prev": round(100 * ntop / npop, 3)}


def diabetes_table() -> Table:
    """Diabète in Seine-Maritime (76, region 28), Normandie (28/999) and France (99/999), 2019 and 2020.
    The totals (sex 9, « tsage ») are NOT the sums of the details, as in the real file (small counts are not
    published, and counts are rounded): a figure that summed rows would be caught."""
    rows = []
    for year, (dept_n, region_n, france_n) in {2019: (900, 2000, 50000), 2020: (1000, 2200, 52000)}.items():
        for region, dept, total, pop in (("28", "76", dept_n, 10000), ("28", "999", region_n, 30000),
                                         ("99", "999", france_n, 800000)):
            rows.append(row(year, "Diabète", None, None, region, dept, 9, "tsage", total, pop))
            rows.append(row(year, "Diabète", "Type 2", "Type 2", region, dept, 9, "tsage", total - 100, pop))
            for sex, share in ((1, 0.55), (2, 0.4)):  # 0.55 + 0.4 != 1: details never sum to the total
                rows.append(row(year, "Diabète", None, None, region, dept, sex, "tsage", int(total * share), pop // 2))
                for age, part in (("00-04", 0.01), ("65-69", 0.3)):
                    rows.append(row(year, "Diabète", None, None, region, dept, sex, age, int(total * share * part),
                                    pop // 40))
    rows.append(row(2020, "Cancers", None, None, "28", "76", 9, "tsage", 500, 10000))
    rows.append(row(2020, "Cancers", None, None, "99", "999", 9, "tsage", 36000, 800000))
    return Table(frame=pd.DataFrame(rows), fields=ROLE_FIELDS)


REAL_ENTRY = """
[[dataset]]
id = "pathologies-reel"
title = "Effectifs de patients par pathologie (extrait réel, 2020)"
theme = "Santé"
format = "csv"
path = "sante_ameli_pathologies/effectifs_extrait.csv"
dashboard = "sante"
publisher = "Caisse nationale de l'Assurance maladie"
license = "Licence Ouverte v2.0"

[[dataset.field]]
name = "annee"
role = "year"

[[dataset.field]]
name = "patho_niv1"
role = "pathology_l1"

[[dataset.field]]
name = "patho_niv2"
role = "pathology_l2"

[[dataset.field]]
name = "patho_niv3"
role = "pathology_l3"

[[dataset.field]]
name = "region"
role = "region"

[[dataset.field]]
name = "dept"
role = "dept"

[[dataset.field]]
name = "sexe"
role = "sex"

[[dataset.field]]
name = "cla_age_5"
role = "age_class"

[[dataset.field]]
name = "libelle_classe_age"
role = "age_label"

[[dataset.field]]
name = "ntop"
role = "patients"

[[dataset.field]]
name = "npop"
role = "population"

[[dataset.field]]
name = "prev"
role = "prevalence"
"""
