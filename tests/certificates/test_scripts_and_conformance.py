"""Every script a name may be written in reads back from both PDFs, and both PDFs conform.

Text is read back with poppler's pdftotext (a reader, not our code). Conformance is checked
structurally with pikepdf, one assertion per PDF/A-2b and PDF/UA-1 requirement we claim
(docs/certificates.md, "PDF conformance"); there is no PDF/A validator on PyPI, npm or Debian.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import subprocess
import unicodedata
from decimal import Decimal

import pikepdf
import pytest
from lxml import etree

from app.certificates.identifiers import display_id
from app.certificates.printing.archival import needs_actual_text
from app.certificates.printing.pdf import QR_BOX, render_certificate_pdf
from app.certificates.printing.transcript import TranscriptRow, transcript_pdf
from tests.certificates.conftest import CERTIFICATE_ID, MakeDocument
from tests.certificates.helpers import earn_certificate
from tests.certificates.pdftools import _poppler, page_text
from tests.factories import make_course

NAMES = {
    "latin": "Zoë Ñúñez-Łukasiewicz",
    "greek": "Γιώργος Παπαδόπουλος",
    "cyrillic": "Анна Иванова",
    "vietnamese": "Nguyễn Thị Minh Khai",
    "arabic": "محمد الأحمد",
    "hebrew": "דנה לוי",
    "devanagari": "अनुष्का शर्मा",
    "chinese": "王秀英",
    "japanese": "山田 さくら",
    "korean": "김민준",
}
_EMBEDDINGS = re.compile("[\u202a-\u202e]")


def read_lines(pdf: bytes) -> list[str]:
    """The lines poppler's pdftotext reads, without its direction embeddings, in NFC."""
    out = subprocess.run(  # noqa: S603 - a fixed local tool on bytes we made
        [_poppler("pdftotext"), "-q", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return [
        unicodedata.normalize("NFC", _EMBEDDINGS.sub("", line)).strip() for line in out.split("\n")
    ]


def _right_to_left(char: str) -> bool:
    return unicodedata.bidirectional(char) in ("R", "AL")


def as_poppler_reads(text: str) -> str:
    """`text` with each right-to-left run reversed, the order pdftotext gives /ActualText in."""
    out, run = [], ""
    for char in text:
        if _right_to_left(char) or (run and char == " "):
            run += char
            continue
        trailing = len(run) - len(run.rstrip(" "))
        out.append(run.rstrip(" ")[::-1] + " " * trailing)
        run = ""
        out.append(char)
    out.append(run.rstrip(" ")[::-1] + " " * (len(run) - len(run.rstrip(" "))))
    return "".join(out)


def reads(pdf: bytes, text: str) -> bool:
    """Whether `text` reads back from the PDF as written, on one line.

    Left-to-right text comes from the glyphs themselves (their ToUnicode maps). Right-to-left
    text comes from /ActualText, which pdftotext returns with each right-to-left run in visual
    order; so that form is what is looked for (the check still fails for a missing letter).
    """
    wanted = as_poppler_reads(text) if needs_actual_text(text) else text
    return any(wanted in line for line in read_lines(pdf))


def transcript_of(name: str, title: str = "Ethics in Practice") -> bytes:
    """A one-row transcript for `name`."""
    row = TranscriptRow(
        dt.date(2026, 3, 14), title, 12, "Online, self-paced", Decimal("1.5"), CERTIFICATE_ID,
        "valid",
    )  # fmt: skip
    return transcript_pdf(name, "Groundwork Institute", [row], None, None, dt.date(2026, 4, 1))


@pytest.mark.parametrize("script", NAMES)
def test_the_name_reads_back_from_the_certificate(
    make_document: MakeDocument, script: str, caplog: pytest.LogCaptureFixture
) -> None:
    name = NAMES[script]
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        pdf = render_certificate_pdf(make_document(learner_name=name))
    assert reads(pdf, name), read_lines(pdf)
    assert "missing the following glyphs" not in caplog.text  # no empty boxes


@pytest.mark.parametrize("script", NAMES)
def test_the_name_and_a_title_read_back_from_the_transcript(
    script: str, caplog: pytest.LogCaptureFixture
) -> None:
    name = NAMES[script]
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        pdf = transcript_of(name, title=f"Ethics {name}")
    assert reads(pdf, f"Learner: {name}"), read_lines(pdf)
    assert reads(pdf, f"Ethics {name}"), read_lines(pdf)
    assert "missing the following glyphs" not in caplog.text


def test_the_poppler_order_reverses_only_right_to_left_runs() -> None:
    assert as_poppler_reads("Learner: \u05d3\u05e0\u05d4 \u05dc\u05d5\u05d9") == (
        "Learner: \u05d9\u05d5\u05dc \u05d4\u05e0\u05d3"
    )
    assert as_poppler_reads("Ann Lee") == "Ann Lee"


def test_arabic_is_shaped_not_printed_as_isolated_letters(make_document: MakeDocument) -> None:
    """HarfBuzz picks joined forms: the glyphs drawn differ from the letters' isolated forms."""
    glyph_sets = []
    for name in ("م ح م د", "محمد"):
        pdf = pikepdf.open(io.BytesIO(render_certificate_pdf(make_document(learner_name=name))))
        fonts = pdf.pages[0].Resources.Font
        (arabic,) = [fonts[k] for k in fonts if "NotoSansArabic" in str(fonts[k].BaseFont)]
        glyph_sets.append(list(arabic.DescendantFonts[0].W))
    assert glyph_sets[0] != glyph_sets[1]


def test_the_transcript_keeps_version_whole_and_ids_unsplit() -> None:
    lines = page_text(transcript_of("Ann Lee")).split("\n")
    assert any("Version" in line.split() for line in lines)  # not "Versi" / "on"
    printed = display_id(CERTIFICATE_ID)
    start = next(i for i, line in enumerate(lines) if line.endswith("GW-0PJ1-15PN-"))
    pieces = [lines[start].split()[-1], *lines[start + 1 : start + 4]]
    assert "".join(pieces) == printed
    groups = printed.split("-")
    for piece in pieces:  # each line holds whole groups and breaks after a hyphen
        assert all(part in groups for part in piece.rstrip("-").split("-"))


# --- Conformance: structural checks, one per requirement claimed -----------------------------


def _both(make_document: MakeDocument) -> list[pikepdf.Pdf]:
    return [
        pikepdf.open(io.BytesIO(render_certificate_pdf(make_document(learner_name="محمد لي")))),
        pikepdf.open(io.BytesIO(transcript_of("王秀英"))),
    ]


def _xmp(pdf: pikepdf.Pdf) -> etree._Element:
    return etree.fromstring(pdf.Root.Metadata.read_bytes())


def _structure(element: pikepdf.Object) -> list[pikepdf.Object]:
    found = []
    kids = element.get("/K")
    kids = [] if kids is None else (list(kids) if isinstance(kids, pikepdf.Array) else [kids])
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            found.append(kid)
            found.extend(_structure(kid))
    return found


def test_pdfa_identification_and_version(make_document: MakeDocument) -> None:
    for pdf in _both(make_document):
        assert pdf.pdf_version in ("1.4", "1.5", "1.6", "1.7")
        xmp = _xmp(pdf)
        ns = {"pdfaid": "http://www.aiim.org/pdfa/ns/id/"}
        assert xmp.findtext(".//pdfaid:part", namespaces=ns) == "2"
        assert xmp.findtext(".//pdfaid:conformance", namespaces=ns) == "B"
        assert "/ID" in pdf.trailer
        assert "/Encrypt" not in pdf.trailer


def test_pdfa_output_intent_is_srgb(make_document: MakeDocument) -> None:
    for pdf in _both(make_document):
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        profile = intent.DestOutputProfile
        assert profile.N == 3
        assert profile.read_bytes()[36:40] == b"acsp"  # an ICC profile's signature


def test_pdfa_every_font_is_embedded(make_document: MakeDocument) -> None:
    for pdf in _both(make_document):
        for page in pdf.pages:
            for key in page.Resources.Font:
                font = page.Resources.Font[key]
                assert font.Subtype == "/Type0", "no standard 14 font"
                descendant = font.DescendantFonts[0]
                descriptor = descendant.FontDescriptor
                assert "/FontFile2" in descriptor or "/FontFile3" in descriptor
                assert re.fullmatch(r"/[A-Z]{6}\+.+", str(descriptor.FontName)), "a subset"
                assert "/ToUnicode" in font


def test_qpdf_finds_no_syntax_problems(make_document: MakeDocument) -> None:
    for pdf in _both(make_document):
        assert pdf.check_pdf_syntax() == []


def test_pdfa_truetype_fonts_map_cids_to_glyphs(make_document: MakeDocument) -> None:
    for pdf in _both(make_document):
        fonts = pdf.pages[0].Resources.Font
        for key in fonts:
            descendant = fonts[key].DescendantFonts[0]
            if descendant.Subtype == "/CIDFontType2":
                assert "/CIDToGIDMap" in descendant


def test_pdfa_no_forbidden_features(make_document: MakeDocument) -> None:
    for pdf in _both(make_document):
        assert "/JavaScript" not in pdf.Root.get("/Names", {})
        action = pdf.Root.get("/OpenAction")
        assert action is None or isinstance(action, pikepdf.Array), "no script runs on open"
        for page in pdf.pages:
            assert "/Annots" not in page or len(page.Annots) == 0
            if "/Group" in page:  # PDF/A-2: a page group's colour space is covered by the intent
                assert page.Group.CS == "/DeviceRGB"


def test_pdfua_identification_title_and_language(make_document: MakeDocument) -> None:
    for pdf in _both(make_document):
        xmp = _xmp(pdf)
        ns = {
            "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
            "dc": "http://purl.org/dc/elements/1.1/",
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
        }
        assert xmp.findtext(".//pdfuaid:part", namespaces=ns) == "1"
        # PDF/A-2 accepts the pdfuaid property only with its extension schema described.
        assert xmp.findtext(".//pdfaSchema:prefix", namespaces=ns) == "pdfuaid"
        assert xmp.findtext(".//dc:title/rdf:Alt/rdf:li", namespaces=ns)
        assert xmp.findtext(".//dc:creator/rdf:Seq/rdf:li", namespaces=ns) == (
            "Groundwork Institute"
        )
        assert str(pdf.Root.Lang) == "en-US"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert pdf.Root.MarkInfo.Marked is True


def test_pdfua_structure_tree_and_reading_order(make_document: MakeDocument) -> None:
    certificate, transcript = _both(make_document)
    for pdf in (certificate, transcript):
        root = pdf.Root.StructTreeRoot
        (document,) = [root.K] if isinstance(root.K, pikepdf.Dictionary) else list(root.K)
        assert document.S == "/Document"
        elements = _structure(document)
        assert all(page.StructParents is not None for page in pdf.pages)
        roles = [str(element.S) for element in elements]
        assert roles[0] == "/H1" or roles[1] == "/H1"
        # Every element with content points at its page (nested ones too).
        for element in elements:
            if any(isinstance(kid, int) for kid in element.K):
                assert "/Pg" in element
    roles = [str(e.S) for e in _structure(certificate.Root.StructTreeRoot.K[0])]
    assert roles.count("/Figure") == 1
    table_roles = [str(e.S) for e in _structure(transcript.Root.StructTreeRoot.K[0])]
    assert {"/Table", "/TR", "/TH", "/TD"} <= set(table_roles)
    headings = [e for e in _structure(transcript.Root.StructTreeRoot.K[0]) if str(e.S) == "/TH"]
    assert all(str(h.A.Scope) == "/Column" for h in headings)


def test_pdfua_qr_code_has_alternative_text(make_document: MakeDocument) -> None:
    certificate = _both(make_document)[0]
    (figure,) = [
        e for e in _structure(certificate.Root.StructTreeRoot.K[0]) if str(e.S) == "/Figure"
    ]
    assert "verification page" in str(figure.Alt)
    x, y, side = (value * 72 / 25.4 for value in QR_BOX)
    page_height = float(certificate.pages[0].MediaBox[3])
    assert [round(float(v), 1) for v in figure.A.BBox] == [
        round(x, 1),
        round(page_height - y - side, 1),
        round(x + side, 1),
        round(page_height - y, 1),
    ]


def test_pdfua_all_content_is_tagged_or_an_artifact(make_document: MakeDocument) -> None:
    """Every text and path operator sits inside marked content (BDC for tags, BMC artifacts)."""
    painting = {"Tj", "TJ", "'", '"', "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "Do", "sh"}
    for pdf in _both(make_document):
        for page in pdf.pages:
            depth = 0
            for operands, operator in pikepdf.parse_content_stream(page):
                name = str(operator)
                if name in ("BDC", "BMC"):
                    depth += 1
                elif name == "EMC":
                    depth -= 1
                elif name in painting:
                    assert depth > 0, f"untagged {name} {operands}"
            assert depth == 0


def test_right_to_left_text_carries_actual_text(make_document: MakeDocument) -> None:
    certificate = _both(make_document)[0]
    texts = [
        str(e.ActualText)
        for e in _structure(certificate.Root.StructTreeRoot.K[0])
        if "/ActualText" in e
    ]
    assert "محمد لي" in texts


def test_a_learner_named_in_arabic_gets_both_pdfs_and_an_isolated_name_on_the_page(
    client, sign_in
) -> None:
    """Through the site: sign-up's rule, the issued certificate, the transcript page and PDF."""
    name = NAMES["arabic"]
    user = sign_in()
    profile = {"legal_name": name, "profession": "Psychologist", "license_number": "",
               "license_state": ""}  # fmt: skip
    assert client.post("/account", data=profile).status_code == 302
    course = make_course(modules=1)
    certificate = earn_certificate(client, course, user.id)
    page = client.get("/transcript").get_data(as_text=True)
    # <bdi> keeps a right-to-left name from reordering the text around it.
    assert f"<bdi>{name}</bdi>" in page
    assert reads(client.get(f"/certificates/{certificate.public_id}/certificate.pdf").data, name)
    assert reads(client.get("/transcript.pdf").data, f"Learner: {name}")


def test_a_long_transcript_repeats_the_headings_and_stays_tagged_on_every_page() -> None:
    row = TranscriptRow(
        dt.date(2026, 3, 14), "Ethics in Practice", 1, "Online", Decimal("1"), CERTIFICATE_ID,
        "valid",
    )  # fmt: skip
    pdf = pikepdf.open(
        io.BytesIO(transcript_pdf("Ann Lee", "Groundwork", [row] * 60, None, None, dt.date.today()))
    )
    assert len(pdf.pages) >= 2
    tables = [e for e in _structure(pdf.Root.StructTreeRoot.K[0]) if str(e.S) == "/Table"]
    assert len(tables) == len(pdf.pages)  # one per page, each with its heading row first
    for table, page in zip(tables, pdf.pages, strict=True):
        assert table.Pg.objgen == page.obj.objgen
        first_row = table.K[0]
        assert [str(cell.S) for cell in first_row.K] == ["/TH"] * 7
    data_rows = sum(len(table.K) - 1 for table in tables)
    assert data_rows == 60
