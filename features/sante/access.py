"""The Santé dashboard's access to care: one value per commune, year and indicator, from one or several files
(the DREES APL for each profession, a local supply file). The communes shown are the territory's (the communes
of the outlines dataset), even when the file covers all France, and they keep the outlines' names."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data_access.catalogue.model import Dataset
from data_access.derived import derived
from data_access.geometry.geo import commune_outlines, commune_rows
from data_access.query import FilterError, last
from data_access.readers.base import FieldInfo, Table
from data_access.repository import DatasetUnavailable, Repository


def indicator_fields(table: Table) -> list[FieldInfo]:
    return [f for f in table.fields if f.role == "indicator"]


def is_access_table(table: Table) -> bool:
    return bool(indicator_fields(table)) and table.role_field("commune") is not None


@dataclass(frozen=True)
class Territory:
    """The communes the dashboard shows: code -> name, from the outlines dataset (`key` names its version)."""

    key: str
    names: dict = field(hash=False, compare=False)


def territory_of(repository: Repository, exclude: str | None = None) -> Territory | None:
    outlines = commune_outlines(repository, exclude=exclude)
    if outlines is None:
        return None
    dataset, table = outlines
    lines = commune_rows(table)
    return Territory(f"{dataset.id}@{repository.version(dataset.id)}", dict(zip(lines["code"], lines["name"])))


def access_year(table: Table, wanted: int | None) -> tuple[int | None, str | None]:
    """The year of the access-to-care data to show: the wanted one when the file has it, else the latest
    before it, else the latest; with a note when it is not the wanted one."""
    year_field = table.role_field("year")
    if year_field is None:
        return None, None
    years = sorted(pd.to_numeric(table.frame[year_field.name], errors="coerce").dropna().astype(int).unique())
    if not years:
        return None, None
    if wanted in years or wanted is None:
        return (wanted if wanted is not None else years[-1]), None
    earlier = [y for y in years if y < wanted]
    chosen = earlier[-1] if earlier else years[-1]
    return chosen, f"l'offre de soins n'est pas connue pour {wanted} : l'année {chosen} est affichée"


def _access_frame(table: Table, indicator: str, territory: Territory | None = None) -> pd.DataFrame:
    """Every year's values of one indicator: year, code, name, value, population (NaN when missing), one row
    per commune and year (a commune listed twice for a year is an error in the file: its first row is kept);
    only the territory's communes when the file has them, named as the territory names them. Built once per
    loaded table, indicator and territory."""
    return derived(("sante-acces", table.key, indicator, territory.key if territory else ""),
                   lambda: _built_access_frame(table, indicator, territory))


def _built_access_frame(table: Table, indicator: str, territory: Territory | None) -> pd.DataFrame:
    frame = table.frame
    year_field, code_field, name_field, pop_field = (table.role_field(r) for r in
                                                     ("year", "commune", "commune_name", "population"))
    data = pd.DataFrame({
        "year": pd.to_numeric(frame[year_field.name], errors="coerce").to_numpy() if year_field else np.nan,
        "code": frame[code_field.name].astype("str").to_numpy(),
        "name": frame[name_field.name].astype("str").where(frame[name_field.name].notna()).to_numpy()
        if name_field is not None else None,
        "value": pd.to_numeric(frame[indicator], errors="coerce").to_numpy(dtype="float64"),
        "population": pd.to_numeric(frame[pop_field.name], errors="coerce").to_numpy(dtype="float64")
        if pop_field is not None else np.nan,
    })
    if territory is not None and data["code"].isin(territory.names).any():
        data = data[data["code"].isin(territory.names)]
        data = data.assign(name=data["name"].fillna(data["code"].map(territory.names)))
    data = data.assign(name=data["name"].fillna(data["code"]))  # no name at all: the code stands for it
    return data.drop_duplicates(["year", "code"]).reset_index(drop=True)


def commune_values(table: Table, indicator: str, year: int | None,
                   territory: Territory | None = None) -> pd.DataFrame:
    """One row per commune for the indicator and year: code, name, value, population, the highest value first."""
    data = _access_frame(table, indicator, territory)
    if year is not None and data["year"].notna().any():
        data = data[data["year"] == year]
    data = data.drop(columns="year").drop_duplicates("code")
    return data.sort_values(["value", "name"], ascending=[False, True], na_position="last").reset_index(drop=True)


def overall_value(data: pd.DataFrame) -> tuple[float | None, str]:
    """The whole territory's value: the mean weighted by population when the file has it, else the median;
    with the words that say which."""
    known = data.dropna(subset=["value"])
    if known.empty:
        return None, ""
    weights = known["population"]
    if weights.notna().all() and weights.sum() > 0:
        return float((known["value"] * weights).sum() / weights.sum()), "moyenne pondérée par la population"
    return float(known["value"].median()), "médiane des communes"


def first_year_values(table: Table, indicator: str, territory: Territory | None = None
                      ) -> tuple[int | None, dict[str, float], float | None]:
    """The indicator's first year in the file, each commune's value that year and the territory's (the start of
    the trend a commune page shows)."""
    data = _access_frame(table, indicator, territory).dropna(subset=["year", "value"])
    if data.empty:
        return None, {}, None
    year = int(data["year"].min())
    first = data[data["year"] == year]
    return year, dict(zip(first["code"], first["value"].astype(float))), overall_value(first)[0]


def evolution(table: Table, indicator: str, commune: str | None, territory: Territory | None = None) -> pd.DataFrame:
    """The indicator per year for the whole territory and, when one is chosen, for a commune: columns x (year),
    series, value."""
    return derived(("sante-evolution", table.key, indicator, commune, territory.key if territory else ""),
                   lambda: _built_evolution(table, indicator, commune, territory))


def _built_evolution(table: Table, indicator: str, commune: str | None, territory: Territory | None
                     ) -> pd.DataFrame:
    data = _access_frame(table, indicator, territory).dropna(subset=["year"])
    rows = []
    for year, part in data.groupby("year", sort=True):
        overall, words = overall_value(part)
        if overall is not None:
            rows.append({"x": int(year), "series": f"ensemble des communes ({words})", "value": overall})
        here = part[part["code"] == commune] if commune else part.iloc[:0]
        if len(here) and pd.notna(here["value"].iloc[0]):
            rows.append({"x": int(year), "series": str(here["name"].iloc[0]), "value": float(here["value"].iloc[0])})
    return pd.DataFrame(rows, columns=["x", "series", "value"])


def access_summary(data: pd.DataFrame, label: str, unit: str, overall: float | None, words: str) -> str:
    known = data.dropna(subset=["value"])
    if known.empty:
        return f"Aucune valeur de « {label} » pour cette année."
    high, low = known.iloc[0], known.iloc[-1]
    unit = f" {unit}" if unit else ""
    value = lambda v: f"{v:.1f}".replace(".", ",") + unit  # noqa: E731
    missing = len(data) - len(known)
    return (f"{label} : de {value(low['value'])} ({low['name']}) à {value(high['value'])} ({high['name']}) ; "
            f"{value(overall)} pour l'ensemble ({words})." + (f" {missing} commune(s) sans valeur." if missing else ""))


def evolution_summary(data: pd.DataFrame, label: str, unit: str) -> str:
    """The access-to-care evolution in words: each series' first and last value."""
    def value(v: float) -> str:
        return f"{v:.1f}".replace(".", ",")

    parts = [f"{series} : {value(part['value'].iloc[0])} en {part['x'].iloc[0]}, "
             f"{value(part['value'].iloc[-1])} en {part['x'].iloc[-1]}"
             for series, part in ((s, p.sort_values("x")) for s, p in data.groupby("series", sort=False))]
    return f"{label}{' (' + unit + ')' if unit else ''} par année. " + " ; ".join(parts) + "."


