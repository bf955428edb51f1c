"""A story's body as Dash components: markdown-it-py's tokens (raw HTML off) turned into html.* elements, and
its live blocks drawn by the portal's own pieces, each with its source line and a link to its view. A block that
cannot be drawn shows a notice where it stands; the rest of the story renders."""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from dash import dcc, html

from components.format import format_date, format_int, plural
from data_access.recits import INLINE, Block, check_block, parser

TABLE_ROWS = 10  # a `tableau` block shows the first rows, with a link to the whole table
SAFE_LINKS = ("https://", "http://", "mailto:", "/", "#")
TAGS = {"p": html.P, "h1": html.H2, "h2": html.H2, "h3": html.H3, "h4": html.H4, "h5": html.H5, "h6": html.H6,
        "ul": html.Ul, "ol": html.Ol, "li": html.Li, "blockquote": html.Blockquote, "table": html.Table,
        "thead": html.Thead, "tbody": html.Tbody, "tr": html.Tr, "th": html.Th, "td": html.Td, "em": html.Em,
        "strong": html.Strong, "s": html.S}


class _Drawer:
    """Draws one story's blocks; numbers them so that each chart has its own id."""

    def __init__(self, repository, story):
        self.repository, self.story, self.count = repository, story, 0

    def block(self, kind: str, url: str, line: int):
        block = Block(kind, url, line)
        reason = check_block(self.repository, block)
        if reason:
            return broken(block, reason)
        self.count += 1
        return {"graphique": self._chart, "tableau": self._table}[kind](block)

    def number(self, url: str, line: int):
        block = Block("nombre", url, line, inline=True)
        reason = check_block(self.repository, block)
        if reason:
            return html.Span(f"[nombre indisponible : {reason}]", className="recit-casse", role="note")
        backend, query = self._view(block)
        return dcc.Link(format_int(backend.count(query)), href=block.url, className="recit-nombre",
                        title="Chiffre calculé sur les données du portail ; ouvrir la vue")

    def _view(self, block: Block):
        from data_access.query import parse_query
        from data_access.recits import CHART_KEYS

        backend = self.repository.backend(block.dataset_id)
        query, _ = parse_query([(k, v) for k, v in block.params if k not in ("tab",) + CHART_KEYS], backend.fields)
        return backend, query

    def _chart(self, block: Block):
        from components.dataset_tabs import chart_of
        from data_access.analysis import parse_chart

        backend, query = self._view(block)
        table = self.repository.table(block.dataset_id)
        spec, _ = parse_chart(dict(block.params), table)
        card = chart_of(table, backend.positions(query).to_numpy(), spec, f"recit-graphique-{self.count}")
        return self._framed(block, card, backend.count(query))

    def _table(self, block: Block):
        backend, query = self._view(block)
        # the columns the block names (`select=`, as in the grammar), else the first ones
        by_name = {f.name: f for f in backend.fields}
        fields = [by_name[n] for n in query.select if n in by_name] if query.select else \
            [f for f in backend.fields if not f.is_geo][:6]
        rows = backend.rows(query, [f.name for f in fields], limit=TABLE_ROWS).to_pylist()
        total = backend.count(query)
        body = [html.Tr([html.Td(_cell(row.get(f.name))) for f in fields]) for row in rows]
        caption = f"Les {min(total, TABLE_ROWS)} premières lignes sur {format_int(total)}" if total > TABLE_ROWS \
            else plural(total, "ligne")
        table = html.Div(html.Table([html.Caption(caption),
                                     html.Thead(html.Tr([html.Th(f.label, scope="col") for f in fields])),
                                     html.Tbody(body)], className="table table-sm"),
                         className="table-scroll", tabIndex="0", role="region", **{"aria-label": caption})
        return self._framed(block, table, total, tab="table")

    def _framed(self, block: Block, content, rows: int, tab: str | None = None):
        dataset = self.repository.catalogue.get(block.dataset_id)
        path = urlsplit(block.url)
        pairs = [(k, v) for k, v in block.params if k != "tab"] + ([("tab", tab)] if tab else
                                                                   [("tab", dict(block.params).get("tab", "chart"))])
        link = f"{path.path}?{urlencode(pairs)}"
        refreshed = format_date(dataset.modified) if dataset.modified else "date inconnue"
        return html.Div([
            content,
            html.P([f"Source : {dataset.title} — {dataset.publisher or 'éditeur non précisé'}, "
                    f"{dataset.license or 'licence non précisée'}, données au {refreshed} ; "
                    f"{plural(rows, 'ligne')} retenue{'s' if rows > 1 else ''}. ",
                    dcc.Link("Ouvrir cette vue", href=link)], className="source-line"),
        ], className=f"recit-bloc recit-{block.kind}")


