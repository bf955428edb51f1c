"""A catalogue entry's `[dataset.source]`: where `python -m data_access.sync.run` refreshes the dataset from, and which
of the source's rows it keeps (a national file cut down to the Métropole's communes)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from data_access.catalogue.checks import check_keys, choice, fail, required

SOURCE_KINDS = ("ods", "url", "datagouv")
SOURCE_FORMATS = ("csv", "geojson", "json", "parquet", "topojson")
DATAGOUV = "https://www.data.gouv.fr"
_SOURCE_KEYS = {
    "kind": str, "base_url": str, "dataset_id": str, "url": str, "where": str, "refine": (str, list, dict),
    "select": str, "format": str, "resource": str, "keep": dict,
}
_KEEP_KEYS = {"field": str, "communes": str, "codes": list, "clip": bool, "names": str}
_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


@dataclass(frozen=True)
class Keep:
    """The source's rows to keep: those whose `field` holds one of the codes, given as a list or as the `commune`
    role of another catalogue dataset (`communes`). With `clip`, each shape loses its parts away from its commune's
    outline; with `names`, a shape file whose rows lack their commune's name gets it in that field."""

    field: str
    communes: str | None = None
    codes: tuple[str, ...] = ()
    clip: bool = False
    names: str | None = None


@dataclass(frozen=True)
class Source:
    kind: str
    base_url: str | None = None
    dataset_id: str | None = None
    url: str | None = None
    options: tuple[tuple[str, Any], ...] = ()
    resource: str | None = None  # datagouv: a word of the title of the resource to fetch (the newest one)
    keep: Keep | None = None

    @property
    def format(self) -> str | None:
        """The format of what the source sends, when the catalogue says it (an export's, or « topojson »)."""
        return dict(self.options).get("format")


def _parse_keep(raw: dict, dataset_id: str) -> Keep:
    check_keys(raw, _KEEP_KEYS, dataset_id, prefix="source.keep.")
    field = required(raw, "field", dataset_id, "source.keep.")
    if ("communes" in raw) == ("codes" in raw):
        raise fail(dataset_id, "source.keep", "il faut soit « communes » (un jeu de données du catalogue dont le "
                                              "rôle commune donne les codes), soit « codes » (une liste)")
    codes = tuple(raw.get("codes", ()))
    bad = [c for c in codes if not isinstance(c, str) or not _CODE.match(c)]
    if bad or ("codes" in raw and not codes):
        raise fail(dataset_id, "source.keep.codes", "une liste de codes INSEE de communes (« 76540 ») est attendue"
                   + (f", pas {bad[0]!r}" if bad else ""))
    for key in ("clip", "names"):
        if raw.get(key) and "communes" not in raw:
            raise fail(dataset_id, f"source.keep.{key}", "demande le jeu de données des communes : « communes »")
    return Keep(field=field, communes=raw.get("communes"), codes=codes, clip=raw.get("clip", False),
                names=raw.get("names"))


def parse_source(raw: dict, dataset_id: str) -> Source:
    check_keys(raw, _SOURCE_KEYS, dataset_id, prefix="source.")
    kind = choice(required(raw, "kind", dataset_id, "source."), SOURCE_KINDS, dataset_id, "source.kind")
    needed = {"ods": ("base_url", "dataset_id"), "url": ("url",), "datagouv": ("dataset_id", "resource")}[kind]
    for key in needed:
        if not raw.get(key):
            raise fail(dataset_id, f"source.{key}", f"obligatoire pour kind = \"{kind}\"")
    for key in ("base_url", "url"):
        if raw.get(key) and not raw[key].startswith(("https://", "http://")):
            raise fail(dataset_id, f"source.{key}", "une adresse http(s):// est attendue")
    choice(raw.get("format"), SOURCE_FORMATS, dataset_id, "source.format")
    options = tuple((k, raw[k]) for k in ("where", "refine", "select", "format") if k in raw)
    base_url = raw.get("base_url") or (DATAGOUV if kind == "datagouv" else None)
    return Source(kind=kind, base_url=base_url, dataset_id=raw.get("dataset_id"), url=raw.get("url"),
                  options=options, resource=raw.get("resource"),
                  keep=_parse_keep(raw["keep"], dataset_id) if "keep" in raw else None)


def check_keep_references(datasets) -> None:
    """A source's options fit its dataset's format (the sync cuts down and converts CSV and GeoJSON only), and a
    `keep.communes` names a dataset of the catalogue that declares the `commune` role."""
    by_id = {d.id: d for d in datasets}
    for dataset in datasets:
        keep = dataset.source.keep if dataset.source else None
        if dataset.source is not None and dataset.source.format == "topojson" and dataset.format != "geojson":
            raise fail(dataset.id, "source.format", "un TopoJSON est servi en GeoJSON : format = \"geojson\" attendu")
        if keep is not None and dataset.format not in ("csv", "geojson"):
            raise fail(dataset.id, "source.keep", f"la synchronisation ne découpe que les fichiers CSV et GeoJSON, "
                                                  f"pas « {dataset.format} »")
        for key in ("clip", "names"):
            if keep is not None and getattr(keep, key) and dataset.format != "geojson":
                raise fail(dataset.id, f"source.keep.{key}", "ne s'applique qu'aux formes (format = \"geojson\")")
        if keep is None or keep.communes is None:
            continue
        other = by_id.get(keep.communes)
        if other is None:
            raise fail(dataset.id, "source.keep.communes", f"aucun jeu de données « {keep.communes} » dans le catalogue")
        if other.role_field("commune") is None:
            raise fail(dataset.id, "source.keep.communes",
                       f"le jeu de données « {keep.communes} » ne déclare pas de champ au rôle commune")
        if other.id == dataset.id:
            raise fail(dataset.id, "source.keep.communes", "un jeu de données ne peut pas se découper sur lui-même")
