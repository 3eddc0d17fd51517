"""Fitting text into a box: greedy word wrap, shrinking the type until the lines fit."""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF

PT = 25.4 / 72  # millimetres per point
LEADING = 1.22
STEP = 0.5  # points between the sizes tried


@dataclass(frozen=True)
class FittedText:
    """Lines of text and the font (family, style, size in pt) at which they fit their box."""

    lines: tuple[str, ...]
    family: str
    style: str
    size: float

    @property
    def line_height(self) -> float:
        """Distance between baselines in millimetres."""
        return self.size * PT * LEADING

    @property
    def height(self) -> float:
        """Height of the block in millimetres."""
        return self.line_height * len(self.lines)


def width_of(pdf: FPDF, text: str) -> float:
    """`pdf.get_string_width(text)` in the current font, remembered for the document.

    Fitting tries many sizes and balancing many widths, measuring the same words and lines
    again and again; each measurement runs the bidi algorithm and HarfBuzz, so a repeat is
    a dictionary look-up instead (the same number, so the layout is unchanged).
    """
    widths: dict[tuple[object, ...], float] = pdf.__dict__.setdefault("_groundwork_widths", {})
    key = (
        pdf.font_family,
        pdf.font_style,
        pdf.font_size_pt,
        pdf.char_spacing,
        pdf.font_stretching,
        text,
    )
    width = widths.get(key)
    if width is None:
        width = widths[key] = pdf.get_string_width(text)
    return width


def _split_long_word(pdf: FPDF, word: str, width: float, line: str) -> list[str]:
    """Break a word wider than the box (a URL) between characters, starting on `line`."""
    pieces, current = [], f"{line} " if line else ""
    for char in word:
        if current.strip() and width_of(pdf, current + char) > width:
            pieces.append(current.rstrip())
            current = ""
        current += char
    return [*pieces, current]


def wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Wrap `text` to `width` mm in the current font; newlines start new lines, spaces collapse."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words = paragraph.split()
        if not words:
            continue
        joined = " ".join(words)
        if width_of(pdf, joined) <= width:  # the common case: one measurement
            lines.append(joined)
            continue
        current = ""
        for word in words:
            candidate = f"{current} {word}" if current else word
            if width_of(pdf, candidate) <= width:
                current = candidate
            elif width_of(pdf, word) <= width:
                lines.append(current)
                current = word
            else:
                pieces = _split_long_word(pdf, word, width, current)
                lines.extend(pieces[:-1])
                current = pieces[-1]
        lines.append(current)
    return lines


def balance(pdf: FPDF, text: str, width: float, lines: list[str]) -> list[str]:
    """Re-wrap at the narrowest width that keeps the line count, so lines come out even."""
    if len(lines) < 2:
        return lines
    narrow, wide = width / len(lines), width
    best = lines
    for _ in range(7):
        middle = (narrow + wide) / 2
        attempt = wrap(pdf, text, middle)
        if len(attempt) <= len(lines):
            best, wide = attempt, middle
        else:
            narrow = middle
    return best


def fit(
    pdf: FPDF,
    text: str,
    *,
    family: str,
    style: str = "",
    sizes: tuple[float, float],
    width: float,
    height: float,
    balanced: bool = True,
) -> FittedText:
    """Wrap `text` at the largest size from `sizes` (largest, smallest) whose lines fit the box.

    At the smallest size text that still overflows keeps as many lines as fit and ends with an
    ellipsis; a valid `CertificateDocument` never gets there (the PDF tests check the maxima).
    """
    largest, smallest = sizes
    size = largest
    while True:
        pdf.set_font(family, style, size)
        lines = wrap(pdf, text, width) or [""]
        if len(lines) * size * PT * LEADING <= height or size <= smallest:
            break
        size = max(smallest, size - STEP)
    if balanced:
        lines = balance(pdf, text, width, lines)
    room = max(1, int(height // (size * PT * LEADING)))
    if len(lines) > room:
        lines = [*lines[: room - 1], lines[room - 1] + " …"]
    return FittedText(lines=tuple(lines), family=family, style=style, size=size)
