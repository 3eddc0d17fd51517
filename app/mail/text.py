"""How a message reads in a terminal and on the development mail page: pure text rules."""

from __future__ import annotations

import re
from dataclasses import dataclass

_URL = re.compile(r"https?://[^\s<>\"']+")
_TRAILING = ".,;:!?)"


def _urls(line: str) -> list[tuple[int, int]]:
    """Start and end of each link in ``line``, without sentence punctuation after it."""
    spans = []
    for match in _URL.finditer(line):
        end = match.end()
        while end > match.start() and line[end - 1] in _TRAILING:
            end -= 1
        spans.append((match.start(), end))
    return spans


def links_on_their_own_lines(body: str) -> str:
    """The body with every link on a line of its own, so a terminal makes each one clickable."""
    lines: list[str] = []
    for line in body.splitlines():
        spans = _urls(line)
        if not spans:
            lines.append(line)
            continue
        start = 0
        for begin, end in spans:
            if line[start:begin].strip():
                lines.append(line[start:begin].strip())
            lines.append(line[begin:end])
            start = end
        rest = line[start:].strip()
        if rest.strip(_TRAILING):
            lines.append(rest)
    return "\n".join(lines)


@dataclass(frozen=True)
class Segment:
    """A piece of a message's text: plain, or a link to show as one."""

    text: str
    is_link: bool


def segments(body: str) -> list[Segment]:
    """The body cut into plain text and links, for a page that escapes the text."""
    pieces: list[Segment] = []
    start = 0
    for line_start, line in _lines_with_offsets(body):
        for begin, end in _urls(line):
            begin, end = begin + line_start, end + line_start
            if begin > start:
                pieces.append(Segment(body[start:begin], False))
            pieces.append(Segment(body[begin:end], True))
            start = end
    if start < len(body):
        pieces.append(Segment(body[start:], False))
    return pieces


def _lines_with_offsets(body: str) -> list[tuple[int, str]]:
    offset, result = 0, []
    for line in body.split("\n"):
        result.append((offset, line))
        offset += len(line) + 1
    return result
