"""The checks of catalogue.toml's keys, shared by its parsers: each error is one French line naming the dataset
and the key at fault."""
from __future__ import annotations

import datetime as dt
import difflib

CATALOGUE_FILE = "catalogue.toml"
_TYPE_NAMES = {str: "un texte", bool: "true ou false", list: "une liste", dict: "une table", dt.date: "une date AAAA-MM-JJ",
               int: "un nombre entier"}


class CatalogueError(Exception):
    """catalogue.toml is wrong; the message is one French line naming the dataset and the key."""


def _where(dataset_id: str | None) -> str:
    return f"jeu de données « {dataset_id} »" if dataset_id else "catalogue"


def fail(dataset_id: str | None, key: str, message: str) -> CatalogueError:
    return CatalogueError(f"{CATALOGUE_FILE} : {_where(dataset_id)}, clé « {key} » : {message}")


def check_keys(table: dict, allowed: dict, dataset_id: str | None, prefix: str = "") -> None:
    """Every key known (else the nearest known one is suggested) and of its expected type."""
    for key, value in table.items():
        full = f"{prefix}{key}"
        if key not in allowed:
            hint = difflib.get_close_matches(key, list(allowed), n=1)
            suggestion = f" (vouliez-vous écrire « {prefix}{hint[0]} » ?)" if hint else ""
            raise fail(dataset_id, full, f"clé inconnue{suggestion}")
        expected = allowed[key]
        types = expected if isinstance(expected, tuple) else (expected,)
        if expected is dt.date:
            ok = isinstance(value, dt.date) and not isinstance(value, dt.datetime)
        else:
            ok = isinstance(value, types) and not (bool not in types and isinstance(value, bool))
        if not ok:
            wanted = " ou ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)
            agreed = "attendue" if wanted.startswith("une ") else "attendu"
            raise fail(dataset_id, full, f"{wanted} est {agreed}, pas {value!r}")


def required(table: dict, key: str, dataset_id: str | None, prefix: str = "") -> str:
    value = table.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise fail(dataset_id, f"{prefix}{key}", "obligatoire et absente")
    return value


def choice(value: str | None, choices: tuple[str, ...], dataset_id: str, key: str) -> str | None:
    if value is not None and value not in choices:
        raise fail(dataset_id, key, f"valeur « {value} » inconnue (valeurs possibles : {', '.join(choices)})")
    return value
