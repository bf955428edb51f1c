"""A page's first answer holds the page: its Dash layout for the requested URL, written as HTML by
components.first_paint, before the app's entry point (a `dash.hooks.index` step, factory.portal_index).

The layout is the one Dash's pages router draws for the same URL (the same page, the path's variables and the
query's parameters, as Dash passes them), so the copy says what the app will say. When the layout cannot be
drawn, the page is served as before, and the log says why."""
from __future__ import annotations

import logging
import re
from urllib.parse import parse_qs

import dash
import flask

from api import page_for
from components.first_paint import Context, to_html

log = logging.getLogger(__name__)

PAGES_CONTENT = "_pages_content"  # the id of dash.page_container's content, which Dash's router fills
COPY_ID = "premier-rendu"
WAITING_CLASS = "avant-dash"  # on <html> until assets/premier-rendu.js swaps the copy for Dash's page
APP_ENTRY = '<div id="react-entry-point">'


def query_parameters(query_string: str) -> dict:
    """The query's parameters as Dash's router passes them to a layout: a value, or a list when repeated."""
    found = parse_qs(query_string, keep_blank_values=True)
    return {key: values[0] if len(values) == 1 else values for key, values in found.items()}


def find_page(path: str) -> tuple[dict, dict]:
    """The registered page the router draws for a path (api.page_for, the router's rule) and its variables; the
    404 page when none matches."""
    page, variables = page_for(path)
    if page:
        return page, variables or {}
    missing = next((p for module, p in dash.page_registry.items() if module.split(".")[-1] == "not_found_404"), {})
    return missing, {}


def page_copy(app: dash.Dash, path: str, query_string: str) -> tuple[str, str] | None:
    """(the page's title, the whole shell with the page as HTML) for this URL, or None when it cannot be drawn."""
    page, variables = find_page(app.strip_relative_path(path) or "")
    if not page:
        return None
    try:
        layout = page.get("layout")
        if callable(layout):
            layout = layout(**{**variables, **query_parameters(query_string)})
        title = page.get("title")
        title = title(**variables) if callable(title) else title
        return str(title or app.title), to_html(app.layout, Context({PAGES_CONTENT: layout}, path))
    except Exception:  # the router will say it again, its own way: the page is served without its copy
        log.warning("premier rendu impossible pour %s", path, exc_info=True)
        return None


def with_first_paint(index: str) -> str:
    """The index with the requested page's copy before the app's entry point, and its title."""
    app = dash.get_app()
    found = page_copy(app, flask.request.path, flask.request.query_string.decode("utf-8", "replace"))
    if found is None or APP_ENTRY not in index:
        return index
    title, body = found
    from html import escape

    index = re.sub(r"<title>.*?</title>", lambda _: f"<title>{escape(title, quote=False)}</title>", index, count=1,
                   flags=re.S)
    index = add_html_class(index, WAITING_CLASS)
    return index.replace(APP_ENTRY, f'<div id="{COPY_ID}">{body}</div>\n        {APP_ENTRY}', 1)


def add_html_class(index: str, name: str) -> str:
    """The index with a class more on its <html>."""
    found = re.search(r'<html lang="fr"(?: class="([^"]*)")?>', index)
    if found is None:
        return index
    classes = " ".join(filter(None, [found.group(1), name]))
    return index[:found.start()] + f'<html lang="fr" class="{classes}">' + index[found.end():]
