"""A dashboard's sections, registered under stable keys: each is drawn from the dashboard's view model alone, by
its page (with an « Intégrer » disclosure), by an embed (/integrer/tableaux-de-bord/<name>/<key>) and by a
story's live block. Nothing is looked for in a drawn page: the registry says what each section is."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from dash import html

from components.controls import dataset_picker
from components.kpi import kpi_list
from components.notices import unavailable
from components.portal import current_portal
from components.shell import section
from data_access.tableaux import ChiffreCle, Indisponible


@dataclass(frozen=True)
class Partie:
    """One section of a dashboard: its heading (a text, or a function of the view model), its heading's id, the
    kind of view it is (figures, chart, map), how to draw what follows the heading (a list of components, or
    None when the view model has nothing to show there), and the dataset it shows (the page's by default)."""

    title: str | Callable
    heading_id: str
    kind: str
    draw: Callable  # (view model, tile URL) -> list | None
    dataset: Callable = field(default=lambda vue: vue.dataset)
    props: dict = field(default_factory=dict)  # the section's own properties on the page (className…)

    def heading(self, vue) -> str:
        return self.title(vue) if callable(self.title) else self.title


@dataclass(frozen=True)
class Tableau:
    """A dashboard: its address's name, its page's name and path, the function that builds its view model for a
    URL's parameters (or `Indisponible`), its sections by key, its key figures and the stores its callbacks
    read."""

    name: str
    label: str
    path: str
    vue: Callable  # (repository, params) -> view model | Indisponible
    sections: dict[str, Partie]
    chiffres: Callable  # view model -> list[ChiffreCle]
    stores: Callable  # view model -> list of dcc.Store

    @property
    def page_name(self) -> str:
        return f"Tableau de bord {self.label}"


@dataclass(frozen=True)
class Debut:
    """A dashboard page's start: the running portal, the view model for the URL's parameters and the dataset
    picker (None with a single dataset); or, when the dashboard cannot be drawn, the page that says why."""

    portal: object
    vue: object
    picker: object
    page: html.Div | None = None


def dashboard_start(tableau: Tableau, heading: str, picker_id: str, params: dict) -> Debut:
    """The dashboards' preamble, drawn once for the three: the view model (data_access/tableaux.py picks the
    dataset and checks its roles), the picker among the datasets that feed the dashboard, and the French notice
    under the page's heading when it is unavailable (`page`, to return as is)."""
    portal = current_portal()
    vue = tableau.vue(portal.repository, params)
    picker = dataset_picker(list(vue.choices), vue.dataset, picker_id) if vue.dataset else None
    page = unavailable(heading, vue.raison, picker) if isinstance(vue, Indisponible) else None
    return Debut(portal, vue, picker, page)


def draw_section(tableau: Tableau, key: str, vue, tile_url: str, params=None) -> html.Section | None:
    """The section `key` of the dashboard drawn from its view model, or None when it has nothing to show; with
    `params` (the page's), its « Intégrer » disclosure at its end."""
    part = tableau.sections[key]
    children = part.draw(vue, tile_url)
    if children is None:
        return None
    title = part.heading(vue)
    if params is not None:
        from features.integration.draw import embed_button, query_of

        children = [*children, embed_button(f"{tableau.path}/{key}", query_of(params),
                                            f"{title} — {tableau.page_name}", part.kind)]
    return section(title, part.heading_id, *children, **part.props)


def figure_card(figure: ChiffreCle) -> html.Dl:
    """One key figure alone, as the page draws it in its list."""
    return html.Dl(kpi_list([figure.item]).children[0], className="kpi-list kpi-single")
