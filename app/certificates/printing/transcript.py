"""A learner's transcript of CE hours: rows in, CSV text or a PDF out (no database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from fpdf import FPDF

from app.certificates.document import written_date
from app.certificates.identifiers import display_id
from app.certificates.printing.archival import (
    Element,
    artifact,
    group,
    new_archival_pdf,
    structure_of,
    tagged,
)
from app.certificates.printing.fontcache import write_pdf
from app.certificates.printing.textfit import LEADING, PT, width_of, wrap
from app.certificates.printing.typefaces import Typefaces, choose_typefaces, printable
from app.csvcells import to_csv

if TYPE_CHECKING:  # the transcript only reads what the caller measured
    from app.learning.timeontask import ModuleTime

COLUMNS = ("Completed", "Course", "Version", "Format", "CE hours", "Certificate", "Status")
#: The CSV adds the learner's time on task, in all and per module.
CSV_COLUMNS = (*COLUMNS, "Time on task (minutes)", "Time on task by module (minutes)")


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
    #: The learner's recorded time on the course's lessons (server timestamps).
    seconds_on_task: int = 0
    modules: tuple[ModuleTime, ...] = ()
    #: A certificate of attendance: its hours are participation and earn no CE credit.
    attendance_only: bool = False

    @property
    def minutes_by_module(self) -> str:
        """Time on task per module in one cell: "1. Grounding: 42; 2. Pacing: 30"."""
        return "; ".join(f"{m.position}. {m.title}: {m.seconds // 60}" for m in self.modules)


def total_hours(rows: Sequence[TranscriptRow]) -> Decimal:
    """CE hours of the valid certificates (revoked ones, and attendance, earn nothing)."""
    return sum(
        (r.ce_hours for r in rows if r.status == "valid" and not r.attendance_only), Decimal(0)
    )


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
            r.seconds_on_task // 60,
            r.minutes_by_module,
        )
        for r in rows
    ]
    lines.append(
        (
            "",
            "Total CE hours (valid certificates)",
            "",
            "",
            _hours(total_hours(rows)),
            "",
            "",
            sum(r.seconds_on_task for r in rows) // 60,
            "",
        )
    )
    return to_csv(CSV_COLUMNS, lines)


PAGE_WIDTH, PAGE_HEIGHT = 215.9, 279.4  # US Letter, portrait, in mm
MARGIN = 15.0
BOTTOM = PAGE_HEIGHT - 18.0
#: Column widths in mm: wide enough that no heading word ("Version") and no value but a
#: title, a format or an ID wraps; IDs wrap only between their groups.
WIDTHS = (27.0, 56.0, 16.0, 30.0, 15.0, 27.0, 14.9)
CELL_PAD = 1.2
BODY_SIZE, HEAD_SIZE = 8.5, 8.5
INK = (28, 39, 46)
RULE = (150, 160, 155)


def _cells(row: TranscriptRow) -> tuple[str, ...]:
    """One row's cells as printed."""
    return (
        written_date(row.completed_on),
        row.course_title,
        str(row.course_version),
        row.delivery_format,
        _hours(row.ce_hours),
        display_id(row.certificate_id),
        row.status,
    )


def _wrap_cell(pdf: FPDF, text: str, width: float, identifier: bool) -> list[str]:
    """Lines of one cell; a certificate ID breaks only after a hyphen, never inside a group."""
    if not identifier:
        return wrap(pdf, text, width) or [""]
    lines, current = [], ""
    for part in text.split("-"):
        piece = f"{current}-{part}" if current else part
        if current and width_of(pdf, piece) > width:
            lines.append(current + "-")
            current = part
        else:
            current = piece
    return [*lines, current]


