"""The first paint: a page's Dash layout written as plain HTML, sent in the page's first answer.

A phone on a slow network waits seconds for Dash's scripts; it reads this copy meanwhile, and a browser without
JavaScript reads only it: the header, the title, the lead, the key figures, the tables and every link. Dash draws
its own copy out of sight, and assets/premier-rendu.js swaps the two at once when the page is drawn: the copy goes,
nothing moves (no layout shift), and the charts' and maps' space is reserved in both.

The ids of the copy take a prefix (and so do the attributes that name an id), so that the two copies never share
one. A pure function of the component tree: components or their JSON form (`to_plotly_json`), as cached."""
from __future__ import annotations

import html as escape
import re
from dataclasses import dataclass, field

from components.chart import graph_height

PREFIX = "pr-"
VOID = frozenset({"br", "hr", "img", "input", "col", "wbr", "source"})
# the attributes written, with their HTML names (any data-* and aria-* one is written too)
ATTRIBUTES = {
    "id": "id", "className": "class", "style": "style", "title": "title", "role": "role", "href": "href",
    "target": "target", "rel": "rel", "src": "src", "alt": "alt", "width": "width", "height": "height",
    "colSpan": "colspan", "rowSpan": "rowspan", "scope": "scope", "open": "open", "hidden": "hidden", "lang": "lang",
    "type": "type", "name": "name", "value": "value", "placeholder": "placeholder", "disabled": "disabled",
    "method": "method", "action": "action", "dateTime": "datetime", "tabIndex": "tabindex", "htmlFor": "for",
    "download": "download", "inputMode": "inputmode", "autoComplete": "autocomplete", "required": "required",
    "min": "min", "max": "max", "step": "step", "pattern": "pattern", "checked": "checked", "selected": "selected",
    "loading": "loading", "label": "label", "list": "list", "maxLength": "maxlength", "rows": "rows", "cols": "cols",
    "start": "start", "reversed": "reversed", "srcDoc": "srcdoc", "allow": "allow", "cite": "cite",
}
BOOLEAN = frozenset({"open", "hidden", "disabled", "required", "checked", "selected", "reversed"})
ID_REFERENCES = frozenset({"for", "list", "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns",
                           "headers"})
UNITLESS = frozenset({"flex", "flex-grow", "flex-shrink", "opacity", "z-index", "font-weight", "line-height", "order"})
UNSAFE_URL = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)
NOTHING = frozenset({"Store", "Location", "Download", "Interval", "ConfirmDialog", "ConfirmDialogProvider"})


@dataclass(frozen=True)
class Context:
    """What the writing knows of the page: other children for the elements of some ids (the page in the shell),
    and the page's path (the menu's link to it is marked current, as assets/navigation.js marks it)."""
    replace: dict = field(default_factory=dict)
    path: str | None = None


def to_html(node, ctx: Context | None = None) -> str:
    """`node` as HTML."""
    out: list[str] = []
    _write(node, out, ctx or Context())
    return "".join(out)


def _write(node, out: list[str], ctx: Context) -> None:
    if node is None or isinstance(node, bool):
        return
    if isinstance(node, (list, tuple)):
        for child in node:
            _write(child, out, ctx)
        return
    if isinstance(node, (str, int, float)):
        out.append(escape.escape(str(node), quote=False))
        return
    parts = _parts(node)
    if parts is None:
        return
    namespace, kind, props = parts
    if isinstance(props.get("id"), str) and props["id"] in ctx.replace:
        props = {**props, "children": ctx.replace[props["id"]]}
    writer = WRITERS.get((namespace, kind))
    if writer is not None:
        writer(props, out, ctx)
    elif namespace == "dash_html_components":
        _element(kind.lower(), props, out, ctx)
    elif kind not in NOTHING:  # a component with no HTML form of its own: its box, its children
        _element("div", props, out, ctx)


def _parts(node) -> tuple[str, str, dict] | None:
    """(namespace, type, props) of a component or of its JSON form."""
    if isinstance(node, dict):
        if "type" not in node or "namespace" not in node:
            return None
        return node["namespace"], node["type"], dict(node.get("props") or {})
    to_json = getattr(node, "to_plotly_json", None)
    if to_json is None:
        return None
    found = to_json()
    return found["namespace"], found["type"], dict(found.get("props") or {})


def _element(tag: str, props: dict, out: list[str], ctx: Context, children=None, extra_class: str = "") -> None:
    out.append(f"<{tag}{_attributes(props, extra_class)}>")
    if tag in VOID:
        return
    _write(props.get("children") if children is None else children, out, ctx)
    out.append(f"</{tag}>")


def _attributes(props: dict, extra_class: str = "") -> str:
    written = []
    if extra_class:
        props = {**props, "className": f"{props.get('className') or ''} {extra_class}".strip()}
    for key, value in props.items():
        name = ATTRIBUTES.get(key) or (key if key.startswith(("data-", "aria-")) else None)
        if name is None or value is None or (value is False and name in BOOLEAN):
            continue
        if name == "id" and not isinstance(value, str):
            continue  # a pattern-matching id: only Dash's copy needs it
        if name in BOOLEAN:
            written.append(f" {name}")
            continue
        if name == "style":
            value = _style(value)
        elif name in ("id",) or name in ID_REFERENCES:
            value = " ".join(PREFIX + part for part in str(value).split())
        elif name == "href" and str(value).startswith("#") and len(str(value)) > 1:
            value = "#" + PREFIX + str(value)[1:]
        elif name in ("href", "src", "action") and UNSAFE_URL.match(str(value)):
            continue
        elif isinstance(value, bool):
            value = "true" if value else "false"
        written.append(f' {name}="{escape.escape(str(value), quote=True)}"')
    return "".join(written)


