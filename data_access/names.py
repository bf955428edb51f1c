"""Field names: the URL-safe name a column header becomes, and the header a catalogue key names. A user writes
what they see in the file (« Latitude », « Code commune INSEE ») or its field name (`latitude`): both name the
same column. Imported by the catalogue and by the readers alike, it imports neither."""
from __future__ import annotations

import difflib
import re
import unicodedata


def slugify(label: str) -> str:
    """The URL-safe field name Opendatasoft would give a column label: "Date de début" -> "date_de_debut"."""
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def find_header(headers: list[str], name: str) -> str | None:
    """The header among `headers` that `name` designates: the header as written (spaces around it aside), else
    the one whose field name it is."""
    wanted = name.strip()
    exact = next((h for h in headers if h.strip() == wanted), None)
    if exact is not None:
        return exact
    slug = slugify(wanted)
    return next((h for h in headers if slug and slugify(h) == slug), None)


def closest_headers(headers: list[str], name: str, count: int = 3) -> list[str]:
    """The headers nearest to a name that matches none, the nearest first (compared as field names too)."""
    by_slug = {slugify(h): h for h in headers}
    near = difflib.get_close_matches(name, headers, n=count, cutoff=0.5)
    near += [by_slug[s] for s in difflib.get_close_matches(slugify(name), list(by_slug), n=count, cutoff=0.5)]
    return list(dict.fromkeys(near))[:count]


def absent(name: str, headers: list[str]) -> str:
    """« le champ « X » est absent du fichier », with the file's closest headers when there are some."""
    near = closest_headers(headers, name)
    shown = ", ".join(f"« {h} »" for h in near)
    return f"« {name} » est absent du fichier" + (f" (en-têtes proches : {shown})" if near else "")
