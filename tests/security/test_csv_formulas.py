"""CSV downloads never hand a spreadsheet a formula, whatever a name or title says."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.certificates.printing.transcript import TranscriptRow, transcript_csv
from app.csvcells import to_csv
from tests.security.hostile import hostile_text

#: What a spreadsheet reads as the start of a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
formula_like = st.tuples(st.sampled_from(FORMULA_STARTS), hostile_text()).map("".join)
any_text = st.one_of(formula_like, hostile_text())


def cells(text: str) -> list[str]:
    """Every cell of a CSV document, as a spreadsheet reads them."""
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(any_text, min_size=1, max_size=4))
def test_records_exports_never_start_a_cell_with_a_formula(values: list[str]) -> None:
    for cell in cells(to_csv([f"Column {i}" for i in range(len(values))], [values])):
        assert not cell.startswith(FORMULA_STARTS), cell


@settings(max_examples=200, deadline=None, derandomize=True)
@given(any_text, any_text)
def test_the_transcript_never_starts_a_cell_with_a_formula(title: str, format_: str) -> None:
    row = TranscriptRow(
        dt.date(2026, 1, 2),
        title,
        1,
        format_,
        Decimal("1.5"),
        "0pj115pnc4ysvfa9x0ggp83rpsqk",
        "valid",
    )
    for cell in cells(transcript_csv([row])):
        assert not cell.startswith(FORMULA_STARTS), cell