def _cell(value) -> str:
    if value is None:
        return "—"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", "\u202f").replace(".", ",").rstrip("0").rstrip(",")
    return str(value)


def broken(block: Block, reason: str) -> html.Div:
    return html.Div([html.Strong("Ce bloc ne peut pas être affiché. "), reason, "."],
                    className="notice-params recit-casse", role="note")


def story_body(repository, story) -> list:
    """The story's body as components."""
    drawer = _Drawer(repository, story)
    stack: list[list] = [[]]
    for token in parser().parse(story.body):
        line = story.body_line + (token.map[0] if token.map else 0)
        if token.nesting == 1:
            stack.append([])
        elif token.nesting == -1:
            children = stack.pop()
            maker = TAGS.get(token.tag, html.Div)
            stack[-1].append(maker(children, **_attrs(token)))
        elif token.type == "inline":
            stack[-1].extend(_inline(token.children or [], drawer, line))
        elif token.type == "fence":
            kind = token.info.strip()
            stack[-1].append(drawer.block(kind, token.content.strip(), line) if kind in BLOCKS else
                             html.Pre(html.Code(token.content)))
        elif token.type == "code_block":
            stack[-1].append(html.Pre(html.Code(token.content)))
        elif token.type == "hr":
            stack[-1].append(html.Hr())
    return stack[0]


BLOCKS = ("graphique", "tableau", "carte", "chiffre")


def _attrs(token) -> dict:
    if token.tag in ("th", "td") and token.attrGet("style"):
        return {"style": {"textAlign": str(token.attrGet("style")).split(":")[-1].strip()}}
    if token.tag == "th":
        return {"scope": "col"}
    return {}


def _inline(children, drawer: _Drawer, line: int) -> list:
    stack: list[list] = [[]]
    links: list[str | None] = []
    for child in children:
        if child.type == "text":
            stack[-1].extend(_text_with_numbers(child.content, drawer, line))
        elif child.type in ("softbreak",):
            stack[-1].append(" ")
        elif child.type == "hardbreak":
            stack[-1].append(html.Br())
        elif child.type == "code_inline":
            stack[-1].append(html.Code(child.content))
        elif child.type == "image":
            stack[-1].append(html.Span(child.content or child.attrGet("alt") or "", className="recit-image-alt"))
        elif child.type == "link_open":
            href = str(child.attrGet("href") or "")
            links.append(href if href.startswith(SAFE_LINKS) and not href.startswith("//") else None)
            stack.append([])
        elif child.type == "link_close":
            inner, href = stack.pop(), links.pop()
            stack[-1].append((dcc.Link(inner, href=href) if href.startswith("/") else html.A(inner, href=href))
                             if href else html.Span(inner))
        elif child.nesting == 1:
            stack.append([])
        elif child.nesting == -1:
            inner = stack.pop()
            stack[-1].append(TAGS.get(child.tag, html.Span)(inner))
    return stack[0]


def _text_with_numbers(text: str, drawer: _Drawer, line: int) -> list:
    parts, at = [], 0
    for match in INLINE.finditer(text):
        parts.append(text[at:match.start()])
        parts.append(drawer.number(match.group(2), line))
        at = match.end()
    parts.append(text[at:])
    return [p for p in parts if p != ""]
