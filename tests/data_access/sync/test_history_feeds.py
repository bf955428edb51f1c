"""The Atom feeds: the catalogue's, a dataset's, and a filtered view's, which counts only the view's own rows (a
record entering the view is added, one leaving it removed); all valid Atom by RFC 4287's schema, in French."""
from __future__ import annotations

import pytest

from tests.helpers.apps import make_app
from tests.helpers.atom import ATOM, valid_atom
from tests.helpers.sync import CATALOGUE, ROWS, run, server  # noqa: F401 (the fixture)

VIEW = "from.date_debut=2026-01-05"  # of Rouen's sites, CH-5 (01-06) and CH-7 (01-08)


def changed() -> list[dict]:
    """CH-1 renamed (outside the view), CH-3 gone (outside), CH-5 renamed (inside), CH-7's start moved out of it,
    CH-101 new inside it, CH-103 new outside it."""
    rows = []
    for row in ROWS:
        if row["id"] in ("CH-1", "CH-5"):
            row = dict(row, titre=row["titre"] + " (prolongé)")
        elif row["id"] == "CH-7":
            row = dict(row, date_debut="2026-01-02")
        if row["id"] != "CH-3":
            rows.append(row)
    return rows + [dict(ROWS[5], id="CH-101", titre="Nouveau dedans"), dict(ROWS[1], id="CH-103", titre="Dehors")]


@pytest.fixture
def synced(tmp_path, server):
    (tmp_path / "catalogue.toml").write_text(CATALOGUE.format(base=server.base_url).replace(
        'path = "travaux.csv"\n', 'path = "travaux.csv"\nkey = "id"\n', 1), encoding="utf-8")
    assert run(tmp_path, "travaux")[0] == 0
    server.tables["travaux-json"] = changed()
    assert run(tmp_path, "travaux")[0] == 0
    # a third version changes a site outside the view only
    server.tables["travaux-json"] = [dict(r, titre="Neuf") if r["id"] == "CH-9" else r for r in changed()]
    assert run(tmp_path, "travaux")[0] == 0
    return make_app(tmp_path, SERVED_DIR=str(tmp_path / ".served"), PUBLIC_URL="https://donnees.example"
                    ).server.test_client()


def entries(tree) -> list[dict]:
    return [{"title": e.findtext("a:title", namespaces=ATOM), "summary": e.findtext("a:summary", namespaces=ATOM),
             "link": e.find("a:link", ATOM).get("href"), "updated": e.findtext("a:updated", namespaces=ATOM)}
            for e in tree.findall("a:entry", ATOM)]


def test_a_datasets_feed_lists_each_version_newest_first(synced):
    answer = synced.get("/flux/jeux-de-donnees/travaux.atom")
    assert answer.status_code == 200 and answer.mimetype == "application/atom+xml"
    listed = entries(valid_atom(answer.data))
    assert [e["summary"].split(" ; ")[0] for e in listed] == [
        "0 ajouté, 0 supprimé, 1 modifié", "2 ajoutés, 1 supprimé, 3 modifiés",
        "première version gardée : 6 ajoutés, 0 supprimé, 0 modifié"]
    assert "champs modifiés : titre (2), date_debut (1)" in listed[1]["summary"]
    assert [e["updated"] for e in listed] == sorted((e["updated"] for e in listed), reverse=True)
    assert listed[0]["link"].startswith("https://donnees.example/jeux-de-donnees/travaux/historique?version=")


def test_a_filtered_views_feed_counts_only_its_own_rows(synced):
    answer = synced.get(f"/flux/jeux-de-donnees/travaux.atom?{VIEW}&sort=titre")
    tree = valid_atom(answer.data)
    listed = entries(tree)
    # the third version changed nothing in the view: no entry for it
    assert [e["summary"] for e in listed] == [
        "1 ajouté, 1 supprimé, 1 modifié ; champs modifiés : titre (1)",
        "première version gardée : 2 ajoutés, 0 supprimé, 0 modifié"]
    assert all("Début" in e["title"] or "date_debut" in e["title"] for e in listed)
    assert listed[0]["link"].endswith(f"&{VIEW}")  # the diff, filtered the same way
    self_link = tree.find("a:link[@rel='self']", ATOM).get("href")
    assert self_link == f"https://donnees.example/flux/jeux-de-donnees/travaux.atom?{VIEW}"  # no sort: not a filter


def test_the_catalogues_feed_has_new_datasets_and_new_versions(synced):
    tree = valid_atom(synced.get("/flux/catalogue.atom").data)
    titles = [e["title"] for e in entries(tree)]
    assert titles[-1] == "Nouveau jeu de données : Travaux" and len(titles) == 3
    assert all(t.startswith("Travaux : version du ") for t in titles[:2])
    assert tree.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"


@pytest.mark.parametrize("path, status, said", [
    ("/flux/jeux-de-donnees/inconnu.atom", 404, "flux inconnu"),
    ("/flux/travaux.rss", 404, "« .atom »"),
    ("/flux/jeux-de-donnees/travaux.atom?refine.nulle=1", 400, "nulle"),
])
def test_a_bad_feed_address_is_refused_in_french(synced, path, status, said):
    answer = synced.get(path)
    assert answer.status_code == status and said in answer.get_json()["erreur"]
