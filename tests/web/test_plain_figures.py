"""The dashboards' figures are plain dicts (no plotly validation, no template on the hot path), and the layout
cache writes a layout's JSON form in one orjson pass: the same JSON as plotly's encoder, which Dash uses."""
from __future__ import annotations

import inspect
import json

import numpy as np
import pandas as pd
import pytest
from dash import dcc, html
from plotly.io.json import to_json_plotly

from tests.helpers.apps import make_app

PAGES = [("/tableaux-de-bord/travaux", {"date": "2026-11-20"}), ("/tableaux-de-bord/sante", {}),
         ("/tableaux-de-bord/transports", {})]


@pytest.fixture(scope="module")
def app():
    return make_app(TILE_URL="")


def graphs(node) -> list:
    """The dcc.Graph components of a layout (components, not their JSON form)."""
    found = [node] if isinstance(node, dcc.Graph) else []
    children = getattr(node, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children] if children is not None else []:
        found += graphs(child)
    return found


@pytest.mark.parametrize(("path", "params"), PAGES)
def test_every_dashboard_figure_is_a_plain_dict(app, path, params):
    import api

    with app.server.test_request_context(path):
        page, variables = api.page_for(path)
        layout = page["layout"]
        tree = inspect.unwrap(layout)(**(variables or {}), **params)
    figures = [g.figure for g in graphs(tree)]
    assert figures
    for figure in figures:
        assert type(figure) is dict and set(figure) == {"data", "layout"}
        assert "template" not in figure["layout"] and figure["layout"]["autotypenumbers"] == "strict"
        assert all(type(trace) is dict and trace["type"] for trace in figure["data"])


def test_the_kept_form_is_the_json_plotly_writes():
    from components.json_form import plain

    tree = html.Div([
        dcc.Graph(id="g", figure={"data": [{"type": "bar", "x": np.array([1, 2]), "y": pd.Series([1.5, np.nan]),
                                            "text": np.array(["a", None], dtype=object)}],
                                  "layout": {"height": np.int64(300), "title": {"text": "é"}}}),
        html.Span(["le ", pd.Timestamp("2026-03-01"), " ", pd.NaT, " ", np.float64(2.5)]),
        html.Ul([html.Li(str(i)) for i in range(3)], className="liste", **{"aria-label": "trois"}),
    ])
    assert plain(tree) == json.loads(to_json_plotly(tree))


def test_a_column_is_listed_as_a_figure_takes_it():
    from components.chart import listed

    assert listed(pd.Series([1, None], dtype="Int64")) == [1, None]  # pandas' NA, not an error
    assert listed(pd.Series([1.5, np.nan])) == [1.5, None]
    assert listed(pd.Series(["a", None], dtype="str")) == ["a", None]
    assert listed(pd.Series(pd.to_datetime(["2026-03-01", None]))) == ["2026-03-01T00:00:00", None]


def test_an_unknown_object_in_a_layout_is_refused_not_written():
    from components.json_form import plain

    with pytest.raises(TypeError):
        plain(html.Div(children=[object()]))
