"""The communes' pages on the demo and on files in the real sources' shapes: every figure checked against the data
it comes from, computed another way; the missing parts hidden and named; the comparison and its extract; bad
codes and parameters."""
from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pytest
import shapely

from data_access import clock
from data_access.clock import PARIS
from tests.helpers.apps import find_all, make_app, render_page, text_of

NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=PARIS)
ROUEN, ANNEVILLE = "76540", "76020"


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.setattr(clock, "utc_now", lambda: NOW.astimezone(dt.timezone.utc))
    app = make_app(TILE_URL="")
    app.server.test_client().get("/")
    return app


def repository_of(app):
    return app.server.extensions["portail"].repository


def test_the_figures_of_every_commune_come_from_their_data(demo):
    from features.communes.chiffres import commune_figures, transport_network, works_table
    from features.proximite.blocs import active_rows
    from features.transports import data as T
    from features.travaux.communes import citizen_sites, in_my_commune

    repository = repository_of(demo)
    with demo.server.app_context():
        figures = commune_figures(repository, NOW.date())
        communes = repository.table("communes").frame.set_index("insee")
        assert len(figures.frame) == 71 and figures.missing == {}
        assert figures.frame["population"].sum() == communes["population"].sum() == figures.metropole["population"]
        assert figures.frame.at[ROUEN, "surface"] == communes.at[ROUEN, "superficie_km2"]  # the role surface
        # works: a commune's count is its list; the Métropole counts each site once
        dataset, table, roles = works_table(repository)
        assert figures.frame.at[ROUEN, "travaux"] == len(in_my_commune(table, roles, "Rouen", NOW.date(),
                                                                       dataset.modified)) > 0
        assert figures.metropole["travaux"] == len(citizen_sites(table, roles, np.ones(len(table), bool), NOW.date(),
                                                                 dataset.modified))
        # stops: those served that day whose point lies in the commune's outline, platforms of one stop once
        net = T.network(transport_network(repository)[1])
        day, _ = T.service_day(net, NOW.date())
        served = T.served_stops(net, day)
        outlines = repository.table("communes")
        outline = communes.at[ANNEVILLE, outlines.geometry_field.name]
        stops = net.stops.iloc[served]
        inside = stops[shapely.contains_xy(outline, stops["lon"].to_numpy(), stops["lat"].to_numpy())]
        assert figures.frame.at[ANNEVILLE, "arrets"] == inside["folded"].nunique() > 0
        # associations still acting, by the commune of their seat
        associations = repository.table("associations")
        active = active_rows(repository.dataset("associations"), associations)
        mine = associations.frame[(associations.frame["code_insee"].astype(str) == ROUEN).to_numpy() & active]
        assert figures.frame.at[ROUEN, "associations"] == len(mine)
        bureaux = repository.table("bureaux-de-vote").frame
        assert figures.frame.at[ROUEN, "bureaux"] == (bureaux["code_insee"].astype(str) == ROUEN).sum()
        coverage = T.commune_coverage(net, day, repository.table("communes"), 300).set_index("name")["share"]
        assert figures.frame.at[ROUEN, "couverture_300"] == pytest.approx(coverage["Rouen"])


def test_a_commune_page_has_every_part_and_links_each_to_its_view(demo):
    page = render_page(demo, f"/communes/{ROUEN}")
    text = text_of(page["layout"])
    assert page["title"] == "Rouen"
    for heading in ("La commune", "Travaux à Rouen", "Transports en commun", "Accès aux soins", "Bureaux de vote",
                    "Associations par thème", "Services d'archives", "Sources"):
        assert heading in text, heading
    assert "Ce que cette page ne peut pas dire ici" not in text  # the demo drives every part
    links = {c["props"]["href"] for c in find_all(page["layout"], lambda c: "href" in c.get("props", {}))}
    # the dashboard on Rouen's works, Rouen ticked in its filter (not all 600 sites)
    assert "/tableaux-de-bord/travaux?ma_commune=Rouen&refine.commune=Rouen" in links
    assert f"/tableaux-de-bord/sante?commune={ROUEN}" in links
    assert f"/jeux-de-donnees/bureaux-de-vote?tab=map&refine.code_insee={ROUEN}" in links
    assert f"/communes/comparer?commune={ROUEN}" in links
    assert any(h.startswith("/tableaux-de-bord/transports?ligne=") for h in links)
    # the print header gives every printed page its title, date, filters and source
    header = find_all(page["layout"], lambda c: "data-impression-titre" in c.get("props", {}))[0]["props"]
    assert header["data-impression-titre"] == "Rouen — portrait de la commune"
    assert header["data-impression-date"].startswith("situation au 2 décembre 2026")
    assert header["data-impression-source"].startswith("Source : Communes de la Métropole ; Chantiers et travaux")


def test_a_small_commune_says_what_it_has_not(demo):
    text = text_of(render_page(demo, f"/communes/{ANNEVILLE}")["layout"])
    assert "Aucun service d'archives n'est installé à Anneville-Ambourville." in text
    assert "1 ligne dessert Anneville-Ambourville, à 11 arrêts" in text  # as the figures count them (tested above)


