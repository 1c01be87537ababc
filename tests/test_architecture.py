"""The layers of the code, read from the import graph (grimp, the library under import-linter).

- The shared core (`CORE`: web helpers, permissions, figures, tables, cleaning, errors …)
  imports no domain code but domain models.
- A domain package imports the core, its own modules, and of another domain only its
  `models` and its `hooks` (the functions it offers for "this happened" calls), never its
  views, forms, services or queries.
- Inside a domain, views and forms → services → queries → models: a lower layer never imports
  a higher one.
- No cycle between packages (a domain's models counted apart from the rest of the domain,
  since every domain may read every other's models).
- The interfaces (`INTERFACE`: the JSON API, the home page) may also read other domains'
  queries.
- The application's entry points (`ENTRY`: create_app, the CLI, the demo) may import anything;
  nothing imports them.

`python -m tests.test_architecture` prints every violation.
"""

import functools

import grimp
import networkx as nx

CORE = {
    "audit",
    "cache",
    "cleaning",
    "config",
    "converters",
    "database",
    "errors",
    "extensions",
    "figures",
    "fiscal",
    "formfields",
    "ical",
    "locking",
    "markdown",
    "permissions",
    "tables",
    "web",
}
ENTRY = {"__init__", "cli", "demo", "models", "seed", "backup"}
# Pages and answers made of several domains' figures: they may also read other domains'
# queries and read-side services, never their views.
INTERFACE = {"api", "home"}
INTERFACE_READS = {"queries", "service"}
LAYERS = {"views": 3, "forms": 3, "services": 2, "queries": 1, "models": 0}
OPEN_TO_OTHER_DOMAINS = {"models", "hooks"}


@functools.cache
def graph():
    # Imports under `if TYPE_CHECKING:` (annotations of relationships) are not dependencies.
    return grimp.build_graph("council", exclude_type_checking_imports=True)


def top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def is_models(module: str) -> bool:
    return "models" in module.split(".")[2:]


def node(module: str) -> str:
    name = top(module)
    if name in CORE or name in ENTRY:
        return name
    return f"{name}.models" if is_models(module) else name


def layer(module: str) -> int | None:
    """The layer of a domain module by its name: views.py, minutes/views/edit.py, …"""
    for part in reversed(module.split(".")[2:]):
        for name, rank in LAYERS.items():
            if part == name or part.endswith(f"_{name}"):
                return rank
    return None


def imports():
    found = graph()
    for module in sorted(found.modules):
        for imported in sorted(found.find_modules_directly_imported_by(module)):
            if imported.startswith("council"):
                yield module, imported


def violations() -> list[str]:
    problems = []
    for module, imported in imports():
        source, target = top(module), top(imported)
        if target in ENTRY and source not in ENTRY:
            problems.append(f"{module} imports the entry point {imported}")
        elif source in CORE and target not in CORE and not is_models(imported):
            problems.append(f"core {module} imports domain code {imported}")
        elif source not in CORE | ENTRY and target not in CORE | ENTRY and source != target:
            tail = set(imported.split(".")[2:])
            allowed = OPEN_TO_OTHER_DOMAINS | (INTERFACE_READS if source in INTERFACE else set())
            if not (tail & allowed):
                problems.append(f"{module} imports another domain's {imported}")
        elif source == target and source not in CORE | ENTRY:
            low, high = layer(module), layer(imported)
            if low is not None and high is not None and high > low:
                problems.append(f"{module} (lower layer) imports {imported}")
    problems.extend(cycles())
    return problems


def cycles() -> list[str]:
    packages = nx.DiGraph()
    for module, imported in imports():
        if node(module) != node(imported):
            packages.add_edge(node(module), node(imported))
    return [
        "package cycle: " + " ↔ ".join(sorted(component))
        for component in nx.strongly_connected_components(packages)
        if len(component) > 1
    ]


def test_no_package_cycle_and_no_forbidden_import():
    assert violations() == []


MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def oversized() -> list[str]:
    """Modules over 400 lines and functions over 60 (ruff's C901 bounds their complexity)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "council"
    found = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text()
        name = path.relative_to(root.parent)
        if text.count("\n") > MAX_MODULE_LINES:
            found.append(f"{name}: {text.count(chr(10))} lines")
        for item in ast.walk(ast.parse(text)):
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                length = item.end_lineno - item.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{name}:{item.lineno} {item.name}() {length} lines")
    return found


def test_no_module_or_function_is_oversized():
    assert oversized() == []


if __name__ == "__main__":
    for line in violations() + oversized():
        print(line)
