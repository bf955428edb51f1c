"""Static islands: the parts of a page that no callback reads or writes, sent as one component each.

Dash draws every component of a layout through its own wrapper, which costs a phone about as much as the page's
text itself: on a dashboard, hundreds of paragraphs, list items, definitions and table cells that never change. A
run of them with no id that a callback names becomes one `portail.Statique` component, whose `arbre` holds the
same JSON form; assets/statique.js draws it with React directly. The page's HTML is the same, element for
element: the same tags, classes, ids, ARIA attributes and links (a dcc.Link keeps its navigation without a
reload). A subtree holding anything else (a control, a chart, a map, a store, « à la vue ») stays Dash's, and its
own static parts are compacted in turn.

`install()` wraps every registered page's layout (before the layout cache, which keeps the compacted form);
tests/helpers/apps.py puts the islands back (`expand`) for the tests that read a layout."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import dash

from components.json_form import plain

NAMESPACE = "portail"
TYPE = "Statique"
HTML = "dash_html_components"
LINK = ("dash_core_components", "Link")
MIN_COMPONENTS = 2  # one is drawn as it is: an island of one saves nothing


def island(arbre) -> dict:
    """A `portail.Statique` component holding `arbre`, the JSON form of static components (one, or a list)."""
    return {"namespace": NAMESPACE, "type": TYPE, "props": {"arbre": arbre}}


@dataclass(frozen=True)
class Named:
    """The ids the app's callbacks name: any of them keeps its component Dash's; one whose children a callback
    reads (an Input or a State on `children`) keeps everything below it as Dash sent it, too."""
    ids: frozenset = frozenset()
    children_read: frozenset = frozenset()


def callback_ids(app) -> Named:
    ids, children_read = set(), set()
    for key, callback in app.callback_map.items():
        for part in key.strip(".").split("..."):
            ids.add(part.strip(".").rsplit(".", 1)[0])
        for item in (*callback.get("inputs", ()), *callback.get("state", ())):
            name = item["id"] if isinstance(item.get("id"), str) else repr(item.get("id"))
            ids.add(name)
            if item.get("property") == "children":
                children_read.add(name)
    return Named(frozenset(ids), frozenset(children_read))


def compact(tree, named: Named):
    """The layout's JSON form with each run of static components (MIN_COMPONENTS or more) made one island."""
    static: dict[int, int] = {}  # id(node) -> its count of components, for the static nodes only
    _measure(tree, named.ids, static)
    return _rewrite(tree, static, named.children_read)


def _measure(node, ids: frozenset, static: dict) -> int | None:
    """The count of components in a static node (0 for text), None when it is not static."""
    if node is None or isinstance(node, (str, int, float, bool)):
        return 0
    if isinstance(node, list):
        counts = [_measure(child, ids, static) for child in node]
        return None if any(c is None for c in counts) else sum(counts)
    if not isinstance(node, dict) or "namespace" not in node:
        return None
    props = node.get("props") or {}
    below = _measure(props.get("children"), ids, static)
    kind = (node["namespace"], node.get("type"))
    if below is None or (node["namespace"] != HTML and kind != LINK):
        return None
    identity = props.get("id")
    if identity is not None and (not isinstance(identity, str) or identity in ids):
        return None
    if any(isinstance(value, (list, dict)) for key, value in props.items() if key not in ("children", "style")):
        return None
    static[id(node)] = below + 1
    return below + 1


def _rewrite(node, static: dict, kept: frozenset):
    if isinstance(node, list):
        return _runs(node, static, kept)
    if not isinstance(node, dict) or "namespace" not in node:
        return node
    if id(node) in static:
        return island(node) if static[id(node)] >= MIN_COMPONENTS else node
    props = node.get("props") or {}
    if "children" not in props or (isinstance(props.get("id"), str) and props["id"] in kept):
        return node
    children = props["children"]
    return {**node, "props": {**props, "children": _runs(children, static, kept) if isinstance(children, list)
                              else _rewrite(children, static, kept)}}


def _runs(children: list, static: dict, kept: frozenset) -> list:
    """The children with each run of static ones (text between them included) made one island."""
    out, run = [], []

    def close():
        count = sum(static.get(id(child), 0) for child in run)
        out.extend([island(list(run))] if count >= MIN_COMPONENTS else run)
        run.clear()

    for child in children:
        if isinstance(child, (str, int, float)) or id(child) in static or child is None:
            run.append(child)
        else:
            close()
            out.append(_rewrite(child, static, kept))
    close()
    return out


def _compacted(layout):
    @functools.wraps(layout)
    def compacted(**params):
        return compact(plain(layout(**params)), callback_ids(dash.get_app()))

    compacted.statique = True
    return compacted


def install() -> None:
    """Wrap every registered page's layout (once: the registry is the process's)."""
    for page in dash.page_registry.values():
        layout = page.get("layout")
        if callable(layout) and not getattr(layout, "statique", False):
            page["layout"] = _compacted(layout)
