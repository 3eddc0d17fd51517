"""Fonts parsed once per process and lent to each PDF, so a render does not re-read them.

fpdf2's `add_font` parses the whole font (character map, widths, glyph order: about 150 ms
per DejaVu face and seconds for a CJK face) for every new document, and `output()` then
subsets that parsed font in place, destroying it. Here each face is parsed once into a
template; a document gets a light copy that shares the read-only parts (character map,
widths, HarfBuzz face, the parsed font used for shaping) and owns what a document changes
(its subset, its descriptor, its missing glyphs). Just before writing, `write_pdf` gives
each copy a fresh, lazily read font from the cached file bytes to subset and embed, so the
template is never touched and the output is byte for byte what fpdf2 alone would write.

This relies on fpdf2 internals (`FPDF.fonts`, `TTFFont` attributes), like archival.py;
pyproject.toml keeps fpdf2 below 2.9 and the conformance tests check the result.
"""

from __future__ import annotations

import copy
import functools
import threading
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont


@dataclass(frozen=True)
class _Face:
    """A parsed face: fpdf2's font object, the file's bytes and its glyph order."""

    template: TTFFont
    data: bytes
    glyph_order: tuple[str, ...]


_lock = threading.Lock()


@functools.cache
def _face(path: Path, family: str, style: str) -> _Face:
    """Parse `path` once per process (on a scratch document) and warm what shaping reads."""
    scratch = FPDF()
    scratch.add_font(family, style, path)
    template = scratch.fonts[f"{family.lower()}{style}"]
    assert isinstance(template, TTFFont)
    # Read now, under the cache's first call, so concurrent renders only ever read them.
    template.ttfont["hmtx"]
    order = tuple(template.ttfont.getGlyphOrder())
    template.hbfont  # noqa: B018 - opens the HarfBuzz face once
    return _Face(template=template, data=path.read_bytes(), glyph_order=order)


def add_font(pdf: FPDF, family: str, style: str, path: Path) -> None:
    """Add the face at `path` to `pdf` as `family`/`style`, parsed at most once per process."""
    key = f"{family.lower()}{style}"
    if key in pdf.fonts:
        return
    with _lock:  # two threads' first renders parse a face once, not twice
        face = _face(path, family, style)
    font = copy.copy(face.template)  # shares the read-only tables and maps
    font.i = len(pdf.fonts) + 1
    font.fontkey = key
    font.desc = copy.copy(face.template.desc)  # writing the PDF names and numbers it
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    pdf.fonts[key] = font
    if font.is_cff and font.is_cid_keyed:  # as fpdf2's add_font: CID-keyed CFF needs PDF 1.6
        pdf._set_min_pdf_version("1.6")
    borrowed = pdf.__dict__.setdefault(_BORROWED, {})
    borrowed[key] = face


#: The attribute of an FPDF object that records which cached face each of its fonts borrows.
_BORROWED = "_groundwork_borrowed_faces"


def _fresh_font(face: _Face) -> TTFont:
    """A new, lazily read copy of the font file for fpdf2 to subset (it changes it in place)."""
    fresh = TTFont(BytesIO(face.data), recalcTimestamp=False, lazy=True)
    fresh.setGlyphOrder(list(face.glyph_order))  # skips rebuilding names from the cmap
    return fresh


def write_pdf(pdf: FPDF) -> bytes:
    """Write `pdf`, first giving every borrowed font its own copy to subset."""
    for key, face in getattr(pdf, _BORROWED, {}).items():
        font = pdf.fonts[key]
        assert isinstance(font, TTFFont)  # add_font() borrows TrueType and OpenType faces only
        font.ttfont = _fresh_font(face)
    return bytes(pdf.output())
