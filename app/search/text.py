"""Pure text handling for search: query words, plain text of lessons and cases, safe
highlighting."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

import nh3
from markupsafe import Markup, escape

from app.content.markdown import render_markdown

#: Marks the database puts around matched words; stripped from indexed text, so content
#: cannot forge one, and swapped for <mark> only after the snippet is escaped.
START, STOP = "\x02", "\x03"
_MARKERS = re.compile(f"[{START}{STOP}]")
_WORD = re.compile(r"\w+")
#: Tags that end a block: they part words ("<h2>Why</h2><p>Go" is "Why Go").
_BLOCK_TAG = re.compile(
    r"</?(?:p|h[1-6]|li|ul|ol|blockquote|pre|table|thead|tbody|tr|td|th|br|hr)\b[^>]*>"
)
_SPACE = re.compile(r"\s+")
#: More words than a person types; a longer query is cut, never an error.
MAX_TERMS = 12


def query_terms(query: str) -> list[str]:
    """The words of what someone typed, lowercased, without operators or punctuation."""
    return [word.lower() for word in _WORD.findall(query)][:MAX_TERMS]


def plain_text(rendered_html: str) -> str:
    """The readable text of sanitised HTML, one line, without the highlight markers."""
    spaced = _BLOCK_TAG.sub(" ", rendered_html)
    return clean(html.unescape(nh3.clean(spaced, tags=set())))


def case_text(case: Mapping[str, Any]) -> str:
    """What a learner reads in a case, one line: its summary, then each scene's title,
    narrative, what the client says, and an ending's outcome and debrief.

    ``case`` is a case spec's plain form (``CaseSpec.to_dict()``, as ``module_cases.spec``
    keeps it), so the migration can index stored cases without the app's classes. Choices
    and their feedback are left out: a search should lead to a case, not give away its
    ratings.
    """
    words = [case.get("summary") or ""]
    for scene in case.get("scenes") or ():
        ending = scene.get("ending") or {}
        words += [
            scene.get("title") or "",
            plain_text(render_markdown(scene.get("narrative") or "")),
            scene.get("client_says") or "",
            ending.get("outcome") or "",
            plain_text(render_markdown(ending.get("debrief") or "")),
        ]
    return clean(" ".join(words))


def clean(text: str) -> str:
    """Plain text for the index: whitespace collapsed, highlight markers removed."""
    return _SPACE.sub(" ", _MARKERS.sub(" ", text)).strip()


_MARKED = re.compile(f"{START}([^{START}{STOP}]*){STOP}")


def highlight(marked: str) -> Markup:
    """Escape a snippet the database marked, then show its matches as <mark>."""
    escaped = str(escape(marked))
    paired = _MARKED.sub(r"<mark>\1</mark>", escaped)
    # Every piece is escaped text or a <mark> made here; a stray marker is dropped.
    return Markup(_MARKERS.sub("", paired))  # noqa: S704  # nosec B704
