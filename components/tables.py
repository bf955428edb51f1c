"""A table that may be wider than a phone's screen: it scrolls on its own, and the keyboard can scroll it."""
from __future__ import annotations

from dash import html

from components.a_la_vue import ALaVue


def scroll_table(table: html.Table, label: str, class_name: str = "") -> html.Div:
    """`table` in a region that scrolls sideways, reachable with Tab (WCAG 2.1.1: a region that scrolls must be
    focusable, or a keyboard cannot see its right-hand columns), named for screen readers. The table is drawn
    when it comes into view (a closed « voir les données » draws it when opened): the server's first answer
    holds it whole (server_render), and the browser's work stays with what the reader looks at."""
    return html.Div(ALaVue(table), className=f"table-responsive {class_name}".strip(), tabIndex="0",
                    **{"role": "region", "aria-label": f"{label} (défilement horizontal)"})
