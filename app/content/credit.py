"""CE credit arithmetic: how CE hours are written, and the most a course's time allows."""

from __future__ import annotations

from decimal import Decimal

#: Minutes a learner is credited for answering one quiz question (README, "CE hours").
MINUTES_PER_QUESTION = 2
#: CE hours are granted in quarter hours.
CE_HOURS_STEP = Decimal("0.25")


def canonical_ce_hours(value: int | float | str | Decimal) -> Decimal:
    """Return CE hours as a Decimal written the shortest way (`1`, `1.5`, `1.25`)."""
    hours = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if hours == hours.to_integral_value():
        return hours.quantize(Decimal(1))
    return hours.normalize()


def ce_hours_ceiling(total_minutes: int) -> Decimal:
    """Return the most CE hours `total_minutes` of learner time can earn (quarter hours, down)."""
    quarters = max(total_minutes, 0) // 15
    return canonical_ce_hours(CE_HOURS_STEP * quarters)
