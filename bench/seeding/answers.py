"""Quiz answers for generated attempts: plausible right and wrong picks, graded like the app.

A learner has an ability and each question an ease; the chance of a right answer is
their product. Wrong answers favour one distractor per question, so the insight page
has a "most chosen wrong answer" worth reading. Scores follow the app's rules
(``app.quizzes.grading``): one point per question, percent to two decimals.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

#: Wrong selections for a multiple-choice question whose right set is the first two keys.
MULTIPLE_WRONG = ((1,), (2,), (1, 2, 3), (1, 3), (2, 4))


@dataclass(frozen=True)
class QuestionShape:
    """One asked question as the generator needs it."""

    id: int
    kind: str
    correct: tuple[int, ...]
    wrong: tuple[tuple[int, ...], ...]
    #: Relative weights of ``wrong``: the first (the favoured distractor) is picked most.
    wrong_weights: tuple[float, ...]
    ease: float


@dataclass(frozen=True)
class Sheet:
    """A filled-in attempt: (question id, selected keys, right or not) and the grade."""

    answers: list[tuple[int, list[int], bool]]
    score: Decimal
    passed: bool


def question_shapes(
    snapshot: list[dict[str, Any]], rng: random.Random
) -> tuple[QuestionShape, ...]:
    """Shapes for a quiz's snapshot; the third question is hard and misleads, as some do."""
    shapes = []
    for index, question in enumerate(snapshot):
        keys = [c["key"] for c in question["choices"]]
        correct = tuple(c["key"] for c in question["choices"] if c["correct"])
        if question["kind"] == "multiple":
            wrong = tuple(w for w in MULTIPLE_WRONG if set(w) <= set(keys) and w != correct)
        else:
            wrong = tuple((k,) for k in keys if k not in correct)
        rng_wrong = list(wrong)
        rng.shuffle(rng_wrong)
        hard = index == 2
        favoured = 6.0 if hard else 2.5
        weights = (favoured,) + (1.0,) * (len(rng_wrong) - 1)
        ease = 0.45 if hard else rng.uniform(0.9, 1.25)
        shapes.append(
            QuestionShape(
                question["id"], question["kind"], correct, tuple(rng_wrong), weights, ease
            )
        )
    return tuple(shapes)


def score_of(points: int, total: int) -> Decimal:
    """Percent correct to two decimals, rounded half up (as the app grades)."""
    raw = Decimal(points * 100) / Decimal(total)
    return raw.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def points_to_pass(total: int, pass_mark: int) -> int:
    """The fewest right answers whose score reaches the pass mark."""
    points = math.ceil(total * pass_mark / 100)
    while points > 0 and score_of(points - 1, total) >= pass_mark:
        points -= 1
    while points < total and score_of(points, total) < pass_mark:
        points += 1
    return points


def fill_in(
    rng: random.Random,
    questions: tuple[QuestionShape, ...],
    ability: float,
    pass_mark: int,
    must_pass: bool,
) -> Sheet:
    """Answer every question; nudge the sheet so it passes or fails as the journey needs."""
    right = [rng.random() < min(0.97, max(0.05, ability * q.ease)) for q in questions]
    needed = points_to_pass(len(questions), pass_mark)
    order = list(range(len(questions)))
    rng.shuffle(order)
    for index in order:
        points = sum(right)
        if must_pass and points < needed and not right[index]:
            right[index] = True
        elif not must_pass and points >= needed and right[index]:
            right[index] = False
    answers = [
        (q.id, list(q.correct) if ok else list(rng.choices(q.wrong, q.wrong_weights)[0]), ok)
        for q, ok in zip(questions, right, strict=True)
    ]
    score = score_of(sum(right), len(questions))
    return Sheet(answers, score, score >= pass_mark)


def partial(
    rng: random.Random, questions: tuple[QuestionShape, ...], ability: float
) -> list[tuple[int, list[int], None]]:
    """Answers saved so far in an attempt still in progress (not graded)."""
    answered = rng.randint(1, max(1, len(questions) - 1))
    saved = []
    for q in questions[:answered]:
        ok = rng.random() < min(0.97, ability * q.ease)
        picked = q.correct if ok else rng.choices(q.wrong, q.wrong_weights)[0]
        saved.append((q.id, list(picked), None))
    return saved
