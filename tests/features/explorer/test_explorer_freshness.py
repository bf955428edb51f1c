"""Freshness in the catalogue: the facet « Fraîcheur » (HDX's four states in French, counted only for the datasets
that declare a frequency, selectable as `refine.freshness`), the state on each card in words, on a pinned clock;
the history read once per change of the data, not at each page."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from data_access import clock
from data_access.catalogue.model import Catalogue, Dataset
from data_access.history.freshness import Freshness
from features.explorer.explorer import DatasetSummary, parse_catalogue_query, search_catalogue
from tests.helpers.apps import find_all, make_app, render_page, text_of
from tests.helpers import sync as fake_portal
from tests.helpers.sync import CATALOGUE, ROWS, run

server = fake_portal.server  # the fake Opendatasoft portal the sync reads (a fixture)

DAY = dt.date(2026, 12, 2)


def fresh(state: str) -> Freshness:
    return Freshness(state, DAY, "weekly")


def ds(id_: str, theme: str) -> Dataset:
    return Dataset(id=id_, title=id_.capitalize(), theme=theme, format="csv", path=f"{id_}.csv")


PURE = Catalogue(portal=None, data_dir=Path("."), datasets=(
    ds("bus", "Transports"), ds("velos", "Transports"), ds("travaux", "Travaux"), ds("soins", "Santé"),
    ds("communes", "Territoire")))
SUMMARIES = {  # communes declares no frequency: it has no freshness
    "bus": DatasetSummary("bus", 10, False, ("csv",), None, freshness=fresh("overdue")),
    "velos": DatasetSummary("velos", 10, False, ("csv",), None, freshness=fresh("up-to-date")),
    "travaux": DatasetSummary("travaux", 10, False, ("csv",), None, freshness=fresh("overdue")),
    "soins": DatasetSummary("soins", 10, False, ("csv",), None, freshness=fresh("delinquent")),
    "communes": DatasetSummary("communes", 10, False, ("csv",), None),
}


def search(qs: str):
    query, errors = parse_catalogue_query(qs)
    assert errors == []
    result = search_catalogue(PURE, SUMMARIES, query)
    return [d.id for d in result.datasets], {v.value: (v.count, v.selected) for v in dict(result.facets)["freshness"]}


def test_the_freshness_facet_counts_the_datasets_with_a_frequency_in_hdxs_order():
    found, counts = search("")
    assert len(found) == 5
    assert list(counts.items()) == [("à jour", (1, False)), ("en retard", (2, False)), ("très en retard", (1, False))]


def test_selecting_a_freshness_filters_and_the_other_facets_count_with_it():
    found, counts = search("refine.freshness=en+retard")
    assert found == ["bus", "travaux"]
    assert counts["en retard"] == (2, True) and counts["à jour"] == (1, False)  # OR within the facet
    query, _ = parse_catalogue_query("refine.freshness=en+retard")
    themes = {v.value: v.count for v in dict(search_catalogue(PURE, SUMMARIES, query).facets)["theme"]}
    assert themes == {"Transports": 1, "Travaux": 1}
    assert search("refine.freshness=en+retard&refine.freshness=%C3%A0+jour")[0] == ["bus", "travaux", "velos"]
    found, counts = search("refine.theme=Territoire")
    assert found == ["communes"] and counts == {}  # no frequency, no freshness: never counted


def test_an_unknown_freshness_is_refused_in_french():
    query, errors = parse_catalogue_query("refine.freshness=p%C3%A9rim%C3%A9")
    assert [e.param for e in errors] == ["refine.freshness"] and query.refine == ()
    assert "valeur « périmé » inconnue (possibles : à jour, mise à jour attendue, en retard, très en retard)" in \
        errors[0].message


# ---- on a synced catalogue, with a pinned clock ---------------------------------------------------------------------


SYNCED = dt.datetime(2026, 11, 20, 9, tzinfo=dt.timezone.utc)


def cards(layout) -> dict[str, str]:
    """Each card's title -> its text."""
    found = find_all(layout, lambda n: n.get("type") == "Article" and "dataset-card" in n["props"].get("className", ""))
    return {text_of(find_all(c, lambda n: n.get("type") == "H3")[0]): text_of(c) for c in found}


