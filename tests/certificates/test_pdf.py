"""The certificate PDF: one landscape page that states every field, literally and legibly."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import segno
from freezegun import freeze_time
from pypdf import PdfReader

from app.certificates.document import LONGEST, CertificateDocument
from app.certificates.printing.pdf import QR_BOX, render_certificate_pdf
from app.certificates.printing.qr import qr_matrix
from app.certificates.printing.typefaces import unprintable_characters
from tests.certificates.conftest import CERTIFICATE_ID, MakeDocument
from tests.certificates.pdftools import MM, page_text, render, squashed, words

LETTER_LANDSCAPE = (792, 612)  # points
FRAME = 12.5 * MM  # the inner border's distance from the page edge


def expected_phrases(document: CertificateDocument) -> list[str]:
    """What a licensing board must be able to read on the certificate."""
    return [
        "Certificate of Completion",
        document.learner_name,
        document.profession,
        document.license_number or "",
        document.license_state or "",
        document.course_title,
        f"Version {document.course_version}",
        document.ce_hours_phrase,
        document.delivery_format,
        document.completed_on_text,
        document.provider_name,
        document.approval_statement,
        document.display_id,
        document.verification_url,
    ]


def assert_states_everything(pdf: bytes, document: CertificateDocument) -> None:
    """Every field is in the extracted text (line breaks aside)."""
    text = squashed(page_text(pdf))
    missing = [phrase for phrase in expected_phrases(document) if squashed(phrase) not in text]
    assert not missing, f"not on the certificate: {missing}"


def test_one_landscape_letter_page(document: CertificateDocument) -> None:
    reader = PdfReader(io.BytesIO(render_certificate_pdf(document)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(box.width), round(box.height)) == LETTER_LANDSCAPE


def test_every_field_can_be_read_from_the_page(document: CertificateDocument) -> None:
    pdf = render_certificate_pdf(document)
    assert_states_everything(pdf, document)
    assert "March 14, 2026" in page_text(pdf)


def test_markup_in_names_and_titles_prints_as_typed(make_document: MakeDocument) -> None:
    document = make_document(
        learner_name="<script>alert(1)</script> **bold** Ann",
        course_title="__Trauma__ & <b>care</b> (part {nb}) \\n 100% `code` [link](x)",
    )
    text = squashed(page_text(render_certificate_pdf(document)))  # the title may wrap
    assert squashed("<script>alert(1)</script> **bold** Ann") in text
    assert squashed("__Trauma__ & <b>care</b> (part {nb}) \\n 100% `code` [link](x)") in text


@pytest.mark.parametrize(
    "name",
    [
        "José Núñez",
        "Zoë Ødegård-Çelik",
        "Nguyễn Thị Minh Khai",
        "Łukasz Dvořák",
        "Ελένη Παπαδοπούλου",
    ],
)
def test_names_beyond_ascii_print_exactly(make_document: MakeDocument, name: str) -> None:
    document = make_document(learner_name=name)
    pdf = render_certificate_pdf(document)
    assert name in page_text(pdf)
    assert_states_everything(pdf, document)


def test_every_certificate_embeds_subset_fonts_and_only_the_scripts_it_needs(
    make_document: MakeDocument,
) -> None:
    western = render_certificate_pdf(make_document(learner_name="José Núñez"))
    chinese = render_certificate_pdf(make_document(learner_name="王秀英"))
    assert b"/Times-Bold" not in western and b"/Helvetica" not in western
    assert b"/FontFile2" in western and b"DejaVuSerifBold" in western
    assert b"NotoSansSC" not in western and b"NotoSansSC" in chinese
    assert len(chinese) < 150_000  # subsets, not the 8 MB face


def test_characters_no_font_has_print_as_replacement_marks(make_document: MakeDocument) -> None:
    assert unprintable_characters("王小明 Lee") == set()
    assert unprintable_characters("محمد") == set()
    assert unprintable_characters("Nguyễn Zoë") == set()
    assert unprintable_characters("Ann 😀 𝄞") == {"😀", "𝄞"}
    text = page_text(render_certificate_pdf(make_document(learner_name="Ann 𝄞 Lee")))
    assert "Ann � Lee" in text


def test_a_stored_direction_override_prints_as_a_mark_not_a_reordering(
    make_document: MakeDocument,
) -> None:
    """Titles stored before entry refused overrides still cannot reorder a printed line."""
    text = page_text(render_certificate_pdf(make_document(course_title="Ethics \u202ecitsE")))
    assert "Ethics \ufffdcitsE" in text and "\u202e" not in text


def test_a_200_character_title_fits(make_document: MakeDocument) -> None:
    title = ("Integrating Ketamine-Assisted Psychotherapy into Trauma-Informed Practice: " * 3)[
        :200
    ]
    document = make_document(course_title=title.strip())
    pdf = render_certificate_pdf(document)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert_states_everything(pdf, document)


def longest_document(make_document: MakeDocument, *, unicode: bool) -> CertificateDocument:
    """A certificate with every text field at the longest length a document accepts."""
    word = "Nguyễn-Villanueva " if unicode else "Maximiliana-Villanueva "

    def filled(field: str, words: str = word) -> str:
        return (words * 100)[: LONGEST[field]].strip()

    path = f".example/verify/{CERTIFICATE_ID}"
    host = ("https://" + "continuing-education." * 20)[: LONGEST["verification_url"] - len(path)]
    return make_document(
        verification_url=host.rstrip(".") + path,
        learner_name=filled("learner_name"),
        profession=filled("profession", "Psychiatric Mental Health Nurse Practitioner "),
        license_number=filled("license_number", "PMHNP-0042-"),
        license_state=filled("license_state", "Commonwealth of Massachusetts "),
        course_title=filled(
            "course_title", "Ketamine-Assisted Psychotherapy Integration Practice "
        ),
        course_version=filled("course_version", "2026.03-rc1+"),
        delivery_format=filled("delivery_format", "Online, self-paced home study "),
        provider_name=filled("provider_name", "Groundwork Institute for Clinical Education "),
        approval_statement=filled(
            "approval_statement",
            "Groundwork Institute is approved by the American Psychological Association to "
            "sponsor continuing education for psychologists and maintains responsibility. ",
        ),
    )


@pytest.mark.parametrize("unicode", [False, True], ids=["core-fonts", "bundled-fonts"])
def test_every_field_at_its_longest_fits_inside_the_frame_without_collisions(
    make_document: MakeDocument, unicode: bool
) -> None:
    document = longest_document(make_document, unicode=unicode)
    pdf = render_certificate_pdf(document)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert_states_everything(pdf, document)
    boxes = words(pdf)
    width, height = LETTER_LANDSCAPE
    for word in boxes:
        assert word.left > FRAME and word.right < width - FRAME, word
        assert word.top > FRAME and word.bottom < height - FRAME, word
    qr_left, qr_top, side = (value * MM for value in QR_BOX)
    quiet = 4 * side / len(qr_matrix(document.verification_url))  # the four-module quiet zone
    for word in boxes:
        clear = (
            word.right < qr_left - quiet
            or word.bottom < qr_top - quiet
            or word.top > qr_top + side + quiet
        )
        assert clear, f"{word} is inside the QR code's quiet zone"
    collisions = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if a.overlaps(b)]
    assert not collisions


@pytest.mark.parametrize("name", ["Dr. Maria Elena Rodríguez", "Nguyễn Thị Minh Khai"])
def test_downloading_again_gives_the_same_bytes(make_document: MakeDocument, name: str) -> None:
    document = make_document(learner_name=name)
    with freeze_time("2026-03-14 17:02:11"):
        first = render_certificate_pdf(document)
    with freeze_time("2031-07-01 08:00:00"):
        again = render_certificate_pdf(document)
    assert first == again


def test_the_file_is_dated_when_the_certificate_was_issued(document: CertificateDocument) -> None:
    xmp = PdfReader(io.BytesIO(render_certificate_pdf(document))).xmp_metadata
    assert xmp is not None and xmp.xmp_create_date is not None
    assert xmp.xmp_create_date.replace(tzinfo=UTC) == datetime(2026, 3, 14, 17, 2, 11, tzinfo=UTC)
    assert xmp.dc_title == {"x-default": f"Certificate of Completion {document.display_id}"}


def test_the_qr_code_on_the_page_is_the_verification_url(document: CertificateDocument) -> None:
    dpi = 300
    page = render(render_certificate_pdf(document), dpi)
    expected = segno.make_qr(document.verification_url, error="m", boost_error=False).matrix
    left, top, side = (value / 25.4 * dpi for value in QR_BOX)
    module = side / len(expected)
    seen = [
        [
            page.getpixel((left + (col + 0.5) * module, top + (row + 0.5) * module)) < 128
            for col in range(len(expected))
        ]
        for row in range(len(expected))
    ]
    assert seen == [[bool(m) for m in row] for row in expected]


def test_a_scanner_reads_the_verification_url(document: CertificateDocument) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    page = render(render_certificate_pdf(document), 150)
    results = zxingcpp.read_barcodes(page)
    assert [result.text for result in results] == [document.verification_url]
