"""Embeddable views: the « Intégrer » disclosure that gives a view's <iframe> code (with its filters) and the
snippet that lets the iframe size itself, and the frame of a view shown alone under /integrer/… (its title, the
view, a source line with the licence, the data's date and a link to the full view)."""
from __future__ import annotations

import html as html_text
from urllib.parse import urlencode, urlsplit

from dash import html
from flask import has_request_context, request

from data_access.french import format_date

PREFIX = "/integrer"
MESSAGE_TYPE = "portail-integration"  # what an embed posts to the page that frames it (assets/integration.js)
HEIGHTS = {"chart": 720, "map": 640, "table": 560, "figures": 360, "figure": 220}  # first height, before a resize
NO_QUERY_KEYS = ("vue",)  # never carried into an embed's address


def portal_origin() -> str:
    """The portal's public address (PUBLIC_URL, else the request's host)."""
    from components.portal import current_portal

    public = current_portal().settings.public_url
    if public:
        return public.rstrip("/")
    return request.host_url.rstrip("/") if has_request_context() else ""


def query_of(params) -> list[tuple[str, str]]:
    """A page's parameters (Dash gives a str, or a list for a repeated key) as pairs, in order."""
    pairs = []
    for key, value in (params.items() if isinstance(params, dict) else params):
        if key in NO_QUERY_KEYS:
            continue
        for one in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(one, str):
                pairs.append((key, one))
    return pairs


def embed_path(view_path: str, pairs: list[tuple[str, str]]) -> str:
    """The embed's own address for a view (`/integrer` + the view's path), with its parameters."""
    query = urlencode(pairs)
    return f"{PREFIX}{view_path}" + (f"?{query}" if query else "")


def iframe_code(src: str, title: str, height: int, width: str = "100%") -> str:
    """The <iframe> element a site pastes; its title names the view for screen readers."""
    return (f'<iframe src="{html_text.escape(src)}" title="{html_text.escape(title)}" width="{width}" '
            f'height="{height}" style="border:0;max-width:100%" loading="lazy"></iframe>')


def resize_snippet(portal: str) -> str:
    """The script a site adds once: it sets each embed's height to its content's, as the embed reports it (a
    message is taken only from the portal's origin: its scheme and host, never PUBLIC_URL's path)."""
    parts = urlsplit(portal)
    origin = f"{parts.scheme}://{parts.netloc}"
    return ("<script>\nwindow.addEventListener(\"message\", function (e) {\n"
            f"  if (e.origin !== {_js(origin)} || !e.data || e.data.type !== \"{MESSAGE_TYPE}\") return;\n"
            "  document.querySelectorAll(\"iframe\").forEach(function (f) {\n"
            "    if (f.contentWindow === e.source) f.style.height = e.data.hauteur + \"px\";\n"
            "  });\n});\n</script>")


def _js(text: str) -> str:
    import json

    return json.dumps(text).replace("</", "<\\/")


def embed_button(view_path: str, pairs: list[tuple[str, str]], title: str, kind: str) -> html.Details:
    """« Intégrer »: the iframe code of this view with its filters, and the resize snippet, ready to copy."""
    origin = portal_origin()
    src = origin + embed_path(view_path, pairs)
    code = iframe_code(src, title, HEIGHTS.get(kind, 600))
    return html.Details([
        html.Summary(["Intégrer", html.Span(f" « {title} »", className="visually-hidden")]),
        html.P("Copiez ce code dans votre page : la vue s'y affiche avec ses filtres, à jour à chaque "
               "actualisation des données, avec sa source et sa licence."),
        html.Label(["Code de l'iframe", html.Textarea(code, readOnly=True, rows=3, className="form-control code")],
                   className="embed-field"),
        html.Label(["Script d'ajustement de la hauteur (une fois par page)",
                    html.Textarea(resize_snippet(origin), readOnly=True, rows=8, className="form-control code")],
                   className="embed-field"),
        html.P(["Adresse de la vue seule : ", html.A(src, href=src, target="_blank", rel="noopener")],
               className="embed-address"),
    ], className="embed-menu print-hide")


def source_line(dataset, link, rows_text: str | None = None, as_of=None) -> html.P:
    """A view's source line: the dataset, its publisher and licence, the data's date (`as_of`, a past version's,
    else the catalogue's), and `link` to the full view (an embed's opens outside its frame)."""
    refreshed = format_date(as_of or dataset.modified) if as_of or dataset.modified else "date inconnue"
    return html.P([
        f"Source : {dataset.title} — {dataset.publisher or 'éditeur non précisé'}, "
        f"{dataset.license or 'licence non précisée'}, données au {refreshed}"
        + (f" ; {rows_text}" if rows_text else "") + (" — données de démonstration" if dataset.demo else "") + ". ",
        link,
    ], className="source-line")


def frame(title: str, content, source, subtitle: str | None = None) -> html.Div:
    """A view alone: its title, the view, its source line."""
    return html.Div([html.H1(title, className="embed-title"),
                     html.P(subtitle, className="embed-subtitle") if subtitle else None,
                     content, source], className="embed")


def refusal(title: str, text: str, link: str | None = None) -> html.Div:
    return html.Div([html.H1(title, className="embed-title"),
                     html.P([text, " ", html.A("Ouvrir le portail", href=link or "/", target="_blank",
                                               rel="noopener")], className="notice-params", role="note")],
                    className="embed")
