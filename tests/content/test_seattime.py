"""Seat time as pure rules: word counts, reading time, the lesson's minimum (no app)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.content.seattime import (
    READING_WORDS_PER_MINUTE,
    format_duration,
    lesson_min_seconds,
    reading_seconds,
    required_seconds,
    word_count,
)
from tests.factories import course_spec


def test_words_are_counted_as_a_reader_reads_them():
    text = "## Orienting\n\nDon't insist: a follow-up [call](https://example.org/x-y) helps."
    assert word_count(text) == 7  # Orienting, Don't, insist, a, follow-up, call, helps


def test_reading_time_uses_the_documented_rate():
    body = "word " * READING_WORDS_PER_MINUTE * 5
    assert reading_seconds(body) == 300
    assert reading_seconds("one") == 1  # rounded up, never zero


@given(st.text(max_size=2000))
def test_a_lesson_minimum_is_never_zero(body):
    assert lesson_min_seconds(None, body) >= 1


def test_a_declared_minimum_wins_over_the_word_count():
    assert lesson_min_seconds(900, "short") == 900
    assert required_seconds(30, 120) == 120 and required_seconds(300, 120) == 300


def test_durations_read_at_a_glance():
    assert [format_duration(s) for s in (0, 45, 60, 750, 3900)] == [
        "0 s", "45 s", "1 min", "12 min 30 s", "1 h 05 min"
    ]  # fmt: skip


def test_a_course_lists_the_seat_time_its_hours_rest_on():
    spec = course_spec()  # 4 lessons of 6 words (2 s each), 6 questions (2 min each)
    assert spec.seat_time_hours() == Decimal("0.20")  # 8 s + 12 min
    slower = course_spec(min_seconds_per_lesson=900)
    assert slower.seat_time_hours() == Decimal("1.20")  # 4 x 15 min + 12 min
