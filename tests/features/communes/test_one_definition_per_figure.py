"""One definition per figure (data_access/chiffres.py): every page that shows a registered figure marks it, and
the same figure shows the same value everywhere, for the Métropole and for three communes — the home page, the
Transports dashboard, the commune pages and the comparison."""
from __future__ import annotations

import re
from collections import defaultdict

import pytest

from data_access.chiffres import FIGURES
from tests.helpers.apps import find_all, make_app, render_page, text_of

COMMUNES = ("76540", "76681", "76231")  # Rouen, Sotteville-lès-Rouen, Elbeuf
PAGES = (("/", ""), ("/tableaux-de-bord/transports", ""), *((f"/communes/{c}", "") for c in COMMUNES),
         ("/communes/comparer", "?" + "&".join(f"commune={c}" for c in COMMUNES)),
         *(("/pres-de-chez-moi", f"?commune={c}") for c in COMMUNES))


def shown(layout) -> list[tuple[str, str, str]]:
    """(figure, territory, the number shown) of every marked element of a page."""
    marked = find_all(layout, lambda n: "data-chiffre" in n.get("props", {}))
    return [(n["props"]["data-chiffre"], n["props"]["data-territoire"], _number(text_of(n))) for n in marked]


def _number(text: str) -> str:
    found = re.search(r"\d[\d\u202f\u00a0 ]*(?:,\d+)?", text)
    assert found, f"aucun nombre dans « {text} »"
    return re.sub(r"[\u202f\u00a0 ]", "", found.group(0))


@pytest.fixture(scope="module")
def seen():
    app = make_app()
    values: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for path, search in PAGES:
        for figure, territory, number in shown(render_page(app, path, search)["layout"]):
            values[(figure, territory)][f"{path}{search}"] = number
    return values


def test_every_registered_figure_is_shown_and_marked(seen):
    assert {figure for figure, _ in seen} == set(FIGURES)
    for commune in COMMUNES:  # each commune's figures are in the comparison, and on its page where it shows them
        assert {f for f, t in seen if t == commune} >= {"population", "lignes", "departs", "arrets",
                                                        "chantiers-actifs"}


def test_a_communes_works_are_counted_alike_on_its_page_the_comparison_and_pres_de_chez_moi(seen):
    for commune in COMMUNES:
        pages = seen[("chantiers-actifs", commune)]
        assert {p.split("?")[0] for p in pages} == {f"/communes/{commune}", "/communes/comparer", "/pres-de-chez-moi"}


def test_one_figure_one_value_everywhere(seen):
    assert {key: pages for key, pages in seen.items() if len(set(pages.values())) != 1} == {}
    for key, pages in seen.items():
        assert len(pages) >= 1
    # the Métropole's totals and the Transports dashboard's agree: on the demo, every stop is in a commune
    for figure in ("lignes", "departs"):
        assert set(seen[(figure, "reseau")].values()) == set(seen[(figure, "metropole")].values()), figure


def test_two_different_things_never_carry_the_same_words():
    names = [d.name for d in FIGURES.values()]
    assert len(names) == len(set(names))
    assert FIGURES["points-d-arret"].name != FIGURES["arrets"].name
