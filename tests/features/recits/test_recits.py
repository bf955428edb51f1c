"""Data stories: the front matter checked, the live blocks found at their line, checked against the catalogue and
the data (the checker exits 1 naming file and line), drawn with the same figures as the views they name, following
the data when it changes, and a broken block shown as a notice while the rest renders."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

from features.recits.data import StoryError, find_blocks, load_stories, read_story
from tests.helpers.apps import make_app, render_page, text_of
from tests.helpers.paths import ROOT

CATALOGUE = """[portal]
title = "Portail de test"
publisher = "Test"

[[dataset]]
id = "travaux"
title = "Travaux (test)"
theme = "Travaux"
format = "csv"
path = "travaux.csv"
license = "Licence Ouverte v2.0"
modified = 2026-11-01

[[dataset.field]]
name = "statut"
type = "text"
facet = true

[[dataset.field]]
name = "type"
type = "text"
facet = true
"""

STORY = """+++
title = "Un récit d'essai"
summary = "Pour les tests."
date = 2026-11-20
theme = "Travaux"
datasets = ["travaux"]
+++

Il y a {{ nombre: /jeux-de-donnees/travaux?refine.statut=en+cours }} chantiers en cours. [Le tableau de
bord](/tableaux-de-bord/travaux), [un autre site](//ailleurs.example/x), [un script](javascript:alert(1)) et
<b>du HTML</b>.

```graphique
/jeux-de-donnees/travaux?tab=chart&chart=bar&x=type&refine.statut=en+cours
```

```tableau
/jeux-de-donnees/travaux?refine.statut=en+cours&select=type,statut
```
"""

BROKEN = """+++
title = "Un récit cassé"
summary = "Des blocs qui ne peuvent pas être dessinés."
date = 2026-11-21
+++

Début du récit.

```graphique
/jeux-de-donnees/inconnu?tab=chart&x=type
```

```tableau
/jeux-de-donnees/travaux?refine.couleur=rouge
```

Et {{ nombre: /jeux-de-donnees/travaux?refine.statut=en+cours }} chantiers en cours, encore.
"""


def write_rows(folder, rows: list[tuple[str, str]]) -> None:
    (folder / "travaux.csv").write_text("statut;type\n" + "".join(f"{s};{t}\n" for s, t in rows), encoding="utf-8")


@pytest.fixture
def portal(tmp_path):
    (tmp_path / "catalogue.toml").write_text(CATALOGUE, encoding="utf-8")
    write_rows(tmp_path, [("en cours", "voirie")] * 3 + [("en cours", "réseaux"), ("terminé", "voirie")])
    (tmp_path / "recits").mkdir()
    (tmp_path / "recits" / "essai.md").write_text(STORY, encoding="utf-8")
    return tmp_path


def test_the_front_matter_is_checked_and_named(tmp_path):
    cases = {
        "sans-entete.md": ("Juste du texte.", "sans-entete.md:1 : le récit doit commencer par son en-tête"),
        "illisible.md": ('+++\ntitle = "x\n+++\n', "illisible.md:"),
        "cle.md": ('+++\ntitle = "x"\nsummary = "y"\ndate = 2026-01-01\ncouleur = "rouge"\n+++\n',
                   "clé « couleur » inconnue"),
        "manque.md": ('+++\ntitle = "x"\n+++\n', "obligatoire(s) absente(s) : summary, date"),
        "Majuscules.md": ('+++\n+++\n', "minuscules, chiffres et tirets"),
    }
    for name, (text, words) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        with pytest.raises(StoryError, match=re.escape(words)):
            read_story(tmp_path / name)


def test_blocks_are_found_at_their_line():
    body = textwrap.dedent("""\
        Premier paragraphe avec {{ nombre: /jeux-de-donnees/a?refine.x=1 }}.

        ```graphique
        /jeux-de-donnees/a?tab=chart&x=y
        ```

        ```python
        print("pas un bloc")
        ```
        """)
    blocks = find_blocks(body, 10)
    assert [(b.kind, b.url, b.line, b.inline) for b in blocks] == [
        ("nombre", "/jeux-de-donnees/a?refine.x=1", 10, True),
        ("graphique", "/jeux-de-donnees/a?tab=chart&x=y", 12, False)]


def test_a_story_draws_the_same_figures_as_the_views_it_names(portal):
    app = make_app(portal, TILE_URL="")
    text = text_of(render_page(app, "/recits/essai")["layout"])
    assert "Il y a 4 chantiers en cours." in text
    layout = json.dumps(render_page(app, "/recits/essai")["layout"], ensure_ascii=False)
    assert '"href": "/tableaux-de-bord/travaux"' in layout  # a link of the portal is kept
    assert '"href": "//ailleurs' not in layout and '"href": "javascript' not in layout  # others: text only
    assert "&lt;b&gt;" not in layout and "<b>du HTML</b>" in text  # raw HTML is shown as text, never as HTML
    # the chart's data table, as the dataset's own chart tab gives it
    page = text_of(render_page(app, "/jeux-de-donnees/travaux", "?tab=chart&chart=bar&x=type&refine.statut=en+cours")
                   ["layout"])
    assert "4 lignes sur 5" in page
    for words in ("voirie 3", "réseaux 1"):
        assert words in page and words in text
    assert "Source : Travaux (test) — Test, Licence Ouverte v2.0, données au 1er novembre 2026 ; 4 lignes" in text
    assert "4 lignes type statut voirie en cours voirie en cours" in text  # the columns selected, in that order


def test_after_the_data_changes_the_story_follows_without_an_edit(portal):
    app = make_app(portal, TILE_URL="")
    assert "Il y a 4 chantiers en cours." in text_of(render_page(app, "/recits/essai")["layout"])
    write_rows(portal, [("en cours", "voirie")] * 7)
    os.utime(portal / "travaux.csv", ns=(2_000_000_000_000_000_000, 2_000_000_000_000_000_000))
    assert "Il y a 7 chantiers en cours." in text_of(render_page(app, "/recits/essai")["layout"])


def test_a_broken_block_is_a_notice_and_the_checker_names_file_and_line(portal):
    (portal / "recits" / "casse.md").write_text(BROKEN, encoding="utf-8")
    app = make_app(portal, TILE_URL="")
    text = text_of(render_page(app, "/recits/casse")["layout"])
    assert "Début du récit." in text and "Et 4 chantiers en cours, encore." in text  # the rest renders
    assert "Ce bloc ne peut pas être affiché. jeu de données « inconnu » inconnu du catalogue" in text
    assert "Ce bloc ne peut pas être affiché. filtre refusé : refine.couleur : champ inconnu" in text
    env = {**os.environ, "DATA_DIR": str(portal), "SECRET_KEY": "test"}
    done = subprocess.run([sys.executable, "-m", "portail", "recits", "check"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [
        "casse.md:9 : bloc graphique : jeu de données « inconnu » inconnu du catalogue",
        "casse.md:13 : bloc tableau : filtre refusé : refine.couleur : champ inconnu"
        + done.stdout.splitlines()[1].partition("champ inconnu")[2]]
    (portal / "recits" / "casse.md").unlink()
    done = subprocess.run([sys.executable, "-m", "portail", "recits", "verifier"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout == "" and "3 bloc(s)" in done.stderr


def test_the_list_the_theme_filter_and_an_unknown_story(portal):
    app = make_app(portal, TILE_URL="")
    text = text_of(render_page(app, "/recits")["layout"])
    assert "Un récit d'essai" in text and "20 novembre 2026" in text
    assert "aucun récit du thème" in text_of(render_page(app, "/recits", "?theme=Sant%C3%A9")["layout"])
    client = app.server.test_client()
    assert client.get("/recits/essai").status_code == 200
    assert client.get("/recits/nulle-part").status_code == 404
    assert len(load_stories(portal).stories) == 1


def test_the_demo_story_renders_every_block_with_no_broken_one():
    app = make_app(TILE_URL="")
    with app.server.test_request_context("/recits"):
        from components.portal import current_portal
        from features.recits.draw_blocs import broken_blocks

        portal = current_portal()
        stories = load_stories(portal.settings.data_dir)
        assert stories.stories and all(s.demo for s in stories.stories)
        assert broken_blocks(portal.repository, stories) == []
    text = text_of(render_page(app, "/recits/grands-chantiers")["layout"])
    assert "Ce bloc ne peut pas être affiché" not in text and "Source : Chantiers et travaux" in text
