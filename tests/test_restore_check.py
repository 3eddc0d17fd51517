"""deploy/restore_check.py, the restore drill's comparison, finds what a restore lost."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import make_app
from tests.factories import make_course

SCRIPT = Path(__file__).resolve().parent.parent / "deploy" / "restore_check.py"


def _restore_check():  # type: ignore[no-untyped-def]
    """The script as a module (deploy/ is not a package)."""
    spec = importlib.util.spec_from_file_location("restore_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture
def original_and_copy(database_url: str, tmp_path: Path) -> tuple[str, Path]:
    """A database with a course in it, and a byte-for-byte copy (SQLite only)."""
    if not database_url.startswith("sqlite"):
        pytest.skip("copies a SQLite file; the drill itself runs on PostgreSQL in deploy/check")
    app = make_app(database_url)
    with app.app_context():
        make_course()
    app.extensions["db_engine"].dispose()
    original = database_url.removeprefix("sqlite:///")
    copy = tmp_path / "restored.sqlite3"
    with sqlite3.connect(original) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return database_url, copy


def test_an_identical_copy_passes(original_and_copy, monkeypatch, capsys) -> None:
    """Same revision, same rows: exit 0 and "ok"."""
    original, copy = original_and_copy
    monkeypatch.setattr("sys.argv", ["restore_check", original, f"sqlite:///{copy}"])
    with pytest.raises(SystemExit) as stop:
        _restore_check().main()
    assert stop.value.code == 0
    assert "ok" in capsys.readouterr().out


def test_a_lost_row_fails_the_drill(original_and_copy, monkeypatch, capsys) -> None:
    """One answer choice missing from the restored copy: exit 1, naming the table."""
    original, copy = original_and_copy
    with sqlite3.connect(copy) as connection:
        connection.execute("DELETE FROM choices WHERE id = (SELECT min(id) FROM choices)")
    monkeypatch.setattr("sys.argv", ["restore_check", original, f"sqlite:///{copy}"])
    with pytest.raises(SystemExit) as stop:
        _restore_check().main()
    out = capsys.readouterr().out
    assert stop.value.code == 1
    assert "PROBLEM: choices:" in out
