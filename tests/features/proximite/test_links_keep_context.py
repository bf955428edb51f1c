"""« Voir tout » links carry the filters of what they summarise, in the target page's own grammar: the commune's
works with its filter ticked, a stop's departures at the stop, the active associations of the commune."""
from __future__ import annotations

import datetime as dt
import re
import urllib.parse

import pytest

from features.proximite import blocs as B
from features.proximite import reponses as R
from features.proximite.data import commune_place
from tests.helpers.apps import make_app, render_page, text_of


@pytest.fixture(scope="module")
def app():
    return make_app()


@pytest.fixture(scope="module")
def rouen(app):
    repository = app.server.extensions["portail"].repository
    with app.server.app_context():
        return repository, commune_place(repository, "76540")


def test_all_the_works_of_rouen_opens_the_dashboard_on_rouen(app, rouen):
    repository, place = rouen
    block = R.works(repository, place, dt.date(2026, 12, 7))
    href, label = block.link
    assert label == "Tous les travaux de Rouen dans le tableau de bord"
    path, _, query = href.partition("?")
    assert ("refine.commune", "Rouen") in urllib.parse.parse_qsl(query)
    text = text_of(render_page(app, path, "?" + query)["layout"])
    frame = repository.table("chantiers").frame
    assert f"{int((frame['commune'] == 'Rouen').sum())} chantiers sélectionné(s) sur 600" in text


def test_the_active_associations_link_lists_what_the_block_counts(app, rouen):
    repository, place = rouen
    block = B.associations(repository, place)
    counted = int(re.match(r"(\d+) associations en activité", block.text.replace("\u202f", "")).group(1))
    path, _, query = block.link[0].partition("?")
    assert any(k.startswith("exclude.") for k, _ in urllib.parse.parse_qsl(query))
    text = text_of(render_page(app, path, "?" + query)["layout"]).replace("\u202f", " ")
    assert f"{counted:,} lignes sur".replace(",", " ") in text
