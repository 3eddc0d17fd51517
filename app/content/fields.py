"""Reading the keys of a YAML mapping and the items of a YAML list, reporting each problem."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.content.problems import FileProblems
from app.content.rules import check_slug, find_duplicates
from app.content.yamlsource import YamlList, YamlMap

Rule = Callable[[Any], str | None]


@dataclass(frozen=True)
class Field:
    """One key of a mapping: the rule its value follows, and whether it is required."""

    rule: Rule | None = None  # None: the caller reads the value (lists, nested mappings)
    required: bool = True
    default: Any = None


def read_fields(
    data: object, line: int, fields: Mapping[str, Field], problems: FileProblems, what: str
) -> dict[str, Any] | None:
    """Check a mapping's keys and values; return the good values with defaults filled in.

    Returns None when `data` is not a mapping at all. Keys whose value breaks its rule are
    left out of the result; the caller compares problem counts to know whether all was well.
    """
    if not isinstance(data, YamlMap):
        problems.add(line, f"expected {what}")
        return None
    values: dict[str, Any] = {}
    for key in data:
        if key not in fields:
            problems.add(data.line_of(key), _unknown_key_message(key, fields))
    for key, field in fields.items():
        if key not in data:
            if field.required:
                problems.add(data.line, f"missing key {key!r}")
            else:
                values[key] = field.default
            continue
        message = field.rule(data[key]) if field.rule else None
        if message:
            problems.add(data.line_of(key), f"{key} {message}")
        else:
            values[key] = data[key]
    return values


def _unknown_key_message(key: object, fields: Mapping[str, Field]) -> str:
    """Say that `key` is unknown, suggesting the nearest known key."""
    close = difflib.get_close_matches(str(key), list(fields), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown key {key!r}{hint}"


def read_list(data: YamlMap, key: str, problems: FileProblems, minimum: int = 1) -> YamlList | None:
    """Return the list under `key`, reporting a non-list or fewer than `minimum` items."""
    value = data.get(key)
    if not isinstance(value, YamlList):
        problems.add(data.line_of(key), f"{key} must be a list")
        return None
    if len(value) < minimum:
        entries = "one entry" if minimum == 1 else f"{minimum} entries"
        problems.add(data.line_of(key), f"{key} must have at least {entries}")
        return None
    return value


def read_slug_list(
    data: YamlMap, key: str, noun: str, problems: FileProblems, minimum: int = 1
) -> tuple[str, ...]:
    """Return the slugs listed under `key`; report bad and repeated entries."""
    items = read_list(data, key, problems, minimum)
    if items is None:
        return ()
    slugs: list[str] = []
    for index, item in enumerate(items):
        message = check_slug(item)
        if message:
            problems.add(items.line_of(index), f"{noun} {message}")
        slugs.append(item if isinstance(item, str) else "")
    for index in find_duplicates(slugs):
        if slugs[index]:
            problems.add(items.line_of(index), f"duplicate {noun} {slugs[index]!r}")
    return tuple(slug for slug in dict.fromkeys(slugs) if slug and not check_slug(slug))