# ---- the page's view of access to care -------------------------------------------------------------------------


def access_datasets(repository: Repository) -> list[Dataset]:
    """The Santé datasets of values per commune: an indicator role and a commune role."""
    return [d for d in repository.catalogue.datasets if d.dashboard == "sante" and d.role_fields("indicator")
            and d.role_field("commune")]


@dataclass
class AccessView:
    """The access-to-care part for a URL: every indicator offered (from every file), the chosen one's values for
    a year on the territory's communes, the map's rows, the chosen commune, the extract, and the notices;
    `unavailable` says why there is nothing to show."""

    unavailable: str | None = None
    notices: list[str] = field(default_factory=list)  # files that could not be read
    options: list[tuple[str, str]] = field(default_factory=list)  # (value in the URL, label)
    chosen: str | None = None  # the chosen option's value
    dataset: Dataset | None = None
    table: Table | None = None
    indicator: FieldInfo | None = None
    year: int | None = None
    year_note: str | None = None
    territory: Territory | None = None
    data: pd.DataFrame | None = None  # commune_values()
    overall: float | None = None
    overall_words: str = ""
    outlines: tuple | None = None  # (dataset, table) of the communes' outlines, for the map
    codes: list[str] = field(default_factory=list)  # the commune code of each row of the outlines
    commune: str | None = None  # the chosen commune's code
    extract: list[tuple[str, str]] = field(default_factory=list)  # the parameters of the view's extract

    @property
    def rows_of(self) -> dict[str, int]:
        """Each commune code -> its row in the outlines."""
        return {code: row for row, code in enumerate(self.codes)}


