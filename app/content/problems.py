"""Problems found in course files, reported as `path:line: message`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file; `line` is 1-based."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class FileProblems:
    """Collects the problems of one file; `offset` shifts lines (front matter, embedded text)."""

    path: str
    found: list[Problem] = field(default_factory=list)
    offset: int = 0

    def add(self, line: int, message: str) -> None:
        """Record `message` at `line` of the YAML or Markdown text being read."""
        self.found.append(Problem(self.path, max(line + self.offset, 1), message))

    def shifted(self, offset: int) -> FileProblems:
        """Return a view of the same file whose lines are shifted by `offset` more."""
        return FileProblems(self.path, self.found, self.offset + offset)


@dataclass
class ProblemLog:
    """Every problem of one check, with paths shown as the given root joined with the rest."""

    root: Path
    shown_root: str
    found: list[Problem] = field(default_factory=list)

    def file(self, path: Path) -> FileProblems:
        """Return the problem collector of `path`, a file or folder under the root."""
        relative = path.relative_to(self.root).as_posix()
        shown = self.shown_root if relative == "." else os.path.join(self.shown_root, relative)
        return FileProblems(shown, self.found)
