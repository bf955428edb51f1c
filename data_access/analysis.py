"""The "analyse" builder's logic: a chart spec read from the URL, the aggregated table, and its text summary."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_access.query import FilterError
from data_access.readers.base import FieldInfo, Table

CHART_TYPES = {"bar": "barres", "line": "lignes", "pie": "secteurs", "histogram": "histogramme"}
AGGREGATES = {"count": "nombre de lignes", "sum": "somme", "mean": "moyenne", "min": "minimum", "max": "maximum"}
GRANULARITIES = {"year": "année", "month": "mois", "day": "jour"}
MAX_CATEGORIES = 20  # more x values than this are grouped under "Autres"
MAX_SERIES = 8
HISTOGRAM_BINS = 20
OTHERS = "Autres"


@dataclass(frozen=True)
class ChartSpec:
    chart: str
    x: str | None
    aggregate: str = "count"
    y: str | None = None
    series: str | None = None
    granularity: str = "month"

    def pairs(self) -> list[tuple[str, str]]:
        pairs = [("chart", self.chart)]
        pairs += [("x", self.x)] if self.x else []
        pairs += [("agg", self.aggregate)] if self.aggregate != "count" else []
        pairs += [("y", self.y)] if self.y and self.aggregate != "count" else []
        pairs += [("series", self.series)] if self.series else []
        pairs += [("gran", self.granularity)] if self.granularity != "month" else []
        return pairs


def x_candidates(table: Table) -> list[FieldInfo]:
    """Fields a chart can group by: text, boolean, whole numbers with few values, and dates."""
    return [f for f in table.fields if f.type in ("text", "boolean", "date", "datetime")
            or (f.type == "int" and table.frame[f.name].nunique() <= 60)]


def numeric_fields(table: Table) -> list[FieldInfo]:
    return [f for f in table.fields if f.is_numeric]


def parse_chart(params: dict, table: Table) -> tuple[ChartSpec, list[FilterError]]:
    """The chart the URL asks for; a bad parameter is reported and replaced by a sensible default."""
    errors: list[FilterError] = []
    by_name = {f.name: f for f in table.fields}

    def pick(key: str, allowed, default):
        value = params.get(key)
        if value is None:
            return default
        if value in allowed:
            return value
        errors.append(FilterError(key, f"valeur « {value} » inconnue (possibles : {', '.join(allowed)})"))
        return default

    chart = pick("chart", CHART_TYPES, "bar")
    numeric = [f.name for f in numeric_fields(table)]
    if chart == "histogram":
        x = pick("x", numeric, numeric[0] if numeric else None)
        return ChartSpec(chart=chart, x=x), errors
    candidates = [f.name for f in x_candidates(table)]
    # a declared facet, else the field with the fewest values (more than one): a readable first chart
    distinct = {n: table.frame[n].nunique() for n in candidates}
    readable = sorted((n for n in candidates if distinct[n] > 1), key=lambda n: distinct[n])
    default_x = next((f.name for f in table.fields if f.facet and f.name in candidates),
                     readable[0] if readable else (candidates[0] if candidates else None))
    x = pick("x", candidates, default_x)
    aggregate = pick("agg", AGGREGATES, "count")
    y = pick("y", numeric, numeric[0] if numeric else None) if aggregate != "count" else None
    if aggregate != "count" and y is None:
        errors.append(FilterError("agg", "aucun champ numérique : le nombre de lignes est compté"))
        aggregate = "count"
    series = pick("series", [c for c in candidates if c != x and not by_name[c].is_temporal], None)
    if chart == "pie" and series:  # a pie shows one series: the others would be silently left out
        errors.append(FilterError("series", "un graphique en secteurs ne montre qu'une série"))
        series = None
    granularity = pick("gran", GRANULARITIES, "month")
    return ChartSpec(chart=chart, x=x, aggregate=aggregate, y=y, series=series, granularity=granularity), errors


def _x_values(column: pd.Series, field: FieldInfo, granularity: str) -> pd.Series:
    if field.is_temporal:
        period = {"year": "Y", "month": "M", "day": "D"}[granularity]
        return column.dt.to_period(period).astype("str").where(column.notna())
    if field.type == "boolean":
        return column.map({True: "oui", False: "non"})
    return column.astype("str").where(column.notna())


def aggregate(table: Table, positions: np.ndarray, spec: ChartSpec) -> pd.DataFrame:
    """Columns x, (series,) value: one row per x (and series) value, the values the chart and its table show."""
    frame = table.frame.iloc[positions]
    if spec.chart == "histogram":
        values = frame[spec.x].dropna().astype(float).to_numpy()
        values = values[np.isfinite(values)]  # ±inf has no place on an axis
        if len(values) == 0:
            return pd.DataFrame({"x": [], "value": []})
        counts, edges = np.histogram(values, bins=HISTOGRAM_BINS)
        labels = [f"{a:g} – {b:g}" for a, b in zip(edges[:-1], edges[1:])]
        return pd.DataFrame({"x": labels, "value": counts.astype(int)})
    x_field = table.field(spec.x)
    data = pd.DataFrame({"x": _x_values(frame[spec.x], x_field, spec.granularity)})
    data["y"] = frame[spec.y].astype(float).to_numpy() if spec.y else 1.0
    keys = ["x"]
    if spec.series:
        data["series"] = _x_values(frame[spec.series], table.field(spec.series), spec.granularity)
        top = data["series"].value_counts().head(MAX_SERIES).index
        data["series"] = data["series"].where(data["series"].isin(top) | data["series"].isna(), OTHERS)
        keys.append("series")
    data = data.dropna(subset=keys)
    if not x_field.is_temporal:  # a few categories, the rest together: a chart stays readable
        top = data["x"].value_counts().head(MAX_CATEGORIES).index
        data["x"] = data["x"].where(data["x"].isin(top), OTHERS)
    how = {"count": "count", "sum": "sum", "mean": "mean", "min": "min", "max": "max"}[spec.aggregate]
    result = data.groupby(keys, sort=False)["y"].agg(how).rename("value").reset_index()
    if x_field.is_temporal:
        return result.sort_values(keys, kind="stable").reset_index(drop=True)
    order = result.groupby("x")["value"].sum().sort_values(ascending=False, kind="stable")
    rank = {value: i for i, value in enumerate(order.index)}
    rank[OTHERS] = len(rank)
    return result.sort_values(by="x", key=lambda s: s.map(rank), kind="stable").reset_index(drop=True)


def format_value(value: float) -> str:
    """A number the French way: narrow spaces between thousands, a decimal comma, two decimals at most."""
    if value is None or not np.isfinite(value):
        return "—" if value is None or np.isnan(value) else ("+∞" if value > 0 else "−∞")
    text = f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.2f}"
    return text.replace(",", "\u202f").replace(".", ",")


def value_label(spec: ChartSpec, table: Table) -> str:
    if spec.chart == "histogram" or spec.aggregate == "count":
        return "Nombre de lignes"
    y = table.field(spec.y)
    return f"{AGGREGATES[spec.aggregate].capitalize()} de {y.label}" + (f" ({y.unit})" if y.unit else "")


def summary(data: pd.DataFrame, spec: ChartSpec, table: Table) -> str:
    """What the chart shows, in one or two French sentences: the text alternative of the figure. With series and
    an aggregate that does not add up (mean, min, max), `data` must be the aggregate without series."""
    if data.empty or data["value"].isna().all():
        return "Aucune donnée à représenter pour ces filtres."
    what = value_label(spec, table)
    x_label = table.field(spec.x).label
    if spec.chart == "histogram":
        peak = data.loc[data["value"].idxmax()]
        return (f"Répartition de {x_label} en {len(data)} classes : la plus fournie est {peak['x']} "
                f"avec {format_value(peak['value'])} lignes sur {format_value(data['value'].sum())}.")
    totals = data.groupby("x", sort=False)["value"].sum() if "series" in data.columns else data.set_index("x")["value"]
    if table.field(spec.x).is_temporal:
        first, last = totals.index[0], totals.index[-1]
        peak = totals.idxmax()
        return (f"{what} par {x_label} ({GRANULARITIES[spec.granularity]}), de {first} à {last} : "
                f"{format_value(totals[first])} au début, {format_value(totals[last])} à la fin ; "
                f"le plus haut, {format_value(totals[peak])}, en {peak}.")
    ranked = totals.sort_values(ascending=False)
    named = ranked[ranked.index != OTHERS].dropna()
    head = named.head(3)
    parts = [f"{name} ({format_value(value)})" for name, value in head.items()]
    share = ""
    if spec.aggregate in ("count", "sum") and np.isfinite(ranked.sum()) and ranked.sum():
        share = f", soit {head.iloc[0] / ranked.sum():.0%} du total".replace("%", "\u202f%")
    by_series = f", réparti par {table.field(spec.series).label}" if spec.series else ""
    count = f"{len(named)} valeur{'s' if len(named) > 1 else ''}" + (" principales et les autres regroupées"
                                                                      if OTHERS in ranked.index else "")
    return f"{what} par {x_label}{by_series} : {count}. En tête : {', '.join(parts)}{share}."