class _Writer:
    """The transcript being written: tagged text blocks and a table that may run over pages."""

    def __init__(self, pdf: FPDF, faces: Typefaces) -> None:
        self.pdf = pdf
        self.faces = faces

    def block(self, text: str, *, role: str, serif: bool, style: str, size: float) -> None:
        """A paragraph or heading across the page, wrapped."""
        pdf = self.pdf
        family = self.faces.serif if serif else self.faces.sans
        pdf.set_font(family, style, size)
        pdf.set_text_color(*INK)
        text = printable(text, self.faces)
        lines = wrap(pdf, text, PAGE_WIDTH - 2 * MARGIN) or [""]
        height = size * PT * LEADING
        if pdf.get_y() + height * len(lines) > BOTTOM:
            pdf.add_page()
        with tagged(pdf, role, text):
            for line in lines:
                pdf.set_x(MARGIN)
                pdf.cell(PAGE_WIDTH - 2 * MARGIN, height, line, new_x="LMARGIN", new_y="NEXT")

    def _wrapped(self, cells: tuple[str, ...], heading: bool) -> list[list[str]]:
        """Each cell's lines, in the row's font (set here)."""
        pdf = self.pdf
        if heading:
            pdf.set_font(self.faces.serif, "B", HEAD_SIZE)
        else:
            pdf.set_font(self.faces.sans, "", BODY_SIZE)
        return [
            _wrap_cell(pdf, printable(text, self.faces), width - 2 * CELL_PAD, column == 5)
            for column, (text, width) in enumerate(zip(cells, WIDTHS, strict=True))
        ]

    def _row(
        self, cells: tuple[str, ...], wrapped: list[list[str]], table: Element, heading: bool
    ) -> None:
        """One table row, tagged TR with TH or TD cells, with a rule under it."""
        pdf = self.pdf
        size = HEAD_SIZE if heading else BODY_SIZE
        line_height = size * PT * LEADING
        height = max(len(lines) for lines in wrapped) * line_height + 2 * CELL_PAD
        top = pdf.get_y()
        with group(pdf, "TR", table) as tr:
            x = MARGIN
            for text, lines, width in zip(cells, wrapped, WIDTHS, strict=True):
                with tagged(pdf, "TH" if heading else "TD", text, parent=tr) as cell:
                    if heading:
                        cell.a = "<</O /Table /Scope /Column>>"
                    for index, line in enumerate(lines):
                        pdf.set_xy(x + CELL_PAD, top + CELL_PAD + index * line_height)
                        pdf.cell(width - 2 * CELL_PAD, line_height, line)
                x += width
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.5 if heading else 0.2)
        with artifact(pdf):
            pdf.line(MARGIN, top + height, PAGE_WIDTH - MARGIN, top + height)
        pdf.set_y(top + height)

    def _headings(self) -> Element:
        """Start a table (on this page) with its heading row."""
        table = structure_of(self.pdf).element("Table", self.pdf.page)
        self._row(COLUMNS, self._wrapped(COLUMNS, heading=True), table, heading=True)
        return table

    def table(self, rows: Sequence[TranscriptRow]) -> None:
        """The certificates as a table; on each new page a new table with the headings again."""
        pdf = self.pdf
        table: Element | None = None
        for row in rows:
            cells = _cells(row)
            wrapped = self._wrapped(cells, heading=False)
            height = max(len(lines) for lines in wrapped) * BODY_SIZE * PT * LEADING
            if table is None or pdf.get_y() + height + 2 * CELL_PAD > BOTTOM:
                if table is not None:
                    pdf.add_page()
                table = self._headings()
                pdf.set_font(self.faces.sans, "", BODY_SIZE)
            self._row(cells, wrapped, table, heading=False)
        if table is None:  # no certificates: the headings alone say what would be here
            self._headings()


def transcript_pdf(
    learner_name: str,
    provider_name: str,
    rows: Sequence[TranscriptRow],
    start: dt.date | None,
    end: dt.date | None,
    made_on: dt.date,
) -> bytes:
    """The transcript as a tagged, archival portrait PDF with a table and the total."""
    pdf = new_archival_pdf(
        orientation="portrait",
        title=f"Transcript of CE hours: {learner_name}",
        author=provider_name,
        created=dt.datetime.combine(made_on, dt.time(), dt.UTC),
        subject=f"Continuing-education hours of {learner_name}",
    )
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.c_margin = 0
    pdf.str_alias_nb_pages = ""  # "{nb}" in a course title is text, not a page count
    texts = [learner_name, provider_name, *(text for row in rows for text in _cells(row))]
    writer = _Writer(pdf, choose_typefaces(pdf, texts))
    pdf.add_page()
    pdf.set_y(MARGIN)
    writer.block(
        "Transcript of continuing-education hours", role="H1", serif=True, style="B", size=18
    )
    pdf.ln(2)
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
        writer.block(line, role="P", serif=False, style="", size=10.5)
    pdf.ln(4)
    writer.table(rows)
    pdf.ln(4)
    writer.block(
        f"Total CE hours (valid certificates): {_hours(total_hours(rows))}",
        role="P",
        serif=True,
        style="B",
        size=12,
    )
    return write_pdf(pdf)
