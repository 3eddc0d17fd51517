"""What the insight page shows, and exactly how each figure is defined.

Definitions (the page says the same in plain words):

- Enrollments: learners enrolled in the course. Completions: enrollments with a
  completion date. Completion rate: completions / enrollments.
- Median time to complete: the median of (completed at - enrolled at) over completed
  enrollments; with an even count, the mean of the two middle durations.
- Drop-off: lessons are the current (not retired) lessons of current modules, in course
  order. "Completed" counts enrolled learners who completed the lesson. A learner who
  has not completed the course "stopped at" lesson k when the furthest lesson (in
  course order) they completed is lesson k-1; at lesson 1 when they completed none.
- Quiz items: current questions of current modules' quizzes and of the final quiz.
  Only each learner's first attempt at each quiz counts (once submitted), so retakes
  (after reading the feedback) do not inflate the figures. Facility is the share of those
  answers that were correct. Discrimination is the corrected point-biserial
  correlation between the answer (1 right, 0 wrong) and the number of the attempt's
  other questions answered correctly. The most chosen wrong answer is the incorrect
  choice picked most often (a multiple-choice answer counts for each choice ticked).
  Choices are matched to the answers by their position in the current question.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from app.catalog.models import Course
from app.evaluations.services import EvaluationSummary, summarise
from app.insight.queries import completion_figures, lesson_funnel, question_rows
from app.insight.stats import ItemSums, facility, point_biserial, review_reasons


@dataclass(frozen=True)
class LessonStep:
    """One lesson of the drop-off chart."""

    number: int
    title: str
    module_title: str
    completed: int
    stopped_here: int


@dataclass(frozen=True)
class QuestionInsight:
    """Item statistics for one quiz question."""

    number: int
    quiz_title: str
    prompt: str
    sums: ItemSums
    facility: float | None
    discrimination: float | None
    wrong_answer: str | None
    wrong_count: int
    reasons: list[str]

    @property
    def flagged(self) -> bool:
        """Whether the question deserves a second look."""
        return bool(self.reasons)


@dataclass(frozen=True)
class CourseInsight:
    """Everything the insight page shows."""

    enrollments: int
    completions: int
    median_seconds: float | None
    lessons: list[LessonStep]
    #: Learners, not yet complete, whose furthest lesson is the last one.
    after_last_lesson: int
    questions: list[QuestionInsight]
    evaluation: EvaluationSummary

    @property
    def completion_rate(self) -> float | None:
        """Completions / enrollments; None before anyone enrolls."""
        return self.completions / self.enrollments if self.enrollments else None

    @property
    def answered(self) -> bool:
        """Whether any first attempt has been submitted."""
        return any(q.sums.n for q in self.questions)

    @property
    def questions_for_review(self) -> list[QuestionInsight]:
        """Flagged questions first, then the rest, each in course order."""
        return sorted(self.questions, key=lambda q: (not q.flagged, q.number))


def _question(number: int, rows: list[Any]) -> QuestionInsight:
    """Item statistics from one question's choice rows."""
    first = rows[0]
    sums = ItemSums(
        *(int(v or 0) for v in (first.n, first.sum_x, first.sum_y, first.sum_xy, first.sum_yy))
    )
    wrong = [(int(r.picked or 0), r.text) for r in rows if not r.is_correct and r.picked]
    wrong_count, wrong_text = max(wrong, key=lambda w: w[0]) if wrong else (0, None)
    share, discrimination = facility(sums), point_biserial(sums)
    return QuestionInsight(
        number=number,
        quiz_title=first.quiz_title,
        prompt=first.prompt,
        sums=sums,
        facility=share,
        discrimination=discrimination,
        wrong_answer=wrong_text,
        wrong_count=wrong_count,
        reasons=review_reasons(sums.n, share, discrimination, wrong_count > sums.sum_x),
    )


def question_insight(course: Course) -> list[QuestionInsight]:
    """Item statistics for every current question, in course order."""
    grouped = itertools.groupby(question_rows(course), key=lambda r: r.id)
    return [_question(number, list(rows)) for number, (_, rows) in enumerate(grouped, start=1)]


def course_insight(course: Course) -> CourseInsight:
    """The whole page: three statements from queries, plus the evaluation summary's own."""
    enrollments, completions, median_seconds = completion_figures(course)
    funnel = lesson_funnel(course)
    stopped_after = [s for *_, s in funnel]
    not_started = enrollments - completions - sum(stopped_after)
    lessons = [
        LessonStep(
            number=number,
            title=title,
            module_title=module_title,
            completed=done,
            stopped_here=not_started if number == 1 else stopped_after[number - 2],
        )
        for number, (title, module_title, done, _) in enumerate(funnel, start=1)
    ]
    return CourseInsight(
        enrollments=enrollments,
        completions=completions,
        median_seconds=median_seconds,
        lessons=lessons,
        after_last_lesson=stopped_after[-1] if stopped_after else 0,
        questions=question_insight(course),
        evaluation=summarise(course, comments_limit=10),
    )
