"""A units row: the row right under the header that holds only the units of the numeric columns (the DREES APL
workbooks: « Nombre de consultations accessibles par habitant standardisé » under « APL aux médecins
généralistes »). Read as data, it would be a row without a commune and make its numbers text. It is left out, and
its text becomes each column's unit where the catalogue gives none."""
from __future__ import annotations

import re
from typing import Callable

_NUMBER = re.compile(r"^\s*[-+]?(\d+[.,]?\d*|[.,]\d+)([eE][-+]?\d+)?\s*$")


def units_row(first: list[str | None], numeric: Callable[[int], bool], headers: list[str]) -> dict[str, str] | None:
    """{header: unit} when the first row under the header is a units row: some cell filled, every filled cell a
    text that is not a number, under a column whose other rows are numbers (`numeric(i)`: declared or inferred
    without that first row); else None."""
    filled = {i: value.strip() for i, value in enumerate(first) if value is not None and value.strip()}
    if not filled or any(_NUMBER.match(value) for value in filled.values()):
        return None
    if not all(numeric(i) for i in filled):
        return None
    return {headers[i]: value for i, value in filled.items()}


def units_note(source: str, units: dict[str, str]) -> str:
    shown = " ; ".join(f"« {header} » : {unit}" for header, unit in units.items())
    return f"{source} : ligne d'unités sous l'en-tête ignorée ({shown})"
