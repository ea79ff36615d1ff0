"""The import check of `make lint`: dependencies run one way and no modules import each other
in a circle.

Every import counts, at the top of a module or inside a function: an import moved into a
function to dodge a circle is still a dependency. The layers, lowest first:

    portal  <-  accounts  <-  chains  <-  reporting's features  <-  reporting.dashboard, .cockpit, .reports, .search

A module may import its own layer or a lower one. Besides the layers:
- accounts may import `chains.models` only from `accounts/access.py` (the industry permission
  primitives are object permissions on industries);
- no module imports another feature's `views` (a view belongs to its own feature);
- no module imports an underscore name of another module.

The composition roots may import anything: the root URLconf, settings, Celery's app, the base
template's context processor (its menu names every feature) and the management commands (entry
points, like URLs). Migrations and `tests/` are not checked.

    python .ci/imports.py          # check; exit 1 naming each circle and each wrong import
    python .ci/imports.py --graph  # print every edge
"""

import ast
import pathlib
import sys

APPS = ("portal", "accounts", "chains", "reporting")
TOP = ("reporting.dashboard", "reporting.cockpit", "reporting.reports", "reporting.search")
ROOTS = (
    "portal.urls",
    "portal.settings",
    "portal.celery",
    "portal.context_processors",
)
ACCOUNTS_MAY_READ = {"accounts.access": ("chains.models", "chains.matrix.models")}
# Where Django and Celery look for an app's models, admin pages, tasks and URLs: each gathers
# its features' modules, whatever their layer.
AGGREGATES = {
    f"{app}.{name}" for app in ("chains", "reporting") for name in ("models", "admin", "tasks")
}


def layer(module: str) -> int:
    app = module.split(".")[0]
    if app == "reporting" and module.startswith(TOP):
        return 4
    return {"portal": 0, "accounts": 1, "chains": 2, "reporting": 3}[app]


def modules(root: pathlib.Path) -> dict[str, pathlib.Path]:
    found = {}
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def imports(module: str, path: pathlib.Path, known: set[str]):
    """(imported module, the names imported from it, line) for each import of one file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in APPS:
                    yield alias.name, (), node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base.split(".")[0] not in APPS:
                continue
            names = []
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in known:
                    yield sub, (), node.lineno
                else:
                    names.append(alias.name)
            if names:
                yield base, tuple(names), node.lineno


def owner(name: str, known: set[str]) -> str:
    """The module a dotted import names: itself, or the nearest package that exists."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name


def package(module: str) -> str:
    return module.rpartition(".")[0]


def check(root: pathlib.Path) -> tuple[list[str], dict[str, set[str]]]:
    found = modules(root)
    known = set(found)
    edges: dict[str, set[str]] = {m: set() for m in known}
    wrong = []
    for module, path in sorted(found.items()):
        rooted = module.startswith(ROOTS) or ".management.commands." in module
        for target, names, line in imports(module, path, known):
            target = owner(target, known)
            if rooted or not target or target == module:
                continue
            edges[module].add(target)
            where = f"{path.relative_to(root)}:{line}"
            if layer(target) > layer(module) and module not in AGGREGATES:
                allowed = ACCOUNTS_MAY_READ.get(module, ())
                if not target.startswith(allowed):
                    wrong.append(f"{where}: {module} imports {target}, which sits above it")
            if target.endswith(".views") and package(target) != package(module):
                wrong.append(f"{where}: {module} imports another feature's views ({target})")
            private = [n for n in names if n.startswith("_")]
            if private:
                wrong.append(f"{where}: {module} imports {', '.join(private)} from {target}")
    return wrong + circles(edges), edges


def circles(edges: dict[str, set[str]]) -> list[str]:
    """Each strongly connected group of more than one module, by Tarjan's algorithm."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                group.append(item)
                if item == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for node in sorted(edges):
        if node not in index:
            visit(node)
    return [f"import circle: {' -> '.join(g)}" for g in groups]


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent
    problems, edges = check(root)
    if "--graph" in sys.argv:
        for module in sorted(edges):
            for target in sorted(edges[module]):
                print(f"{module} -> {target}")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} import problem(s); see .ci/imports.py for the rules.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
