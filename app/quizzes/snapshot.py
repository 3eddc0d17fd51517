"""The snapshot an attempt keeps of what it asked: typed, and stored as plain JSON.

An attempt freezes its questions when it starts, so a later edit to the course never
changes what a learner was asked, or how an old attempt reads. These TypedDicts are the
JSON's shape (``QuizAttempt.snapshot``): the stored format is unchanged, the checker reads
every key. Grading reads them with no database, so nothing here imports the models at run
time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from app.catalog.kinds import QuestionKind

if TYPE_CHECKING:  # annotations only: grading imports this module without the models
    from app.catalog.models import Question


class ChoiceSnapshot(TypedDict):
    """One choice as asked."""

    #: The choice's position in the question as written; answers name choices by it.
    key: int
    text: str
    correct: bool
    #: Shown to a learner who picked it, or None.
    feedback: str | None


class QuestionSnapshot(TypedDict):
    """One question as asked, its choices in the order shown."""

    #: The question's database id; answers and tallies name questions by it.
    id: int
    slug: str
    #: Stored as the kind's string; a StrEnum compares equal to it when read back.
    kind: QuestionKind
    prompt: str
    explanation: str
    #: The id of the objective the question assesses.
    objective: str
    choices: list[ChoiceSnapshot]


def snapshot_of(question: Question) -> QuestionSnapshot:
    """``question`` as an attempt starting now asks it (choices in written order)."""
    return {
        "id": question.id,
        "slug": question.slug,
        "kind": QuestionKind(question.kind),
        "prompt": question.prompt,
        "explanation": question.explanation,
        "objective": question.objective,
        "choices": [
            {"key": c.position, "text": c.text, "correct": c.is_correct, "feedback": c.feedback}
            for c in question.choices
        ],
    }
