"""CSV cells open in a spreadsheet as the text they hold, never as a formula."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from app.csvcells import csv_cell, to_csv


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example","Click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_text_that_starts_a_formula_gets_a_leading_apostrophe(text: str) -> None:
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Dana Okafor", "Wound care, 2nd edition", "1.5", "", " =1"])
def test_other_text_is_left_as_typed(text: str) -> None:
    assert csv_cell(text) == text


@pytest.mark.parametrize(
    ("value", "cell"), [(3, "3"), (-2, "-2"), (Decimal("1.25"), "1.25"), (-0.5, "-0.5")]
)
def test_numbers_stay_numbers(value: object, cell: str) -> None:
    assert csv_cell(value) == cell


def test_nothing_is_an_empty_cell() -> None:
    assert csv_cell(None) == ""


def test_a_document_has_the_header_then_every_row_made_safe() -> None:
    text = to_csv(("Name", "Hours"), [("=1+1", Decimal("2")), ("Ana", None)])
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["Name", "Hours"],
        ["'=1+1", "2"],
        ["Ana", ""],
    ]
