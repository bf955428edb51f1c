"""The site-wide search's field: a plain form that opens /recherche?q=…, so it works with the keyboard, without a
script, and every search is a permalink. In the header it is a `search` landmark; on a phone the header shows
only its icon, a link to the search page (assets/portail.css)."""
from __future__ import annotations

from dash import dcc, html

PATH = "/recherche"
PLACEHOLDER = "diabète, Sotteville, travaux…"


def search_form(form_id: str, value: str = "", label: str = "Rechercher dans le portail",
                class_name: str = "search-form", landmark: bool = True, label_class: str = "search-label") -> html.Form:
    """A labelled search field and its button; `form_id` prefixes the ids (several forms may share a page). The
    form is the page's `search` landmark unless its container is (`landmark=False`)."""
    return html.Form([
        html.Label(label, htmlFor=f"{form_id}-q", className=label_class),
        html.Div([
            dcc.Input(id=f"{form_id}-q", name="q", type="search", value=value, placeholder=PLACEHOLDER,
                       autoComplete="off", maxLength=200, className="form-control search-input"),
            html.Button("Rechercher", type="submit", className="btn btn-primary search-button"),
        ], className="search-row"),
    ], id=form_id, action=PATH, method="get", className=class_name,
        **({"role": "search", "aria-label": label} if landmark else {}))


def header_search() -> html.Div:
    """The header's search: the form on a wide screen, its icon (a link to the search page) on a phone."""
    return html.Div([
        search_form("recherche-entete", class_name="search-form header-search", landmark=False,
                    label_class="visually-hidden"),
        html.A(html.Span("Rechercher dans le portail", className="visually-hidden"), href=PATH,
               className="header-search-icon", title="Rechercher dans le portail",
               **{"aria-label": "Rechercher dans le portail"}),  # its magnifier is drawn by assets/portail.css
    ], role="search", className="site-search", **{"aria-label": "Recherche dans tout le portail"})
