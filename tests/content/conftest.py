"""Fixtures for the course-file tests: the valid example course, and copies to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
VALID_CATALOG = FIXTURES / "valid"
EXAMPLE_SLUG = "orienting-basics"
EXAMPLE_COURSE = VALID_CATALOG / EXAMPLE_SLUG
REAL_CATALOG = Path(__file__).resolve().parents[2] / "courses"


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the valid catalog at `courses/` in a fresh working folder."""
    shutil.copytree(VALID_CATALOG, tmp_path / "courses")
    monkeypatch.chdir(tmp_path)
    return Path("courses")


@pytest.fixture
def course(catalog: Path) -> Path:
    """The example course inside the copied catalog, ready to be edited."""
    return catalog / EXAMPLE_SLUG
