"""SVG bar charts: named for screen readers, escaped, and free of inline style and script."""

from __future__ import annotations

import re

from app.insight.charts import ACCENT, BRAND, Bar, bar_chart


def test_a_chart_is_an_image_named_by_its_title_and_description():
    bars = [Bar("A", 3, "3")]
    svg = str(bar_chart("drop", "Learners per lesson", "One bar per lesson.", bars, 4))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="drop-title drop-desc"' in svg
    assert '<title id="drop-title">Learners per lesson</title>' in svg
    assert '<desc id="drop-desc">One bar per lesson.</desc>' in svg


def test_bars_are_proportional_and_emphasis_uses_the_accent_colour():
    svg = str(
        bar_chart(
            "c", "T", "D", [Bar("Half", 2, "2"), Bar("Full", 4, "4", emphasis=True)], 4, (1, "25%")
        )
    )
    assert f'width="50.00%" height="14" rx="3" fill="{BRAND}"' in svg
    assert f'width="100.00%" height="14" rx="3" fill="{ACCENT}"' in svg
    assert 'x1="25.00%"' in svg  # the marker line


def test_labels_are_escaped_and_shortened_and_nothing_inline_runs():
    long = "A very long lesson title that goes on and on about <grounding> & orienting"
    svg = str(bar_chart("c", "T <b>", "D", [Bar(long, 1, "1")], 0))
    assert "<grounding>" not in svg and "T &lt;b&gt;" in svg
    label = re.search(r'<text x="0" y="\d+" fill="#1c2526">([^<]*)</text>', svg)
    assert label and label.group(1).endswith("…") and len(label.group(1)) <= 36
    assert 'width="0.00%"' in svg  # a zero maximum draws empty bars, not an error
    assert "style=" not in svg and "<script" not in svg
    assert not re.search(r"\son\w+=", svg)  # no event handler attributes
