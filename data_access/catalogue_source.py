"""A catalogue entry's `[dataset.source]`: where `python -m data_access.sync` refreshes the dataset from."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .catalogue_checks import check_keys, choice, fail, required

SOURCE_KINDS = ("ods", "url")
_SOURCE_KEYS = {
    "kind": str, "base_url": str, "dataset_id": str, "url": str, "where": str, "refine": (str, list, dict),
    "select": str, "format": str,
}


@dataclass(frozen=True)
class Source:
    kind: str
    base_url: str | None = None
    dataset_id: str | None = None
    url: str | None = None
    options: tuple[tuple[str, Any], ...] = ()


def parse_source(raw: dict, dataset_id: str) -> Source:
    check_keys(raw, _SOURCE_KEYS, dataset_id, prefix="source.")
    kind = choice(required(raw, "kind", dataset_id, "source."), SOURCE_KINDS, dataset_id, "source.kind")
    if kind == "ods":
        for key in ("base_url", "dataset_id"):
            if not raw.get(key):
                raise fail(dataset_id, f"source.{key}", "obligatoire pour kind = \"ods\"")
    if kind == "url" and not raw.get("url"):
        raise fail(dataset_id, "source.url", "obligatoire pour kind = \"url\"")
    for key in ("base_url", "url"):
        if raw.get(key) and not raw[key].startswith(("https://", "http://")):
            raise fail(dataset_id, f"source.{key}", "une adresse http(s):// est attendue")
    options = tuple((k, raw[k]) for k in ("where", "refine", "select", "format") if k in raw)
    return Source(kind=kind, base_url=raw.get("base_url"), dataset_id=raw.get("dataset_id"), url=raw.get("url"),
                  options=options)
