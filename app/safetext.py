"""Text that prints one way everywhere: no control, direction-override or invisible characters.

Names and titles are shown on pages, printed on certificates and signed into credentials. A
right-to-left override (U+202E) makes `Dana \\u202eareviR` read one way on a page and another in
a PDF; a control character can end a line in one renderer and vanish in the next. These are
refused where the text is entered, so every later reader sees the same characters.
"""

from __future__ import annotations

import unicodedata

#: Explicit direction marks, embeddings, overrides and isolates (Unicode UAX #9, section 2).
DIRECTION_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
#: Format characters that shape text and so stay allowed: zero-width (non-)joiner, used in
#: Persian, Indic and emoji sequences.
ALLOWED_FORMAT = frozenset("\u200c\u200d")
#: Categories never fit for a one-line name or title: controls (C0, DEL, C1), line and
#: paragraph separators, surrogates, private use and unassigned code points.
_REFUSED_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Cs", "Co", "Cn"})


def hidden_characters(text: str) -> list[str]:
    """The characters of `text` that are refused in a one-line name or title, in order, once."""
    found: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        refused = (
            char in DIRECTION_CONTROLS
            or category in _REFUSED_CATEGORIES
            or (category == "Cf" and char not in ALLOWED_FORMAT)
        )
        if refused and char not in found:
            found.append(char)
    return found


def describe(chars: list[str]) -> str:
    """Name characters for a person: `U+202E (RIGHT-TO-LEFT OVERRIDE)`."""
    return ", ".join(
        f"U+{ord(char):04X} ({unicodedata.name(char, 'control character')})" for char in chars
    )


def one_line_problem(text: str) -> str | None:
    """Say what is wrong with a one-line name or title, or None when it is plain text."""
    hidden = hidden_characters(text)
    if not hidden:
        return None
    return (
        "must not contain control, direction-override or invisible characters "
        f"(found {describe(hidden)}); type the text again without them"
    )
