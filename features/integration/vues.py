"""The portal's views that can be shown outside their page, in an embed (/integrer/…) or a story's block: a
dataset's chart, map or table tab, and a dashboard's sections (its key figures, its map, each chart), drawn by
the pages' own code from the same parameters, so they show what the page shows.

A dashboard's section is taken from the dashboard's own layout, found by its heading's id (`EMBEDS` in the page
module: section key -> (heading id, kind[, the id of the store that names its dataset])); the page's stores come
with it, for its callbacks."""
from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlencode

import dash
from dash import dcc, html

from components import dataset_tabs
from data_access.french import format_int, plural

DASHBOARD_PREFIX = "/tableaux-de-bord/"
TABLE_ROWS = 10  # a table shown outside its page: the first rows, with a link to the whole table
DATASET_TABS = ("chart", "map", "table")


class ViewError(ValueError):
    """A view that cannot be drawn: the message says why, in French."""


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


# ---- a dataset's tabs ----------------------------------------------------------------------------------------------


def dataset_view(repository, dataset_id: str, pairs: list[tuple[str, str]], tab: str | None, ids: str,
                 tile_url: str) -> View:
    """A dataset's chart, map or table tab for these parameters; `ids` prefixes the components' ids."""
    from data_access.analysis import parse_chart
    from data_access.query import parse_query
    from data_access.repository import DatasetUnavailable

    dataset = repository.catalogue.get(dataset_id)
    if dataset is None:
        raise ViewError(f"jeu de données « {dataset_id} » inconnu du catalogue")
    try:
        backend = repository.backend(dataset_id)
        table = repository.table(dataset_id)
    except DatasetUnavailable as exc:
        raise ViewError(f"jeu de données « {dataset_id} » indisponible : {exc}") from None
    filters = [(k, v) for k, v in pairs if k not in ("tab",) + dataset_tabs.CHART_PARAMS]
    query, errors = parse_query(filters, backend.fields)
    if errors:
        raise ViewError("filtre refusé : " + " ; ".join(f"{e.param} : {e.message}" for e in errors))
    spec, chart_errors = parse_chart(dict(pairs), table)
    tab = tab or ("chart" if spec.x is not None else "table")
    if tab not in DATASET_TABS or (tab == "map" and backend.geometry_field is None):
        raise ViewError(f"le jeu de données « {dataset_id} » n'a pas d'onglet « {tab} » à montrer seul "
                        "(graphique, carte ou tableau)")
    rows = backend.count(query)
    chart_pairs = [(k, v) for k, v in pairs if k in dataset_tabs.CHART_PARAMS] if tab == "chart" else []
    page = f"/jeux-de-donnees/{dataset_id}?" + urlencode([("tab", tab)] + list(query.params) + chart_pairs)
    filters_text = _filters_text(query, backend.fields)
    if tab == "chart":
        if chart_errors:
            raise ViewError("graphique refusé : " + " ; ".join(f"{e.param} : {e.message}" for e in chart_errors))
        if spec.x is None:
            raise ViewError(f"le jeu de données « {dataset_id} » n'a pas de champ à représenter en graphique")
        content = dataset_tabs.chart_of(table, backend.positions(query).to_numpy(), spec, f"{ids}-graphique")
    elif tab == "map":
        content = dataset_tabs.map_view(dataset, table, backend.positions(query).to_numpy(), urlencode(query.params),
                                        repository.version(dataset_id), tile_url, map_id=f"{ids}-carte")
    else:
        content = first_rows(backend, query, rows)
    return View(dataset.title, content, dataset, page, rows, kind=tab, subtitle=filters_text)


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
    body = [html.Tr([html.Td(_cell(row.get(f.name))) for f in fields]) for row in rows]
    caption = f"Les {min(total, TABLE_ROWS)} premières lignes sur {format_int(total)}" if total > TABLE_ROWS \
        else plural(total, "ligne")
    return html.Div(html.Table([html.Caption(caption),
                                html.Thead(html.Tr([html.Th(f.label, scope="col") for f in fields])),
                                html.Tbody(body)], className="table table-sm"),
                    className="table-scroll", tabIndex="0", role="region", **{"aria-label": caption})


def _cell(value) -> str:
    if value is None:
        return "—"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", "\u202f").replace(".", ",").rstrip("0").rstrip(",")
    return str(value)


# ---- a dashboard's sections ----------------------------------------------------------------------------------------


def dashboard_module(name: str):
    """The page module of /tableaux-de-bord/<name>, when it offers sections to embed."""
    path = DASHBOARD_PREFIX + name
    for page in dash.page_registry.values():
        if page.get("path") == path:
            module = sys.modules.get(page["module"])
            return module if getattr(module, "EMBEDS", None) else None
    return None


