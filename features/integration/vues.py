"""The portal's views that can be shown outside their page, in an embed (/integrer/…) or a story's block: a
dataset's chart, map or table tab, and a dashboard's sections (its key figures, its map, each chart), drawn by
the pages' own code from the same parameters, so they show what the page shows.

A dashboard's section is drawn from the dashboard's view model by the section registered under its key
(features/<dashboard>/draw_sections.py, `TABLEAU`), as the page draws it; a key figure is found by its stable key
in the view model's key figures, never by its label. The stores the page's callbacks read come with it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from dash import html

from components import dataset_tabs
from components.tables import scroll_table
from data_access.dataset_view import is_year_field
from data_access.french import format_int, plural
from data_access.history import archive
from data_access.tableaux import Indisponible, find_figure
from features.historique.draw import href, version_banner
from features.integration.draw_sections import Partie, Tableau, figure_card

DASHBOARD_PREFIX = "/tableaux-de-bord/"
TABLE_ROWS = 10  # a table shown outside its page: the first rows, with a link to the whole table
DATASET_TABS = ("chart", "map", "table")


class ViewError(ValueError):
    """A view that cannot be drawn: the message says why, in French."""


class VersionError(ViewError):
    """A dataset's view asked in a version that cannot be shown: 400 malformed, 404 unknown, 410 past retention."""

    def __init__(self, refused: archive.VersionRefused):
        super().__init__(str(refused))
        self.status = refused.status


TODAY_ONLY = ("version : un tableau de bord montre les données du jour ; les versions passées se consultent "
              "depuis le jeu de données lui-même (/jeux-de-donnees/<id>?version=…)")


@dataclass
class View:
    """A view ready to show: its title, its content, the dataset it comes from, the page it belongs to."""

    title: str
    content: object
    dataset: object
    page: str  # the full view's address (path and query)
    rows: int | None = None
    kind: str = "chart"
    stores: list = field(default_factory=list)  # a dashboard's stores, for its section's callbacks
    subtitle: str | None = None
    as_of: object = None  # the day of the data shown, when it is a past version's (else the catalogue's date)


# ---- a dataset's tabs ----------------------------------------------------------------------------------------------


def dataset_view(repository, dataset_id: str, pairs: list[tuple[str, str]], tab: str | None, ids: str,
                 tile_url: str) -> View:
    """A dataset's chart, map or table tab for these parameters (`version=`: as it was in that version the history
    keeps, said by a short banner); `ids` prefixes the components' ids. VersionError for a version that cannot be
    shown."""
    from data_access.analysis import parse_chart
    from data_access.query import parse_query
    from data_access.repository import DatasetUnavailable

    dataset = repository.catalogue.get(dataset_id)
    if dataset is None:
        raise ViewError(f"jeu de données « {dataset_id} » inconnu du catalogue")
    try:
        pinned = archive.pinned(repository, dataset_id, dict(pairs).get(archive.PARAMETER))
        backend = archive.backend_of(repository, dataset_id, pinned)
        table = archive.table_of(repository, dataset_id, pinned)
    except archive.VersionRefused as exc:
        raise VersionError(exc) from None
    except DatasetUnavailable as exc:
        raise ViewError(f"jeu de données « {dataset_id} » indisponible : {exc}") from None
    filters = [(k, v) for k, v in pairs if k not in ("tab", archive.PARAMETER) + dataset_tabs.CHART_PARAMS]
    query, errors = parse_query(filters, backend.fields,
                                aliases=None if pinned else repository.aliases(dataset_id))
    if errors:
        raise ViewError("filtre refusé : " + " ; ".join(f"{e.param} : {e.message}" for e in errors))
    spec, chart_errors = parse_chart(dict(pairs), table)
    tab = tab or ("chart" if spec.x is not None else "table")
    if tab not in DATASET_TABS or (tab == "map" and backend.geometry_field is None):
        raise ViewError(f"le jeu de données « {dataset_id} » n'a pas d'onglet « {tab} » à montrer seul "
                        "(graphique, carte ou tableau)")
    rows = backend.count(query)
    chart_pairs = [(k, v) for k, v in pairs if k in dataset_tabs.CHART_PARAMS] if tab == "chart" else []
    base, today = f"/jeux-de-donnees/{dataset_id}", [("tab", tab)] + list(query.params) + chart_pairs
    page = href(base, today[:1] + ([(archive.PARAMETER, pinned.version)] if pinned else []) + today[1:])
    filters_text = _filters_text(query, backend.fields)
    if tab == "chart":
        if chart_errors:
            raise ViewError("graphique refusé : " + " ; ".join(f"{e.param} : {e.message}" for e in chart_errors))
        if spec.x is None:
            raise ViewError(f"le jeu de données « {dataset_id} » n'a pas de champ à représenter en graphique")
        content = dataset_tabs.chart_of(table, backend.positions(query).to_numpy(), spec, f"{ids}-graphique")
    elif tab == "map":
        content = dataset_tabs.map_view(dataset, table, backend.positions(query).to_numpy(), urlencode(query.params),
                                        pinned.version if pinned else repository.version(dataset_id), tile_url,
                                        map_id=f"{ids}-carte", past=pinned is not None)
    else:
        content = first_rows(backend, query, rows)
    if pinned is not None:  # the data as it was, said before it
        content = html.Div([version_banner(base, pinned, today, compact=True), content])
    return View(dataset.title, content, dataset, page, rows, kind=tab, subtitle=filters_text,
                as_of=pinned.moment.date() if pinned else None)


