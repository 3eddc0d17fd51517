"""Reading the crisis lines an administrator types, one a line: country | service | contact.

Pure: no database, no Flask.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.safetext import one_line_problem

MAX_LINES = 12
LIMITS = {"country": 80, "service": 120, "contact": 200}


@dataclass(frozen=True)
class ParsedLine:
    """One crisis line as typed."""

    country: str
    service: str
    contact: str


def parse_lines(text: str) -> tuple[list[ParsedLine], list[str]]:
    """The lines and, for each bad one, a message naming its line number."""
    lines: list[ParsedLine] = []
    errors: list[str] = []
    rows = [(n, row.strip()) for n, row in enumerate(text.splitlines(), start=1) if row.strip()]
    if len(rows) > MAX_LINES:
        return [], [f"At most {MAX_LINES} crisis lines, please (there are {len(rows)})."]
    for number, row in rows:
        parts = [part.strip() for part in row.split("|")]
        if len(parts) != 3 or not all(parts):
            errors.append(
                f"Line {number}: write country | service | how to reach it "
                "(three parts separated by |)."
            )
            continue
        values = dict(zip(("country", "service", "contact"), parts, strict=True))
        bad = next(
            (
                f"Line {number}: the {key} is longer than {LIMITS[key]} characters."
                for key, value in values.items()
                if len(value) > LIMITS[key]
            ),
            None,
        ) or next(
            (
                f"Line {number}: {problem}"
                for value in values.values()
                if (problem := one_line_problem(value))
            ),
            None,
        )
        if bad:
            errors.append(bad)
            continue
        lines.append(ParsedLine(**values))
    return lines, errors


def format_lines(lines: Sequence[ParsedLine]) -> str:
    """The lines as the form shows them, one a line."""
    return "\n".join(f"{line.country} | {line.service} | {line.contact}" for line in lines)
