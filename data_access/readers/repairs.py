"""Known damage in real files, repaired once when the file is read, each repair noted (and so logged once per
file and shown on the pages that use it)."""
from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd

from .base import Table

# A spreadsheet reads an age class "05-09" as the 5th of September and shows "05-sept", and "10-14" as October
# 2014, shown "oct-14". French and English month abbreviations, with or without a dot.
MONTHS = {
    "janv": 1, "jan": 1, "févr": 2, "fevr": 2, "fév": 2, "feb": 2, "mars": 3, "mar": 3, "avr": 4, "apr": 4,
    "mai": 5, "may": 5, "juin": 6, "jun": 6, "juil": 7, "jul": 7, "août": 8, "aout": 8, "aug": 8, "sept": 9,
    "sep": 9, "oct": 10, "nov": 11, "déc": 12, "dec": 12,
}
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_MONTH = re.compile(rf"^(\d{{1,2}})-{_MONTH}$", re.IGNORECASE)  # "05-sept": 05-09
_MONTH_YEAR = re.compile(rf"^{_MONTH}-(\d{{2}})$", re.IGNORECASE)  # "oct-14": 10-14


def undo_spreadsheet_date(value: str) -> str | None:
    """The range a spreadsheet turned into a date ("05-sept" -> "05-09", "oct-14" -> "10-14"); None otherwise."""
    text = value.strip()
    if found := _DAY_MONTH.match(text):
        return f"{int(found.group(1)):02d}-{MONTHS[found.group(2).lower()]:02d}"
    if found := _MONTH_YEAR.match(text):
        return f"{MONTHS[found.group(1).lower()]:02d}-{found.group(2)}"
    return None


# The roles whose values are ranges a spreadsheet may have turned into dates.
RANGE_ROLES = ("age_class",)
# The roles whose values are INSEE commune codes (5 characters).
CODE_ROLES = ("commune",)


def repair(table: Table) -> Table:
    """The table with the known damage undone, and a note for each repair."""
    notes, frame = list(table.notes), table.frame
    for field in table.fields:
        if field.role not in RANGE_ROLES or field.type != "text":
            continue
        column = frame[field.name]
        values = pd.Series(column.dropna().unique())
        fixes = {v: r for v in values if (r := undo_spreadsheet_date(str(v))) is not None}
        if fixes:
            frame = frame.assign(**{field.name: column.replace(fixes)})
            count = int(column.isin(list(fixes)).sum())
            shown = ", ".join(f"« {k} » → « {v} »" for k, v in sorted(fixes.items()))
            notes.append(f"« {field.label} » : {count} valeur(s) transformée(s) en dates par un tableur, "
                         f"rétablie(s) ({shown})")
    for field in table.fields:
        if field.role not in CODE_ROLES or field.type != "text":
            continue
        column = frame[field.name]
        # a spreadsheet stores « 01001 » as the number 1001: a 4-digit commune code lost its leading zero
        short = column.str.fullmatch(r"\d{4}", na=False)
        if short.any():
            frame = frame.assign(**{field.name: column.mask(short, "0" + column.astype("str"))})
            notes.append(f"« {field.label} » : {int(short.sum())} code(s) commune à 4 chiffres complété(s) d'un zéro "
                         "initial (perdu dans un tableur)")
    if frame is table.frame and len(notes) == len(table.notes):
        return table
    return replace(table, frame=frame, notes=tuple(notes))
