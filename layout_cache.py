"""A page's layout, kept in the shared cache per URL, data version and day, for the pages that ask for it
(`dash.register_page(..., cache_layout="jour")`, or "minute" for a page that says what happens next, such as
the next departures): the dashboards, whose drawing costs a tenth of a second. A second
visitor with the same URL, on any worker, costs a lookup, and so does the router's call that follows the page's
first answer (server_render draws the same layout).

The key holds everything such a layout depends on: the page, the URL's parameters, every dataset file's
version (a sync or a new file makes new keys), the day in Paris (a dashboard's reference date is today by
default), or the minute, and the portal's settings that reach a page (the map tiles). A page whose layout
depends on anything else (the time of day, a database the readers write to) must not ask for it; what belongs
to the reader's session (the forms' CSRF token) is put back into the kept layout at each call
(`for_this_reader`)."""
from __future__ import annotations

import functools
import logging

import dash

from components.json_form import plain
from components.portal import current_portal
from data_access.cache import remembered
from data_access.clock import now_paris

log = logging.getLogger(__name__)
OPTION = "cache_layout"  # the page registry's key for it: how long a drawing holds, "jour" or "minute"
MOMENTS = {"jour": "%Y-%m-%d", "minute": "%Y-%m-%d %H:%M"}  # Paris time


def for_this_reader(tree):
    """The kept layout with what belongs to the reader put back: the CSRF token of the forms (« Signaler une
    erreur »), which is the reader's session's, never the first reader's. The tree is the cache's copy."""
    from features.contributions.draw import form_token

    token = None
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and props.get("name") == "csrf_token" and "value" in props:
                token = token or form_token()
                props["value"] = token
            stack.extend(props.values() if isinstance(props, dict) else node.values())
    return tree


def _cached(module: str, layout, every: str):
    @functools.wraps(layout)
    def cached(**params):
        portal = current_portal()
        parts = (module, tuple(sorted((str(k), repr(v)) for k, v in params.items())),
                 portal.repository.data_version(), now_paris().strftime(MOMENTS[every]), portal.settings.tile_url)
        return for_this_reader(remembered(portal.cache, "page", parts, lambda: plain(layout(**params))))

    cached.cache_layout = True
    return cached


def install() -> None:
    """Wrap the layouts of the pages that ask for it (once: the registry is the process's, whatever the number
    of apps; each call finds its app's portal and cache)."""
    for page in dash.page_registry.values():
        layout = page.get("layout")
        if page.get(OPTION) in MOMENTS and callable(layout) and not getattr(layout, "cache_layout", False):
            page["layout"] = _cached(page["module"], layout, page[OPTION])
