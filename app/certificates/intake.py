"""Reading a credential someone pasted or uploaded: hostile JSON is refused with a reason.

The verification page, the API and the CLI all read untrusted JSON through here before
anything expands or canonicalizes it, so a document nested a thousand levels deep, a
number with thousands of digits, a key given twice or a bare array is a clear refusal
(a 400 on the web), never a RecursionError or a silently dropped duplicate.
"""

from __future__ import annotations

import json
import math
from typing import Any

#: A credential is a few kilobytes; the form already refuses more than 64 KiB.
MOST_BYTES = 64 * 1024
#: Ours nest five deep; the JSON-LD processor recurses once per level.
MOST_DEPTH = 32
#: Longer than any JSON number a credential needs (CE hours, a year).
MOST_NUMBER_DIGITS = 30


class UnreadableCredential(ValueError):
    """The text is not a credential we can safely read; the message says why, for a person."""


def _depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON text, counted without recursion."""
    deepest = depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are all different (JSON parsers disagree on which duplicate wins)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise UnreadableCredential(f'The key "{key[:40]}" appears twice in one object.')
        found[key] = value
    return found


def _number(text: str) -> int | float:
    """A JSON number of sensible size, finite when read as a float."""
    if len(text.lstrip("-").replace(".", "")) > MOST_NUMBER_DIGITS:
        raise UnreadableCredential("A number in it is too long to be part of a credential.")
    value = float(text) if any(c in text for c in ".eE") else int(text)
    if isinstance(value, float) and not math.isfinite(value):
        raise UnreadableCredential("A number in it is too large to be part of a credential.")
    return value


def _constant(name: str) -> None:
    """NaN and Infinity are not JSON."""
    raise UnreadableCredential(f"{name} is not a JSON value.")


def parse_credential(raw: bytes | str) -> dict[str, Any]:
    """Parse untrusted credential text into a JSON object, or raise UnreadableCredential."""
    if isinstance(raw, bytes):
        if len(raw) > MOST_BYTES:
            raise UnreadableCredential("That is too large to be a credential.")
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise UnreadableCredential("That is not UTF-8 text.") from error
    if len(raw.encode("utf-8")) > MOST_BYTES:
        raise UnreadableCredential("That is too large to be a credential.")
    if not raw.strip():
        raise UnreadableCredential("Paste a credential or choose a file.")
    if _depth(raw) > MOST_DEPTH:
        raise UnreadableCredential(
            f"It is nested more than {MOST_DEPTH} levels deep; no credential is."
        )
    try:
        parsed = json.loads(
            raw,
            object_pairs_hook=_unique_keys,
            parse_int=_number,
            parse_float=_number,
            parse_constant=_constant,
        )
    except UnreadableCredential:
        raise
    except (ValueError, RecursionError) as error:
        raise UnreadableCredential("That is not valid JSON.") from error
    if not isinstance(parsed, dict):
        raise UnreadableCredential("A credential is a JSON object ({ ... }), not a list or value.")
    return parsed
