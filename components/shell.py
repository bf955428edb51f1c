"""The app shell: skip link, navigation built from the page registry, main region, footer with licence."""
from __future__ import annotations

import dash
from dash import dcc, html

from components.search_form import header_search

MAIN_ID = "contenu"
DEMO_BADGE_ID = "badge-demo"
ANNOUNCE_ID = "annonce-navigation"  # the live region assets/navigation.js writes to after a page change


NAV_ID = "navigation-principale"
MENU_ID = "menu-bouton"  # shown on a phone only: it opens the links (assets/menu.js)


def navigation() -> html.Nav:
    """Links to the registered pages that ask to be in the menu (`nav_order`), in that order; the current one is
    marked aria-current by assets/navigation.js (and by server_render in the server's copy)."""
    pages = sorted((p for p in dash.page_registry.values() if p.get("nav_order") is not None),
                   key=lambda p: p["nav_order"])
    return html.Nav(
        html.Ul([html.Li(dcc.Link(p["name"], href=p["relative_path"], className="nav-link")) for p in pages],
                className="nav-links"),
        id=NAV_ID, **{"aria-label": "Navigation principale"},
    )


def menu_button() -> html.Button:
    """A phone's way to the links: the header keeps the portal's name, the search and this button (at most 64 px
    high); it says whether the links are open (aria-expanded), and Escape closes them."""
    return html.Button("Menu", id=MENU_ID, type="button", className="menu-button",
                       **{"aria-expanded": "false", "aria-controls": NAV_ID})


def demo_badge(**props) -> html.Span:
    return html.Span("Données de démonstration", className="badge-demo",
                     title="Ces données sont générées automatiquement : réalistes, mais fictives.", **props)


def section(title: str, heading_id: str, *children, **props) -> html.Section:
    """A page section named by its heading: one place for the heading's id and the aria-labelledby link."""
    return html.Section([html.H2(title, id=heading_id), *children], **{"aria-labelledby": heading_id}, **props)


def layout(title: str, demo: bool) -> html.Div:
    return html.Div(
        [
            html.A("Aller au contenu", href=f"#{MAIN_ID}", className="skip-link"),
            html.Div(id=ANNOUNCE_ID, className="visually-hidden", role="status", **{"aria-live": "polite"}),
            html.Header(
                [
                    html.Div([dcc.Link(title, href="/", className="site-title"), demo_badge(id=DEMO_BADGE_ID) if demo else None],
                             className="site-brand"),
                    header_search(),
                    menu_button(),
                    navigation(),
                ],
                className="site-header",
            ),
            html.Main(dash.page_container, id=MAIN_ID, tabIndex="-1", className="site-main"),
            html.Footer(
                [
                    html.P([
                        "Données publiées sous ",
                        html.A("Licence Ouverte v2.0 (Etalab)",
                               href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
                        " sauf mention contraire dans la fiche du jeu de données.",
                    ]),
                    html.P(["Instantané de démonstration : les chiffres affichés sont fictifs. ", demo_badge()])
                    if demo else None,
                    html.P([dcc.Link("À propos et accessibilité", href="/a-propos"),
                            " · ", html.A("Catalogue au format JSON", href="/api/catalogue.json")]),
                ],
                className="site-footer",
            ),
        ],
        className="site",
    )
