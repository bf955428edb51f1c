"""The Santé dashboard's cube as pandas built it over the whole table, before the engine found the cells in SQL
(features/sante/cells.py): the reference the SQL is proved equal to (test_sante_sql.py), and the cube the
hand-computed tests pin the figures' definitions on. The portal no longer uses it."""
from __future__ import annotations

import pandas as pd

from data_access.readers.base import Table
from features.sante.data import (TOTAL_DEPT, Cube, age_facts, cells, departements_of, find_roles, indexed, is_rounded,
                                 tree)


def cube(table: Table) -> Cube:
    roles = find_roles(table)
    frame = cells(table.frame, roles)
    index, ambiguous = indexed(frame)
    ages, labels = age_facts(frame)
    departements, best = departements_of(frame.loc[frame["dept"] != TOTAL_DEPT, ["region", "dept"]].value_counts())
    return Cube(frame=frame.drop(columns="age_label"), index=index, nodes=tree(pd.unique(frame["node"]),
                set(frame["node"])), years=sorted(frame["year"].unique().tolist()), ages=ages, age_labels=labels,
                ambiguous=ambiguous, rounded=is_rounded(frame["patients"]), prevalence_computed=not roles["prevalence"],
                roles=roles, departements=departements, best_covered=best)
