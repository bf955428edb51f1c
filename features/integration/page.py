"""/integrer/<view path>?<its parameters>: one view of the portal alone, for other sites' iframes. No navigation
or footer (the page's <html> carries the `integration` class, see factory.py), a source line with the licence,
the data's date and a link to the full view; its height goes to the framing page by postMessage
(assets/integration.js). The only routes other sites may frame (security.py).

    /integrer/jeux-de-donnees/<id>?tab=chart|map|table&<filters>      a dataset's tab (`version=`: as it was then)
    /integrer/tableaux-de-bord/<name>/<section>?<the dashboard's parameters>   a dashboard's section
    /integrer/tableaux-de-bord/<name>/chiffres/<key>?<its parameters>   one key figure (its stable key or position)
    /integrer/recits/<slug>/<n>                                          a story's n-th block"""
from __future__ import annotations

import re

import dash
from dash import html

from components.controls import address_path
from components.portal import current_portal
from data_access.french import plural
from data_access.history import archive
from features.integration import draw as integration
from features.integration.draw import PREFIX
from features.integration.vues import (DASHBOARD_PREFIX, TODAY_ONLY, VersionError, ViewError, dashboard_sections,
                                       dashboard_view, dataset_view, key_figure)
from features.recits.data import load_stories

TEMPLATE = "/integrer/<vue>"


KINDS = {"graphique": "chart", "carte": "map", "tableau": "table", "chiffre": "figure"}
TAB_WORDS = {"chart": "graphique", "map": "carte", "table": "tableau"}


def view_title(words: list[str], pairs) -> str:
    """A short name of the view, drawn from the address alone (the iframe's and the page's title)."""
    from features.integration.vues import dashboard, page_name

    try:
        portal = current_portal()
    except RuntimeError:  # outside a request (the registry is built at import)
        return "Vue intégrée"
    if words[:1] == ["jeux-de-donnees"] and len(words) == 2:
        dataset = portal.repository.catalogue.get(words[1])
        tab = dict(pairs).get("tab")
        words_tab = f" — {TAB_WORDS[tab]}" if tab in TAB_WORDS else ""
        return (dataset.title if dataset else "Jeu de données") + words_tab + _version_words(words[1], pairs)
    if words[:1] == ["tableaux-de-bord"] and len(words) in (3, 4):
        return f"{page_name(dashboard(words[1]))} — {' '.join(words[2:])}"
    if words[:1] == ["recits"] and len(words) == 3:
        story = load_stories(portal.settings.data_dir).get(words[1])
        return f"{story.title} — bloc {words[2]}" if story else "Récit"
    return "Vue intégrée"


def _version_words(dataset_id: str, pairs) -> str:
    """« — version du 05/10/2026 à 06:00 » for a view shown as it was, else nothing."""
    try:
        pinned = archive.pinned(current_portal().repository, dataset_id, dict(pairs).get(archive.PARAMETER))
    except archive.VersionRefused:
        return ""
    return f" — version {pinned.words}" if pinned else ""


def view_kind(words: list[str], pairs) -> str:
    """The kind of view (chart, map, table, figures, figure), for the iframe's first height."""
    if words[0] == "jeux-de-donnees":
        return dict(pairs).get("tab") if dict(pairs).get("tab") in TAB_WORDS else "chart"
    if words[0] == "tableaux-de-bord" and len(words) == 4:
        return "figure"
    if words[0] == "tableaux-de-bord":
        return dashboard_sections(words[1])[words[2]].kind
    story = load_stories(current_portal().settings.data_dir).get(words[1])
    return KINDS.get(story_blocks(story)[int(words[2]) - 1].kind, "chart")


def _title(vue: str | None = None, **params) -> str:
    return f"{view_title(parts(vue), integration.query_of(params))} — vue intégrée"


dash.register_page(__name__, path_template=TEMPLATE, name="Vue intégrée", title=_title)


NUMBER = re.compile(r"[1-9][0-9]{0,3}")  # a story's block: ASCII digits only (« ² » is a digit to str.isdigit)


def parts(vue: str) -> list[str]:
    return [p for p in str(vue or "").strip("/").split("/") if p]


def block_number(word: str) -> int | None:
    return int(word) if NUMBER.fullmatch(word) else None


