"""The communes a national file is cut down to (a list, or another catalogue dataset's `commune` role), with their
outlines and names when the options need them, and what a reduction depends on besides the file."""
from __future__ import annotations

from dataclasses import dataclass

from data_access.catalogue.model import Catalogue
from data_access.catalogue.source import Keep
from data_access.reduction.common import ReduceError, code_text


def communes_table(catalogue: Catalogue, keep: Keep):
    """The communes dataset named by `keep.communes`, read as its file is in place."""
    from data_access.readers import (ReadError,  # the readers load pandas: only when a list of communes is read
                                     read_table)

    communes = catalogue.get(keep.communes)
    try:
        return read_table(communes, catalogue.file_path(communes))
    except ReadError as exc:
        raise ReduceError(f"la liste des communes à garder (jeu « {keep.communes} ») est illisible : {exc}") from None


@dataclass
class Kept:
    """What a national file is cut down to: the codes to keep, and from the communes dataset, each commune's
    outline (to cut shapes to it) and name (for files that lack it)."""

    codes: frozenset[str]
    outlines: dict | None = None
    names: dict | None = None


def keep_context(catalogue: Catalogue, keep: Keep) -> Kept:
    """The communes a source is cut down to: the list given, or the `commune` role of the catalogue dataset named
    (its file as it is in place, read once), with what the options need of it (outlines, names)."""
    if keep.codes:
        return Kept(frozenset(keep.codes))
    table = communes_table(catalogue, keep)
    code = table.role_field("commune")
    if code is None:
        raise ReduceError(f"le jeu de données « {keep.communes} » n'a pas de champ de rôle « commune » : "
                          "impossible de savoir quelles communes garder")
    values = table.frame[code.name].dropna().astype("str")
    territory = Kept(frozenset(c for raw in values for v in code.values_of(raw) if (c := code_text(v))))
    if not territory.codes:
        raise ReduceError(f"le jeu de données « {keep.communes} » ne donne aucun code de commune")
    if not (keep.clip or keep.names):
        return territory
    from data_access.geometry.geo import commune_rows

    lines = commune_rows(table)
    if keep.names:
        territory.names = dict(zip(lines["code"], lines["name"]))
    if not keep.clip:
        return territory
    geometry = table.geometry_field
    if geometry is None or geometry.type != "geo_shape":
        raise ReduceError(f"le jeu de données « {keep.communes} » n'a pas de contours pour découper les formes")
    shapes = table.frame[geometry.name].to_numpy()
    territory.outlines = {line.code: shapes[line.row] for line in lines.itertuples() if shapes[line.row] is not None}
    return territory


def fingerprint(keep: Keep, territory: Kept) -> str:
    """What a reduction depends on besides the national file: the codes, the options and what they take from the
    communes dataset. When it changes, the file is fetched and cut again even if the server says « unchanged »."""
    import hashlib
    import json

    import shapely

    digest = hashlib.sha256(json.dumps({
        "field": keep.field, "codes": sorted(territory.codes), "clip": keep.clip, "names": keep.names,
        "commune_names": sorted((territory.names or {}).items()),
    }, ensure_ascii=False).encode())
    for code in sorted(territory.outlines or {}):
        digest.update(code.encode() + shapely.to_wkb(territory.outlines[code]))
    return digest.hexdigest()[:16]


def ods_where(field_name: str, codes) -> str:
    """The export's server-side filter on the codes (ODSQL: a comparison per code, joined with OR)."""
    return "(" + " OR ".join(f'{field_name} = "{code}"' for code in sorted(codes)) + ")"
