"""Test helpers: build one small app per test, and render a page the way the Dash router does."""
from __future__ import annotations

import re
import socket
from pathlib import Path

from config import load_settings
from factory import create_app


def free_port() -> int:
    """A port nobody listens on now, for a test's server (never a fixed one: tests run side by side)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_app(data_dir: Path | None = None, **env: str):
    """An app on `data_dir` (the demo snapshot when None), with the given extra environment."""
    # no refresher thread in the tests' apps unless a test asks for one (their live feeds are read as kept)
    values = {"SECRET_KEY": "test", "LIVE_REFRESH": "0", **env}
    if data_dir is not None:
        values["DATA_DIR"] = str(data_dir)
        # the served forms outside the folder: a fixture of the repository is never written into
        values.setdefault("SERVED_DIR", str(served_dir_for(data_dir)))
    return create_app(load_settings(values))


def served_dir_for(data_dir: Path) -> Path:
    """A temporary folder of the served forms, one per data folder."""
    import hashlib
    import tempfile

    tag = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"servi-tests-{tag}"


ROUTER_OUTPUT = "_pages_content.children"


def router_body(output_key: str, pathname: str, search: str = "") -> dict:
    """The body the browser posts to /_dash-update-component to draw a page (Dash's pages router callback,
    whose output key holds ROUTER_OUTPUT: from the app's callback map, or from /_dash-dependencies)."""
    return {
        "output": output_key,
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }


def render_page(app, pathname: str, search: str = "") -> dict:
    """Call the pages router callback as the browser does; returns the layout as Dash JSON."""
    client = app.server.test_client()
    client.get("/_dash-layout")  # the router's callback is registered on the first request (any)
    key = next(k for k in app.callback_map if ROUTER_OUTPUT in k)
    response = client.post("/_dash-update-component", json=router_body(key, pathname, search))
    assert response.status_code == 200, response.data[:500]
    result = response.get_json()["response"]
    return {"layout": expand(result["_pages_content"]["children"]),
            "title": result["_pages_store"]["data"]["title"]}


def expand(node):
    """The layout with its static islands (components/statique.py) put back in place, as the page shows them."""
    if isinstance(node, list):
        out = []
        for child in node:
            opened = expand(child)
            out.extend(opened if _is_island(child) and isinstance(opened, list) else [opened])
        return out
    if _is_island(node):
        return expand(node["props"]["arbre"])
    if isinstance(node, dict) and isinstance(node.get("props"), dict) and "children" in node["props"]:
        return {**node, "props": {**node["props"], "children": expand(node["props"]["children"])}}
    return node


def _is_island(node) -> bool:
    return isinstance(node, dict) and node.get("namespace") == "portail" and node.get("type") == "Statique"


def text_of(node) -> str:
    """All the text a layout shows, in document order, with white space folded."""
    return re.sub(r"[ \t\r\n]+", " ", _raw_text(node)).strip()  # keeps the narrow no-break spaces


def _raw_text(node) -> str:
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, (str, int, float)):
        return str(node)
    if isinstance(node, list):
        return " ".join(_raw_text(n) for n in node)
    if isinstance(node, dict):
        return _raw_text(node.get("props", {}).get("children"))
    return ""


def find_all(node, predicate) -> list[dict]:
    """Every component in a layout for which predicate(component) is true."""
    found = []
    if isinstance(node, list):
        for child in node:
            found += find_all(child, predicate)
    elif isinstance(node, dict) and "props" in node:
        if predicate(node):
            found.append(node)
        found += find_all(node["props"].get("children"), predicate)
    return found


def as_layout(component) -> dict:
    """A component built in a test as the JSON layout the router sends (for text_of and find_all)."""
    import json

    return json.loads(json.dumps(component.to_plotly_json(), default=lambda c: c.to_plotly_json()))
