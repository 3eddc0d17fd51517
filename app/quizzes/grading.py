"""Grading as a pure function: what was asked and what was answered in, a result out.

Scoring (also in courses/README.md): each question is worth one point. Single
choice and true/false score when the correct choice is picked. Multiple choice
is all or nothing: it scores only when the learner picks exactly the correct
set, because partial credit on safety items would let a learner pass while
endorsing an unsafe option.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.catalog.kinds import QuestionKind
from app.quizzes.snapshot import QuestionSnapshot


@dataclass(frozen=True)
class QuestionResult:
    """How one question was answered."""

    question_id: int
    selected: frozenset[int]
    correct_keys: frozenset[int]

    @property
    def is_correct(self) -> bool:
        """Whether the learner picked exactly the correct choices."""
        return self.selected == self.correct_keys

    @property
    def points(self) -> int:
        """One point for a correct answer, none otherwise."""
        return 1 if self.is_correct else 0


@dataclass(frozen=True)
class Grade:
    """The result of an attempt."""

    questions: tuple[QuestionResult, ...]
    pass_mark: int

    @property
    def points(self) -> int:
        """Questions answered correctly."""
        return sum(q.points for q in self.questions)

    @property
    def total(self) -> int:
        """Questions asked."""
        return len(self.questions)

    @property
    def score(self) -> Decimal:
        """Percent correct, to two decimals."""
        if not self.total:
            return Decimal("0.00")
        raw = Decimal(self.points * 100) / Decimal(self.total)
        return raw.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def passed(self) -> bool:
        """Whether the score reaches the pass mark."""
        return self.score >= self.pass_mark


def grade(
    asked: Sequence[QuestionSnapshot], answers: Mapping[int, frozenset[int]], pass_mark: int
) -> Grade:
    """Grade ``answers`` (question id -> chosen choice keys) against the ``asked`` snapshot."""
    results = []
    for question in asked:
        correct = frozenset(c["key"] for c in question["choices"] if c["correct"])
        results.append(
            QuestionResult(
                question_id=question["id"],
                selected=answers.get(question["id"], frozenset()),
                correct_keys=correct,
            )
        )
    return Grade(questions=tuple(results), pass_mark=pass_mark)


class AnswerError(ValueError):
    """Submitted answers that do not fit the attempt; the message is safe to show."""


def _is_number(text: str) -> bool:
    """Plain ASCII digits, a few of them (str.isdigit also accepts '²', which int refuses)."""
    return 0 < len(text) <= 9 and text.isascii() and text.isdigit()


def parse_answers(
    asked: Sequence[QuestionSnapshot], form: Mapping[str, list[str]]
) -> dict[int, frozenset[int]]:
    """Read answers from form fields ``q-<question id>`` = choice keys; refuse anything else.

    A field naming a question or a choice that is not in the attempt, several choices
    for a single-choice question, or a value that is not a number is refused, so a
    tampered form changes nothing.
    """
    by_id = {q["id"]: q for q in asked}
    answers: dict[int, frozenset[int]] = {}
    for name, values in form.items():
        if not name.startswith("q-"):
            continue
        raw_id = name[2:]
        if not _is_number(raw_id) or int(raw_id) not in by_id:
            raise AnswerError("The answers named a question that is not in this attempt.")
        question = by_id[int(raw_id)]
        keys = {c["key"] for c in question["choices"]}
        chosen: set[int] = set()
        for value in values:
            if not _is_number(value) or int(value) not in keys:
                raise AnswerError("The answers named a choice that is not in this attempt.")
            chosen.add(int(value))
        if question["kind"] != QuestionKind.MULTIPLE and len(chosen) > 1:
            raise AnswerError("A single-choice question can only have one answer.")
        if chosen:
            answers[question["id"]] = frozenset(chosen)
    return answers


def unanswered(asked: Sequence[QuestionSnapshot], answers: Mapping[int, frozenset[int]]) -> int:
    """How many questions have no answer yet."""
    return sum(1 for q in asked if not answers.get(q["id"]))
