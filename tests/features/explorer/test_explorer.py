"""Catalogue search and facets, dataset page logic (profiles, facet counts, grid blocks), without a server."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from components.filter_panel import rebuild_search
from data_access.catalogue.model import Catalogue, Dataset
from data_access.dataset_view import MAX_BLOCK_ROWS, facet_counts, facet_fields, field_profiles, grid_block
from data_access.query import describe_param, parse_query
from data_access.readers.base import FieldInfo, Table
from features.explorer.explorer import DatasetSummary, parse_catalogue_query, search_catalogue
from tests.helpers.engines import backend_of


def ds(id_, title, theme, keywords=(), fmt="csv", modified=None, description="", publisher="Métropole"):
    return Dataset(id=id_, title=title, theme=theme, format=fmt, path=f"{id_}.{fmt}", keywords=tuple(keywords),
                   modified=modified, description=description, publisher=publisher)


CATALOGUE = Catalogue(portal=None, data_dir=Path("."), datasets=(
    ds("chantiers", "Chantiers et travaux", "Travaux", ["voirie", "travaux"], modified=dt.date(2026, 10, 1),
       description="Les **chantiers** de la Métropole"),
    ds("sante", "Santé : pathologies", "Santé", ["santé"], modified=dt.date(2026, 7, 1)),
    ds("eglises", "Églises et édifices", "Culture", ["patrimoine"], fmt="geojson", publisher="Ville de Rouen"),
    ds("voirie", "Voirie communale", "Travaux", ["voirie"], modified=dt.date(2025, 1, 1)),
))
SUMMARIES = {
    "chantiers": DatasetSummary("chantiers", 600, True, ("csv",), None),
    "sante": DatasetSummary("sante", 90000, False, ("csv",), None),
    "eglises": DatasetSummary("eglises", 40, True, ("csv", "geojson"), None),
    "voirie": DatasetSummary("voirie", None, False, (), "fichier introuvable : voirie.csv"),
}


def found(qs: str) -> list[str]:
    query, errors = parse_catalogue_query(qs)
    assert errors == []
    return [d.id for d in search_catalogue(CATALOGUE, SUMMARIES, query).datasets]


@pytest.mark.parametrize(
    ("qs", "ids"),
    [
        ("", ["chantiers", "eglises", "sante", "voirie"]),  # by title, accents ignored (Églises with the E's)
        ("q=EGLISE", ["eglises"]),
        ("q=chantiers metropole", ["chantiers"]),  # words searched in the description too
        ("q=voirie", ["chantiers", "voirie"]),  # and in keywords
        ("refine.theme=Travaux", ["chantiers", "voirie"]),
        ("refine.theme=Travaux&refine.theme=Culture", ["chantiers", "eglises", "voirie"]),
        ("refine.theme=Travaux&refine.keyword=travaux", ["chantiers"]),
        ("refine.map=avec+carte", ["chantiers", "eglises"]),
        ("refine.publisher=Ville+de+Rouen", ["eglises"]),
        ("refine.format=geojson", ["eglises"]),
        ("sort=-modified", ["chantiers", "sante", "voirie", "eglises"]),  # undated last
        ("sort=-rows", ["sante", "chantiers", "eglises", "voirie"]),  # unavailable last
    ],
)
def test_catalogue_search(qs, ids):
    assert found(qs) == ids


def test_facet_counts_apply_the_other_facets_only():
    query, _ = parse_catalogue_query("refine.theme=Travaux&refine.map=avec+carte")
    facets = dict(search_catalogue(CATALOGUE, SUMMARIES, query).facets)
    themes = {v.value: (v.count, v.selected) for v in facets["theme"]}
    # themes are counted with the map facet applied, not the theme facet: choosing Culture would add 1
    assert themes == {"Travaux": (1, True), "Culture": (1, False)}
    maps = {v.value: v.count for v in facets["map"]}
    assert maps == {"avec carte": 1, "sans carte": 1}


def test_bad_catalogue_parameters_are_reported():
    _, errors = parse_catalogue_query("refine.couleur=bleu&sort=hasard")
    assert [e.param for e in errors] == ["refine.couleur", "sort"]


def test_toggling_a_facet_value_round_trips():
    query, _ = parse_catalogue_query("q=rue&refine.theme=Travaux")
    on = query.toggled("theme", "Culture")
    assert on.pairs() == [("q", "rue"), ("refine.theme", "Travaux"), ("refine.theme", "Culture")]
    assert on.toggled("theme", "Travaux").toggled("theme", "Culture").pairs() == [("q", "rue")]
    assert query.with_q("  ").pairs() == [("refine.theme", "Travaux")]


FIELDS = (FieldInfo("commune", "Commune", "text", facet=True), FieldInfo("statut", "Statut", "text"),
          FieldInfo("budget", "Budget", "double"), FieldInfo("debut", "Début", "date"),
          FieldInfo("ok", "Validé", "boolean"))


@pytest.fixture
def table():
    return Table(frame=pd.DataFrame({
        "commune": pd.Series(["Rouen", "Rouen", "Elbeuf", None, "Oissel"], dtype="str"),
        "statut": pd.Series(["en cours", "terminé", "en cours", "en cours", "programmé"], dtype="str"),
        "budget": [10.0, None, 30.0, 40.0, 50.0],
        "debut": pd.to_datetime(["2024-01-01", "2024-06-01", None, "2025-01-01", "2023-01-01"]),
        "ok": pd.array([True, False, True, None, True], dtype="boolean"),
    }), fields=FIELDS)


@pytest.fixture
def backend(table, tmp_path):
    return backend_of(table, tmp_path)


def test_field_profiles(backend):
    profiles = {p.field.name: p for p in field_profiles(backend)}
    assert (profiles["commune"].distinct, profiles["commune"].missing_share) == (3, 0.2)
    assert (profiles["budget"].minimum, profiles["budget"].maximum) == ("10", "50")
    assert (profiles["debut"].minimum, profiles["debut"].maximum) == ("2023-01-01", "2025-01-01")
    assert profiles["statut"].minimum is None


def test_declared_facets_win_and_unknown_datasets_get_short_text_fields(backend, table, tmp_path):
    assert [f.name for f in facet_fields(backend)] == ["commune"]
    bare = Table(frame=table.frame, fields=tuple(FieldInfo(f.name, f.label, f.type) for f in FIELDS))
    assert [f.name for f in facet_fields(backend_of(bare, tmp_path, "nu"))] == ["commune", "statut", "ok"]


def test_facet_counts_ignore_their_own_field_but_apply_the_others(backend):
    query, _ = parse_query("refine.commune=Rouen&refine.statut=en+cours", FIELDS)
    counts = facet_counts(backend, query, FIELDS[:2])
    assert counts["commune"] == [("Elbeuf", 1, False), ("Rouen", 1, True)]
    assert counts["statut"] == [("en cours", 1, True), ("terminé", 1, False)]
    query, _ = parse_query("refine.ok=true", FIELDS)
    assert facet_counts(backend, query, (FIELDS[4],))["ok"] == [("true", 3, True), ("false", 1, False)]


def test_grid_block_uses_the_grammar_and_clamps_the_block(backend):
    block = grid_block(backend, "refine.statut=en+cours", 0, 100, [{"colId": "budget", "sort": "desc"}])
    assert block["rowCount"] == 3
    assert [r["budget"] for r in block["rowData"]] == [40.0, 30.0, 10.0]
    assert block["rowData"][0]["debut"] == "2025-01-01"
    big = grid_block(backend, "", 0, 10**9, [{"colId": "inconnu", "sort": "asc"}])
    assert big["rowCount"] == 5 and len(big["rowData"]) == 5
    assert MAX_BLOCK_ROWS <= 500
    assert grid_block(backend, "", 3, 2, None)["rowData"] == []


def test_rebuild_search_rewrites_only_what_the_panel_shows():
    current = "?tab=table&refine.commune=Rouen&refine.autre=x&from.budget=10&sort=-budget&q=old"
    new = rebuild_search(current, {"commune": ["Elbeuf", "Oissel"]}, {("budget", "from"): "", ("budget", "to"): "99"},
                         "rue")
    assert new == ("?q=rue&refine.commune=Elbeuf&refine.commune=Oissel&to.budget=99&tab=table&refine.autre=x"
                   "&sort=-budget")
    assert rebuild_search("?tab=api", {}, {}, None) == "?tab=api"


@pytest.mark.parametrize(("key", "value", "text"), [
    ("refine.commune", "Rouen", "Commune = Rouen"), ("exclude.statut", "terminé", "Statut ≠ terminé"),
    ("from.budget", "10", "Budget ≥ 10"), ("to.debut", "2024-06", "Début ≤ 2024-06"), ("q", "rue", "Recherche « rue »"),
    ("refine.ok", "true", "Validé = oui")])
def test_describe_param(key, value, text):
    assert describe_param(key, value, FIELDS) == text


def test_position_bitmap_matches_the_browser_decoding():
    import base64

    import numpy as np

    from data_access.geometry.geo import position_bitmap

    bits = base64.b64decode(position_bitmap(np.array([0, 9, 10, 17]), 20))
    kept = [i for i in range(20) if (bits[i >> 3] >> (i & 7)) & 1]  # the same arithmetic as assets/carte.js
    assert kept == [0, 9, 10, 17]


def test_large_filtered_point_views_get_their_own_clustered_subset(monkeypatch):
    import numpy as np
    import shapely

    from components import dataset_tabs

    frame = pd.DataFrame({"geo_point_2d": pd.Series(shapely.points(np.zeros(20), np.zeros(20)))})
    table = Table(frame=frame, fields=(FieldInfo("geo_point_2d", "Position", "geo_point_2d"),))
    dataset = Dataset(id="p", title="P", theme="T", format="csv", path="p.csv")

    def layer(positions):
        view = dataset_tabs.map_view(dataset, table, np.array(positions), "refine.x=1", "v1", "")
        return json.loads(json.dumps(view.to_plotly_json(), default=lambda c: c.to_plotly_json()))

    def find_layer(node):
        if isinstance(node, dict):
            if node.get("type") == "GeoJSON":
                return node["props"]
            for child in (node.get("props", {}).get("children") or []) if isinstance(node.get("props", {}).get("children"), list) else [node.get("props", {}).get("children")]:
                found = find_layer(child)
                if found:
                    return found
        return None

    import json

    assert find_layer(layer(range(20))) ["cluster"] is True  # unfiltered: the cached whole layer, clustered
    small = find_layer(layer([1, 2]))
    assert small["cluster"] is False and small["hideout"]["garder"] and small["url"] == "/api/geo/p.geojson?v=v1"
    monkeypatch.setattr(dataset_tabs, "BROWSER_FILTER_MAX", 5)
    big = find_layer(layer(range(10)))
    assert big["cluster"] is True and big["url"] == "/api/geo/p.geojson?v=v1&refine.x=1" and "hideout" not in big


def test_chart_aggregates_and_summarises(table):
    import numpy as np

    from data_access.analysis import aggregate, parse_chart, summary

    spec, errors = parse_chart({"x": "commune", "agg": "sum", "y": "budget"}, table)
    assert errors == []
    data = aggregate(table, np.arange(len(table)), spec)
    assert data.to_dict("list") == {"x": ["Oissel", "Elbeuf", "Rouen"], "value": [50.0, 30.0, 10.0]}
    assert summary(data, spec, table) == ("Somme de Budget par Commune : 3 valeurs. En tête : Oissel (50), "
                                          "Elbeuf (30), Rouen (10), soit 56\u202f% du total.")
    spec, _ = parse_chart({"chart": "line", "x": "debut", "gran": "year"}, table)
    data = aggregate(table, np.arange(len(table)), spec)
    assert data.to_dict("list") == {"x": ["2023", "2024", "2025"], "value": [1, 2, 1]}
    _, errors = parse_chart({"chart": "radar", "x": "inconnu"}, table)
    assert [e.param for e in errors] == ["chart", "x"]


def test_replace_params_keeps_the_filters():
    from components.controls import replace_params

    assert replace_params("?tab=chart&refine.a=1&x=old", {"x": "new", "chart": "line", "series": None},
                          ("chart", "x", "series")) == "?tab=chart&refine.a=1&chart=line&x=new"


def test_chart_edge_cases(table):
    import numpy as np

    from data_access.analysis import aggregate, parse_chart, summary

    odd = Table(frame=table.frame.assign(budget=[1.0, np.inf, -np.inf, np.nan, 2.0]), fields=FIELDS)
    spec, _ = parse_chart({"chart": "histogram", "x": "budget"}, odd)
    data = aggregate(odd, np.arange(5), spec)
    assert int(data["value"].sum()) == 2  # the two finite values; no crash on ±inf
    empty = Table(frame=table.frame.assign(budget=np.nan), fields=FIELDS)
    spec, _ = parse_chart({"x": "commune", "agg": "max", "y": "budget"}, empty)
    assert summary(aggregate(empty, np.arange(5), spec), spec, empty) == "Aucune donnée à représenter pour ces filtres."


def test_a_non_additive_summary_with_series_speaks_of_the_whole(table):
    import numpy as np

    from data_access.analysis import aggregate, parse_chart, summary

    spec, _ = parse_chart({"x": "statut", "agg": "mean", "y": "budget", "series": "commune"}, table)
    overall = aggregate(table, np.arange(5), replace(spec, series=None))
    assert summary(overall, spec, table) == ("Moyenne de Budget par Statut, réparti par Commune : 2 valeurs. "
                                             "En tête : programmé (50), en cours (26,67).")
