"""The verification QR code as a matrix of modules and as the dark rectangles the PDF fills."""

from __future__ import annotations

from collections.abc import Iterator

import segno

#: Medium error correction (15%) survives a crease or a smudged print.
ERROR_LEVEL = "m"
#: Light modules a scanner needs around the symbol, in modules.
QUIET_ZONE = 4

Matrix = tuple[tuple[bool, ...], ...]


def qr_matrix(url: str) -> Matrix:
    """Return the QR code for `url` as rows of dark (True) / light modules, no quiet zone."""
    code = segno.make_qr(url, error=ERROR_LEVEL, boost_error=False)
    return tuple(tuple(bool(module) for module in row) for row in code.matrix)


def dark_runs(matrix: Matrix) -> Iterator[tuple[int, int, int]]:
    """Yield (row, first column, length) for each horizontal run of dark modules."""
    for row_index, row in enumerate(matrix):
        start = None
        for column, dark in enumerate((*row, False)):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                yield row_index, start, column - start
                start = None


def dark_rectangles(matrix: Matrix) -> list[tuple[int, int, int, int]]:
    """Return (row, column, width, height) rectangles covering the dark modules exactly once.

    A run continues the rectangle above it when it spans the same columns, which saves
    about a fifth of the drawing operations.
    """
    rectangles: list[tuple[int, int, int, int]] = []
    open_by_span: dict[tuple[int, int], int] = {}  # (column, width) -> index, for the last row
    for row, column, width in dark_runs(matrix):
        above = open_by_span.get((column, width))
        if above is not None and rectangles[above][0] + rectangles[above][3] == row:
            top, left, span, height = rectangles[above]
            rectangles[above] = (top, left, span, height + 1)
        else:
            open_by_span[(column, width)] = len(rectangles)
            rectangles.append((row, column, width, 1))
    return rectangles
