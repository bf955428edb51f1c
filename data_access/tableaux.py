"""What the dashboards (Travaux, Santé, Transports) share before anything is drawn: their preamble (the dataset
picked among those that feed the dashboard, its roles checked, or why the dashboard is unavailable, in French),
and their key figures, each named by a stable key that embeds and stories use whatever its label says."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable

from data_access.catalogue.model import Dataset
from data_access.readers.base import Table
from data_access.repository import Repository, pick_dataset

UNAVAILABLE = "Le jeu de données « {titre} » est indisponible : {raison}"
MISSING_ROLES = ("Le jeu de données « {titre} » ne déclare pas les rôles nécessaires : {roles} "
                 "(voir catalogue.toml).")


@dataclass(frozen=True)
class Indisponible:
    """A dashboard that cannot be drawn: why (French), with the datasets to choose from and the one picked (for
    the picker the page still shows), when there are any."""

    raison: str
    choices: tuple[Dataset, ...] = ()
    dataset: Dataset | None = None


@dataclass(frozen=True)
class Preambule:
    """A dashboard's dataset, ready: picked among `choices`, its table read, its roles found (None when the
    dashboard declares none), and the notices for the URL's `jeu`."""

    choices: tuple[Dataset, ...]
    dataset: Dataset
    table: Table
    roles: object = None
    errors: tuple = ()


def preambule(repository: Repository, choices: list[Dataset], asked: str | None, *, none: str,
              find_roles: Callable[[Table], object] | None = None,
              unavailable: str = UNAVAILABLE, rows: bool = True) -> Preambule | Indisponible:
    """The dashboard's dataset among `choices` (the one `asked` in the URL's `jeu`, else the first that can be
    read), its roles found and checked by `find_roles` (whose result has `missing_required`); `none` says why
    when no dataset feeds the dashboard, `unavailable` (with {titre} and {raison}) when the one picked cannot be
    read. Without `rows`, the table is the dataset's fields and notes only (the engine computes the figures)."""
    choices = tuple(choices)
    if not choices:
        return Indisponible(none)
    dataset, table, reason, errors = pick_dataset(repository, list(choices), asked, rows)
    if table is None:
        return Indisponible(unavailable.format(titre=dataset.title, raison=reason), choices, dataset)
    roles = find_roles(table) if find_roles is not None else None
    if roles is not None and roles.missing_required:
        return Indisponible(MISSING_ROLES.format(titre=dataset.title, roles=", ".join(roles.missing_required)),
                            choices, dataset)
    return Preambule(choices, dataset, table, roles, tuple(errors))


# ---- key figures ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChiffreCle:
    """A key figure: its stable key (what an embed's or a story's address names), its value and label as shown,
    its one-line definition, and other stable names it answers to (« termines-en-2026 » for « termines-en »)."""

    key: str
    value: str
    label: str
    definition: str
    aliases: tuple[str, ...] = field(default=())
    marque: dict = field(default_factory=dict)  # the registered figure it shows (data_access.chiffres.marque)

    @property
    def item(self) -> tuple:
        """(value, label, definition[, attributes]), as components.kpi draws it."""
        return (self.value, self.label, self.definition) + ((self.marque,) if self.marque else ())


def slug(text: str) -> str:
    """A text as an address's word: no accents, lower case, words joined by « - »."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def find_figure(figures: list[ChiffreCle], which: str) -> ChiffreCle | None:
    """The key figure `which` names: its position (1, 2…), its key or one of its aliases, else the first whose
    key or alias starts with it (« termines » is « termines-en »)."""
    if re.fullmatch(r"[1-9][0-9]{0,2}", which):
        return figures[int(which) - 1] if int(which) <= len(figures) else None
    asked = slug(which)
    if not asked:
        return None
    names = [(f, (f.key, *f.aliases)) for f in figures]
    return next((f for f, known in names if asked in known), None) or \
        next((f for f, known in names if any(name.startswith(asked) for name in known)), None)
