"""The certificate as a one-page landscape PDF, the same bytes every time it is downloaded.

The PDF is tagged (PDF/UA-1) and archival (PDF/A-2b); `archival.py` sets both up and the
tests check every requirement claimed (docs/certificates.md, "PDF conformance").
"""

from __future__ import annotations

from datetime import UTC

from fpdf import FPDF

from app.certificates.document import CertificateDocument
from app.certificates.printing.archival import artifact, new_archival_pdf, tagged
from app.certificates.printing.fontcache import write_pdf
from app.certificates.printing.qr import QUIET_ZONE, dark_rectangles, qr_matrix
from app.certificates.printing.textfit import FittedText, fit
from app.certificates.printing.typefaces import Typefaces, choose_typefaces, printable

PAGE_WIDTH, PAGE_HEIGHT = 279.4, 215.9  # US Letter, landscape, in mm
MARGIN = 24.0
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
TEXT_WIDTH = 215.0  # the centred lines stay well inside the frame
#: The QR code's square without its quiet zone (x, y, side in mm); tests read it from here.
QR_BOX = (PAGE_WIDTH - MARGIN - 25.0, 165.0, 25.0)
FOOTER_WIDTH = QR_BOX[0] - MARGIN - 12.0
DETAILS_TOP = 140.0
FOOTER_TOP = 165.0

Color = tuple[int, int, int]
INK: Color = (28, 39, 46)
ACCENT: Color = (44, 88, 78)
MUTED: Color = (88, 99, 106)
HAIRLINE: Color = (190, 200, 195)


class _Page:
    """The page being drawn: the FPDF object, its typefaces and two drawing primitives."""

    def __init__(self, pdf: FPDF, faces: Typefaces) -> None:
        """Draw on `pdf` in `faces`."""
        self.pdf = pdf
        self.faces = faces

    def fit(
        self,
        text: str,
        *,
        serif: bool,
        style: str = "",
        sizes: tuple[float, float],
        width: float = TEXT_WIDTH,
        height: float = 99.0,
        balanced: bool = True,
    ) -> FittedText:
        """Fit `text` (made printable in the chosen faces) into a `width` x `height` mm box."""
        family = self.faces.serif if serif else self.faces.sans
        text = printable(text, self.faces)
        return fit(
            self.pdf,
            text,
            family=family,
            style=style,
            sizes=sizes,
            width=width,
            height=height,
            balanced=balanced,
        )

    def draw(
        self,
        fitted: FittedText,
        y: float,
        *,
        x: float = MARGIN,
        width: float = CONTENT_WIDTH,
        align: str = "C",
        color: Color = INK,
        spacing: float = 0.0,
        role: str = "P",
    ) -> float:
        """Draw fitted lines from `y` downwards as one tagged block; return the y below them."""
        pdf = self.pdf
        pdf.set_font(fitted.family, fitted.style, fitted.size)
        pdf.set_text_color(*color)
        pdf.set_char_spacing(spacing)
        with tagged(pdf, role, " ".join(fitted.lines)):
            for line in fitted.lines:
                # cell() rather than text(): it shapes, reorders right-to-left runs and falls
                # back to the Noto faces, which text() does not.
                pdf.set_xy(x, y)
                pdf.cell(width, fitted.line_height, line, align="C" if align == "C" else "L")
                y += fitted.line_height
        pdf.set_char_spacing(0)
        return y

    def rule(self, x: float, y: float, width: float, color: Color, weight: float) -> None:
        """Draw a horizontal line `width` mm long (decoration: an artifact to a screen reader)."""
        self.pdf.set_draw_color(*color)
        self.pdf.set_line_width(weight)
        with artifact(self.pdf):
            self.pdf.line(x, y, x + width, y)


def printed_texts(document: CertificateDocument) -> list[str]:
    """Every text from the document that the page prints (fonts are chosen to cover them)."""
    return [
        document.learner_name,
        document.profession,
        document.license_text or "",
        document.course_title,
        document.course_version,
        document.delivery_format,
        document.provider_name,
        document.approval_statement,
        document.verification_url,
        document.credit_body or "",
    ]


