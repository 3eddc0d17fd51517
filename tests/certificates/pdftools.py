"""Reading certificate PDFs back as a person or a scanner would: text, word boxes, pixels."""

from __future__ import annotations

import html
import io
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

MM = 72 / 25.4  # points per millimetre


def page_text(pdf: bytes) -> str:
    """The text pypdf extracts from the only page."""
    reader = PdfReader(io.BytesIO(pdf))
    return reader.pages[0].extract_text()


def squashed(text: str) -> str:
    """Text without any whitespace, to compare across line wrapping."""
    return re.sub(r"\s+", "", text)


def _poppler(tool: str) -> str:
    """The path of a poppler-utils tool, or skip the test when it is not installed."""
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} (poppler-utils) is not installed; .ci/run installs it")
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return path


@dataclass(frozen=True)
class Word:
    """One word on the page and its box, in points from the top-left corner."""

    text: str
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Word, tolerance: float = 0.3) -> bool:
        """Whether the two boxes share more than a hairline."""
        return (
            self.left < other.right - tolerance
            and other.left < self.right - tolerance
            and self.top < other.bottom - tolerance
            and other.top < self.bottom - tolerance
        )


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


def words(pdf: bytes) -> list[Word]:
    """Every word with its bounding box, as `pdftotext -bbox` reports it."""
    output = subprocess.run(  # noqa: S603 - a fixed tool on bytes we made
        [_poppler("pdftotext"), "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return [
        Word(html.unescape(text), float(x0), float(y0), float(x1), float(y1))
        for x0, y0, x1, y1, text in _WORD.findall(output)
    ]


def render(pdf: bytes, dpi: int) -> Image.Image:
    """The page rendered to pixels by poppler, as a greyscale image."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "certificate.pdf"
        source.write_bytes(pdf)
        subprocess.run(  # noqa: S603 - a fixed tool on a file we wrote
            [
                _poppler("pdftoppm"),
                "-png",
                "-r",
                str(dpi),
                "-singlefile",
                str(source),
                f"{folder}/page",
            ],
            check=True,
        )
        return Image.open(Path(folder) / "page.png").convert("L")
