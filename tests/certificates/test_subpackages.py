"""printing/ and openbadges/ are libraries of the issuing code: they never call back into it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CERTIFICATES = Path(__file__).resolve().parents[2] / "app" / "certificates"
#: What either subpackage may import from the app: the pure record and app-wide pure helpers.
RECORD = {
    "app.certificates.document",
    "app.certificates.identifiers",
    "app.certificates.standing",
    "app.csvcells",
    "app.safetext",
}
#: Imports made only for the type checker (never run), each with the reason it is allowed.
TYPE_ONLY = {
    # The transcript prints the minutes per module its caller measured; it never calls them.
    "app.learning.timeontask",
}
#: Shared helpers below every domain that touch neither the database nor the request.
SHARED = {"app.keyfiles"}  # private key files in the instance folder (also the LTI key's)
#: Libraries that would mean a subpackage reaches the database or the request.
FORBIDDEN_LIBRARIES = ("flask", "flask_login", "sqlalchemy")


def _imports(tree: ast.AST) -> list[tuple[str, bool]]:
    """Every module `tree` imports, each with whether it sits under `if TYPE_CHECKING:`."""
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, type_only: bool) -> None:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, type_only)
            return
        if isinstance(node, ast.Import):
            found.extend((alias.name, type_only) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, "imports are absolute"
            found.append((node.module, type_only))
            # `from app.certificates import services` imports the module `services`.
            found.extend((f"{node.module}.{alias.name}", type_only) for alias in node.names)
        for inner in ast.iter_child_nodes(node):
            visit(inner, type_only)

    visit(tree, False)
    return found


def _refusals(folder: Path, own: str) -> list[str]:
    """Imports in `folder` (the package `own`) that break the rule, as `file: module` lines."""
    refused = []
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for module, type_only in _imports(tree):
            # `from X import name` lists both X and X.name: a name is allowed when X is.
            named = {module, module.rsplit(".", 1)[0]}
            top = module.split(".")[0]
            own_or_record = module == own or module.startswith(own + ".") or bool(named & RECORD)
            allowed = (
                (top != "app" and top not in FORBIDDEN_LIBRARIES)
                or module in ("app", "app.certificates")
                or module in SHARED
                or own_or_record
                or (type_only and bool(named & TYPE_ONLY))
            )
            if not allowed:
                refused.append(f"{path.name}: {module}")
    return refused


@pytest.mark.parametrize("package", ["openbadges", "printing"])
def test_subpackage_imports_only_the_record(package: str) -> None:
    assert _refusals(CERTIFICATES / package, f"app.certificates.{package}") == []


def test_the_rule_catches_a_call_back_into_issuing(tmp_path: Path) -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "from app.certificates import services\n"
        "from app.certificates.document import written_date\n"
        "from app.certificates.openbadges import keys\n"
        "from flask import current_app\n"
        "if TYPE_CHECKING:\n"
        "    from app.learning.timeontask import ModuleTime\n"
        "def late():\n"
        "    from app.certificates.models import Certificate\n"
    )
    (tmp_path / "pdf.py").write_text(source, encoding="utf-8")
    assert _refusals(tmp_path, "app.certificates.printing") == [
        "pdf.py: app.certificates.services",
        "pdf.py: app.certificates.openbadges",
        "pdf.py: app.certificates.openbadges.keys",
        "pdf.py: flask",
        "pdf.py: flask.current_app",
        "pdf.py: app.certificates.models",
        "pdf.py: app.certificates.models.Certificate",
    ]


def test_issuing_keeps_no_printing_or_signing_module_at_the_top() -> None:
    moved = {"pdf", "archival", "typefaces", "fontcache", "qr", "transcript", "textfit"} | {
        "credential", "dataintegrity", "canonical", "multibase", "keys", "issuer"
    }  # fmt: skip
    assert not {path.stem for path in CERTIFICATES.glob("*.py")} & moved
