"""A learner's transcript of CE hours: rows in, CSV text or a PDF out (no database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from fpdf import FPDF
from fpdf.fonts import FontFace

from app.certificates.document import written_date
from app.certificates.identifiers import display_id
from app.certificates.typefaces import BUNDLED_FACES, FONTS_DIR
from app.csvcells import to_csv

COLUMNS = ("Completed", "Course", "Version", "Format", "CE hours", "Certificate", "Status")


@dataclass(frozen=True)
class TranscriptRow:
    """One certificate on the transcript."""

    completed_on: dt.date
    course_title: str
    course_version: int
    delivery_format: str
    ce_hours: Decimal
    certificate_id: str
    status: str


def total_hours(rows: Sequence[TranscriptRow]) -> Decimal:
    """CE hours of the valid certificates (revoked ones earn nothing)."""
    return sum((r.ce_hours for r in rows if r.status == "valid"), Decimal(0))


def _hours(value: Decimal) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def transcript_csv(rows: Sequence[TranscriptRow]) -> str:
    """The transcript as CSV text, one row per certificate, then the total."""
    lines: list[Sequence[object]] = [
        (
            r.completed_on.isoformat(),
            r.course_title,
            r.course_version,
            r.delivery_format,
            _hours(r.ce_hours),
            display_id(r.certificate_id),
            r.status,
        )
        for r in rows
    ]
    lines.append(
        ("", "Total CE hours (valid certificates)", "", "", _hours(total_hours(rows)), "", "")
    )
    return to_csv(COLUMNS, lines)


def transcript_pdf(
    learner_name: str,
    provider_name: str,
    rows: Sequence[TranscriptRow],
    start: dt.date | None,
    end: dt.date | None,
    made_on: dt.date,
) -> bytes:
    """The transcript as a portrait PDF with a table and the total."""
    pdf = FPDF(orientation="portrait", unit="mm", format="letter")
    pdf.set_creation_date(dt.datetime.combine(made_on, dt.time(), dt.UTC))
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("Sans", "", str(FONTS_DIR / BUNDLED_FACES[("GroundworkSans", "")]))
    pdf.add_font("Serif", "B", str(FONTS_DIR / BUNDLED_FACES[("GroundworkSerif", "B")]))
    pdf.set_title(f"Transcript of CE hours: {learner_name}")
    pdf.add_page()
    pdf.set_font("Serif", "B", 18)
    pdf.cell(0, 10, "Transcript of continuing-education hours", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Sans", "", 10.5)
    period = (
        f"{written_date(start) if start else 'the beginning'} to "
        f"{written_date(end) if end else written_date(made_on)}"
    )
    for line in (
        f"Learner: {learner_name}",
        f"Provider: {provider_name}",
        f"Period: {period}",
        f"Prepared on {written_date(made_on)}",
    ):
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    with pdf.table(
        col_widths=(24, 62, 14, 32, 14, 34, 18),
        text_align="LEFT",
        line_height=5.5,
        headings_style=FontFace(family="Serif", emphasis="BOLD", size_pt=9.5),
    ) as table:
        table.row(COLUMNS)
        for r in rows:
            table.row(
                (
                    written_date(r.completed_on),
                    r.course_title,
                    str(r.course_version),
                    r.delivery_format,
                    _hours(r.ce_hours),
                    display_id(r.certificate_id),
                    r.status,
                )
            )
    pdf.ln(4)
    pdf.set_font("Serif", "B", 12)
    pdf.cell(
        0,
        8,
        f"Total CE hours (valid certificates): {_hours(total_hours(rows))}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
