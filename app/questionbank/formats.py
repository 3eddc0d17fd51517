"""Choosing the parser for an uploaded question file by its name and first bytes."""

from __future__ import annotations

from app.questionbank.aiken import parse_aiken
from app.questionbank.gift import parse_gift
from app.questionbank.moodlexml import parse_moodle_xml
from app.questionbank.qti3 import parse_qti_item, parse_qti_package
from app.questionbank.result import ImportRefused, ParseResult

FORMATS = ("gift", "aiken", "moodle-xml", "qti")


def detect_format(name: str, data: bytes) -> str:
    """Return the format of a file: zip means QTI, XML by its root, text by its name."""
    lowered = name.lower()
    if data.startswith(b"PK"):
        return "qti"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "qti" if b"qti-assessment-item" in data[:4096] else "moodle-xml"
    if "aiken" in lowered:
        return "aiken"
    if lowered.endswith((".gift", ".gift.txt")) or b"{" in data:
        return "gift"
    return "aiken"


def parse_questions(name: str, data: bytes, fmt: str | None = None) -> ParseResult:
    """Parse a question file in `fmt` (detected when None); raise ImportRefused if refused."""
    fmt = fmt or detect_format(name, data)
    if fmt == "gift":
        return parse_gift(data, name)
    if fmt == "aiken":
        return parse_aiken(data, name)
    if fmt == "moodle-xml":
        return parse_moodle_xml(data, name)
    if fmt == "qti":
        return (
            parse_qti_package(data, name) if data.startswith(b"PK") else parse_qti_item(data, name)
        )
    raise ImportRefused(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.")
