"""Rules for course content, one value or one question at a time, shared by files and forms.

Each `check_*` function returns None (or an empty list) when the value is acceptable, and
otherwise a message meant to follow the field's name: "pass_mark must be a whole number ...".
"""

from __future__ import annotations

import re
from collections.abc import Collection, Hashable, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from app.catalog.kinds import QuestionKind
from app.content.credit import (
    CE_HOURS_STEP,
    MINUTES_PER_QUESTION,
    canonical_ce_hours,
    ce_hours_ceiling,
)
from app.content.links import check_link
from app.content.markdown import find_html_and_links
from app.content.spec import ANSWER_FEEDBACK, LEVELS, QUESTION_KINDS, ChoiceSpec
from app.safetext import one_line_problem

SLUG_MAX_LENGTH = 80
TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 300
#: The course's grounding exercise (the Pause control) is short by design.
GROUNDING_MAX_LENGTH = 2000
REFERENCES_MIN, REFERENCES_MAX = 3, 10
RAW_HTML_MESSAGE = "raw HTML is not allowed; write Markdown instead"

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_slug(value: object) -> str | None:
    """A slug is 1-80 lowercase letters, digits and single hyphens, not starting with one."""
    if not isinstance(value, str) or not _SLUG.match(value) or len(value) > SLUG_MAX_LENGTH:
        return "must be a slug: 1 to 80 lowercase letters, digits and single hyphens"
    return None


def check_text(value: object, max_length: int | None = None) -> str | None:
    """Required text: not empty, and at most `max_length` characters when given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "must not be empty"
    if not isinstance(value, str):
        return "must be text (put it in quotes)"
    if "\x00" in value:
        return "must not contain a NUL character"
    if max_length is not None and len(value) > max_length:
        return f"must be at most {max_length} characters (it has {len(value)})"
    return None


def check_line_text(value: object, max_length: int | None = None) -> str | None:
    """A one-line title or summary: `check_text`, and no control or direction-override marks."""
    return check_text(value, max_length) or one_line_problem(str(value))


def check_optional_text(value: object, max_length: int | None = None) -> str | None:
    """Optional text: absent (null) or acceptable to `check_text`."""
    return None if value is None else check_text(value, max_length)


def check_flag(value: object) -> str | None:
    """A flag is `true` or `false`."""
    return None if isinstance(value, bool) else "must be true or false"


def _is_whole_number(value: object) -> bool:
    """Tell whether `value` is an int; a bool is not a number here."""
    return isinstance(value, int) and not isinstance(value, bool)


def check_whole_number(value: object, minimum: int, maximum: int | None = None) -> str | None:
    """A whole number between `minimum` and `maximum` (inclusive; no maximum if None)."""
    wanted = (
        f"must be a whole number from {minimum} to {maximum}"
        if maximum is not None
        else f"must be a whole number, {minimum} or more"
    )
    if not _is_whole_number(value):
        return wanted
    assert isinstance(value, int)
    if value < minimum or (maximum is not None and value > maximum):
        return wanted
    return None


def check_pass_mark(value: object) -> str | None:
    """The pass mark is a whole percent from 0 to 100."""
    return check_whole_number(value, 0, 100)


#: Upper bounds that keep every number inside its database column and inside reason.
MAX_ATTEMPTS = 100
MAX_SECONDS_PER_LESSON = 24 * 60 * 60
MAX_LESSON_MINUTES = 600
#: The longest time limit a quiz may set, in minutes.
MAX_TIME_LIMIT_MINUTES = 240
MAX_CE_HOURS = 999


def check_attempt_limit(value: object) -> str | None:
    """The attempt limit is a whole number from 1 to 100, or null for unlimited."""
    if value is None or check_whole_number(value, 1, MAX_ATTEMPTS) is None:
        return None
    return f"must be a whole number from 1 to {MAX_ATTEMPTS}, or null for unlimited"


def check_min_seconds_per_lesson(value: object) -> str | None:
    """Seat time per lesson is a whole number of seconds, from 0 to a day."""
    return check_whole_number(value, 0, MAX_SECONDS_PER_LESSON)


def check_lesson_min_seconds(value: object) -> str | None:
    """A lesson's declared seat time is a whole number of seconds from 1 to 600 minutes."""
    return check_whole_number(value, 1, MAX_LESSON_MINUTES * 60)


def check_time_limit(value: object) -> str | None:
    """A quiz's time limit is a whole number of minutes from 1 to 240."""
    return check_whole_number(value, 1, MAX_TIME_LIMIT_MINUTES)


def check_minutes(value: object) -> str | None:
    """A lesson's minutes are a whole number from 1 to 600."""
    return check_whole_number(value, 1, MAX_LESSON_MINUTES)


def check_one_of(value: object, options: Sequence[str]) -> str | None:
    """The value is one of `options`."""
    if isinstance(value, str) and value in options:
        return None
    return "must be one of " + ", ".join(options)


def check_level(value: object) -> str | None:
    """The course level is beginning, intermediate or advanced."""
    return check_one_of(value, LEVELS)


