"""Question kinds: how a learner answers a question.

A module of its own, importing nothing, so the course-file rules, the question models, the
quiz snapshot and grading share one definition without the content rules or grading
importing the database models.
"""

from __future__ import annotations

import enum


class QuestionKind(enum.StrEnum):
    """How a question is answered; the value is what course files and snapshots store."""

    #: Exactly one correct choice; the learner picks one.
    SINGLE = "single"
    #: One or more correct choices; all or nothing, the learner picks every correct one.
    MULTIPLE = "multiple"
    #: The two choices True and False, one of them correct.
    TRUE_FALSE = "true_false"
