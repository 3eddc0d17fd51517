"""Seat time: the least time a lesson asks of a learner, and what a course's lessons add up to.

A lesson's minimum is explicit in its file (``min_seconds``) or derived from its word
count at ``READING_WORDS_PER_MINUTE``; it is never zero. The rate and its source are in
docs/completion.md ("Seat time").
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_DOWN, Decimal

#: The average silent reading rate of adults for English non-fiction (Brysbaert, 2019).
READING_WORDS_PER_MINUTE = 238

# A word: letters or digits, joined by an apostrophe or hyphen ("don't", "follow-up").
_WORD = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*")
# A Markdown link's target is not read: keep its text, drop the address.
_LINK_TARGET = re.compile(r"\]\([^)]*\)")


def word_count(markdown: str) -> int:
    """The words a reader reads in a Markdown text (link addresses left out)."""
    return len(_WORD.findall(_LINK_TARGET.sub("]", markdown)))


def reading_seconds(markdown: str) -> int:
    """Seconds to read ``markdown`` at the documented rate, rounded up; at least one."""
    return max(1, math.ceil(word_count(markdown) * 60 / READING_WORDS_PER_MINUTE))


def lesson_min_seconds(declared: int | None, body: str) -> int:
    """The lesson's minimum: the one its file declares, else its reading time."""
    return declared if declared else reading_seconds(body)


def required_seconds(lesson_min_seconds: int, course_min_seconds: int) -> int:
    """What the learner must spend on a lesson: its own minimum or the course's, the larger."""
    return max(lesson_min_seconds, course_min_seconds)


def seat_time_hours(seconds: int, question_minutes: int) -> Decimal:
    """The hours a course's minimum seat time (lessons' and required cases' `seconds`) plus
    its quiz time add up to, to two decimals, rounded down so it never claims a second
    the content does not ask for."""
    total = Decimal(seconds + question_minutes * 60) / 3600
    return total.quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def format_duration(seconds: int) -> str:
    """A duration in words a learner reads at a glance: "1 h 05 min", "12 min 30 s", "40 s"."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    return f"{secs} s"
