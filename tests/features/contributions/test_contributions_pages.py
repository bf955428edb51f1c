"""The published contributions in the pages, past a handful: a dataset page shows its newest reports and reuses and
links to the others (every report with `signalements=tous`, the reuses in the gallery filtered on the dataset);
the gallery shows 24 reuses a page, and a bad page number is read as the nearest page."""
from __future__ import annotations

import re

import pytest

from tests.helpers.apps import make_app, render_page, text_of


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = make_app(TILE_URL="", DATABASE_URL=f"sqlite:///{tmp_path_factory.mktemp('c') / 'c.sqlite'}")
    from features.contributions.store import moderate, submit
    from features.contributions.web import sessions

    with app.server.app_context():
        for k in range(30):
            report = submit(sessions(), "erreur", description=f"signalement n° {k:02d}", dataset_id="chantiers")
            reuse = submit(sessions(), "reutilisation", title=f"réutilisation n° {k:02d}", link="https://example.org",
                           description="x", datasets="chantiers" if k % 3 else "chantiers,parkings")
            for number in (report, reuse):
                moderate(sessions(), number, "camille", "approuver")
    return app


def shown(text: str, what: str) -> list[str]:
    return sorted(set(re.findall(rf"{what} n° (\d\d)", text)))  # a reuse is named twice: heading, link


def test_a_dataset_page_shows_the_newest_and_links_to_the_others(app):
    page = render_page(app, "/jeux-de-donnees/chantiers", "?tab=table")["layout"]
    text = text_of(page)
    assert shown(text, "signalement") == [f"{k}" for k in range(20, 30)]  # the 10 newest
    assert shown(text, "réutilisation") == [f"{k}" for k in range(20, 30)]
    assert "Voir les 30 signalements publiés" in text and "Toutes les réutilisations de ce jeu (30)" in text
    every = text_of(render_page(app, "/jeux-de-donnees/chantiers", "?tab=table&signalements=tous")["layout"])
    assert shown(every, "signalement") == [f"{k:02d}" for k in range(30)]
    assert "paramètre" not in every and "Voir les 30" not in every


def test_the_gallery_shows_24_a_page_and_filters_on_a_dataset(app):
    first = text_of(render_page(app, "/reutilisations")["layout"])
    assert len(shown(first, "réutilisation")) == 24 and "Page 1 sur 2 (30 réutilisations)" in first
    second = text_of(render_page(app, "/reutilisations", "?page=2")["layout"])
    assert shown(second, "réutilisation") == [f"{k:02d}" for k in range(6)]
    for bad, page in (("abc", 1), ("0", 1), ("99", 2), ("-3", 1)):
        assert f"Page {page} sur 2" in text_of(render_page(app, "/reutilisations", f"?page={bad}")["layout"])
    parkings = text_of(render_page(app, "/reutilisations", "?jeu=parkings")["layout"])
    assert "Galerie : les réutilisations de « Parkings et parcs relais »" in parkings
    assert shown(parkings, "réutilisation") == [f"{k:02d}" for k in range(0, 30, 3)]
    assert "Page 1 sur" not in parkings


def test_the_thanks_is_said_once_not_at_each_filter_change():
    import dash

    from components.controls import new_search

    current = "?tab=table&contribution=merci"
    assert new_search(current, current) is dash.no_update  # the page drawn: the address stays, thanks shown
    assert new_search(current, current + "&refine.commune=Rouen") == "?tab=table&refine.commune=Rouen"
