"""Fonts parsed once per process: the same PDF as fpdf2 alone makes, and only the faces used."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pikepdf
from fpdf import FPDF

from app.certificates import fontcache
from app.certificates.pdf import render_certificate_pdf
from app.certificates.typefaces import FALLBACKS, FONTS_DIR
from tests.certificates.conftest import MakeDocument

SERIF = FONTS_DIR / "DejaVuSerif.ttf"
SC = next(face for face in FALLBACKS if face.family == "NotoSansSC")


def _sample(borrowed: bool, text: str) -> bytes:
    """A one-page PDF of `text` in DejaVu Serif with the Chinese face as fallback."""
    pdf = FPDF()
    pdf.set_creation_date(datetime(2026, 3, 14, tzinfo=UTC))
    for family, path in (("Serif", SERIF), ("NotoSansSC", SC.path)):
        if borrowed:
            fontcache.add_font(pdf, family, "", path)
        else:
            pdf.add_font(family, "", path)
    pdf.set_fallback_fonts(["NotoSansSC"], exact_match=False)
    pdf.set_text_shaping(use_shaping_engine=True)
    pdf.add_page()
    pdf.set_font("Serif", "", 14)
    pdf.cell(text=text)
    return fontcache.write_pdf(pdf) if borrowed else bytes(pdf.output())


def test_a_borrowed_font_writes_the_same_bytes_as_fpdf2_alone():
    for text in ("José Núñez 王秀英", "Ægir Þórsson 李", "José Núñez 王秀英"):
        assert _sample(borrowed=True, text=text) == _sample(borrowed=False, text=text)


def test_a_render_does_not_leak_glyphs_into_the_next(make_document: MakeDocument):
    chinese = render_certificate_pdf(make_document(learner_name="王秀英"))
    latin = render_certificate_pdf(make_document(learner_name="José Núñez"))
    assert "NotoSansSC" in " ".join(_embedded_fonts(chinese))
    assert not any("Noto" in name for name in _embedded_fonts(latin))
    assert render_certificate_pdf(make_document(learner_name="José Núñez")) == latin


def test_only_the_fallback_faces_the_text_uses_are_embedded(make_document: MakeDocument):
    chinese = " ".join(
        _embedded_fonts(render_certificate_pdf(make_document(learner_name="王秀英")))
    )
    assert "NotoSansSC" in chinese
    assert "NotoSansJP" not in chinese and "NotoSansKR" not in chinese
    japanese = " ".join(
        _embedded_fonts(render_certificate_pdf(make_document(learner_name="山田はなこ")))
    )
    assert "NotoSansJP" in japanese and "NotoSansSC" not in japanese


def _embedded_fonts(pdf: bytes) -> list[str]:
    """The BaseFont names of the page's fonts."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        fonts = document.pages[0].Resources.Font
        return [str(fonts[name].BaseFont) for name in fonts.keys()]  # noqa: SIM118