def test_a_part_that_fails_does_not_take_the_page_down(demo, monkeypatch, caplog):
    from features.communes import profil as communes_profil

    monkeypatch.setattr(communes_profil, "associations", lambda *a: 1 / 0)
    text = text_of(render_page(demo, f"/communes/{ROUEN}")["layout"])
    assert "Cette partie n'a pas pu être calculée ; réessayez plus tard." in text
    assert "Bureaux de vote" in text and "ZeroDivisionError" not in text
    assert "page de commune : la partie « associations » a échoué" in caplog.text


@pytest.mark.parametrize("path, status", [("/communes", 200), (f"/communes/{ROUEN}", 200),
                                          ("/communes/comparer", 200), ("/communes/99999", 404),
                                          ("/communes/%3Cscript%3E", 404), (f"/communes/{ROUEN}/x", 404)])
def test_the_status_of_commune_addresses(demo, path, status):
    answer = demo.server.test_client().get(path)
    assert answer.status_code == status
    assert b"Traceback" not in answer.data


def test_the_index_lists_every_commune_with_its_link(demo):
    layout = render_page(demo, "/communes")["layout"]
    links = [c for c in find_all(layout, lambda c: str(c.get("props", {}).get("href", "")).startswith("/communes/7"))]
    assert len(links) == 71 and text_of(links[0]).startswith("Amfreville-la-Mi-Voie")


def test_the_comparison_sets_communes_side_by_side(demo):
    page = render_page(demo, "/communes/comparer", f"?commune={ROUEN}&commune={ANNEVILLE}&commune=00000")
    text = text_of(page["layout"])
    assert "« 00000 » n'est pas le code d'une commune de la Métropole ; elle est ignorée" in text
    table = find_all(page["layout"], lambda c: "compare-table" in str(c.get("props", {}).get("className")))[0]
    heads = [text_of(th) for th in find_all(table, lambda c: c.get("type") == "Th" and
                                            c["props"].get("scope") == "col")]
    assert heads == ["Indicateur", "Rouen", "Anneville-Ambourville", "Métropole"]
    rows = {text_of(tr.get("props", {}).get("children")[0]): [text_of(td) for td in tr["props"]["children"][1:]]
            for tr in find_all(table, lambda c: c.get("type") == "Tr")[1:]}
    assert rows["Population municipale 2025"][:2] == ["116\u202f331 hab.", "1\u202f161 hab."]
    too_many = text_of(render_page(demo, "/communes/comparer", "?" + "&".join(
        f"commune={c}" for c in ("76540", "76020", "76005", "76039", "76056")))["layout"])
    assert "4 communes au plus : les suivantes sont ignorées" in too_many


def test_the_comparison_extract_carries_its_communes_and_sources(demo):
    from features.communes.chiffres import commune_figures

    client = demo.server.test_client()
    answer = client.get(f"/export/communes/comparaison.csv?commune={ROUEN}&commune={ANNEVILLE}")
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.data.decode("utf-8-sig")), delimiter=";"))
    with demo.server.app_context():
        figures = commune_figures(repository_of(demo), NOW.date())
    departs = next(r for r in rows if r["indicateur"].startswith("Départs par jour"))
    assert float(departs[f"commune_{ROUEN}"]) == figures.frame.at[ROUEN, "departs"]
    assert departs["metropole_calcul"] == "total de la Métropole"  # a count: the Métropole's total
    assert float(departs["metropole"]) == figures.frame["departs"].sum()
    zipped = client.get(f"/export/communes/comparaison.json?commune={ROUEN}")
    assert zipped.status_code == 200 and "Communes : Rouen (76540)" in zipped.data.decode()
    assert "Sources :" in zipped.data.decode()
    for query, words in (("", "choisissez au moins une commune"), ("?commune=1", "n'est pas le code"),
                         ("?" + "&".join(f"commune={c}" for c in ("76540", "76020", "76005", "76039", "76056")),
                          "4 communes au plus")):
        refused = client.get(f"/export/communes/comparaison.csv{query}")
        assert refused.status_code == 400 and words in refused.get_json()["erreur"], query
        assert "ignorée" not in refused.get_json()["erreur"]  # refused, not done without it
    assert client.get(f"/export/chantiers/comparaison.csv?commune={ROUEN}").status_code == 400


def test_real_shaped_files_drive_the_pages_and_name_what_is_missing(rouen_synced, monkeypatch):
    monkeypatch.setattr(clock, "utc_now", lambda: NOW.astimezone(dt.timezone.utc))
    data_dir, status, _ = rouen_synced
    app = make_app(data_dir, TILE_URL="")
    page = render_page(app, f"/communes/{ROUEN}")
    text = text_of(page["layout"])
    # georef-france-commune has no population: the page says so; the area is measured on the outline
    assert "Population : il faudrait la population des communes (un champ de rôle population" in text
    assert "Superficie" in text and "mesurée sur le contour simplifié de la commune" in text
    for heading in ("Travaux à Rouen", "Transports en commun", "Accès aux soins", "Bureaux de vote",
                    "Associations par thème", "Services d'archives"):
        assert heading in text, heading
    assert app.server.test_client().get("/communes").status_code == 200
