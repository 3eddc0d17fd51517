"""Server-rendered SVG charts: no script, no inline style, named and described for screen readers.

Bars are laid out in percentages of the chart's width, so the chart fills any column
without scaling its text: labels stay at the page's reading size on a phone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

INK = "#1c2526"
BRAND = "#1d5c57"
ACCENT = "#9a5b13"
TRACK = "#ebe7df"
LINE = "#8b8f8c"
ROW_HEIGHT = 46
TOP = 26
LABEL_CHARS = 36


@dataclass(frozen=True)
class Bar:
    """One labelled bar; ``emphasis`` draws it in the accent colour (its label says why)."""

    label: str
    value: float
    shown: str
    emphasis: bool = False


def _shorten(text: str, limit: int = LABEL_CHARS) -> str:
    """Cut a label to ``limit`` characters at a word, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def _percent(value: float, maximum: float) -> str:
    share = 0.0 if maximum <= 0 else max(0.0, min(1.0, value / maximum))
    return f"{share * 100:.2f}%"


def _row(index: int, bar: Bar, maximum: float) -> str:
    """A label and value on one line, the bar on its track below."""
    top = TOP + index * ROW_HEIGHT
    colour = ACCENT if bar.emphasis else BRAND
    return (
        f'<g><text x="0" y="{top + 15}" fill="{INK}">{escape(_shorten(bar.label))}</text>'
        f'<text x="100%" y="{top + 15}" fill="{INK}" text-anchor="end" font-weight="600">'
        f"{escape(bar.shown)}</text>"
        f'<rect x="0" y="{top + 22}" width="100%" height="14" rx="3" fill="{TRACK}"/>'
        f'<rect x="0" y="{top + 22}" width="{_percent(bar.value, maximum)}" height="14" rx="3" '
        f'fill="{colour}"/></g>'
    )


def _marker(at: float, maximum: float, label: str, rows: int) -> str:
    """A dashed vertical mark across each bar (not through the labels), named above the first."""
    x = _percent(at, maximum)
    ticks = "".join(
        f'<line x1="{x}" x2="{x}" y1="{top + 18}" y2="{top + 40}" stroke="{INK}" '
        f'stroke-width="1.5" stroke-dasharray="4 3"/>'
        for top in range(TOP, TOP + rows * ROW_HEIGHT, ROW_HEIGHT)
    )
    return (
        f'<text x="{x}" y="{TOP - 10}" fill="{INK}" font-size="13" text-anchor="middle">'
        f"{escape(label)}</text>{ticks}"
    )


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    maximum: float,
    marker: tuple[float, str] | None = None,
) -> Markup:
    """A horizontal bar chart as inline SVG (``role="img"``, named by its title and description)."""
    height = TOP + len(bars) * ROW_HEIGHT + 4
    rows = "".join(_row(i, bar, maximum) for i, bar in enumerate(bars))
    line = _marker(marker[0], maximum, marker[1], len(bars)) if marker else ""
    axis = f'<line x1="0" x2="0" y1="{TOP - 6}" y2="{height - 4}" stroke="{LINE}"/>'
    return Markup(  # noqa: S704 (every text is escaped, the rest are our numbers)  # nosec B704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="100%" height="{height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" font-size="14" '
        f'focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        f"{axis}{rows}{line}</svg>"
    )
