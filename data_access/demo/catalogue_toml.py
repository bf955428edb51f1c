"""Render the demo snapshot's catalogue.toml from the dataset entries declared next to each generator."""
from __future__ import annotations

from datetime import date

from data_access.demo.common import DEMO_NOTICE, LICENSE, PUBLISHER

PORTAL_TITLE = "Open data — Métropole Rouen Normandie"
PORTAL_DESCRIPTION = (
    DEMO_NOTICE + " Cet instantané embarqué permet de découvrir le portail sans connexion : les communes, "
    "leurs codes INSEE, populations et contours ainsi que les noms des lignes Astuce sont réels, le reste est simulé."
)
FIELD_KEYS = ("name", "label", "type", "facet", "role", "unit", "description", "labels")


def toml_string(text: str) -> str:
    """A TOML basic string (one line)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_multiline(text: str) -> str:
    """A TOML multi-line basic string, easier to read and edit for markdown descriptions."""
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"""\n' + body + '"""'


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    return toml_string(str(value))


def render_catalogue(entries: list[dict]) -> str:
    lines = [
        "# Demo snapshot catalogue, written by `python -m data_access.demo`: regenerate it rather than edit it.",
        "",
        "[portal]",
        f"title = {toml_string(PORTAL_TITLE)}",
        f"publisher = {toml_string(PUBLISHER)}",
        f"description = {toml_string(PORTAL_DESCRIPTION)}",
        "demo = true",
    ]
    for entry in entries:
        description = DEMO_NOTICE + "\n\n" + entry["description"].rstrip() + "\n"
        lines += [
            "",
            "[[dataset]]",
            f"id = {toml_string(entry['id'])}",
            f"title = {toml_string(entry['title'])}",
            f"description = {toml_multiline(description)}",
            f"theme = {toml_string(entry['theme'])}",
            f"keywords = {toml_value(entry['keywords'])}",
            f"publisher = {toml_string(entry.get('publisher', PUBLISHER))}",
            f"license = {toml_string(entry.get('license', LICENSE))}",
            f"modified = {toml_value(entry['modified'])}",
            f"format = {toml_string(entry['format'])}",
            f"path = {toml_string(entry['path'])}",
        ]
        if entry.get("dashboard"):
            lines.append(f"dashboard = {toml_string(entry['dashboard'])}")
        for name in ("key", "frequency"):  # a record's identity across versions, and the expected rhythm
            if entry.get(name):
                lines.append(f"{name} = {toml_string(entry[name])}")
        if entry.get("position"):
            lat, lon = entry["position"]
            lines.append(f"position = {{ lat = {toml_string(lat)}, lon = {toml_string(lon)} }}")
        lines.append("demo = true")
        if entry.get("realtime"):  # its live feeds: the app's own stand-in (features/transports/demo_live.py)
            lines += ["", "[dataset.realtime]"] + [f"{k} = {toml_value(v)}" for k, v in entry["realtime"].items()]
        for spec in entry.get("fields", []):
            lines += ["", "[[dataset.field]]"]
            for key in FIELD_KEYS:
                value = spec.get(key)
                if value is None or value is False:
                    continue
                lines.append(f"{key} = {toml_value(value)}")
    return "\n".join(lines) + "\n"
