"""How fresh a dataset is, from its content: HDX's four states, from the day its content last changed (the newest
version the history keeps, else the catalogue's date: the fetch date once synced, else `modified`) and the
frequency the catalogue declares. The thresholds are HDX's, in days since that change: a dataset is « due » at
its frequency, « overdue » and « delinquent » some leeway later. `irregular` is always up to date."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

# days since the last change at which a dataset becomes due, overdue and delinquent (HDX's data freshness)
THRESHOLDS = {"daily": (1, 2, 3), "weekly": (7, 14, 21), "monthly": (30, 44, 60), "quarterly": (90, 120, 150),
              "yearly": (365, 425, 455)}
STATES = ("up-to-date", "due", "overdue", "delinquent")
LABELS = {"up-to-date": "à jour", "due": "mise à jour attendue", "overdue": "en retard",
          "delinquent": "très en retard"}


@dataclass(frozen=True)
class Freshness:
    state: str  # one of STATES
    changed: dt.date  # the day the content last changed
    frequency: str

    @property
    def label(self) -> str:
        return LABELS[self.state]

    def as_dict(self) -> dict:
        return {"state": self.state, "label": self.label, "changed": self.changed.isoformat(),
                "frequency": self.frequency}


def state_on(frequency: str, changed: dt.date, today: dt.date) -> str:
    if frequency not in THRESHOLDS:
        return "up-to-date"
    age = (today - changed).days
    passed = sum(age >= limit for limit in THRESHOLDS[frequency])
    return STATES[passed]


def last_change(served_dir: Path, dataset) -> dt.date | None:
    """The day the dataset's content last changed: its newest version kept, else the catalogue's date."""
    from data_access.history.versions import history_dir, read_versions

    versions = read_versions(history_dir(served_dir, dataset.id))
    if versions:
        return dt.datetime.fromisoformat(versions[-1]["date"]).date()
    return dataset.modified


def freshness(served_dir: Path, dataset, today: dt.date) -> Freshness | None:
    """The dataset's freshness on `today`; None without a declared frequency or any date."""
    if not dataset.frequency:
        return None
    changed = last_change(served_dir, dataset)
    if changed is None:
        return None
    return Freshness(state_on(dataset.frequency, changed, today), changed, dataset.frequency)
