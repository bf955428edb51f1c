"""The code's structure, measured from its source: every module's imports (those inside functions too), the import
cycles, the imports that go up a layer, the modules that reach Dash or Flask without importing them, the folders'
and files' sizes, the functions over 60 lines, and Dash's private modules used.

`python -m tests.helpers.architecture` prints the figures; the architecture tests assert the rules on them."""
from __future__ import annotations

import ast
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = ("tests", "bench", ".venv", "data", ".ci")  # the product's code only
# The layers, top to bottom (ARCHITECTURE §3): a module may import its own layer and those below it.
WEB, DRAWING, COMPUTING, SETTINGS = 3, 2, 1, 0
LAYER_NAMES = {WEB: "web", DRAWING: "dessin", COMPUTING: "calcul", SETTINGS: "réglages"}
MAX_FOLDER_MODULES, MAX_FILE_LINES, MAX_FUNCTION_LINES = 20, 400, 60


@dataclass
class Module:
    name: str
    path: Path
    lines: int
    imports: set[str] = field(default_factory=set)  # the project's modules it imports
    libraries: set[str] = field(default_factory=set)  # the top-level names of the other libraries it imports
    private_dash: list[str] = field(default_factory=list)
    long_functions: list[tuple[str, int]] = field(default_factory=list)

    @property
    def uses_web_framework(self) -> bool:
        return bool(self.libraries & {"dash", "flask", "dash_leaflet", "dash_ag_grid", "dash_bootstrap_components",
                                      "werkzeug", "flask_caching", "flask_limiter", "flask_wtf", "flask_compress"})


def layer(name: str) -> int:
    """The layer a module belongs to, from where it sits. In a feature's package (features/<feature>/), the route
    modules are `page*.py`, `routes.py`, `web*.py` and Dash's `not_found_404.py`; the drawing ones are `draw*.py`
    and `vues.py`; every other module computes."""
    top = name.split(".")[0]
    if top in ("config", "config_list") or name == "data_access.clock":
        return SETTINGS
    if top == "data_access":
        return COMPUTING
    if top == "components":
        return DRAWING
    if top == "features" and name.count(".") >= 2:
        leaf = name.split(".")[2]
        if leaf.startswith(("page", "routes", "web")) or leaf == "not_found_404":
            return WEB
        if leaf.startswith("draw") or leaf == "vues":
            return DRAWING
        return COMPUTING
    return WEB


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def modules() -> dict[str, Module]:
    """Every module of the product, with what it imports."""
    found: dict[str, Module] = {}
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in SKIPPED or any(part.startswith(".") for part in relative.parts):
            continue
        text = path.read_text(encoding="utf-8")
        found[_module_name(path)] = Module(_module_name(path), path, text.count("\n") + 1)
    names = set(found)
    for module in found.values():
        tree = ast.parse(module.path.read_text(encoding="utf-8"))
        _drop_type_checking(tree)
        is_package = module.path.name == "__init__.py"
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(module.name, is_package, node)
                submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in names]
                # « from pkg import submodule » depends on the submodule; a name of the package, on the package
                targets = submodules + ([base] if len(submodules) < len(node.names) else [])
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    module.long_functions.append((node.name, length))
            for target in targets:
                if target.startswith("dash._"):
                    module.private_dash.append(target)
                own = _known(target, names)
                if own and own != module.name:
                    module.imports.add(own)
                elif not own and target:
                    module.libraries.add(target.split(".")[0])
    return found


def _drop_type_checking(tree: ast.AST) -> None:
    """Leave out the imports under `if TYPE_CHECKING:`: they name types for annotations, never run."""
    for node in ast.walk(tree):
        for name in ("body", "orelse"):
            block = getattr(node, name, None)
            if isinstance(block, list):
                setattr(node, name, [n for n in block if not (isinstance(n, ast.If) and isinstance(n.test, ast.Name)
                                                             and n.test.id == "TYPE_CHECKING")])


def _known(target: str, names: set[str]) -> str | None:
    """The project's module an import names (« pkg.mod.func » is « pkg.mod »), or None for another library."""
    parts = target.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in names:
            return candidate
    return None


def cycles(found: dict[str, Module]) -> list[list[str]]:
    """The import cycles: each group of modules that import one another (Tarjan's strongly connected components)."""
    index, low, stack, on_stack, groups, counter = {}, {}, [], set(), [], [0]

    def visit(name: str) -> None:
        index[name] = low[name] = counter[0]
        counter[0] += 1
        stack.append(name)
        on_stack.add(name)
        for other in sorted(found[name].imports):
            if other not in index:
                visit(other)
                low[name] = min(low[name], low[other])
            elif other in on_stack:
                low[name] = min(low[name], index[other])
        if low[name] == index[name]:
            group = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                group.append(item)
                if item == name:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))
    for name in sorted(found):
        if name not in index:
            visit(name)
    return sorted(groups, key=len, reverse=True)


def upward_imports(found: dict[str, Module]) -> list[tuple[str, str]]:
    return sorted((m.name, other) for m in found.values() for other in m.imports if layer(other) > layer(m.name))


def framework_leaks(found: dict[str, Module]) -> list[tuple[str, str]]:
    """A module of the computing or settings layers (which import neither Dash nor Flask) importing one of the
    project's modules that does: it would bring the web framework in unseen. Drawing and web modules are Dash's
    and Flask's by their layer, whether they import them or only call a module that does (a story's blocks are
    drawn by the embeds' views; `app.py` is gunicorn's entry to the app the factory builds)."""
    return sorted((m.name, other) for m in found.values() if not m.uses_web_framework and layer(m.name) < DRAWING
                  for other in m.imports if found[other].uses_web_framework)


def folders(found: dict[str, Module]) -> Counter:
    return Counter(str(m.path.parent.relative_to(ROOT)) for m in found.values())


def figures() -> dict[str, object]:
    found = modules()
    largest_folder = folders(found).most_common(1)[0]
    return {
        "modules": len(found),
        "largest folder": f"{largest_folder[0]} ({largest_folder[1]})",
        "folders over 20 modules": sum(1 for n in folders(found).values() if n > MAX_FOLDER_MODULES),
        "cycles": len(cycles(found)),
        "modules in cycles": sum(len(group) for group in cycles(found)),
        "upward imports": len(upward_imports(found)),
        "Dash or Flask reached without importing it": len(framework_leaks(found)),
        "files over 400 lines": sum(1 for m in found.values() if m.lines > MAX_FILE_LINES),
        "functions over 60 lines": sum(len(m.long_functions) for m in found.values()),
        "imports of dash._": sum(len(m.private_dash) for m in found.values()),
        "README lines": (ROOT / "README.md").read_text(encoding="utf-8").count("\n"),
    }


if __name__ == "__main__":
    for key, value in figures().items():
        print(f"{key:<45} {value}")
    found = modules()
    for group in cycles(found):
        print("cycle :", " ↔ ".join(group))
    for name, other in upward_imports(found):
        print(f"vers le haut : {name} ({LAYER_NAMES[layer(name)]}) → {other} ({LAYER_NAMES[layer(other)]})")