def _new_pdf(document: CertificateDocument) -> FPDF:
    """A Letter landscape, tagged, archival FPDF whose metadata depends on the document alone."""
    pdf = new_archival_pdf(
        orientation="landscape",
        title=f"{document.heading} {document.display_id}",
        author=document.provider_name,
        created=document.issued_at.astimezone(UTC),
        subject=f"{document.learner_name}: {document.course_title}",
    )
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.c_margin = 0
    pdf.str_alias_nb_pages = ""  # "{nb}" in a course title is text, not a page count
    return pdf


def _draw_frame(page: _Page) -> None:
    """A double border: a firm outer line and a hairline inside it."""
    page.pdf.set_draw_color(*ACCENT)
    with artifact(page.pdf):
        page.pdf.set_line_width(1.1)
        page.pdf.rect(9, 9, PAGE_WIDTH - 18, PAGE_HEIGHT - 18)
        page.pdf.set_line_width(0.3)
        page.pdf.rect(12.5, 12.5, PAGE_WIDTH - 25, PAGE_HEIGHT - 25)


def _draw_heading(page: _Page, document: CertificateDocument) -> None:
    """The provider's name, the title, and a short rule under it."""
    provider = page.fit(document.provider_name, serif=False, sizes=(10.5, 7), height=9)
    page.draw(provider, 25 - provider.height / 2, color=ACCENT)
    title = page.fit(document.heading, serif=True, sizes=(34, 34))
    page.draw(title, 32, spacing=0.3, role="H1")
    page.rule(PAGE_WIDTH / 2 - 18, 50.5, 36, ACCENT, 0.5)


def _draw_recipient_and_course(page: _Page, document: CertificateDocument) -> None:
    """Who completed which course, centred between the heading and the details row."""
    credentials = " · ".join(part for part in (document.profession, document.license_text) if part)
    blocks = [
        (page.fit("This certifies that", serif=True, style="I", sizes=(13, 13)), MUTED, 1.5),
        (page.fit(document.learner_name, serif=True, style="B", sizes=(30, 10), height=16), INK, 4),
        (page.fit(credentials, serif=False, sizes=(11, 6.5), height=10), MUTED, 5),
        (
            page.fit(
                "has completed the continuing-education course",
                serif=True,
                style="I",
                sizes=(13, 13),
            ),
            MUTED,
            1.5,
        ),
        (
            page.fit(document.course_title, serif=True, style="B", sizes=(20, 8), height=22),
            INK,
            1.5,
        ),
        (
            page.fit(f"Version {document.course_version}", serif=False, sizes=(9, 6.5), height=5),
            MUTED,
            0,
        ),
    ]
    total = sum(fitted.height + gap for fitted, _, gap in blocks)
    y = 55 + (DETAILS_TOP - 4 - 55 - total) / 2
    for index, (fitted, color, gap) in enumerate(blocks):
        y = page.draw(fitted, y, color=color) + gap
        if index == 1:  # the line the name stands on
            page.rule(PAGE_WIDTH / 2 - 75, y - gap / 2, 150, HAIRLINE, 0.25)


def _draw_details(page: _Page, document: CertificateDocument) -> None:
    """Three columns: credit, delivery format, completion date."""
    columns = (
        (document.credit_caption, document.credit_phrase),
        ("DELIVERY FORMAT", document.delivery_format),
        ("DATE OF COMPLETION", document.completed_on_text),
    )
    width = CONTENT_WIDTH / len(columns)
    page.rule(MARGIN, DETAILS_TOP - 4, CONTENT_WIDTH, HAIRLINE, 0.25)
    for index, (label, value) in enumerate(columns):
        x = MARGIN + index * width
        caption = page.fit(label, serif=False, sizes=(7, 7), width=width)
        page.draw(caption, DETAILS_TOP, x=x, width=width, color=ACCENT, spacing=0.25)
        fitted = page.fit(value, serif=True, sizes=(14, 8), width=width - 12, height=11)
        page.draw(fitted, DETAILS_TOP + 4.5, x=x, width=width)
    page.rule(MARGIN, DETAILS_TOP + 19, CONTENT_WIDTH, HAIRLINE, 0.25)


