"""What the portal relies on in Dash that Dash does not offer publicly: written down here, and nowhere else, as
checked against Dash 4.4.1 (dash-ag-grid 35.3, plotly 6). tests/web/test_dash_hooks.py fails when Dash changes any of it;
everything else goes through Dash's public ways (`dash.hooks`, the `Dash` arguments, `dash.page_registry`).

1. plotly.js's address. Serving its files itself (`serve_locally=True`), dash-renderer fetches plotly.js, when a page
   first shows a chart, from a fixed address: `window._dashPlotlyJSURL` = requests_pathname_prefix +
   `_dash-component-suites/plotly/package_data/plotly.min.js` (components/vendor's PLOTLY_URL). The portal answers
   that address with plotly.js's partial bundle (a route added through the public `dash.hooks.route`; Flask prefers
   its fixed path to Dash's catch-all of component files). Dash itself registers the full bundle in `dcc._js_dist`
   (`Dash._setup_plotlyjs`) as `async: "eager"`: a file fetched on demand, never a <script> of the page while
   `eager_loading` is off (Dash's default, which the portal keeps).

2. Component bundles fetched on demand. Dash writes a <script> for every file a component library lists in its
   `_js_dist` unless the entry says `dynamic: True`; nothing public changes a library's entries. The portal marks two:
   dash-ag-grid's `dash_ag_grid.min.js` (the pages that show a grid fetch it, assets/grille-a-la-demande.js), and
   dash_table's `dash_table/bundle.js` (Dash lists it on every page; the portal shows no DataTable).

3. The polyfill. Dash lists @babel/polyfill 7.12.1 (`deps/polyfill@7….min.js`, core-js 2 and regenerator) before
   React on every page, for browsers older than any the portal serves; on a phone it costs a third of a second
   of the main thread, and core-js replaces the browser's own Promise. Of it, Dash's bundles use the global
   `regeneratorRuntime` alone (the loaders of their components fetched on demand). The portal's index
   (`dash.hooks.index`) puts regenerator-runtime alone in its place (components/vendor), at POLYFILL's tag.

4. The scripts' block. After the index hooks, Dash checks the page for `src="…dash-renderer…"` and
   `id="_dash-renderer` (`Dash.index`'s `validate_index`), else it answers with an error. The portal keeps Dash's
   scripts inert until the first paint (script_loader.py): a file's address moves to `data-src` (which still
   holds `src="…"`), and the renderer's inline script keeps its id.
"""
from __future__ import annotations

import re

from components.vendor import PLOTLY_URL  # 1.: the address, written beside the bundle served there

__all__ = ["PLOTLY_URL", "DASH_VERSION_CHECKED", "DEFERRED_BUNDLES", "POLYFILL", "library_entry", "defer_bundles",
           "without_polyfill"]

DASH_VERSION_CHECKED = "4.4.1"
DEFERRED_BUNDLES = (("dash_ag_grid", "dash_ag_grid.min.js"), ("dash.dash_table", "dash_table/bundle.js"))  # 2.
POLYFILL = re.compile(r'<script src="[^"]*/_dash-component-suites/dash/deps/polyfill@7\.[^"]*"></script>')  # 3.


def library_entry(module_name: str, relative_path: str) -> dict:
    """The entry of a component library's `_js_dist` for one of its files (KeyError when the library lists it no
    more: Dash or the library changed, see 2.)."""
    import importlib

    for resource in importlib.import_module(module_name)._js_dist:
        if resource.get("relative_package_path") == relative_path:
            return resource
    raise KeyError(f"{module_name} : {relative_path}")


def defer_bundles() -> None:
    """Mark the bundles of 2. as fetched on demand (their libraries' lists are the process's: once is enough, and
    again changes nothing)."""
    for module_name, relative_path in DEFERRED_BUNDLES:
        library_entry(module_name, relative_path)["dynamic"] = True


def without_polyfill(index: str, runtime_src: str) -> str:
    """The page's HTML with regenerator-runtime (at `runtime_src`) in the polyfill's place (3.)."""
    return POLYFILL.sub(lambda _: f'<script src="{runtime_src}"></script>', index, count=1)
