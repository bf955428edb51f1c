"""« À la vue »: a chart, a map or a table drawn when it comes within 200 pixels of the screen, not before.

A phone then fetches plotly.js and dash-leaflet, and draws charts, maps and tables, only for what its reader
scrolls to: the first screen needs none of them. Until it is drawn, its place is kept at its height, so nothing
below it moves when it comes. Its React side is assets/a-la-vue.js (the `portail` namespace); printing draws them all first
(assets/impression.js), and so does `window.portailToutDessiner = true` set before the page loads."""
from __future__ import annotations

from dash.development.base_component import Component

NAMESPACE = "portail"
CLASS_NAME = "a-la-vue"


class ALaVue(Component):
    """`children` drawn once its box comes near the screen; `hauteur` (a CSS length) is the box's height until
    then, the height of what it holds; `bibliotheque`, a component library fetched first (script_loader)."""
    _children_props: list = []
    _base_nodes = ["children"]
    _namespace = NAMESPACE
    _type = "ALaVue"

    def __init__(self, children=None, hauteur: str = "", id=None, className: str = CLASS_NAME, **kwargs):
        self._prop_names = ["children", "id", "className", "hauteur", "bibliotheque"]
        self._valid_wildcard_attributes = []
        self.available_properties = list(self._prop_names)
        self.available_wildcard_properties = []
        given = {"id": id} if id is not None else {}
        super().__init__(children=children, hauteur=hauteur, className=className, **given, **kwargs)


def carte_a_la_vue(carte) -> ALaVue:
    """A map (dash-leaflet's Map) drawn when it comes into view, its box as high as its style says."""
    style = getattr(carte, "style", None) or {}
    # dash-leaflet's file is fetched then (script_loader.LIBRARIES): a page without a map in view never runs it
    return ALaVue(carte, hauteur=str(style.get("height") or "400px"), bibliotheque="dash_leaflet",
                  className=f"{CLASS_NAME} {CLASS_NAME}-carte")
