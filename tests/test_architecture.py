"""The layers of app/, held by reading its source (pure: no app, no database).

- Domain packages stand side by side without import cycles. Every import counts,
  function-local ones too; only imports under ``if TYPE_CHECKING:`` are exempt, because
  they never run and name a type for the checker (app/events.py's payloads name models
  of several domains that way). Top-level modules (``app/db.py``, ``app/events.py``...)
  are nodes of their own, so a cycle cannot hide behind one. The factory
  (``app/__init__.py``) is the composition root: it imports every domain to register it.
- No module imports another package's views (``routes.py``, or any module that makes a
  ``Blueprint``); shared request helpers live in modules both can import.
- Views never commit, roll back or flush: services own transactions.

A domain that must react to another's moment subscribes to an event (docs/events.md).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
TRANSACTION_CALLS = frozenset({"commit", "rollback", "flush"})


@dataclass(frozen=True)
class Import:
    """One import statement's target, as seen from the file that makes it."""

    #: The importing file, relative to the project (``app/learning/pages.py``).
    source: str
    line: int
    module: str


def module_name(path: Path, root: Path) -> str:
    """``app.learning.pages`` for app/learning/pages.py (a package's __init__ is the package)."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of the tree except the bodies of ``if TYPE_CHECKING:`` blocks."""
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for orelse in child.orelse:
                yield orelse
                yield from _runtime_nodes(orelse)
            continue
        yield child
        yield from _runtime_nodes(child)


def imports_of(path: Path, root: Path, modules: frozenset[str]) -> list[Import]:
    """The modules of app/ that ``path`` imports at run time (anywhere in the file)."""
    here = module_name(path, root)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = []
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            # ``from app import events`` imports the module app.events, not the package.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        found += [
            Import(str(path.relative_to(root.parent)), node.lineno, target)
            for target in targets
            if target == root.name or target.startswith(root.name + ".")
        ]
    return found


def all_modules(root: Path) -> dict[str, Path]:
    """Every module under ``root`` by dotted name."""
    return {module_name(path, root): path for path in sorted(root.rglob("*.py"))}


def node_of(module: str, root: Path) -> str | None:
    """The graph node a module belongs to: its domain package, or itself if top-level;
    None for the factory (the root package itself)."""
    parts = module.split(".")
    if len(parts) == 1:
        return None
    if (root / parts[1]).is_dir():
        return parts[1]
    return module


def import_graph(root: Path) -> dict[str, dict[str, list[Import]]]:
    """Node -> imported node -> the imports that make that edge (self-edges left out)."""
    modules = all_modules(root)
    names = frozenset(modules)
    graph: dict[str, dict[str, list[Import]]] = {}
    for name, path in modules.items():
        source = node_of(name, root)
        if source is None:
            continue
        edges = graph.setdefault(source, {})
        for found in imports_of(path, root, names):
            target = node_of(found.module, root)
            if target is not None and target != source:
                edges.setdefault(target, []).append(found)
    return graph


def cycles(graph: Mapping[str, Mapping[str, object]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def describe_cycle(component: list[str], graph: Mapping[str, Mapping[str, list[Import]]]) -> str:
    """The imports that tie a component together, one per line, for the failure message."""
    members = set(component)
    lines = [" <-> ".join(component)]
    for source in component:
        for target, made_by in sorted(graph.get(source, {}).items()):
            if target in members:
                first = made_by[0]
                lines.append(
                    f"  {source} -> {target}: {first.source}:{first.line} imports {first.module}"
                    + (f" (and {len(made_by) - 1} more)" if len(made_by) > 1 else "")
                )
    return "\n".join(lines)


def makes_blueprint(path: Path) -> bool:
    """Whether the module defines views: a routes.py, or any module that makes a Blueprint."""
    if path.name == "routes.py":
        return True
    return any(
        isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "Blueprint")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "Blueprint")
        )
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
    )


