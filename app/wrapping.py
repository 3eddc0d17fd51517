"""Where long text may break on a narrow screen: whole words always, tokens at their separators.

Table cells never break inside a word (no ``overflow-wrap: anywhere``). Emails, action
codes and IDs have no spaces, so they are given break opportunities (``<wbr>``) only
after their own separators; tables too wide for the screen scroll sideways in a
labelled region a keyboard can reach.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

#: Characters after which a long token may continue on the next line.
SEPARATORS = frozenset(".@_/")
_TABLE = re.compile(r"<table>")


def breakable(value: object) -> Markup:
    """Escaped text that may wrap only after ``.``, ``@``, ``_`` or ``/`` (and at hyphens)."""
    text = "" if value is None else str(value)
    pieces = [str(escape(ch)) + ("<wbr>" if ch in SEPARATORS else "") for ch in text]
    return Markup("".join(pieces))  # noqa: S704 (every character escaped above)  # nosec B704


def scrollable_tables(html: str, label: str = "Table") -> Markup:
    """Sanitised lesson HTML with each table in a focusable region that scrolls sideways.

    ``html`` is the sanitiser's output, where a table always opens as a bare ``<table>``.
    """
    count = 0

    def wrap(_match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        name = escape(f"{label} {count}, scrolls sideways if wider than the screen")
        return f'<div class="table-wrap" role="region" tabindex="0" aria-label="{name}"><table>'

    wrapped = _TABLE.sub(wrap, html).replace("</table>", "</table></div>")
    return Markup(wrapped)  # noqa: S704 (input sanitised by nh3; only our wrapper added)  # nosec B704
