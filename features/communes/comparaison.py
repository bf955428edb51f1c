"""Communes side by side: up to four communes' key figures with the Métropole's, for the comparison page and its
extract (/export/<communes>/comparaison.<fmt>?commune=…&commune=…)."""
from __future__ import annotations

import pandas as pd

from data_access.query import FilterError
from data_access.readers.base import FieldInfo, Table
from features.communes.chiffres import MEAN, OVERALL, TOTAL, Figures, commune_figures

MAX_COMPARED = 4
VIEW = "comparaison"
# What the « Métropole » column holds, said under each value. A count (inhabitants, works, stops, services…) is the
# Métropole's total, as a citizen reads « Métropole » (a work or a line on several communes counted once); a rate
# or a share (density, coverage, access to care) is the whole Métropole's value; a mean per commune only where a
# figure asks for it (MEAN), and then named so.
HOW = {TOTAL: "total de la Métropole", MEAN: "moyenne par commune", OVERALL: "ensemble de la Métropole"}


def chosen(figures: Figures, asked: list[str], errors: list | None = None, page: bool = True) -> list[str]:
    """The communes asked (codes), each once, known ones only, at most MAX_COMPARED; a notice for the others (on
    the page, which goes on without them; an extract is refused)."""
    codes: list[str] = []
    for code in asked:
        code = str(code).strip()[:20]
        if not code or code in codes:
            continue
        if code not in figures.frame.index:
            if errors is not None:
                errors.append(FilterError("commune", f"« {code} » n'est pas le code d'une commune de la Métropole"
                                                     + (" ; elle est ignorée" if page else "")))
            continue
        if len(codes) == MAX_COMPARED:
            if errors is not None:
                errors.append(FilterError("commune", f"{MAX_COMPARED} communes au plus"
                                                     + (" : les suivantes sont ignorées" if page else "")))
            break
        codes.append(code)
    return codes


def metropole_value(figures: Figures, key: str) -> float:
    """The Métropole beside a commune, as chiffres.py computed it (see HOW): the total of a count (each work or line
    once), the whole's value of a rate, the mean per commune of a MEAN figure."""
    value = figures.metropole.get(key)
    return float("nan") if value is None else float(value)


def rows(figures: Figures, codes: list[str]) -> list[dict]:
    """One row per figure: label, unit, decimals, the value of each commune (in `codes` order), the Métropole's
    and how it is counted."""
    return [{"key": f.key, "label": f.label, "unit": f.unit, "decimals": f.decimals, "note": f.note,
             "values": [figures.frame.at[c, f.key] for c in codes], "metropole": metropole_value(figures, f.key),
             "how": HOW[f.metropole]} for f in figures.figures]


def comparison_extract(repository, dataset, table, args) -> tuple[Table, tuple[str, ...]]:
    """The comparison as a table: one row per figure, a column per commune, the Métropole's and how."""
    from data_access.clock import today_paris
    from data_access.geometry.geo import commune_outlines
    from features.transports.data import ExtractArgumentError

    outlines = commune_outlines(repository)
    if outlines is None or outlines[0].id != dataset.id:
        raise ExtractArgumentError("la comparaison des communes se télécharge depuis le jeu des contours des "
                                   "communes")
    figures = commune_figures(repository, today_paris())
    errors: list = []
    codes = chosen(figures, args.getlist("commune") if hasattr(args, "getlist") else list(args.get("commune", [])),
                   errors, page=False)
    if errors:
        raise ExtractArgumentError(str(errors[0]))
    if not codes:
        raise ExtractArgumentError("commune : choisissez au moins une commune (commune=<code INSEE>)")
    data = rows(figures, codes)
    names = [str(figures.frame.at[c, "name"]) for c in codes]
    columns = {"indicateur": [r["label"] for r in data], "unite": [r["unit"] for r in data]}
    info = [FieldInfo("indicateur", "Indicateur", "text"), FieldInfo("unite", "Unité", "text")]
    for k, (code, name) in enumerate(zip(codes, names)):
        columns[f"commune_{code}"] = [r["values"][k] for r in data]
        info.append(FieldInfo(f"commune_{code}", f"{name} ({code})", "double"))
    columns["metropole"] = [r["metropole"] for r in data]
    columns["metropole_calcul"] = [r["how"] for r in data]
    columns["precision"] = [r["note"] for r in data]
    info += [FieldInfo("metropole", "Métropole", "double"), FieldInfo("metropole_calcul", "Calcul de la Métropole",
                                                                      "text"),
             FieldInfo("precision", "Précision", "text")]
    numbers = [c for c in columns if c.startswith("commune_") or c == "metropole"]
    frame = pd.DataFrame(columns).astype({c: "float64" for c in numbers}).round({c: 2 for c in numbers})
    sources = sorted({d.title for d in figures.sources.values()})
    return Table(frame=frame, fields=tuple(info)), (
        "Communes : " + ", ".join(f"{n} ({c})" for c, n in zip(codes, names)),
        f"Situation au {today_paris().isoformat()}", "Sources : " + " ; ".join(sources))
