"""The rough edges a first visit hits on Travaux: « ceux qui gênent la circulation d'abord » lists the strongest
impact first (fort, modéré, faible, then an impact of unknown severity), and counts carry a thousands separator."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from data_access.readers.base import FieldInfo, Table
from features.travaux.charts import gantt_summary, monthly_summary
from features.travaux.communes import impact_severity, in_my_commune
from features.travaux.data import find_roles

REF = dt.date(2026, 6, 15)
D = pd.Timestamp
FIELDS = (
    FieldInfo("nom", "Chantier", "text", role="title"),
    FieldInfo("commune", "Commune", "text", role="commune"),
    FieldInfo("statut", "Statut", "text", role="status"),
    FieldInfo("debut", "Début", "date", role="start_date"),
    FieldInfo("fin_prevue", "Fin prévue", "date", role="planned_end_date"),
    FieldInfo("impact", "Impact", "text", role="traffic_impact"),
)


def test_sites_that_disrupt_traffic_come_strongest_first():
    # the weakest start first: by start date alone they would read faible, faible, modéré, fort
    impacts = ["faible", "Faible", "modéré", "fort", "aucun", None, "circulation alternée"]
    frame = pd.DataFrame({
        "nom": list("ABCDEFG"), "commune": ["Rouen"] * 7, "statut": ["en cours"] * 7,
        "debut": [D(f"2026-0{m}-01") for m in range(1, 8)], "fin_prevue": [D("2026-12-31")] * 7, "impact": impacts})
    table = Table(frame=frame, fields=FIELDS)
    sites = in_my_commune(table, find_roles(table), "Rouen", REF, data_date=REF)
    assert sites["title"].tolist() == ["D", "C", "A", "B", "G", "E", "F"]
    assert sites["impact"].tolist()[:4] == ["fort", "modéré", "faible", "Faible"]
    assert sites["disrupts"].tolist() == [True] * 5 + [False] * 2
    assert [impact_severity(v) for v in ("Forte", "Modérée", "très faible", "Route barrée", "aucune", None)] == [
        3, 2, 1, 0, -1, -1]


def test_counts_in_the_summaries_have_a_thousands_separator():
    sites = pd.DataFrame({"status": ["en cours"] * 2, "planned_end": [D("2026-12-31")] * 2, "late": [False, False]})
    assert gantt_summary(sites, 24570, REF).startswith("Calendrier de 2 chantiers sur 24\u202f570 (")
    data = pd.DataFrame({"x": ["2026-01", "2026-02"], "series": ["commencés", "commencés"], "value": [12000, 400]})
    assert monthly_summary(data).startswith("De 2026-01 à 2026-02, 12\u202f400 chantiers ont commencé ; le mois le "
                                            "plus chargé est 2026-01 (12\u202f000 débuts).")
