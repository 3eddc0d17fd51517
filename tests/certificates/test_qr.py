"""The verification QR code: the right symbol, drawn as rectangles that cover it exactly."""

from __future__ import annotations

import segno

from app.certificates.identifiers import new_certificate_id
from app.certificates.printing.qr import dark_rectangles, dark_runs, qr_matrix

URL = "https://groundwork.example/verify/0pj115pnc4ysvfa9x0ggp83rpsqk"


def test_the_matrix_is_segnos_symbol_for_the_url_at_medium_error_correction() -> None:
    code = segno.make_qr(URL, error="m", boost_error=False)
    assert qr_matrix(URL) == tuple(tuple(bool(m) for m in row) for row in code.matrix)
    assert code.error == "M" and code.designator.startswith("4")


def test_rectangles_cover_every_dark_module_exactly_once() -> None:
    for url in [
        URL,
        *(f"https://groundwork.example/verify/{new_certificate_id()}" for _ in range(20)),
    ]:
        matrix = qr_matrix(url)
        covered: list[tuple[int, int]] = []
        for row, column, width, height in dark_rectangles(matrix):
            covered += [
                (r, c) for r in range(row, row + height) for c in range(column, column + width)
            ]
        dark = [(r, c) for r, line in enumerate(matrix) for c, module in enumerate(line) if module]
        assert sorted(covered) == dark
        assert len(dark_rectangles(matrix)) < len(list(dark_runs(matrix)))