def view_module(path: str) -> str:
    """The module name of the page registered at `path`."""
    return next(p["module"] for p in dash.page_registry.values() if p.get("path") == path)


def dashboard_sections(name: str) -> dict:
    module = dashboard_module(name)
    return dict(module.EMBEDS) if module else {}


def dashboard_view(repository, name: str, section: str, pairs: list[tuple[str, str]],
                   drawn: dict | None = None) -> View:
    """A dashboard's section for these parameters, drawn by the dashboard itself. `drawn` keeps the dashboards
    drawn for one page (a story shows several sections of one dashboard: it is drawn once)."""
    module = dashboard_module(name)
    if module is None:
        raise ViewError(f"« {DASHBOARD_PREFIX}{name} » n'est pas un tableau de bord du portail")
    if section not in module.EMBEDS:
        raise ViewError(f"le tableau de bord « {name} » n'a pas de partie « {section} » (parties : "
                        f"{', '.join(module.EMBEDS)})")
    heading_id, kind, *store = module.EMBEDS[section]
    key = (name, tuple(pairs))
    tree = drawn.get(key) if drawn is not None else None
    if tree is None:
        tree = module.draw(**_as_params(pairs))
        if drawn is not None:
            drawn[key] = tree
    found = find_section(tree, heading_id)
    # the dataset the section shows: the page's store (the dataset page's id), or the section's own
    dataset = repository.catalogue.get(str(_store_data(tree, store[0] if store else dataset_tabs.DATASET_STORE_ID)
                                           or ""))
    if found is None or dataset is None:
        raise ViewError(f"la partie « {section} » du tableau de bord « {name} » n'est pas disponible avec ces "
                        "données ou ces paramètres")
    heading, *children = found.children
    page = DASHBOARD_PREFIX + name + ("?" + urlencode(pairs) if pairs else "")
    return View(_text(heading), html.Div(children), dataset, page, kind=kind, stores=stores_of(tree),
                subtitle=page_name(module))


def page_name(module) -> str:
    page = dash.page_registry.get(module.__name__)
    return f"Tableau de bord {page['name']}" if page else "Tableau de bord"


def key_figure(repository, name: str, which: str, pairs: list[tuple[str, str]], drawn: dict | None = None) -> View:
    """One key figure of a dashboard: `which` is its position (1, 2…) or the start of its label, without accents
    (`en-retard`, `termines-en`)."""
    view = dashboard_view(repository, name, "chiffres", pairs, drawn)
    cards = [c for c in _walk(view.content) if "kpi-card" in str(getattr(c, "className", "") or "").split()]
    chosen = None
    if re.fullmatch(r"[1-9][0-9]{0,2}", which):
        chosen = cards[int(which) - 1] if int(which) <= len(cards) else None
    else:
        chosen = next((c for c in cards if slug(_text(c.children[0])).startswith(slug(which))), None)
    if chosen is None:
        labels = ", ".join(f"« {slug(_text(c.children[0]))} »" for c in cards)
        raise ViewError(f"le tableau de bord « {name} » n'a pas de chiffre clé « {which} » (chiffres : {labels})")
    view.content = html.Dl(chosen, className="kpi-list kpi-single")
    view.title = _text(chosen.children[0])
    view.kind = "figure"
    return view


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def _as_params(pairs: list[tuple[str, str]]) -> dict:
    params: dict = {}
    for key, value in pairs:
        params[key] = [*params[key], value] if isinstance(params.get(key), list) else \
            [params[key], value] if key in params else value
    return params


def _walk(component):
    """Every component of a tree, depth first."""
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            yield from _walk(child)


def find_section(tree, heading_id: str):
    return next((c for c in _walk(tree) if getattr(c, "aria-labelledby", None) == heading_id
                 and isinstance(c, html.Section)), None)


def stores_of(tree) -> list:
    return [c for c in _walk(tree) if isinstance(c, dcc.Store)]


def _store_data(tree, store_id: str):
    return next((c.data for c in stores_of(tree) if getattr(c, "id", None) == store_id), None)


def _text(component) -> str:
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return "".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def with_embed_buttons(tree, view_path: str, embeds: dict, params) -> object:
    """A dashboard's layout with an « Intégrer » disclosure at the end of each section other sites can embed,
    giving that section's iframe with the page's parameters."""
    from features.integration.draw import embed_button, query_of

    pairs = query_of(params)
    for key, (heading_id, kind, *_store) in embeds.items():
        found = find_section(tree, heading_id)
        if found is not None:
            title = f"{_text(found.children[0])} — {page_name(sys.modules[view_module(view_path)])}"
            found.children = [*found.children, embed_button(f"{view_path}/{key}", pairs, title, kind)]
    return tree
