"""The site-wide search (/recherche) on the demo snapshot: accents, case and one typo per word, the values of the
datasets' facets, the links to the filtered views, the index built once per data version and shared on disk."""
from __future__ import annotations

import urllib.parse

import pytest

from features.recherche.index import distance, search
from features.recherche.service import current_index, found_values
from tests.helpers.apps import find_all, make_app, render_page, text_of


@pytest.fixture(scope="module")
def app():
    return make_app()


@pytest.fixture(scope="module")
def repository(app):
    return app.server.extensions["portail"].repository


def links(layout) -> dict[str, str]:
    return {text_of(n): n["props"]["href"] for n in find_all(layout, lambda n: n.get("type") == "Link")}


def page(app, query: str) -> dict:
    return render_page(app, "/recherche", "?" + urllib.parse.urlencode({"q": query}))["layout"]


@pytest.mark.parametrize("typed", ["diabete", "Diabète", "DIABÈTE", "diab"])
def test_diabetes_is_found_in_the_pathologies_values_whatever_the_accents_and_case(app, typed):
    layout = page(app, typed)
    text = text_of(layout)
    assert "« Diabète » dans « Pathologie (niveau 1) »" in text
    found = links(layout)
    assert found["Effectifs de patients par pathologie, sexe, classe d'âge et territoire"] == \
        "/jeux-de-donnees/pathologies?refine.patho_niv1=Diab%C3%A8te"
    # the dashboard on that value, and the story about it
    assert found["Tableau de bord Santé"] == "/tableaux-de-bord/sante?jeu=pathologies&refine.patho_niv1=Diab%C3%A8te"
    assert any(href.startswith("/recits/") for href in found.values())


def test_a_typo_gets_a_did_you_mean_and_its_results(app):
    text = text_of(page(app, "diabte"))
    assert "Aucun résultat pour « diabte ». Vouliez-vous dire « diabete » ?" in text
    assert "« Diabète » dans « Pathologie (niveau 1) »" in text


def test_a_commune_is_found_with_its_page(app, repository):
    layout = page(app, "sotteville")
    found = links(layout)
    assert found["Sotteville-lès-Rouen"] == "/communes/76681"
    assert "Communes (" in text_of(layout)


def test_nothing_found_suggests_close_words_and_the_themes(app):
    layout = page(app, "zzzqqq")
    text = text_of(layout)
    assert "Aucun résultat pour « zzzqqq »." in text and "Thèmes du catalogue" in text
    assert links(layout)["Santé"] == "/catalogue?refine.theme=Sant%C3%A9"
    close = text_of(page(app, "patologiess"))  # two typos: no results, but the word is suggested
    assert "Mots proches" in close and "pathologies" in close


@pytest.mark.parametrize("typed", ['"', "diab*", "NEAR(a b)", "a AND OR", "x" * 5000, "((", "'; DROP TABLE docs"])
def test_odd_queries_answer_a_page_not_an_error(app, typed):
    assert "Recherche dans le portail" in text_of(page(app, typed))


def test_the_catalogue_search_reaches_the_values(app, repository):
    layout = render_page(app, "/catalogue", "?q=diabete")["layout"]
    text = text_of(layout)
    assert "1 jeu de données sur 12 pour « diabete »" in text
    assert "Trouvé dans les données : « Diabète » dans « Pathologie (niveau 1) »" in text
    assert "pathologies" in found_values(repository, [], "diabete")


def test_the_index_is_built_once_per_data_version_on_disk(app, repository, tmp_path):
    first = current_index(repository, [])
    stamp = first.stat().st_mtime_ns
    assert current_index(repository, []) == first and first.stat().st_mtime_ns == stamp  # read again, not rebuilt
    assert first.parent == repository.served_store.folder / "recherche"
    assert search(first, "sotteville").hits


def test_a_new_file_version_gets_a_new_index_and_the_old_one_goes(tmp_path):
    import shutil

    from tests.helpers.apps import make_app as fresh_app

    demo = app_data_dir()
    data = tmp_path / "donnees"
    shutil.copytree(demo, data, ignore=shutil.ignore_patterns(".served", ".sync"))
    made = fresh_app(data)
    repository = made.server.extensions["portail"].repository
    before = current_index(repository, [])
    path = data / repository.catalogue.get("chantiers").path
    path.write_bytes(path.read_bytes())  # a new modification time: a new version of the file
    import os
    import time

    os.utime(path, (time.time() + 5, time.time() + 5))
    after = current_index(repository, [])
    assert after != before and after.exists() and not before.exists()


def app_data_dir():
    from tests.helpers.paths import ROOT

    return ROOT / "data" / "demo"


def test_damerau_distance_counts_a_swap_as_one_typo():
    assert distance("diabte", "diabete") == 1 and distance("daibete", "diabete") == 1
    assert distance("patologiess", "pathologies") == 2 and distance("abc", "abcdef") == 3
