"""The history page's pieces: the versions as a timeline, the form that compares any two, and the diff's table, a
page at a time, its changed cells marked by more than colour (struck old value, underlined new one, an arrow,
the words « avant » and « après » for screen readers)."""
from __future__ import annotations

import datetime as dt

from dash import dcc, html

from data_access.french import format_int, plural
from data_access.history.feeds import feed_path, version_words
from data_access.history.versions import changes_words
from features.historique.compare import ALL_FIELDS, FIELDS, OLDER, PAGE, History
from features.historique.draw import href as _href

MARKS = {"ajouté": "+ ajouté", "supprimé": "− supprimé", "modifié": "✎ modifié"}


def timeline(base: str, history: History) -> html.Section:
    items = []
    for entry in history.versions:
        chosen = history.newer is not None and entry["version"] == history.newer["version"]
        items.append(html.Li([
            html.Span(version_words(entry).capitalize(), className="current" if chosen else None),
            f" : {plural(entry['rows'], 'ligne')} ; {changes_words(entry)}. ",
            html.Span("(version comparée) ", className="current") if chosen else
            dcc.Link("Ce qui a changé", href=_href(f"{base}/historique", [("version", entry["version"])]
                                                    + history.filters)),
            " · ", dcc.Link("Voir ces données", href=_href(base, [("version", entry["version"])] + history.filters)),
        ]))
    return html.Section([html.H2("Les versions"), html.Ol(items, className="history-timeline", reversed=True)],
                        **{"aria-label": "Les versions"})


def compare_form(base: str, history: History) -> html.Form:
    """Any two versions compared: a plain form (GET), which keeps the view's filters."""
    def choice(name: str, label: str, chosen: str | None) -> html.Label:
        return html.Label([label, html.Select(
            [html.Option(version_words(v), value=v["version"], selected=v["version"] == chosen or None)
             for v in history.versions], name=name, className="form-select")])

    return html.Form([
        choice(OLDER, "Version de départ", history.older["version"] if history.older else None),
        choice("version", "Version d'arrivée", history.newer["version"]),
        *[dcc.Input(type="hidden", name=k, value=v) for k, v in history.filters
          + ([(FIELDS, ALL_FIELDS)] if history.all_fields else [])],
        html.Button("Comparer", type="submit", className="btn btn-primary"),
    ], action=f"{base}/historique", method="get", className="history-compare")


def _value(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime) and value.time() == dt.time():  # a date field: its day alone
        return value.date().isoformat()
    return format_int(value) if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _cell(row, name: str) -> html.Td:
    if name in row.changed:
        return html.Td([html.Span("avant : ", className="visually-hidden"), html.Del(_value(row.before[name])),
                        " → ", html.Span("après : ", className="visually-hidden"), html.Ins(_value(row.after[name]))],
                       className="changed")
    shown = row.after if row.after is not None else row.before
    return html.Td(_value(shown.get(name)))


def diff_table(base: str, history: History) -> html.Section:
    changes = history.changes
    heading = ("Ce qui a changé entre la " + version_words(history.older) + " et la " + version_words(history.newer)
               if history.older else "Les lignes de la première version gardée, " + version_words(history.newer))
    said = changes_words({**history.newer, **changes.as_dict()})
    parts = [html.H2(heading), html.P(said.capitalize() + (" dans cette vue" if history.filters else "") + ".",
                                      role="status")]
    if changes.note:
        parts.append(html.P(changes.note.capitalize() + ".", className="notice-params"))
    if not history.rows:
        parts.append(html.P("Aucune ligne de cette vue n'a changé entre ces deux versions."))
        return html.Section(parts, **{"aria-label": "Ce qui a changé"})
    header = html.Tr([html.Th("Changement", scope="col")] + [html.Th(history.labels.get(c, c), scope="col")
                                                            for c in history.columns])
    body = [html.Tr([html.Td(MARKS[row.status])] + [_cell(row, c) for c in history.columns],
                    className=f"diff-{row.status}") for row in history.rows]
    caption = f"Page {history.page} sur {history.pages} : lignes ajoutées, puis modifiées, puis supprimées" + (
        " ; la clé, le titre et les champs modifiés seulement" if history.narrowed else "")
    parts.append(html.Div(html.Table([html.Caption(caption), html.Thead(header), html.Tbody(body)],
                                     className="history-diff"),
                          className="history-diff-wrap", tabIndex=0, role="region",
                          **{"aria-label": "Tableau des changements (défile horizontalement)"}))
    pairs = [("version", history.newer["version"])] + ([(OLDER, history.older["version"])] if history.older else [])
    pairs += history.filters
    if history.narrowed or history.all_fields:  # the other way to read the same table
        parts.insert(-1, html.P(dcc.Link("Afficher tous les champs" if history.narrowed else
                                         "Seulement la clé, le titre et les champs modifiés",
                                         href=_href(f"{base}/historique", pairs + (
                                             [(FIELDS, ALL_FIELDS)] if history.narrowed else []))),
                                className="history-fields"))
    pairs += [(FIELDS, ALL_FIELDS)] if history.all_fields else []
    links = []
    if history.page > 1:
        links.append(dcc.Link("← Page précédente", href=_href(f"{base}/historique", pairs + [(PAGE,
                                                                                             str(history.page - 1))])))
    if history.page < history.pages:
        links.append(dcc.Link("Page suivante →", href=_href(f"{base}/historique", pairs + [(PAGE,
                                                                                           str(history.page + 1))])))
    if links:
        parts.append(html.Nav(links, className="history-pages", **{"aria-label": "Pages des changements"}))
    return html.Section(parts, **{"aria-label": "Ce qui a changé"})


def follow(base: str, history: History) -> html.P:
    return html.P([html.A("Suivre (flux Atom)", href=feed_path(base, history.filters), rel="alternate", title="Flux Atom : s’y abonner avec un lecteur de flux"),
                   " : une entrée à chaque version où " + ("les lignes de cette vue changent" if history.filters else
                                                           "les données changent") + "."], className="dataset-follow")
