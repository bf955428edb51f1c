"""/jeux-de-donnees/<id>/historique: a dataset's versions as a timeline, and what changed between two of them (by
default the newest and the one before), a page of records at a time; `?version=`, `de=`, `page=`, and a view's
filters (the feed's links), all in the URL."""
from __future__ import annotations

import dash
from dash import dcc, html

from components.notices import address_notices, notices
from components.portal import current_portal
from data_access.history import archive
from features.historique.compare import OLDER, build
from features.historique.draw import refused_notice
from features.historique.draw_history import compare_form, diff_table, follow, timeline

PREFIX = "/jeux-de-donnees/"
SUFFIX = "/historique"

# order=0: before the dataset's page, whose template (/jeux-de-donnees/<dataset_id>) matches this path too
dash.register_page(__name__, path_template=PREFIX + "<dataset_id>" + SUFFIX, name="Historique", order=0,
                   title=lambda dataset_id=None, **_: _title(dataset_id))


def _title(dataset_id: str | None) -> str:
    dataset = current_portal().repository.catalogue.get(dataset_id or "")
    return f"{dataset.title} — historique des versions" if dataset else "Jeu de données introuvable"


def exists(dataset_id: str = "", **_variables) -> bool:
    return current_portal().repository.catalogue.get(dataset_id) is not None


def invalid(**params):
    """A version that cannot be shown: 400 malformed, 404 unknown, 410 past retention."""
    from components.controls import address_path

    path = address_path() or ""
    dataset = current_portal().repository.catalogue.get(path.removeprefix(PREFIX).removesuffix(SUFFIX))
    if dataset is None:
        return None
    from data_access.query import last

    try:  # the versions asked, found or refused: the diff itself is the layout's work
        for name in (archive.PARAMETER, OLDER):
            if params.get(name) is not None:
                archive.find(current_portal().repository.served_store.folder, dataset.id, last(params[name]))
    except archive.VersionRefused as exc:
        return exc.status, str(exc)
    return None


def layout(dataset_id: str = "", **params):
    repository = current_portal().repository
    dataset = repository.catalogue.get(dataset_id if isinstance(dataset_id, str) else "")
    if dataset is None:
        return html.Div([html.H1("Jeu de données introuvable"),
                         html.P(dcc.Link("Parcourir le catalogue", href="/catalogue"))], className="not-found")
    base = PREFIX + dataset.id
    header = [html.P([dcc.Link("Catalogue", href="/catalogue"), " › ", dcc.Link(dataset.title, href=base)],
                     className="breadcrumb-line"),
              html.H1(f"{dataset.title} : historique des versions"),
              html.P("Données de démonstration", className="badge-demo") if dataset.demo else None]
    try:
        history = build(repository.served_store.folder, dataset, params, repository.aliases(dataset.id))
    except archive.VersionRefused as exc:
        return html.Div(header + [refused_notice(base, exc)])
    if history.newer is None:
        return html.Div(header + [html.P(
            "Le portail n'a encore gardé aucune version de ce jeu de données : la première le sera à sa prochaine "
            "synchronisation. Il en garde ensuite une à chaque fois que son contenu change."),
            html.P(dcc.Link("Voir les données d'aujourd'hui", href=base))])
    return html.Div(header + [
        notices(history.errors),
        address_notices(history.notices),
        html.P(["Le portail garde chaque version du contenu de ce jeu de données : ce qui a été ajouté, supprimé et "
                "modifié à chaque mise à jour. ", dcc.Link("Voir les données d'aujourd'hui", href=base)]),
        html.P("Vue filtrée : " + " ; ".join(history.words), className="history-view") if history.words else None,
        follow(base, history),
        compare_form(base, history),
        diff_table(base, history),
        timeline(base, history),
    ], className="history-page")
