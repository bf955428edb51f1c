"""A story's body as Dash components: markdown-it-py's tokens (raw HTML off) turned into html.* elements, and
its live blocks drawn by the portal's own pieces, each with its source line and a link to its view. A block that
cannot be drawn shows a notice where it stands; the rest of the story renders."""
from __future__ import annotations

from dash import dcc, html

from data_access.french import format_int, plural
from features.integration.draw import embed_button, frame, refusal, source_line
from features.integration.vues import ViewError
from features.recits.data import INLINE, Block, parser
from features.recits.draw_blocs import block_view, count_of

SAFE_LINKS = ("https://", "http://", "mailto:", "/", "#")
TAGS = {"p": html.P, "h1": html.H2, "h2": html.H2, "h3": html.H3, "h4": html.H4, "h5": html.H5, "h6": html.H6,
        "ul": html.Ul, "ol": html.Ol, "li": html.Li, "blockquote": html.Blockquote, "table": html.Table,
        "thead": html.Thead, "tbody": html.Tbody, "tr": html.Tr, "th": html.Th, "td": html.Td, "em": html.Em,
        "strong": html.Strong, "s": html.S}


class _Drawer:
    """Draws one story's blocks: numbers them (each block's ids and its embed address), and brings a dashboard's
    stores once, however many of its sections the story shows."""

    def __init__(self, repository, story, tile_url: str):
        self.repository, self.story, self.tile_url = repository, story, tile_url
        self.count = 0
        self.store_ids: set = set()
        self.sections: set = set()
        self.dashboards: dict = {}  # a dashboard's path -> the parameters of its first block
        self.drawn: dict = {}  # the dashboards drawn for this story, each once

    def block(self, kind: str, url: str, line: int):
        self.count += 1
        block = Block(kind, url, line)
        try:
            view = block_view(self.repository, block, f"recit-{self.count}", self.tile_url, self.drawn)
        except ViewError as exc:
            return broken(block, str(exc))
        if view.stores:  # a dashboard's section: its ids and stores are the dashboard's, so once per story
            path, _, query = view.page.partition("?")
            if (path, view.title) in self.sections:
                return broken(block, "cette partie du tableau de bord figure déjà plus haut dans le récit")
            if self.dashboards.setdefault(path, query) != query:
                return broken(block, "un récit montre un tableau de bord avec les mêmes paramètres dans tous ses "
                                     "blocs (ils partagent ses réglages)")
            self.sections.add((path, view.title))
        stores = [s for s in view.stores if s.id not in self.store_ids]
        self.store_ids.update(s.id for s in stores)
        rows = None if view.rows is None else rows_text(view.rows)
        return html.Div([
            *stores,
            # a dashboard's section without its heading: its title here (a key figure has its label)
            html.H3(view.title, className="recit-bloc-titre") if view.stores and view.kind != "figure" else None,
            view.content,
            source_line(view.dataset, dcc.Link("Ouvrir cette vue", href=view.page), rows, view.as_of),
            embed_button(f"/recits/{self.story.slug}/{self.count}", [], f"{view.title} — {self.story.title}",
                         view.kind),
        ], className=f"recit-bloc recit-{kind}")

    def number(self, url: str, line: int):
        block = Block("nombre", url, line, inline=True)
        try:
            count = count_of(self.repository, block)
        except ViewError as exc:
            return html.Span(f"[nombre indisponible : {exc}]", className="recit-casse", role="note")
        return dcc.Link(format_int(count), href=block.url, className="recit-nombre",
                        title="Chiffre calculé sur les données du portail ; ouvrir la vue")


def rows_text(rows: int) -> str:
    return f"{plural(rows, 'ligne')} retenue{'s' if rows > 1 else ''}"


def draw_block(repository, story, block: Block, number: int, tile_url: str):
    """A story's block alone (its embed): its title, the view, its source line; or why it cannot be drawn."""
    try:
        view = block_view(repository, block, f"recit-{number}", tile_url)
    except ViewError as exc:
        return refusal("Vue indisponible", f"Ce bloc du récit ne peut pas être affiché : {exc}.",
                       f"/recits/{story.slug}")
    rows = None if view.rows is None else rows_text(view.rows)
    link = html.A("Voir la vue complète sur le portail", href=view.page, target="_blank", rel="noopener")
    return html.Div([*view.stores, frame(view.title, view.content, source_line(view.dataset, link, rows, view.as_of),
                                         f"D'après le récit « {story.title} »")])


def broken(block: Block, reason: str) -> html.Div:
    return html.Div([html.Strong("Ce bloc ne peut pas être affiché. "), reason, "."],
                    className="notice-params recit-casse", role="note")


def story_body(repository, story, tile_url: str) -> list:
    """The story's body as components."""
    drawer = _Drawer(repository, story, tile_url)
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