def check_answer_feedback(value: object) -> str | None:
    """Answer feedback is shown `always` or `after_passing`."""
    return check_one_of(value, ANSWER_FEEDBACK)


def check_kind(value: object) -> str | None:
    """A question is single, multiple or true_false."""
    return check_one_of(value, QUESTION_KINDS)


def check_ce_hours(value: object) -> str | None:
    """CE hours are a number above 0 and a multiple of 0.25."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return "must be a number"
    try:
        hours = canonical_ce_hours(value)
    except (InvalidOperation, ValueError):
        return "must be a number"
    if not hours.is_finite():
        return "must be a number"
    if hours <= 0:
        return "must be more than 0"
    if hours > MAX_CE_HOURS:
        return f"must be at most {MAX_CE_HOURS}"
    if hours % CE_HOURS_STEP:
        return f"must be a multiple of {CE_HOURS_STEP}"
    return None


def check_ce_hours_ceiling(ce_hours: Decimal, total_minutes: int) -> str | None:
    """CE hours may not exceed the course's total minutes / 60, down to a quarter hour."""
    ceiling = ce_hours_ceiling(total_minutes)
    if ce_hours <= ceiling:
        return None
    return (
        f"ce_hours {canonical_ce_hours(ce_hours)} is above the ceiling of {ceiling} "
        f"for {total_minutes} total minutes "
        f"(lesson minutes + {MINUTES_PER_QUESTION} per quiz question)"
    )


def parse_date(value: object) -> date | None:
    """Return the date `value` holds (a date or YYYY-MM-DD text), or None."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def check_date(value: object) -> str | None:
    """A date is written YYYY-MM-DD."""
    return None if parse_date(value) else "must be a date written YYYY-MM-DD"


def check_approval_period(start: date, end: date) -> str | None:
    """The approval period's start is not after its end."""
    return None if start <= end else "start must not be after end"


def check_reference_count(count: int) -> str | None:
    """A course lists 3 to 10 references."""
    if REFERENCES_MIN <= count <= REFERENCES_MAX:
        return None
    return f"must have {REFERENCES_MIN} to {REFERENCES_MAX} entries (it has {count})"


def find_duplicates(values: Sequence[Hashable]) -> list[int]:
    """Return the indexes of values that repeat an earlier value."""
    seen: set[Hashable] = set()
    repeats = []
    for index, value in enumerate(values):
        if value in seen:
            repeats.append(index)
        seen.add(value)
    return repeats


def _same_text(text: str) -> str:
    """Return `text` as compared for duplicates: spacing and case ignored."""
    return " ".join(text.split()).casefold()


def check_choices(kind: str, choices: Sequence[ChoiceSpec]) -> list[tuple[int | None, str]]:
    """Return (index of the choice concerned, or None for the question, message) pairs."""
    if len(choices) < 2:
        return [(None, "a question needs at least two choices")]
    found: list[tuple[int | None, str]] = [
        (index, f"duplicate choice text {choices[index].text!r}")
        for index in find_duplicates([_same_text(choice.text) for choice in choices])
    ]
    correct = sum(choice.correct for choice in choices)
    if kind == QuestionKind.SINGLE and correct != 1:
        found.append(
            (None, f"a single question needs exactly one correct choice (it has {correct})")
        )
    elif kind == QuestionKind.MULTIPLE and correct == 0:
        found.append((None, "a multiple question needs at least one correct choice"))
    elif kind == QuestionKind.TRUE_FALSE:
        if sorted(choice.text for choice in choices) != ["False", "True"]:
            found.append((None, "a true_false question needs exactly two choices, True and False"))
        elif correct != 1:
            found.append((None, "a true_false question needs exactly one correct choice"))
    return found


def check_question(kind: str, choices: Sequence[ChoiceSpec]) -> list[str]:
    """Return the messages about a question's kind and choices, for a form."""
    kind_problem = check_kind(kind)
    if kind_problem:
        return [f"kind {kind_problem}"]
    return [message for _index, message in check_choices(kind, choices)]


def check_objective(objective: object, objective_ids: Collection[str]) -> str | None:
    """A question's objective is one of the objectives it may assess."""
    if isinstance(objective, str) and objective in objective_ids:
        return None
    known = ", ".join(dict.fromkeys(objective_ids)) or "none are defined"
    return f"must be one of the objective ids: {known}"


def check_markdown(
    source: str, module_slug: str | None, lessons: Collection[tuple[str, str]]
) -> list[tuple[int, str]]:
    """Return (1-based line, message) for raw HTML and refused links in Markdown `source`.

    `module_slug` is where relative lesson links start from (None: the course folder);
    `lessons` holds the (module slug, lesson slug) pairs that exist.
    """
    html_lines, links = find_html_and_links(source)
    found = [(line, RAW_HTML_MESSAGE) for line in html_lines]
    found += [
        (number, "a NUL character is not allowed")
        for number, text in enumerate(source.split("\n"), start=1)
        if "\x00" in text
    ]
    for line, href in links:
        message = check_link(href, module_slug, lessons)
        if message:
            found.append((line, message))
    return sorted(found)