def _style(style) -> str:
    if not isinstance(style, dict):
        return str(style)
    declarations = []
    for key, value in style.items():
        name = re.sub(r"([A-Z])", lambda m: "-" + m.group(1).lower(), key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and name not in UNITLESS:
            value = f"{value}px"
        declarations.append(f"{name}:{value}")
    return ";".join(declarations)


def _reserved(props: dict, out: list[str], height) -> None:
    """An empty box as high as what Dash will draw there (a chart, a map, a grid)."""
    style = props.get("style") if isinstance(props.get("style"), dict) else {}
    if height is not None and "height" not in style:
        style = {**style, "height": height}
    _element("div", {"id": props.get("id"), "className": props.get("className"), "style": style,
                     "aria-hidden": "true"}, out, {}, children=[], extra_class="premier-rendu-reserve")


def _graph(props, out, ctx) -> None:
    _reserved({**props, "className": f"dash-graph {props.get('className') or ''}".strip()}, out,
              graph_height(props.get("figure") or {}))


def _map(props, out, ctx) -> None:
    _reserved({**props, "className": f"leaflet-container {props.get('className') or ''}".strip()}, out, None)


def _link(props, out, ctx) -> None:
    href = props.get("href")
    if ctx.path and "nav-link" in str(props.get("className") or "") and isinstance(href, str) and (
            ctx.path == "/" if href == "/" else ctx.path.startswith(href)):
        props = {**props, "aria-current": "page"}
    _element("a", props, out, ctx)


def _input(props, out, ctx) -> None:
    _element("input", {**props, "type": props.get("type") or "text"}, out, ctx)


def _option_label(option) -> tuple[object, object]:
    if isinstance(option, dict):
        return option.get("value"), option.get("label", option.get("value"))
    return option, option


def _options(props) -> list[tuple[object, object]]:
    options = props.get("options") or []
    if isinstance(options, dict):
        return list(options.items())
    return [_option_label(option) for option in options]


def _dropdown(props, out, ctx) -> None:
    """A list shown as its chosen value(s), or its placeholder, in a box of the list's size."""
    value = props.get("value")
    chosen = value if isinstance(value, list) else ([] if value is None else [value])
    labels = [label for option_value, label in _options(props) if option_value in chosen]
    shown = labels or [str(props.get("placeholder") or "Choisir…")]
    children = [part for i, label in enumerate(shown) for part in ((", ", label) if i else (label,))]
    _element("div", {"id": props.get("id"), "className": props.get("className")}, out, ctx,
             children=children, extra_class="premier-rendu-liste")


def _choices(kind: str):
    def write(props, out, ctx) -> None:
        value = props.get("value")
        chosen = value if isinstance(value, list) else [value]
        box = {"id": props.get("id"), "className": props.get("className"), "style": props.get("style")}
        out.append(f"<div{_attributes(box)}>")
        for option_value, label in _options(props):
            out.append(f"<label{_attributes({'className': props.get('labelClassName')})}>")
            tick = {"type": kind, "checked": option_value in chosen, "className": props.get("inputClassName")}
            out.append(f"<input{_attributes(tick)}>")
            _write(label, out, ctx)
            out.append("</label>")
        out.append("</div>")
    return write


def _markdown(props, out, ctx) -> None:
    """Markdown's paragraphs as paragraphs (its marks are read as text until Dash draws them)."""
    text = props.get("children")
    text = "\n".join(text) if isinstance(text, list) else str(text or "")
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
    _element("div", {"id": props.get("id"), "className": props.get("className")}, out, ctx,
             children=[{"namespace": "dash_html_components", "type": "P", "props": {"children": p}}
                       for p in paragraphs])


def _textarea(props, out, ctx) -> None:
    _element("textarea", {k: v for k, v in props.items() if k != "value"}, out, ctx,
             children=props.get("value") or "")


def _children_only(props, out, ctx) -> None:
    _write(props.get("children"), out, ctx)


def _island(props, out, ctx) -> None:
    """A static island (components/statique.py): the components it holds."""
    _write(props.get("arbre"), out, ctx)


WRITERS = {
    ("portail", "Statique"): _island,
    ("dash_core_components", "Link"): _link,
    ("dash_core_components", "Input"): _input,
    ("dash_core_components", "Dropdown"): _dropdown,
    ("dash_core_components", "Checklist"): _choices("checkbox"),
    ("dash_core_components", "RadioItems"): _choices("radio"),
    ("dash_core_components", "Graph"): _graph,
    ("dash_core_components", "Markdown"): _markdown,
    ("dash_core_components", "Loading"): _children_only,
    ("dash_html_components", "Textarea"): _textarea,
    ("dash_leaflet", "MapContainer"): _map,
    ("dash_ag_grid", "AgGrid"): lambda props, out, ctx: _reserved(props, out, None),
}
