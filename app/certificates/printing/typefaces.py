"""Which fonts a PDF uses: bundled DejaVu for Latin, Greek and Cyrillic, Noto for other scripts.

Every font is embedded (as a subset), as PDF/A requires; text is shaped with HarfBuzz and laid
out in Unicode bidirectional order by fpdf2, so Arabic joins, Devanagari conjuncts form and
Hebrew reads right to left. The Noto faces come from two font packages on PyPI (see
fonts/README.md): `manimgx-fonts` (Arabic, Hebrew, Devanagari) and `pylopdf-fonts-*`
(Simplified Chinese, Japanese, Korean, static OpenType, so no variable-font instancing).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

from app.certificates.printing.fontcache import add_font
from app.safetext import hidden_characters

FONTS_DIR = Path(__file__).parent / "fonts"
#: The bundled faces (DejaVu 2.37, Debian fonts-dejavu-core; see fonts/README.md).
BUNDLED_FACES = {
    ("GroundworkSerif", ""): "DejaVuSerif.ttf",
    ("GroundworkSerif", "B"): "DejaVuSerif-Bold.ttf",
    ("GroundworkSerif", "I"): "DejaVuSerif-Italic.ttf",
    ("GroundworkSans", ""): "DejaVuSans.ttf",
}
REPLACEMENT = "\ufffd"
_KANA = range(0x3040, 0x3100)  # Hiragana and Katakana: a name with kana is Japanese


@dataclass(frozen=True)
class Fallback:
    """A face used for the characters the DejaVu faces lack."""

    family: str
    package: str
    filename: str

    @property
    def path(self) -> Path:
        """Where the font package installed the file."""
        return Path(str(files(self.package).joinpath(self.filename)))


#: In the order fpdf2 tries them; Chinese goes before Japanese unless the text has kana.
FALLBACKS = (
    Fallback("NotoSansArabic", "manimgx_fonts", "NotoSansArabic[wght].ttf"),
    Fallback("NotoSansHebrew", "manimgx_fonts", "NotoSansHebrew[wght].ttf"),
    Fallback("NotoSansDevanagari", "manimgx_fonts", "NotoSansDevanagari[wght].ttf"),
    Fallback("NotoSansSC", "pylopdf_fonts_zh_cn", "NotoSansSC-Regular.otf"),
    Fallback("NotoSansJP", "pylopdf_fonts_jp", "NotoSansJP-Regular.otf"),
    Fallback("NotoSansKR", "pylopdf_fonts_ko", "NotoSansKR-Regular.otf"),
)


@dataclass(frozen=True)
class Typefaces:
    """The two families a PDF is set in, as names `FPDF.set_font` accepts."""

    serif: str
    sans: str
    bundled: bool = True


BUNDLED = Typefaces(serif="GroundworkSerif", sans="GroundworkSans")


@functools.cache
def _characters(path: Path) -> frozenset[int]:
    """Code points a font file maps (read once per process)."""
    return frozenset(TTFont(path, lazy=True).getBestCmap())


@functools.cache
def _bundled_characters() -> frozenset[int]:
    """Code points every bundled face can draw."""
    covered: frozenset[int] | None = None
    for filename in BUNDLED_FACES.values():
        cmap = _characters(FONTS_DIR / filename)
        covered = cmap if covered is None else covered & cmap
    return covered or frozenset()


def _needs_no_glyph(char: str) -> bool:
    """White space and joiners shape text but print nothing of their own."""
    return char.isspace() or char in "\u200c\u200d"


def _fallbacks_for(text: str) -> list[Fallback]:
    """The fallback faces `text` needs, in the order fpdf2 should try them."""
    missing = {
        ord(char)
        for char in text
        if ord(char) not in _bundled_characters() and not _needs_no_glyph(char)
    }
    if not missing:
        return []
    order = list(FALLBACKS)
    if any(code in _KANA for code in missing):
        order.sort(key=lambda face: face.family != "NotoSansJP")
    # Each character goes to the first face that has it; a face no character goes to is
    # left out (the three CJK faces share most Han characters: parsing and embedding the
    # two unused ones cost over a second per Chinese name).
    used = set()
    for code in missing:
        for face in order:
            if code in _characters(face.path):
                used.add(face)
                break
    return [face for face in order if face in used]


@functools.cache
def _fallback_characters() -> frozenset[int]:
    """Code points some fallback face can draw (the CJK faces take a moment: read once)."""
    return frozenset().union(*(_characters(face.path) for face in FALLBACKS))


def unprintable_characters(text: str) -> set[str]:
    """Characters of `text` no PDF font can print (the app refuses them up front)."""
    text = unicodedata.normalize("NFC", text)
    covered = _bundled_characters()
    if all(ord(char) in covered for char in text):
        return set()
    return {
        char
        for char in text
        if not _needs_no_glyph(char)
        and ord(char) not in covered
        and ord(char) not in _fallback_characters()
    }


def printable(text: str, faces: Typefaces | None = None) -> str:
    """Return `text` in NFC with any character no font has, or any hidden one, shown as U+FFFD.

    Entry refuses both (`app/safetext.py`); this covers text stored before that rule, so a
    direction override in an old title shows as a mark instead of reordering the line.
    """
    del faces  # every PDF carries every face its texts need
    text = unicodedata.normalize("NFC", text)
    missing = unprintable_characters(text) | set(hidden_characters(text.replace("\n", " ")))
    return "".join(REPLACEMENT if char in missing else char for char in text)


def choose_typefaces(pdf: FPDF, texts: Iterable[str]) -> Typefaces:
    """Add the bundled faces and the fallbacks `texts` need to `pdf`; turn on text shaping."""
    for (family, style), filename in BUNDLED_FACES.items():
        add_font(pdf, family, style, FONTS_DIR / filename)
    needed = _fallbacks_for("".join(unicodedata.normalize("NFC", text) for text in texts))
    for face in needed:
        add_font(pdf, face.family, "", face.path)
    if needed:
        # Not exact: a bold or italic name in Arabic or Chinese is set in the regular face.
        pdf.set_fallback_fonts([face.family for face in needed], exact_match=False)
    pdf.set_text_shaping(use_shaping_engine=True)
    return BUNDLED
