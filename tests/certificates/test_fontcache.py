"""Faster PDFs, same bytes: fonts parsed once, only the faces used, bidi skipped for LTR text."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pikepdf
import pytest
from fpdf import FPDF

from app.certificates.identifiers import new_certificate_id
from app.certificates.printing import fontcache
from app.certificates.printing.archival import ArchivalPDF, all_left_to_right
from app.certificates.printing.pdf import render_certificate_pdf
from app.certificates.printing.transcript import TranscriptRow, transcript_pdf
from app.certificates.printing.typefaces import FALLBACKS, FONTS_DIR
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


NAMES = (
    "Dr. Maria Elena Rodríguez",
    "Nguyễn Thị Minh Khai",
    "Αλέξανδρος Παπαδόπουλος",
    "Анна Кузнецова",
    "محمد الأحمد",
    "דוד כהן",
    "अनुष्का शर्मा",
    "王秀英",
    "山田はなこ",
    "김민준",
    "Ann (R&D) 3½ ٣ Lee",
)


def _both_ways(monkeypatch, make) -> tuple[bytes, bytes]:  # type: ignore[no-untyped-def]
    fast = make()
    monkeypatch.setattr(ArchivalPDF, "skip_ltr_bidi", False)
    slow = make()
    monkeypatch.setattr(ArchivalPDF, "skip_ltr_bidi", True)
    return fast, slow


@pytest.mark.parametrize("name", NAMES)
def test_skipping_the_bidi_algorithm_for_left_to_right_text_changes_no_byte(
    monkeypatch, make_document: MakeDocument, name: str
):
    document = make_document(learner_name=name, course_title=f"Ethics for {name}")
    fast, slow = _both_ways(monkeypatch, lambda: render_certificate_pdf(document))
    assert fast == slow
    rows = [
        TranscriptRow(
            completed_on=date(2026, 3, day),
            course_title=f"Course {day}: {name}",
            course_version=day,
            delivery_format="Online, self-paced",
            ce_hours=Decimal("1.5"),
            certificate_id=new_certificate_id(),
            status="valid",
        )
        for day in (1, 2, 3)
    ]
    fast, slow = _both_ways(
        monkeypatch,
        lambda: transcript_pdf(name, "Groundwork Institute", rows, None, None, date(2026, 4, 1)),
    )
    assert fast == slow


def test_only_text_with_nothing_right_to_left_skips_the_bidi_algorithm():
    assert all_left_to_right("Nguyễn Thị 3.5 (hours) 王秀英")
    assert not all_left_to_right("Lee محمد")
    assert not all_left_to_right("Lee ٣")  # an Arabic-Indic digit
    assert not all_left_to_right("Dana \u2067x\u2069")  # an isolate
