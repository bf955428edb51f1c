"""Counts on the catalogue's and the dataset pages' facets carry a thousands separator (« Rouen (24 570) », never
« (24570) »)."""
from __future__ import annotations

from types import SimpleNamespace

from features.explorer.draw_cards import facet_panel
from features.explorer.explorer import FACET_LABELS
from tests.helpers.apps import as_layout, text_of


def test_facet_counts_have_a_thousands_separator():
    facet = next(iter(FACET_LABELS))
    result = SimpleNamespace(facets=[(facet, [SimpleNamespace(value="Rouen", count=24570, selected=False)])])
    query = SimpleNamespace(toggled=lambda *_: None)
    text = text_of(as_layout(facet_panel(result, query, lambda _: "/catalogue", "facettes")))
    assert "Rouen (24\u202f570)" in text


def test_a_chip_names_a_commune_and_a_labelled_code_not_their_codes():
    """« Code INSEE = 76540 » read as a code; the chip says « Rouen (76540) », and a situation « dissoute (D) »."""
    from tests.helpers.apps import make_app, render_page, text_of

    app = make_app()
    layout = render_page(app, "/jeux-de-donnees/associations", "?tab=table&refine.code_insee=76540&exclude.position=D")
    text = text_of(layout["layout"])
    assert "Code INSEE = Rouen (76540)" in text and "Situation ≠ dissoute (D)" in text
    assert "Code INSEE = 76540" not in text
