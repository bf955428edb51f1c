"""Communes shaded by a value: the layer's styling data (one shade class per commune, a tooltip in words) and
its legend. The outlines are fetched once from /api/geo and styled in the browser (assets/carte.js: aplat,
infobulle), so a new value or filter only sends 71 digits and texts."""
from __future__ import annotations

import dash_leaflet as dl
from dash import html

from components.a_la_vue import ALaVue, carte_a_la_vue
from data_access.geometry.geo import choropleth_classes


def shade_hideout(rows, values, texts: list[str], size: int, chosen: int | None = None) -> tuple[dict, list[float]]:
    """The layer's hideout: a shade per row of the outlines (0: zero, 1 to 5 by equal-count classes of the
    positive values, « x »: no value, drawn hatched so that it never looks like a zero), the tooltips, and the
    chosen commune's row (outlined); and the classes' upper bounds. A commune not in `rows` has no value."""
    import pandas as pd

    values = pd.Series(values, dtype="float64").reset_index(drop=True)
    classes, bounds = choropleth_classes(values.fillna(0))
    codes = ["x"] * size
    for row, shade, value in zip(rows, classes, values):
        codes[row] = "x" if value != value else str(shade)
    hideout = {"classe": "".join(codes), "texte": texts}
    if chosen is not None:
        hideout["choisie"] = int(chosen)
    return hideout, bounds


ROUEN = [49.44, 1.09]


def base_layers(tile_url: str) -> list:
    """The map's background tiles, with their attribution; none when TILE_URL is empty (the data still draws)."""
    if not tile_url:
        return []
    return [dl.TileLayer(url=tile_url, attribution="© contributeurs OpenStreetMap" if "openstreetmap" in tile_url
                         else "Fond de carte")]


def commune_map(map_id: str, layers: list, tile_url: str, height: str = "55vh") -> ALaVue:
    """A map of the communes, drawn when it comes into view: the background, then the given layers; no animation
    (a page drawn again by a filter would remove the map mid-animation, and motion helps nobody read a map)."""
    return carte_a_la_vue(dl.Map(base_layers(tile_url) + layers, id=map_id, center=ROUEN, zoom=10,
                                 style={"height": height, "width": "100%"}, className="dataset-map", zoomAnimation=False,
                                 fadeAnimation=False, markerZoomAnimation=False, inertia=False))


def shaded_layer(url: str, hideout: dict, **props) -> dl.GeoJSON:
    return dl.GeoJSON(url=url, hideout=hideout, style={"variable": "portail.carte.aplat"},
                      onEachFeature={"variable": "portail.carte.infobulle"}, **props)


def class_labels(bounds, show, whole: bool) -> list[str]:
    """Each class in words: « jusqu'à 466 k€ », « 466 k€ à 1,3 M€ »; for counts « 1 », « 3 à 6 »."""
    labels, low = [], None
    for bound in bounds:
        if whole:
            first = 1 if low is None else low + 1
            labels.append(show(bound) if first == bound else f"{show(first)} à {show(bound)}")
        else:
            labels.append(f"jusqu'à {show(bound)}" if low is None else f"{show(low)} à {show(bound)}")
        low = bound
    return labels


def shade_legend(name: str, bounds, show, whole: bool = False, none: str = "aucun",
                 missing: str | None = None) -> list:
    """The legend's words and swatches: « name (teinte de plus en plus foncée) : aucun, jusqu'à … », and how a
    commune without a value is drawn (hatched) when there can be one."""
    labels = [none] + class_labels(bounds, show, whole)
    swatches = [html.Span([html.Span(className=f"legend-swatch aplat-{k}", **{"aria-hidden": "true"}), label])
                for k, label in enumerate(labels)]
    if missing:
        swatches.append(html.Span([html.Span(className="legend-swatch aplat-x", **{"aria-hidden": "true"}),
                                   missing]))
    return [f"{name} (teinte de plus en plus foncée) : ", *swatches]
