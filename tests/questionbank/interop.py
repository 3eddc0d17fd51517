"""Where the real interop fixtures are: shared/fixtures/interop above the project."""

from __future__ import annotations

from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]


def _find() -> Path:
    """Return shared/fixtures/interop in the nearest folder above the project that has it."""
    for folder in _ROOT.parents:
        candidate = folder / "shared" / "fixtures" / "interop"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"no shared/fixtures/interop above {_ROOT}; CI lays shared/ beside it")


INTEROP = _find()


def fixture_bytes(relative: str) -> bytes:
    """Return the bytes of one interop fixture, e.g. 'moodle/gift/questions.gift.txt'."""
    return (INTEROP / relative).read_bytes()
