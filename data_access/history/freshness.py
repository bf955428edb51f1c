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


def kept_change(served_dir: Path, dataset_id: str) -> dt.date | None:
    """The day of the newest version the history keeps (the content's last change), or None without a history."""
    from data_access.history.versions import history_dir, read_versions

    versions = read_versions(history_dir(served_dir, dataset_id))
    return dt.datetime.fromisoformat(versions[-1]["date"]).date() if versions else None


def freshness_from(dataset, kept: dt.date | None, today: dt.date) -> Freshness | None:
    """The dataset's freshness on `today`, its history's newest version kept on `kept` (None: the catalogue's date
    counts); None without a declared frequency or any date."""
    changed = kept or dataset.modified
    if not dataset.frequency or changed is None:
        return None
    return Freshness(state_on(dataset.frequency, changed, today), changed, dataset.frequency)


def freshness(served_dir: Path, dataset, today: dt.date) -> Freshness | None:
    """The dataset's freshness on `today`; None without a declared frequency or any date."""
    if not dataset.frequency:
        return None
    return freshness_from(dataset, kept_change(served_dir, dataset.id), today)
