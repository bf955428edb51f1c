"""The rough edges a first visit hits on the communes' pages: the comparison's « Métropole » column holds the
Métropole's total for a count (not a mean per commune under a name that reads as a total), and a gap between two
shares is read from the values shown."""
from __future__ import annotations

import pandas as pd

from features.communes.chiffres import OVERALL, Figure, Figures
from features.communes.comparaison import rows
from features.communes.draw import _gap
from features.communes.draw_comparaison import _table
from tests.helpers.apps import as_layout, text_of


def figures() -> Figures:
    frame = pd.DataFrame({"name": ["Rouen", "Sahurs", "Elbeuf"], "archives": [3.0, 0.0, 1.0],
                          "travaux": [30.0, 1.0, 2.0], "densite": [5500.0, 100.0, 1000.0]},
                         index=pd.Index(["76540", "76665", "76231"], name="code"))
    return Figures(frame=frame, figures=[Figure("archives", "Services d'archives", "services"),
                                         Figure("travaux", "Chantiers", "chantiers"),
                                         Figure("densite", "Densité", "hab./km²", OVERALL)],
                   metropole={"archives": 4.0, "travaux": 32.0, "densite": 850.0})  # a site on two communes: once


def test_the_metropole_column_is_a_total_for_a_count_and_says_so():
    found = {r["key"]: r for r in rows(figures(), ["76665"])}
    assert (found["archives"]["metropole"], found["archives"]["how"]) == (4.0, "total de la Métropole")
    assert found["travaux"]["metropole"] == 32.0  # each site once, not 33 nor the mean 11
    assert (found["densite"]["metropole"], found["densite"]["how"]) == (850.0, "ensemble de la Métropole")
    text = text_of(as_layout(_table(figures(), ["76665"], ["Sahurs"])))
    assert "0 services 4 services total de la Métropole" in text and "32 chantiers total de la Métropole" in text
    assert "moyenne par commune" not in text and "1,3 services" not in text


def test_a_gap_in_points_is_read_from_the_shares_shown():
    assert _gap(45.6, 44.4, 0) == "2 points de plus"  # 46 % and 44 %: not « 1 point » (1,2 before rounding)
    assert _gap(44.4, 45.6, 0) == "2 points de moins"
    assert _gap(45.4, 44.6, 0) == "comme la Métropole" and _gap(None, 3.0) == ""
