"""How each dataset of the demo's short history was before the snapshot (demo.py records it): rules on the
snapshot's own file, with no randomness, so that the same snapshot always gives the same versions. A rule reads the
snapshot's file and writes, in the same format, the file as it was at `moment`, `later` versions before the
snapshot (3, 2, then 1).

- `chantiers`, the works sites: a site starting more than 60 days after the moment was not listed yet, one
  starting later was « programmé »; a site finished since then was still under way; and one site in seven had an
  earlier planned end, moved 30 days by each later version dated before the site finished (« fin prévue
  repoussée 3 fois » for a site still running: a site finished before the first version never moved).
- `associations`, the RNA extract, by the number n of each RNA id (`W761` and six digits): an association created
  after the moment was not registered yet. A few changed during the autumn, at a step s from 1 to 3 (`step`:
  the versions `later` >= s show them as they were before the change): a dissolved one with n % 10 == 0 was
  still active (s from n // 10); one with n % 100 == 1 had its old name, in capitals as the register wrote it, and
  one with n % 100 == 2 its old objet, ending in « et toute action s'y rattachant » (s from n // 100); one with
  n % 200 == 5 was also listed twice, under Le Havre's greffe (`W763` and the same digits, the same fields), until
  the duplicate was purged (s from n // 200).
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from data_access.clock import PARIS

MOMENTS = tuple(dt.datetime(2026, m, d, 6, 0, tzinfo=PARIS) for m, d in ((9, 7), (10, 5), (11, 2)))
SNAPSHOT = dt.datetime(2026, 11, 15, 6, 0, tzinfo=PARIS)
SLIP_DAYS = 30
LISTED_DAYS = 60  # a site enters the register this long before it starts
STEPS = 3  # the steps at which a change happened, as versions before the snapshot
OLD_OBJET = " et toute action s'y rattachant."
DUPLICATE_GREFFE = "W763"  # Le Havre's greffe: the duplicates purged from the register


@dataclass(frozen=True)
class Rules:
    dataset: str
    file: str  # the snapshot's file (its catalogue path)
    earlier: Callable[[Path, dt.datetime, int, Path], None]  # (snapshot's file, moment, later, file to write)


def chantiers_rows(rows: list[dict], moment: dt.datetime, later: int) -> list[dict]:
    """The sites as they were at `moment`, `later` versions before the snapshot."""
    day = moment.date().isoformat()
    listed = (moment.date() + dt.timedelta(days=LISTED_DAYS)).isoformat()
    kept = []
    for k, row in enumerate(rows):
        if row["date_debut"] > listed:  # not in the register yet
            continue
        finished = row["date_fin_reelle"]  # as the snapshot says
        row = dict(row)
        if row["date_debut"] > day:  # listed, not started
            row.update(statut="programmé", date_fin_reelle="", avancement="0")
        elif row["date_fin_reelle"] and row["date_fin_reelle"] > day:  # finished since: still under way
            row.update(statut="en cours", date_fin_reelle="", avancement=str(min(int(row["avancement"] or 0), 90)))
        if k % 7 == 0 and row["date_fin_prevue"]:  # its planned end moved by each later version before its end
            moves = sum(1 for then in (MOMENTS + (SNAPSHOT,))[len(MOMENTS) - later + 1:]
                        if not finished or then.date().isoformat() < finished)
            planned = dt.date.fromisoformat(row["date_fin_prevue"]) - dt.timedelta(days=SLIP_DAYS * moves)
            row["date_fin_prevue"] = planned.isoformat()
        kept.append(row)
    return kept


def chantiers_before(source: Path, moment: dt.datetime, later: int, target: Path) -> None:
    from data_access.demo.common import write_ods_csv

    with open(source, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        header, rows = reader.fieldnames, list(reader)
    write_ods_csv(target, header, [[r[h] for h in header] for r in chantiers_rows(rows, moment, later)])


def step(number, every: int):
    """When a record changed, from its RNA number: after the version `step` versions before the snapshot (1 to 3),
    so that the versions `later` >= step show it as it was before. On a number or a numpy array."""
    return 1 + (number // every) % STEPS


def _replaced(table, name: str, values):
    return table.set_column(table.schema.get_field_index(name), name, values)


def associations_table(table, moment: dt.datetime, later: int):
    """The RNA extract (a pyarrow Table) as it was at `moment`, `later` versions before the snapshot."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = np.array([int(i[4:]) for i in table["id_rna"].to_pylist()], dtype=np.int64)
    position = np.array(table["position"].to_pylist(), dtype=object)
    revived = (position == "D") & (n % 10 == 0) & (later >= step(n, 10))  # dissolved since: still active
    renamed = (n % 100 == 1) & (later >= step(n, 100))
    restated = (n % 100 == 2) & (later >= step(n, 100))
    before = _replaced(table, "position", pa.array(np.where(revived, "A", position).tolist(), pa.string()))
    before = _replaced(before, "nom", pc.if_else(pa.array(renamed), pc.utf8_upper(before["nom"]), before["nom"]))
    before = _replaced(before, "objet", pa.array([o.rstrip(".") + OLD_OBJET if r else o for o, r in zip(
        before["objet"].to_pylist(), restated)], pa.string()))
    twins = before.filter(pa.array((n % 200 == 5) & (later >= step(n, 200))))  # not purged yet
    twins = _replaced(twins, "id_rna", pc.replace_substring_regex(twins["id_rna"], "^W761", DUPLICATE_GREFFE))
    both = pa.concat_tables([before, twins])
    return both.filter(pc.less_equal(both["date_creation"], pa.scalar(moment.date())))  # registered by then


def associations_before(source: Path, moment: dt.datetime, later: int, target: Path) -> None:
    import pyarrow.parquet as pq

    pq.write_table(associations_table(pq.read_table(source), moment, later), target, compression="zstd")


CHANTIERS = Rules("chantiers", "chantiers.csv", chantiers_before)
ASSOCIATIONS = Rules("associations", "associations.parquet", associations_before)
HISTORIES = (CHANTIERS, ASSOCIATIONS)
