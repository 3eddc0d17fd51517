"""The README's complete example is the valid fixture course, file for file, and it checks clean."""

from __future__ import annotations

import re
from pathlib import Path

from app.content.reader import check_path
from tests.content.conftest import REAL_CATALOG, VALID_CATALOG

README = REAL_CATALOG / "README.md"
SECTION = "## A complete small example"
# A file name in backticks, then its contents in a fenced block (``` or ````).
EXAMPLE_FILE = re.compile(
    r"^`courses/(?P<path>[^`]+)`:\n\n(?P<fence>`{3,})[a-z]*\n(?P<text>.*?)^(?P=fence)$",
    re.MULTILINE | re.DOTALL,
)


def readme_example() -> dict[str, str]:
    """Return the example's files from the README, by path under `courses/`."""
    section = README.read_text(encoding="utf-8").split(SECTION, 1)[1]
    return {match["path"]: match["text"] for match in EXAMPLE_FILE.finditer(section)}


def test_the_readme_example_is_the_fixture_course() -> None:
    fixture = {
        path.relative_to(VALID_CATALOG).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(VALID_CATALOG.rglob("*"))
        if path.is_file()
    }
    assert readme_example() == fixture


def test_the_readme_example_passes_the_checker(tmp_path: Path) -> None:
    for path, text in readme_example().items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    assert check_path(tmp_path) == []
    assert len(readme_example()) == 4
