"""The Santé dashboard in words: its figures' formats and its charts' summaries."""
from __future__ import annotations

import pandas as pd

from features.sante.data import Cube


def percent(value: float | None, digits: int = 1) -> str:
    return "non disponible" if value is None or value != value else \
        f"{value:.{digits}f}\u202f%".replace(".", ",")


def points(value: float | None, digits: int = 1) -> str:
    """A gap in points (from data_access.french.points_gap, on the values as shown with `digits` decimals)."""
    if value is None or value != value:
        return "non disponible"
    word = "point" if abs(value) < 2 else "points"
    return f"{value:+.{digits}f} {word}".replace(".", ",").replace("-", "−")


def trend_summary(data: pd.DataFrame, cube_: Cube) -> str:
    years = sorted(data.dropna(subset=["value"])["x"].unique()) if not data.empty else []
    if len(cube_.years) < 2:
        return (f"Le fichier n'a qu'une année ({cube_.years[0] if cube_.years else '—'}) : il ne permet pas de "
                "suivre l'évolution de la prévalence.")
    if len(years) < 2:
        return "Moins de deux années ont une valeur pour cette sélection : pas d'évolution à tracer."
    parts = []
    for series, part in data.dropna(subset=["value"]).groupby("series", sort=False):
        part = part.sort_values("x")
        first, last = part.iloc[0], part.iloc[-1]
        parts.append(f"{series} : {percent(first['value'])} en {first['x']}, {percent(last['value'])} en {last['x']}")
    gaps = int(data["value"].isna().sum())
    missing = f" {gaps} valeur(s) manquent dans le fichier : la courbe est interrompue." if gaps else ""
    return f"Prévalence de {years[0]} à {years[-1]}. " + " ; ".join(parts) + "." + missing


def pyramid_summary(data: pd.DataFrame) -> str:
    known = data.dropna(subset=["hommes", "femmes"], how="all")
    if known.empty:
        return "Le fichier n'a pas de valeur par âge et par sexe pour cette sélection."
    missing = len(data) - len(data.dropna(subset=["hommes", "femmes"]))
    peak = {sex: known.loc[known[sex].idxmax()] for sex in ("hommes", "femmes") if known[sex].notna().any()}
    words = [f"chez les {sex}, la prévalence la plus forte est {percent(row[sex])} ({row['label']})"
             for sex, row in peak.items()]
    gaps = f" {missing} classe(s) d'âge sur {len(data)} n'ont pas de valeur pour l'un des sexes dans le fichier." \
        if missing else ""
    return "Par classe d'âge dans le département : " + " ; ".join(words) + "." + gaps


def ranking_summary(data: pd.DataFrame, place: str) -> str:
    if data.empty:
        return "Aucune pathologie de ce niveau n'a de valeur pour cette sélection."
    top = data.iloc[0]
    above = data[data["gap"] > 0]
    known = int(data["gap"].notna().sum())
    count = f"{len(data)} pathologie{'s' if len(data) > 1 else ''} classée{'s' if len(data) > 1 else ''}"
    france = (f"{len(above)} sur {known} sont au-dessus de la France." if known else
              "La France n'est pas dans le fichier pour cette sélection : pas de comparaison possible.")
    return (f"{count} par prévalence en {place} ; la plus fréquente : {top['label']} "
            f"({percent(top['prevalence'])}). {france}")