def facet(layout) -> str:
    panels = find_all(layout, lambda n: n["props"].get("className") == "facet-group")
    return next((text_of(p) for p in panels if text_of(p).startswith("Fraîcheur")), "")


def test_the_catalogue_shows_and_filters_by_freshness_on_the_day(tmp_path, server, monkeypatch):
    (tmp_path / "catalogue.toml").write_text(CATALOGUE.format(base=server.base_url).replace(
        'path = "travaux.csv"\n', 'path = "travaux.csv"\nfrequency = "weekly"\nkey = "id"\n', 1), encoding="utf-8")
    monkeypatch.setattr(clock, "utc_now", lambda: SYNCED)
    assert run(tmp_path, "travaux", "fichier")[0] == 0  # the works' version kept on 20 November
    app = make_app(tmp_path, SERVED_DIR=str(tmp_path / ".served"), TILE_URL="")

    monkeypatch.setattr(clock, "utc_now", lambda: SYNCED + dt.timedelta(days=3))
    layout = render_page(app, "/catalogue")["layout"]
    assert facet(layout) == "Fraîcheur à jour (1)"  # « Un fichier » declares no frequency: not counted
    shown = cards(layout)
    assert "Fraîcheur : à jour (contenu modifié le 20 novembre 2026)" in shown["Travaux"]
    assert "Fraîcheur" not in shown["Un fichier"]
    label = find_all(layout, lambda n: "freshness-up-to-date" in str(n["props"].get("className", "")))
    assert text_of(label) == "à jour"  # the state in words, its class beside them

    monkeypatch.setattr(clock, "utc_now", lambda: SYNCED + dt.timedelta(days=16))  # the same data, later
    layout = render_page(app, "/catalogue", "?refine.freshness=en+retard")["layout"]
    assert facet(layout) == "Fraîcheur ✓ en retard (1) — filtre actif, retirer"
    assert list(cards(layout)) == ["Travaux"]
    assert "1 jeu de données sur 2" in text_of(layout)
    listed = {d["id"]: d for d in app.server.test_client().get("/api/catalogue.json").get_json()["datasets"]}
    assert listed["travaux"]["freshness"]["label"] == "en retard" and listed["fichier"]["freshness"] is None
    assert list(cards(render_page(app, "/catalogue", "?refine.freshness=%C3%A0+jour")["layout"])) == []

    # new content on 6 December: the history keeps a version, and the catalogue says so the same day
    server.tables["travaux-json"] = [dict(r, titre=r["titre"] + " (prolongé)") for r in ROWS]
    assert run(tmp_path, "travaux")[0] == 0
    shown = cards(render_page(app, "/catalogue")["layout"])
    assert "Fraîcheur : à jour (contenu modifié le 6 décembre 2026)" in shown["Travaux"]


def test_the_history_is_read_once_per_change_not_at_each_page(monkeypatch):
    from features.explorer import explorer

    read = []
    real = explorer.kept_change
    monkeypatch.setattr(explorer, "kept_change", lambda *args: read.append(args[1]) or real(*args))
    monkeypatch.setattr(clock, "utc_now", lambda: dt.datetime(2026, 11, 28, 10, tzinfo=dt.timezone.utc))
    app = make_app(TILE_URL="")  # the demo: the works sites' history, newest version on 15 November
    first = cards(render_page(app, "/catalogue")["layout"])
    # its content changed on 15 November (the history), not on the catalogue's 14: due, not yet overdue
    assert "Fraîcheur : mise à jour attendue (contenu modifié le 15 novembre 2026)" in first["Chantiers et travaux"]
    assert sorted(read) == sorted(set(read)) and "chantiers" in read
    before = len(read)
    render_page(app, "/catalogue", "?refine.freshness=mise+%C3%A0+jour+attendue")
    assert len(read) == before  # the summaries, kept in the portal's cache, hold the day it last changed


def test_an_unknown_freshness_on_the_page_says_why():
    text = text_of(render_page(make_app(TILE_URL=""), "/catalogue", "?refine.freshness=bidon")["layout"])
    assert "valeur « bidon » inconnue" in text
