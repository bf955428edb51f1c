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
