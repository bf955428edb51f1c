"""The columns the engine adds to a served table: `__row`, the row's place in the source; `__texte`, its text
fields folded for the search; `__valeurs__<field>`, the distinct values of each multivalued cell."""
from __future__ import annotations

ROW, TEXT, VALUES = "__row", "__texte", "__valeurs__"


def values_column(name: str) -> str:
    return VALUES + name