def view_imports_across(root: Path) -> list[str]:
    """Imports of another package's view module (the factory may import them all)."""
    modules = all_modules(root)
    views = {name for name, path in modules.items() if makes_blueprint(path)}
    found = []
    for name, path in modules.items():
        source = node_of(name, root)
        if source is None:
            continue
        for made in imports_of(path, root, frozenset(modules)):
            if made.module in views and node_of(made.module, root) != source:
                found.append(f"{made.source}:{made.line} imports {made.module}")
    return found


def transaction_calls_in_views(root: Path) -> list[str]:
    """Every ``.commit(``, ``.rollback(`` or ``.flush(`` call in a view module."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if not makes_blueprint(path):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in TRANSACTION_CALLS
            ):
                found.append(f"{path.relative_to(root.parent)}:{node.lineno} .{node.func.attr}(")
    return found


# The rules, on the real app/.


def test_domain_packages_import_each_other_in_no_cycle() -> None:
    graph = import_graph(APP)
    found = cycles(graph)
    assert not found, "Import cycles between domains:\n" + "\n".join(
        describe_cycle(component, graph) for component in found
    )


def test_no_module_imports_another_packages_views() -> None:
    assert view_imports_across(APP) == []


def test_views_leave_transactions_to_services() -> None:
    assert transaction_calls_in_views(APP) == []


def test_the_graph_sees_the_domains_it_guards() -> None:
    """A guard against a graph built from nothing: the learner pages' known edges are there."""
    graph = import_graph(APP)
    assert {"learning", "quizzes", "certificates", "catalog"} <= set(graph)
    assert "learning" in graph["quizzes"] and "catalog" in graph["learning"]
    assert "learning" in graph["certificates"]


# The checker itself, on small made-up packages: each rule catches what it is for.


def _package(root: Path, files: Mapping[str, str]) -> Path:
    app = root / "app"
    for name, text in {"__init__.py": "", **files}.items():
        path = app / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return app


@pytest.fixture
def tangled(tmp_path: Path) -> Path:
    return _package(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/models.py": "",
            "shop/routes.py": (
                "from flask import Blueprint\nbp = Blueprint('shop', __name__)\n"
                "def buy():\n    db.session.commit()\n"
            ),
            "shop/services.py": "def pay():\n    from app.bank.services import charge\n",
            "bank/__init__.py": "",
            "bank/services.py": "from app.shop.models import Order\n",
            "bank/pages.py": (
                "import flask\nbp = flask.Blueprint('bank', __name__)\n"
                "from app.shop.routes import buy\n"
                "def undo():\n    session.rollback()\n"
            ),
            "post/__init__.py": "",
            "post/services.py": (
                "from typing import TYPE_CHECKING\nfrom app import events\n"
                "if TYPE_CHECKING:\n    from app.shop.models import Order\n"
            ),
            "events.py": "from app.post import services\n",
            "helpers.py": "from app.shop import models\n",
        },
    )


def test_a_function_local_import_still_makes_a_cycle(tangled: Path) -> None:
    graph = import_graph(tangled)
    assert ["bank", "shop"] in cycles(graph)
    assert "bank <-> shop" in describe_cycle(["bank", "shop"], graph)


def test_top_level_modules_are_nodes_and_type_checking_imports_are_exempt(tangled: Path) -> None:
    graph = import_graph(tangled)
    assert set(graph["post"]) == {"app.events"}  # not shop: that import never runs
    assert ["app.events", "post"] in cycles(graph)
    assert set(graph["app.helpers"]) == {"shop"}


def test_importing_another_packages_views_is_caught_by_name_or_by_blueprint(
    tangled: Path,
) -> None:
    assert view_imports_across(tangled) == ["app/bank/pages.py:3 imports app.shop.routes"]


def test_a_commit_or_rollback_in_any_view_module_is_caught(tangled: Path) -> None:
    assert transaction_calls_in_views(tangled) == [
        "app/bank/pages.py:5 .rollback(",
        "app/shop/routes.py:4 .commit(",
    ]


def test_a_clean_layering_passes(tmp_path: Path) -> None:
    app = _package(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/models.py": "",
            "bank/__init__.py": "",
            "bank/services.py": "from app.shop.models import Order\n",
        },
    )
    assert cycles(import_graph(app)) == []