def _draw_footer(page: _Page, document: CertificateDocument) -> None:
    """Approval statement, certificate ID and where to verify it, left of the QR code."""
    statement = page.fit(
        document.approval_statement,
        serif=False,
        sizes=(8.5, 5),
        width=FOOTER_WIDTH,
        height=17,
        balanced=False,
    )
    page.draw(statement, FOOTER_TOP, width=FOOTER_WIDTH, align="L", color=MUTED)
    identity = f"Certificate ID {document.display_id}   ·   Issued {document.issued_on_text}"
    fitted = page.fit(identity, serif=False, sizes=(8.5, 7), width=FOOTER_WIDTH)
    y = page.draw(fitted, FOOTER_TOP + 19.5, width=FOOTER_WIDTH, align="L")
    where = page.fit(
        f"Verify at {document.verification_url}",
        serif=False,
        sizes=(8, 5.5),
        width=FOOTER_WIDTH,
        height=8,
        balanced=False,
    )
    page.draw(where, y + 0.5, width=FOOTER_WIDTH, align="L", color=MUTED)


def _draw_qr(page: _Page, url: str) -> None:
    """The QR code as filled vector rectangles, captioned below its quiet zone."""
    matrix = qr_matrix(url)
    x0, y0, side = QR_BOX
    module = side / len(matrix)
    caption = page.fit("Scan to verify", serif=False, sizes=(7, 7), width=side)
    page.draw(caption, y0 + side + QUIET_ZONE * module + 0.8, x=x0, width=side, color=MUTED)
    pdf = page.pdf
    pdf.set_fill_color(*INK)
    alt = f"QR code linking to the verification page {url}"
    with tagged(pdf, "Figure", alt=alt) as figure:
        # Tagged PDF asks an illustration on one page for its bounding box, in points.
        left, bottom = x0 * pdf.k, (pdf.h - y0 - side) * pdf.k
        box = f"{left:.2f} {bottom:.2f} {left + side * pdf.k:.2f} {bottom + side * pdf.k:.2f}"
        figure.a = f"<</O /Layout /BBox [{box}]>>"
        for row, column, width, height in dark_rectangles(matrix):
            # A sliver of overlap with the row below hides hairline seams in screen renderers.
            overlap = 0.0 if row + height == len(matrix) else 0.03
            pdf.rect(
                x0 + column * module,
                y0 + row * module,
                width * module,
                height * module + overlap,
                style="F",
            )


#: The layout version stored beside each rendered PDF (`CertificatePdf.layout`). Change it
#: whenever a change here alters what a new PDF looks like: stored PDFs keep their bytes,
#: and this says which layout each one was made with.
LAYOUT = "2026-12-pdfua-pdfa2b"


def render_certificate_pdf(document: CertificateDocument) -> bytes:
    """Return the certificate as PDF bytes: one Letter landscape page, deterministic.

    Rendering takes hundreds of milliseconds (a CJK name more), so downloads are served
    from the bytes stored at the first one (`app.certificates.storage`), not from here.
    """
    return _render(document)


def _render(document: CertificateDocument) -> bytes:
    """Lay out and write the certificate (no cache)."""
    pdf = _new_pdf(document)
    page = _Page(pdf, choose_typefaces(pdf, printed_texts(document)))
    pdf.add_page()
    _draw_frame(page)
    _draw_heading(page, document)
    _draw_recipient_and_course(page, document)
    _draw_details(page, document)
    _draw_footer(page, document)
    _draw_qr(page, document.verification_url)
    return write_pdf(pdf)
