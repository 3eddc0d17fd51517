"""Which fonts a certificate uses: PDF core fonts when they can print it, else bundled DejaVu."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

FONTS_DIR = Path(__file__).parent / "fonts"
#: The bundled faces (DejaVu 2.37, Debian fonts-dejavu-core; see fonts/README.md).
BUNDLED_FACES = {
    ("GroundworkSerif", ""): "DejaVuSerif.ttf",
    ("GroundworkSerif", "B"): "DejaVuSerif-Bold.ttf",
    ("GroundworkSerif", "I"): "DejaVuSerif-Italic.ttf",
    ("GroundworkSans", ""): "DejaVuSans.ttf",
}
#: Core fonts speak Windows-1252: Western European names, curly quotes and dashes.
CORE_ENCODING = "windows-1252"
REPLACEMENT = "\ufffd"
#: Right-to-left letters need shaping and reordering that this layout does not do.
_RIGHT_TO_LEFT = {"R", "AL", "AN"}


@dataclass(frozen=True)
class Typefaces:
    """The two families a certificate is set in, as names `FPDF.set_font` accepts."""

    serif: str
    sans: str
    bundled: bool


CORE = Typefaces(serif="Times", sans="Helvetica", bundled=False)
BUNDLED = Typefaces(serif="GroundworkSerif", sans="GroundworkSans", bundled=True)


@functools.cache
def _bundled_characters() -> frozenset[int]:
    """Code points every bundled face can draw (read once per process)."""
    covered: set[int] | None = None
    for filename in BUNDLED_FACES.values():
        cmap = set(TTFont(FONTS_DIR / filename, lazy=True).getBestCmap())
        covered = cmap if covered is None else covered & cmap
    return frozenset(covered or ())


def _core_can_print(text: str) -> bool:
    """Whether the core fonts' encoding has every character of `text`."""
    try:
        text.encode(CORE_ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def unprintable_characters(text: str) -> set[str]:
    """Characters of `text` no certificate font can print (the app can refuse them up front)."""
    text = unicodedata.normalize("NFC", text)
    if _core_can_print(text):
        return set()
    covered = _bundled_characters()
    return {
        char
        for char in text
        if char != "\n"
        and (ord(char) not in covered or unicodedata.bidirectional(char) in _RIGHT_TO_LEFT)
    }


def printable(text: str, faces: Typefaces) -> str:
    """Return `text` in NFC with any character the chosen fonts lack shown as U+FFFD."""
    text = unicodedata.normalize("NFC", text)
    if not faces.bundled:
        return text
    missing = unprintable_characters(text)
    return "".join(REPLACEMENT if char in missing else char for char in text)


def choose_typefaces(pdf: FPDF, texts: Iterable[str]) -> Typefaces:
    """Set `pdf` up with core fonts if they print every text, else with the bundled faces."""
    if all(_core_can_print(unicodedata.normalize("NFC", text)) for text in texts):
        pdf.core_fonts_encoding = CORE_ENCODING
        return CORE
    for (family, style), filename in BUNDLED_FACES.items():
        pdf.add_font(family, style, FONTS_DIR / filename)
    return BUNDLED
