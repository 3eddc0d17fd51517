"""What every template can use: the provider's name, navigation and display filters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask import Flask, current_app
from markupsafe import Markup

from app.content.markdown import render_inline
from app.content.seattime import format_duration
from app.wrapping import breakable, scrollable_tables


def format_hours(value: Decimal | float | int | None) -> str:
    """CE hours as people write them: 2, 2.5, 1.25."""
    if value is None:
        return ""
    text = f"{Decimal(str(value)):.2f}".rstrip("0").rstrip(".")
    return text or "0"


def format_date(value: dt.date | dt.datetime | None) -> str:
    """A date written out in full, e.g. 21 November 2026."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def format_minutes(minutes: int | None) -> str:
    """Durations for people: 45 min, 1 h 20 min."""
    if not minutes:
        return "0 min"
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def inline_markdown(source: str | None) -> Markup:
    """Render a question or choice text as sanitised inline Markdown."""
    return Markup(render_inline(source or ""))  # noqa: S704 (sanitised by nh3)  # nosec B704


def _site_context() -> dict[str, Any]:
    return {
        "provider_name": current_app.config["PROVIDER_NAME"],
        "is_demo_provider": "demonstration provider" in current_app.config["APPROVAL_STATEMENT"],
    }


def init_app(app: Flask) -> None:
    """Register the filters and the site context."""
    app.add_template_filter(format_hours, "hours")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_minutes, "minutes")
    app.add_template_filter(format_duration, "duration")
    app.add_template_filter(inline_markdown, "inline_markdown")
    app.add_template_filter(breakable, "breakable")
    app.add_template_filter(scrollable_tables, "scrollable_tables")
    app.context_processor(_site_context)