ACCESS_VIEW = "communes"  # /export/<id>/communes.<fmt>: the extract of what the access-to-care part shows


def access_view(repository: Repository, params: dict, year: int | None, errors: list) -> AccessView:
    """The indicator asked in the URL (`indicateur`: a field name, or `<dataset>:<field>` when several files
    offer one) among every file's indicators, else the first, with a notice; its values for the year, on the
    territory's communes; the commune asked (`commune`), or a notice when it is not one of them."""
    wanted = last(params.get("indicateur"))
    datasets = access_datasets(repository)
    view = AccessView()
    if not datasets:
        view.unavailable = ("Aucun jeu de données d'offre de soins (rôles commune et indicator, dashboard = "
                            "\"sante\") dans le catalogue.")
        return view
    indicators = []  # (dataset, table, field)
    for dataset in datasets:
        try:
            table = repository.table(dataset.id)
        except DatasetUnavailable as exc:
            view.notices.append(f"Le jeu de données « {dataset.title} » est indisponible : {exc}")
            continue
        indicators += [(dataset, table, f) for f in indicator_fields(table)]
    if not indicators:
        view.unavailable = " ".join(view.notices)
        return view
    qualified = len({d.id for d, _, _ in indicators}) > 1

    def value_of(dataset, info) -> str:
        return f"{dataset.id}:{info.name}" if qualified else info.name

    view.options = [(value_of(d, f), f.label + (f" ({f.unit})" if f.unit else "")) for d, _, f in indicators]
    found = next((item for item in indicators if wanted in (value_of(item[0], item[2]), item[2].name)), None)
    if wanted and found is None:
        errors.append(FilterError("indicateur", f"« {wanted} » n'est pas un indicateur ; « {indicators[0][2].label} » "
                                                "est affiché"))
    view.dataset, view.table, view.indicator = found or indicators[0]
    view.chosen = value_of(view.dataset, view.indicator)
    view.year, view.year_note = access_year(view.table, year)
    view.territory = territory_of(repository, exclude=view.dataset.id)
    view.data = commune_values(view.table, view.indicator.name, view.year, view.territory)
    view.overall, view.overall_words = overall_value(view.data)
    view.outlines = commune_outlines(repository, exclude=view.dataset.id)
    if view.outlines is not None:
        view.codes = commune_rows(view.outlines[1]).drop_duplicates("row")["code"].tolist()
    asked = last(params.get("commune"))
    view.commune = asked if asked in set(view.data["code"]) else None
    if asked and view.commune is None:
        errors.append(FilterError("commune", f"« {asked} » n'est pas le code d'une commune de ces données ; aucune "
                                             "commune n'est choisie"))
    view.extract = [("indicateur", view.indicator.name)] + ([("annee", str(view.year))] if view.year else [])
    return view


