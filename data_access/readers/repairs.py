"""Known damage in real files, repaired once when the file is read, each repair noted (and so logged once per
file and shown on the pages that use it)."""
from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd

from data_access.readers.base import Table

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
# The roles whose values are INSEE codes, and their width: a code stored as a number (76717.0, 1) is written back
# as the code (« 76717 », « 01 »).
CODE_WIDTHS = {"commune": 5, "dept": 2, "department": 2, "departement": 2, "region": 2}
_FLOAT_WHOLE = r"[-+]?\d+\.0*"
_FLOAT_PART = r"[-+]?\d*\.\d+"


def as_codes(column: pd.Series, field, width: int) -> tuple[pd.Series, list[str]]:
    """A code column as text codes: whole numbers (« 76717.0 », 76717, 1) written as codes padded to `width` with
    zeros (a spreadsheet drops « 01001 »'s zero), anything else as it is; the notes say what changed."""
    notes = []
    if field.is_numeric:
        numbers = pd.to_numeric(column, errors="coerce").astype("Float64")
        whole = numbers.notna() & (numbers == numbers.round()) & (numbers.abs() < 10 ** width)
        text = column.astype("str").where(column.notna())
        codes = text.mask(whole, numbers.where(whole).astype("Int64").astype("str").str.zfill(width))
        fixed, kept = int(whole.sum()), int((numbers.notna() & ~whole).sum())
        example = str(column[whole].iloc[0]) if fixed else ""
    else:
        text = column
        floats = text.str.fullmatch(_FLOAT_WHOLE, na=False)
        short = text.str.fullmatch(r"\d{1,%d}" % (width - 1), na=False) if width > 1 else floats & False
        codes = text.mask(floats, text.str.split(".").str[0].str.zfill(width))
        codes = codes.mask(short, text.str.zfill(width))
        fixed, kept = int(floats.sum()), int(text.str.fullmatch(_FLOAT_PART, na=False).sum() - floats.sum())
        example = text[floats].iloc[0] if fixed else ""
        if short.any():
            notes.append(f"« {field.label} » : {int(short.sum())} code(s) à moins de {width} chiffres complété(s) "
                         "de zéros initiaux (perdus dans un tableur)")
    if fixed:
        notes.append(f"« {field.label} » : {fixed} code(s) écrit(s) comme des nombres ({example}) lu(s) comme des "
                     "codes")
    if kept:
        notes.append(f"« {field.label} » : {kept} valeur(s) qui ne peuvent pas être des codes (non entières ou trop "
                     "grandes) laissée(s) telles quelles")
    return (codes.astype("str").where(codes.notna()) if notes or field.is_numeric else column), notes


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
    fields = list(table.fields)
    for k, field in enumerate(table.fields):
        width = CODE_WIDTHS.get(field.role or "")
        if width is None or not (field.type == "text" or field.is_numeric):
            continue
        column, said = as_codes(frame[field.name], field, width)
        if said:
            frame = frame.assign(**{field.name: column})
            fields[k] = replace(field, type="text")
            notes += said
    if frame is table.frame and len(notes) == len(table.notes):
        return table
    return replace(table, frame=frame, fields=tuple(fields), notes=tuple(notes))
