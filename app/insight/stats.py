"""Item statistics as pure functions: facility, point-biserial discrimination, review rules.

The database hands over sums (n, sum x, sum y, sum x*y, sum y*y per question), so
nothing here needs the individual answers: every function is arithmetic on totals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Below this share of correct answers a question is hard enough to check.
LOW_FACILITY = 0.3
#: Below this correlation, strong learners do not do clearly better on the question.
LOW_DISCRIMINATION = 0.2
#: No verdict on a question answered fewer times than this.
MIN_ANSWERS = 5


@dataclass(frozen=True)
class ItemSums:
    """Sums over one question's answers: x is 1 if right, y the rest of the attempt's score."""

    n: int = 0
    sum_x: int = 0
    sum_y: int = 0
    sum_xy: int = 0
    sum_yy: int = 0


def facility(sums: ItemSums) -> float | None:
    """Share of answers that were correct (0 to 1); None when nobody answered."""
    return sums.sum_x / sums.n if sums.n else None


def point_biserial(sums: ItemSums) -> float | None:
    """Pearson correlation of x (0/1) with y; None when either does not vary.

    r = (n*Sxy - Sx*Sy) / sqrt((n*Sx - Sx^2) * (n*Syy - Sy^2)), S for sums; x*x = x for 0/1.
    """
    n = sums.n
    spread_x = n * sums.sum_x - sums.sum_x**2
    spread_y = n * sums.sum_yy - sums.sum_y**2
    if n < 2 or spread_x <= 0 or spread_y <= 0:
        return None
    return (n * sums.sum_xy - sums.sum_x * sums.sum_y) / math.sqrt(spread_x * spread_y)


def review_reasons(
    answers: int,
    facility_value: float | None,
    discrimination: float | None,
    wrong_beats_right: bool = False,
) -> list[str]:
    """Plain-words reasons to look at a question again; empty when it reads well."""
    if answers < MIN_ANSWERS or facility_value is None:
        return []
    reasons = []
    if facility_value < LOW_FACILITY:
        reasons.append(f"Few get it right ({facility_value:.0%}, below {LOW_FACILITY:.0%}).")
    if discrimination is not None and discrimination < 0:
        reasons.append(
            f"Stronger learners miss it more often ({discrimination:.2f}): "
            "check the answer key and the wording."
        )
    elif discrimination is not None and discrimination < LOW_DISCRIMINATION:
        reasons.append(
            f"Barely separates stronger from weaker learners "
            f"({discrimination:.2f}, below {LOW_DISCRIMINATION:.2f})."
        )
    if wrong_beats_right:
        reasons.append("A wrong answer is picked more often than the right one.")
    return reasons


def format_duration(seconds: float | None) -> str:
    """A duration for people: 40 min, 5 h 20 min, 3.5 days."""
    if seconds is None:
        return "—"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days = seconds / 86400
    return f"{days:.1f} days".replace(".0 days", " days")