def _filters_text(query, fields) -> str:
    from data_access.query import describe_query

    described = describe_query(query, fields)
    return ("Filtres : " + " ; ".join(described)) if described else "Toutes les lignes"


def first_rows(backend, query, total: int) -> html.Div:
    """The first rows of a view as a plain table (its columns: `select=`, else the first ones)."""
    by_name = {f.name: f for f in backend.fields}
    fields = [by_name[n] for n in query.select if n in by_name] if query.select else \
        [f for f in backend.fields if not f.is_geo][:6]
    rows = backend.rows(query, [f.name for f in fields], limit=TABLE_ROWS).to_pylist()
    body = [html.Tr([html.Td(_cell(row.get(f.name), _as_is(f))) for f in fields]) for row in rows]
    caption = f"Les {min(total, TABLE_ROWS)} premières lignes sur {format_int(total)}" if total > TABLE_ROWS \
        else plural(total, "ligne")
    # wider than a phone: it scrolls on its own, not the page
    return scroll_table(html.Table([html.Caption(caption),
                                    html.Thead(html.Tr([html.Th(f.label, scope="col") for f in fields])),
                                    html.Tbody(body)], className="table table-sm"), caption)


def _as_is(field) -> bool:
    """A number written as it is, without a separator: a year (« 2015 ») or an identifier (« id_station »)."""
    return is_year_field(field) or re.search(r"(^|_)(id|code|insee|numero|num|cp|siren|siret)(_|$)",
                                             field.name.lower()) is not None