def exists(vue: str | None = None, **_variables) -> bool:
    """Whether the address names an embeddable view (an unknown one is a 404)."""
    portal = current_portal()
    words = parts(vue)
    if len(words) == 2 and words[0] == "jeux-de-donnees":
        return portal.repository.catalogue.get(words[1]) is not None
    if len(words) == 3 and words[0] == "tableaux-de-bord":
        return words[2] in dashboard_sections(words[1])
    if len(words) == 4 and words[0] == "tableaux-de-bord":  # one key figure: its key, or its position
        return words[2] == "chiffres" and "chiffres" in dashboard_sections(words[1])
    if len(words) == 3 and words[0] == "recits" and block_number(words[2]) is not None:
        story = load_stories(portal.settings.data_dir).get(words[1])
        return story is not None and block_number(words[2]) <= len(story_blocks(story))
    return False


def refused(words: list[str], pairs) -> tuple[int, str] | None:
    """Why an embed's address is refused before it is drawn, with its status: a dataset's version that cannot be
    shown (400 malformed, 404 unknown, 410 past retention: the dataset page's answer), a version asked of a
    dashboard, which reads today's tables (400); else None."""
    asked = dict(pairs).get(archive.PARAMETER)
    if asked is None:
        return None
    if words[:1] == ["jeux-de-donnees"] and len(words) == 2:
        try:
            archive.pinned(current_portal().repository, words[1], asked)
        except archive.VersionRefused as exc:
            return exc.status, str(exc)
    elif words[:1] == ["tableaux-de-bord"]:
        return 400, TODAY_ONLY
    return None


def invalid(**params):
    """The status of an address that names a view but cannot show it (api.refused_address)."""
    return refused(parts(_path_vue(None)), integration.query_of(params))


def story_blocks(story) -> list:
    return [b for b in story.blocks if not b.inline]


def _path_vue(default) -> str:
    """The view from the address itself: Dash lets a `vue=` query parameter override the path variable."""
    pathname = address_path()
    if isinstance(pathname, str) and pathname.startswith(PREFIX + "/"):
        return pathname[len(PREFIX) + 1:]
    return default if isinstance(default, str) else ""


def layout(vue: str | None = None, **params):
    portal = current_portal()
    repository = portal.repository
    words = parts(_path_vue(vue))
    pairs = integration.query_of(params)
    try:
        if len(words) == 2 and words[0] == "jeux-de-donnees":
            view = dataset_view(repository, words[1], pairs, dict(pairs).get("tab"), "integration",
                                portal.settings.tile_url)
        elif len(words) == 3 and words[0] == "tableaux-de-bord":
            view = dashboard_view(repository, words[1], words[2], pairs, portal.settings.tile_url)
        elif len(words) == 4 and words[0] == "tableaux-de-bord":
            view = key_figure(repository, words[1], words[3], pairs)
        elif len(words) == 3 and words[0] == "recits" and block_number(words[2]) is not None:
            return _story_block(portal, words[1], block_number(words[2]))
        else:
            return integration.refusal("Vue introuvable", "Cette adresse ne correspond à aucune vue intégrable.")
    except VersionError as exc:
        return integration.refusal("Version plus conservée" if exc.status == 410 else "Version introuvable",
                                   f"Cette vue ne peut pas être affichée : {exc}.",
                                   _page_of(words, [(k, v) for k, v in pairs if k != archive.PARAMETER]))
    except ViewError as exc:
        return integration.refusal("Vue indisponible", f"Cette vue ne peut pas être affichée : {exc}.",
                                   _page_of(words, pairs))
    rows = None if view.rows is None else f"{plural(view.rows, 'ligne')} retenue{'s' if view.rows > 1 else ''}"
    link = html.A("Voir la vue complète sur le portail", href=view.page, target="_blank", rel="noopener")
    return html.Div([*view.stores, integration.frame(view.title, view.content,
                                                     integration.source_line(view.dataset, link, rows, view.as_of),
                                                     view.subtitle)])


def _page_of(words: list[str], pairs) -> str:
    from urllib.parse import urlencode

    if words[:1] == ["tableaux-de-bord"] and len(words) > 1:
        return DASHBOARD_PREFIX + words[1] + ("?" + urlencode(pairs) if pairs else "")
    return "/" + "/".join(words) + ("?" + urlencode(pairs) if pairs else "")


def _story_block(portal, slug: str, number: int):
    from features.recits.draw import draw_block

    story = load_stories(portal.settings.data_dir).get(slug)
    blocks = story_blocks(story) if story else []
    if not 1 <= number <= len(blocks):
        return integration.refusal("Vue introuvable", "Ce récit n'a pas de bloc à ce numéro.", "/recits")
    return draw_block(portal.repository, story, blocks[number - 1], number, portal.settings.tile_url)
