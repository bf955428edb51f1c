"""The Travaux tests' shared data: the seven hand-computed sites of the definitions (reference date 2026-06-15),
and the catalogue entries of the real Paris exports."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data_access.readers.base import FieldInfo, Table

REF = dt.date(2026, 6, 15)
D = pd.Timestamp
FIELDS = (
    FieldInfo("nom", "Chantier", "text", role="title"),
    FieldInfo("commune", "Commune", "text", role="commune"),
    FieldInfo("statut", "Statut", "text", role="status"),
    FieldInfo("debut", "Début", "date", role="start_date"),
    FieldInfo("fin_prevue", "Fin prévue", "date", role="planned_end_date"),
    FieldInfo("fin_reelle", "Fin réelle", "date", role="actual_end_date"),
    FieldInfo("avancement", "Avancement", "int", role="progress"),
    FieldInfo("budget", "Budget prévu", "double", role="budget_planned"),
    FieldInfo("engage", "Budget engagé", "double", role="budget_committed"),
)


def edge_table() -> Table:
    """Seven sites, each a case of the definitions (the SQL's equality tests reuse them)."""
    frame = pd.DataFrame({
        "nom": list("ABCDEFG"),
        "commune": ["Rouen"] * 7,
        "statut": ["en cours", "en cours", "programmé", "terminé", "en cours", "suspendu", "programmé"],
        "debut": [D("2026-01-01"), D("2026-01-01"), D("2026-07-01"), D("2025-01-01"), D("2026-01-01"),
                  D("2026-02-01"), D("2026-08-01")],
        "fin_prevue": [D("2026-12-31"), D("2026-03-31"), D("2026-09-30"), D("2026-02-28"), D("2026-12-31"),
                       D("2026-10-31"), D("2026-12-31")],
        "fin_reelle": [pd.NaT, pd.NaT, pd.NaT, D("2026-02-20"), pd.NaT, pd.NaT, pd.NaT],
        "avancement": pd.array([50, 80, 0, 100, 10, 40, 0], dtype="Int64"),
        "budget": [100.0, 300.0, 50.0, 200.0, 600.0, np.nan, 0.0],
        "engage": [60.0, 350.0, 0.0, 190.0, 100.0, 20.0, 0.0],
    })
    return Table(frame=frame, fields=FIELDS)


PARIS_ENTRIES = """
[[dataset]]
id = "chantiers-perturbants"
title = "Chantiers perturbants (Paris)"
theme = "Travaux"
format = "csv"
path = "ods_paris_chantiers/chantiers-perturbants.csv"
dashboard = "travaux"

[[dataset.field]]
name = "identifiant"
role = "id"

[[dataset.field]]
name = "description"
role = "title"

[[dataset.field]]
name = "code_postal_de_l_arrondissement"
facet = true
role = "area"

[[dataset.field]]
name = "objet"
facet = true
role = "type"

[[dataset.field]]
name = "maitre_d_ouvrage"
role = "owner"

[[dataset.field]]
name = "date_de_debut"
role = "start_date"

[[dataset.field]]
name = "date_de_fin"
role = "planned_end_date"

[[dataset.field]]
name = "impact_sur_la_circulation"
facet = true
role = "traffic_impact"

[[dataset]]
id = "chantiers-a-paris"
title = "Chantiers à Paris"
theme = "Travaux"
format = "csv"
path = "ods_paris_chantiers/chantiers-a-paris.csv"
dashboard = "travaux"

[[dataset.field]]
name = "reference_chantier"
role = "id"

[[dataset.field]]
name = "code_postal_arrondissement_commune"
facet = true
role = "area"

[[dataset.field]]
name = "synthese_nature_du_chantier"
facet = true
role = "type"

[[dataset.field]]
name = "maitrise_d_ouvrage_principale"
facet = true
role = "owner"

[[dataset.field]]
name = "date_debut_du_chantier"
role = "start_date"

[[dataset.field]]
name = "date_fin_du_chantier"
role = "planned_end_date"

[[dataset.field]]
name = "encombrement_espace_public"
role = "traffic_impact"
"""
