"""On paper: the line that says what a printed page shows (its title, the data's date, the filters and the
source), at the top of the first page and, through assets/impression.js, in every page's margins with the page
numbers; and the « Imprimer / PDF » button."""
from __future__ import annotations

from dash import html


def print_header(title: str, date_words: str, filters: str, source: str) -> html.Div:
    """The print-only header; its data-impression-* attributes feed the margins of every printed page."""
    return html.Div([html.Strong(title), f" — {date_words} — {filters} — source : {source}"],
                    className="print-only print-header", **{
                        "data-impression-titre": title, "data-impression-date": date_words,
                        "data-impression-filtres": filters, "data-impression-source": f"Source : {source}"})


def print_button(what: str = "cette page") -> html.Button:
    """Prints the page (assets/impression.js): the browser's dialog also saves it as a PDF."""
    return html.Button("Imprimer / PDF", type="button", className="btn btn-outline-primary btn-sm print-button",
                       title=f"Imprimer {what} ou l'enregistrer en PDF", **{"data-imprimer": "oui"})


def source_words(datasets) -> str:
    """The datasets a view draws on, each once, then their publishers and licences, each once."""
    chosen = list({d.id: d for d in datasets if d is not None}.values())
    if not chosen:
        return "portail open data de la Métropole"
    publishers = list(dict.fromkeys(d.publisher for d in chosen if d.publisher))
    licences = list(dict.fromkeys(d.license for d in chosen if d.license))
    return " ; ".join(d.title for d in chosen) + "".join(f" — {', '.join(p)}" for p in (publishers, licences) if p)