def communes_extract(repository: Repository, dataset: Dataset, table: Table, args) -> tuple[Table, tuple[str, ...]]:
    """What the access-to-care part shows (indicateur=, annee=), as a table: the territory's communes with the
    indicator's value for the year, the highest first."""
    from features.transports.data import ExtractArgumentError

    fields = indicator_fields(table)
    indicator = next((f for f in fields if f.name == args.get("indicateur")), None) if args.get("indicateur") \
        else fields[0]
    if indicator is None:
        raise ExtractArgumentError(f"indicateur : « {args.get('indicateur')} » n'est pas un indicateur de ce jeu")
    year = None
    if args.get("annee"):
        try:
            year = int(str(args.get("annee")).strip())
        except ValueError:
            raise ExtractArgumentError(f"annee : « {args.get('annee')} » n'est pas une année") from None
    chosen, _note = access_year(table, year)
    if year is not None and chosen != year:
        raise ExtractArgumentError(f"annee : le fichier n'a pas de valeurs pour {year}")
    territory = territory_of(repository, exclude=dataset.id)
    data = commune_values(table, indicator.name, chosen, territory)
    columns = {"annee": [chosen] * len(data), "code_commune": data["code"].tolist(), "commune": data["name"].tolist(),
               indicator.name: data["value"].tolist()}
    info = [FieldInfo("annee", "Année", "int"), FieldInfo("code_commune", "Code commune", "text"),
            FieldInfo("commune", "Commune", "text"), FieldInfo(indicator.name, indicator.label, "double",
                                                               unit=indicator.unit)]
    if data["population"].notna().any():
        columns["population"] = data["population"].tolist()
        info.append(FieldInfo("population", "Population", "double"))
    frame = pd.DataFrame(columns).astype({"annee": "Int64", indicator.name: "float64"})
    where = (f"les {len(data)} communes du territoire" if territory is not None and
             data["code"].isin(territory.names).any() else "toutes les communes du fichier")
    return Table(frame=frame, fields=tuple(info)), (f"{indicator.label} : année {chosen}", f"Communes : {where}")


def care_values(repository: Repository) -> list[dict]:
    """Each access-to-care indicator of the Santé dashboard, its latest year's value per commune and the
    Métropole's, and its first year's (the trend): built once per version of the files (a place then reads a dictionary)."""
    versions = tuple((d.id, repository.version(d.id)) for d in access_datasets(repository))

    def build() -> list[dict]:
        first = access_view(repository, {}, None, [])
        if first.unavailable:
            return []
        items = []
        for option, _ in first.options:
            view = access_view(repository, {"indicateur": option}, None, [])
            known = view.data.dropna(subset=["value"])
            info = view.indicator
            first = first_year_values(view.table, info.name, view.territory)
            items.append({
                "option": option, "label": info.label, "unit": info.unit or "",
                "year": int(view.year) if view.year is not None else None,
                "values": dict(zip(known["code"], known["value"].astype(float))), "overall": view.overall,
                "overall_words": view.overall_words, "first_year": first[0], "first_values": first[1],
                "first_overall": first[2],
                "definition": info.description or info.label + (f", en {info.unit}" if info.unit else ""),
            })
        return items
    return derived(("proximite-soins", versions), build)