def _cell(value, as_is: bool = False) -> str:
    """A cell as text: a date the French way, a year or an identifier as it is, other numbers with a thin space
    between thousands."""
    if value is None:
        return "—"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if as_is and isinstance(value, (int, float)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return format_int(value)
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", "\u202f").replace(".", ",").rstrip("0").rstrip(",")
    return str(value)


# ---- a dashboard's sections ----------------------------------------------------------------------------------------


def dashboards() -> dict[str, Tableau]:
    """The dashboards whose sections can be shown alone, by their address's name (/tableaux-de-bord/<name>)."""
    from features.sante.draw_sections import TABLEAU as SANTE
    from features.transports.draw_sections import TABLEAU as TRANSPORTS
    from features.travaux.draw_sections import TABLEAU as TRAVAUX

    return {tableau.name: tableau for tableau in (TRAVAUX, SANTE, TRANSPORTS)}


def dashboard(name: str) -> Tableau | None:
    """The dashboard of /tableaux-de-bord/<name>, when it offers sections to embed."""
    return dashboards().get(name)


def dashboard_sections(name: str) -> dict[str, Partie]:
    """The sections of the dashboard other sites can embed, by key (none for an unknown dashboard)."""
    tableau = dashboard(name)
    return dict(tableau.sections) if tableau else {}


def page_name(tableau: Tableau | None) -> str:
    return tableau.page_name if tableau else "Tableau de bord"


def _vue(repository, tableau: Tableau, section: str, pairs: list[tuple[str, str]], drawn: dict | None):
    """The dashboard's view model for these parameters; `drawn` keeps those built for one page (a story shows
    several parts of one dashboard: its view model is built once). A dashboard reads today's tables: a
    `version=` is refused."""
    if any(key == archive.PARAMETER for key, _ in pairs):
        raise ViewError(TODAY_ONLY)
    key = (tableau.name, tuple(pairs))
    vue = drawn.get(key) if drawn is not None else None
    if vue is None:
        vue = tableau.vue(repository, _as_params(pairs))
        if drawn is not None:
            drawn[key] = vue
    if isinstance(vue, Indisponible):
        raise ViewError(f"la partie « {section} » du tableau de bord « {tableau.name} » n'est pas disponible avec ces "
                        "données ou ces paramètres")
    return vue


def _known(name: str) -> Tableau:
    tableau = dashboard(name)
    if tableau is None:
        raise ViewError(f"« {DASHBOARD_PREFIX}{name} » n'est pas un tableau de bord du portail")
    return tableau


def _page(name: str, pairs: list[tuple[str, str]]) -> str:
    return DASHBOARD_PREFIX + name + ("?" + urlencode(pairs) if pairs else "")


def dashboard_view(repository, name: str, section: str, pairs: list[tuple[str, str]], tile_url: str = "",
                   drawn: dict | None = None) -> View:
    """A dashboard's section for these parameters, drawn from the dashboard's view model by its registered
    section, with the stores its callbacks read."""
    tableau = _known(name)
    if section not in tableau.sections:
        raise ViewError(f"le tableau de bord « {name} » n'a pas de partie « {section} » (parties : "
                        f"{', '.join(tableau.sections)})")
    vue = _vue(repository, tableau, section, pairs, drawn)
    part = tableau.sections[section]
    children = part.draw(vue, tile_url)
    dataset = part.dataset(vue)
    if children is None or dataset is None:
        raise ViewError(f"la partie « {section} » du tableau de bord « {name} » n'est pas disponible avec ces "
                        "données ou ces paramètres")
    return View(part.heading(vue), html.Div(children), dataset, _page(name, pairs), kind=part.kind,
                stores=tableau.stores(vue), subtitle=tableau.page_name)


def key_figure(repository, name: str, which: str, pairs: list[tuple[str, str]], drawn: dict | None = None) -> View:
    """One key figure of a dashboard: `which` is its position (1, 2…) or its stable key (`en-retard`,
    `termines-en`), or the start of it; never its label, which may be reworded."""
    tableau = _known(name)
    vue = _vue(repository, tableau, "chiffres", pairs, drawn)
    figures = tableau.chiffres(vue)
    chosen = find_figure(figures, which)
    if chosen is None:
        keys = ", ".join(f"« {f.key} »" for f in figures)
        raise ViewError(f"le tableau de bord « {name} » n'a pas de chiffre clé « {which} » (chiffres : {keys})")
    return View(chosen.label, figure_card(chosen), vue.dataset, _page(name, pairs), kind="figure",
                stores=tableau.stores(vue), subtitle=tableau.page_name)


def _as_params(pairs: list[tuple[str, str]]) -> dict:
    params: dict = {}
    for key, value in pairs:
        params[key] = [*params[key], value] if isinstance(params.get(key), list) else \
            [params[key], value] if key in params else value
    return params
