"""Every data file under app/ is declared as package data, so a wheel install carries it."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _declared() -> dict[str, list[str]]:
    """pyproject's package-data: package name -> glob patterns relative to that package."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        declared: dict[str, list[str]] = tomllib.load(file)["tool"]["setuptools"]["package-data"]
    return declared


def _shipped(path: Path, declared: dict[str, list[str]]) -> bool:
    """Whether some package-data pattern names `path` (a file under app/)."""
    for package, patterns in declared.items():
        folder = ROOT.joinpath(*package.split("."))
        if folder in path.parents:
            relative = path.relative_to(folder).as_posix()
            if any(fnmatch.fnmatchcase(relative, pattern) for pattern in patterns):
                return True
    return False


def test_every_data_file_under_app_is_package_data() -> None:
    declared = _declared()
    data = [
        path
        for path in sorted((ROOT / "app").rglob("*"))
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    ]
    assert data, "the fonts and JSON-LD contexts are data files under app/"
    assert [str(p.relative_to(ROOT)) for p in data if not _shipped(p, declared)] == []


def test_an_undeclared_file_is_caught() -> None:
    stray = ROOT / "app" / "certificates" / "printing" / "logo.svg"
    assert not _shipped(stray, {"app.certificates.openbadges": ["contexts/*"]})
    assert _shipped(stray, {"app.certificates.printing": ["*.svg"]})
