"""A units row: the row right under the header that holds only the units of the numeric columns (the DREES APL
workbooks: « Nombre de consultations accessibles par habitant standardisé » under « APL aux médecins
généralistes »). Read as data, it would be a row without a commune and make its numbers text. It is left out, and
its text becomes each column's unit where the catalogue gives none."""
from __future__ import annotations

import re
from typing import Callable

_NUMBER = re.compile(r"^\s*[-+]?(\d+[.,]?\d*|[.,]\d+)([eE][-+]?\d+)?\s*$")
_WORD = re.compile(r"[^\W\d_]{2,}")
_SYMBOLS = set("%€$‰°²³/")


def _is_unit(text: str) -> bool:
    """A unit is written in words (« Nombre d'habitants ») or with a unit's sign (« % », « €/hab. »), never as a
    single word or a mark that stands for a missing value (« NC », « - », « s », « n.d. », « inconnu »)."""
    if _NUMBER.match(text):
        return False
    return len(_WORD.findall(text)) >= 2 or bool(_SYMBOLS & set(text))


def units_row(first: list[str | None], numeric: Callable[[int], bool], full: Callable[[int], bool],
              headers: list[str]) -> dict[str, str] | None:
    """{header: unit} when the first row under the header is a units row, else None. A units row fills only
    cells under numeric columns (`numeric(i)`: declared or inferred without that first row), with words; and a
    column it leaves empty is filled on every other row (`full(i)`: the commune's code), so that a data row
    that merely lacks its name and has « NC » for a value stays a row."""
    filled = {i: value.strip() for i, value in enumerate(first) if value is not None and value.strip()}
    empty = [i for i in range(len(first)) if i not in filled]
    if not filled or not empty or not all(_is_unit(value) for value in filled.values()):
        return None
    if not all(numeric(i) for i in filled) or not any(full(i) for i in empty):
        return None
    return {headers[i]: value for i, value in filled.items()}


def units_note(source: str, units: dict[str, str]) -> str:
    shown = " ; ".join(f"« {header} » : {unit}" for header, unit in units.items())
    return f"{source} : ligne d'unités sous l'en-tête ignorée ({shown})"
