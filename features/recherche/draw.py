"""The search's results, grouped (dashboards, datasets, stories, communes, addresses), each a link to the view
already filtered; the « Vouliez-vous dire » line; and, when nothing is found, the closest words and the
catalogue's themes."""
from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html

from data_access.french import plural
from features.recherche.documents import Document
from features.recherche.index import Answer, Hit

GROUPS = (("tableau", "Tableaux de bord"), (("jeu", "valeur"), "Jeux de données"), ("recit", "Récits"),
          ("commune", "Communes"), ("adresse", "Adresses"))
PER_GROUP = 12
VALUES_PER_DATASET = 3  # a word found in many values of one dataset: its first values, then the next dataset


def results(answer: Answer, themes: list[str]) -> html.Div:
    """What the page shows under its field for `answer`."""
    if not answer.query.strip():
        return html.Div(html.P("Tapez un mot : une pathologie, une commune, une rue, un thème…"),
                        className="search-results")
    parts: list = []
    if answer.corrected:
        parts.append(html.P(["Aucun résultat pour « ", answer.query, " ». Vouliez-vous dire ",
                             dcc.Link(f"« {answer.corrected} »", href="/recherche?" + urlencode({"q": answer.corrected})),
                             " ? Voici ses résultats."], className="search-correction", role="status"))
    if not answer.hits:
        return html.Div(parts + _nothing(answer, themes), className="search-results")
    parts.append(html.P(f"{plural(len(answer.hits), 'résultat')} pour « {answer.corrected or answer.query} »",
                        role="status", className="result-count"))
    for kinds, heading in GROUPS:
        kinds = kinds if isinstance(kinds, tuple) else (kinds,)
        hits = _spread([h for h in answer.hits if h.kind in kinds])[:PER_GROUP]
        if hits:
            heading_id = f"recherche-{kinds[0]}"
            parts.append(html.Section([html.H2(f"{heading} ({len(hits)})", id=heading_id),
                                       html.Ul([_item(h) for h in hits])], **{"aria-labelledby": heading_id}))
    return html.Div(parts, className="search-results")


def _spread(hits: list[Hit]) -> list[Hit]:
    """At most VALUES_PER_DATASET values of one dataset, so that the other datasets show too."""
    seen: dict[str, int] = {}
    kept = []
    for hit in hits:
        if hit.kind == "valeur":
            seen[hit.title] = seen.get(hit.title, 0) + 1
            if seen[hit.title] > VALUES_PER_DATASET:
                continue
        kept.append(hit)
    return kept


def _item(hit: Hit) -> html.Li:
    children: list = [dcc.Link(hit.title, href=hit.url)]
    if hit.detail:
        children.append(html.Span(hit.detail, className="search-detail"))
    if hit.also_url:
        children.append(html.Span(["voir aussi : ", dcc.Link(hit.also_label, href=hit.also_url)],
                                  className="search-detail"))
    return html.Li(children)


def _nothing(answer: Answer, themes: list[str]) -> list:
    parts: list = [html.P(f"Aucun résultat pour « {answer.query} ».", role="status", className="result-count")]
    if answer.neighbours:
        parts.append(html.P(["Mots proches : ", *_joined([dcc.Link(w, href="/recherche?" + urlencode({"q": w}))
                                                          for w in answer.neighbours])]))
    if themes:
        parts.append(html.P(["Thèmes du catalogue : ", *_joined([
            dcc.Link(t, href="/catalogue?" + urlencode({"refine.theme": t})) for t in themes])]))
    parts.append(html.P(dcc.Link("Parcourir tout le catalogue", href="/catalogue")))
    return parts


def _joined(links: list) -> list:
    out: list = []
    for k, link in enumerate(links):
        out += ([", "] if k else []) + [link]
    return out


def dashboard_documents() -> list[Document]:
    """The dashboards and each of their sections, as their registry names them (drawing layer: passed plain to
    the index)."""
    from features.integration.vues import dashboards

    documents = []
    for tableau in dashboards().values():
        titles = {key: part.title for key, part in tableau.sections.items() if isinstance(part.title, str)}
        documents.append(Document("tableau", tableau.page_name, " ".join([tableau.label, *titles.values()]),
                                  tableau.path))
        documents += [Document("tableau", f"{title} — {tableau.page_name}", f"{title} {tableau.label}",
                               f"{tableau.path}#{tableau.sections[key].heading_id}", detail=tableau.page_name)
                      for key, title in titles.items()]
    return documents
