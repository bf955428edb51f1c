"""Dash's scripts after the first paint. Dash writes its bundles, the assets and its inline scripts at the end of
the page (INDEX_STRING's {%scripts%} and {%renderer%}, between SCRIPTS_START and SCRIPTS_END); the page's first
answer already holds the page (server_render), so the browser fetches them once that is painted: the index
keeps them in order with a type no browser runs, and components/static/apres-rendu.js puts them back
(dash_internals, 4.)."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

LOADER = Path(__file__).resolve().parent / "components" / "static" / "apres-rendu.js"
LOADER_URL = "_portail/apres-rendu.js"
SCRIPTS_START, SCRIPTS_END = "<!--scripts-->", "<!--/scripts-->"
SCRIPT = re.compile(r"<script(?P<attributes>[^>]*)>(?P<code>.*?)</script>", re.S)
SOURCE = re.compile(r'\bsrc="(?P<src>[^"]*)"')
VERSION = hashlib.sha256(LOADER.read_bytes()).hexdigest()[:12]


INERT = "text/x-apres-rendu"  # a type no browser runs or fetches
ON_DEMAND = "text/x-a-la-demande"  # a library fetched only when a box that needs it comes into view
# the libraries that no page needs on its first screen: only maps use dash-leaflet, and every map is drawn « à la
# vue » (components/a_la_vue.carte_a_la_vue), which fetches it then (assets/a-la-vue.js)
LIBRARIES = {"dash_leaflet": "/_dash-component-suites/dash_leaflet/dash_leaflet."}
TYPE = re.compile(r'\stype="[^"]*"')


def _inert(script: re.Match) -> str:
    attributes = TYPE.sub("", script.group("attributes"))
    source = SOURCE.search(attributes)
    if source:  # data-src: the browser fetches nothing yet (and Dash's check of its index finds `src="…"`)
        src = source.group("src")
        library = next((name for name, path in LIBRARIES.items() if path in src), None)
        if library:
            return f'<script type="{ON_DEMAND}" data-src="{src}" data-bibliotheque="{library}"></script>'
        return f'<script type="{INERT}" data-src="{src}"></script>'
    return f'<script type="{INERT}"{attributes}>{script.group("code")}</script>'


def after_first_paint(index: str, loader_src: str) -> str:
    """The index with Dash's scripts made inert, in order, and the loader that runs them after the first paint."""
    start, end = index.find(SCRIPTS_START), index.find(SCRIPTS_END)
    if start < 0 or end < start:
        return index
    block = SCRIPT.sub(_inert, index[start + len(SCRIPTS_START):end])
    return (index[:start] + block + f'<script src="{loader_src}?v={VERSION}"></script>\n'
            + index[end + len(SCRIPTS_END):])
