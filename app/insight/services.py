"""What the insight page shows, and exactly how each figure is defined.

Definitions (the page says the same in plain words):

- Enrollments: learners enrolled in the course. Completions: enrollments with a
  completion date. Completion rate: completions / enrollments.
- Median time to complete: the median of (completed at - enrolled at) over completed
  enrollments; with an even count, the mean of the two middle durations.
- Drop-off: the steps are the current (not retired) lessons of current modules in course
  order, each module's quiz (when it has current questions) after its last lesson.
  "Completed" counts enrolled learners who completed the lesson. A learner who has not
  completed the course stopped at the first step after the furthest lesson (in course
  order) they completed: at lesson 1 when they completed none; at a module's quiz when
  that lesson is the module's last and they have not passed its quiz, otherwise at the
  next lesson (or after the last lesson).
- Quiz items: current questions of current modules' quizzes and of the final quiz,
  numbered within each quiz ("Quiz 2, Q4"; "Final quiz, Q1"), quizzes in course order.
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
    """One step of the drop-off table: a lesson, or a module's quiz after its lessons."""

    number: int
    title: str
    module_title: str
    #: None for a quiz step: passing is counted on the question table, not here.
    completed: int | None
    stopped_here: int
    is_quiz: bool = False


@dataclass(frozen=True)
class QuestionInsight:
    """Item statistics for one quiz question."""

    #: Course order over every question, for sorting.
    order: int
    #: "Quiz 2" or "Final quiz".
    quiz_label: str
    #: The question's number within its quiz.
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

    @property
    def label(self) -> str:
        """Where the question is, as instructors find it: "Quiz 2, Q4"."""
        return f"{self.quiz_label}, Q{self.number}"


@dataclass(frozen=True)
class CourseInsight:
    """Everything the insight page shows."""

    enrollments: int
    completions: int
    median_seconds: float | None
    #: Lessons and module quizzes in course order.
    steps: list[LessonStep]
    #: Learners, not yet complete, past the last lesson and its module's quiz.
    after_last_lesson: int
    questions: list[QuestionInsight]
    evaluation: EvaluationSummary

    @property
    def completion_rate(self) -> float | None:
        """Completions / enrollments; None before anyone enrolls."""
        return self.completions / self.enrollments if self.enrollments else None

    @property
    def lessons(self) -> list[LessonStep]:
        """The lesson steps alone (what the drop-off chart draws)."""
        return [step for step in self.steps if not step.is_quiz]

    @property
    def answered(self) -> bool:
        """Whether any first attempt has been submitted."""
        return any(q.sums.n for q in self.questions)

    @property
    def questions_for_review(self) -> list[QuestionInsight]:
        """Flagged questions first, then the rest, each in course order."""
        return sorted(self.questions, key=lambda q: (not q.flagged, q.order))


def _question(order: int, quiz_label: str, number: int, rows: list[Any]) -> QuestionInsight:
    """Item statistics from one question's choice rows."""
    first = rows[0]
    sums = ItemSums(
        *(int(v or 0) for v in (first.n, first.sum_x, first.sum_y, first.sum_xy, first.sum_yy))
    )
    wrong = [(int(r.picked or 0), r.text) for r in rows if not r.is_correct and r.picked]
    wrong_count, wrong_text = max(wrong, key=lambda w: w[0]) if wrong else (0, None)
    share, discrimination = facility(sums), point_biserial(sums)
    return QuestionInsight(
        order=order,
        quiz_label=quiz_label,
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
    """Item statistics for every current question, in course order, numbered within its quiz."""
    questions = []
    order = 0
    by_quiz = itertools.groupby(question_rows(course), key=lambda r: (r.quiz_id, r.module_id))
    for quiz_number, ((_, module_id), quiz_rows) in enumerate(by_quiz, start=1):
        quiz_label = "Final quiz" if module_id is None else f"Quiz {quiz_number}"
        by_question = itertools.groupby(quiz_rows, key=lambda r: r.id)
        for number, (_, rows) in enumerate(by_question, start=1):
            order += 1
            questions.append(_question(order, quiz_label, number, list(rows)))
    return questions


def drop_off_steps(
    funnel: list[tuple[str, str, int, bool, int, int, int]], not_started: int
) -> tuple[list[LessonStep], int]:
    """The drop-off table's steps and the learners past the last one (pure).

    Learners who stopped after a module's last lesson wait at its quiz unless they passed
    it; only then do they count at the next lesson.
    """
    steps: list[LessonStep] = []
    waiting = not_started
    quizzes = 0
    for index, (title, module_title, module_id, has_quiz, done, stopped, before_quiz) in enumerate(
        funnel
    ):
        steps.append(LessonStep(index + 1, title, module_title, done, waiting))
        last_of_module = index + 1 == len(funnel) or funnel[index + 1][2] != module_id
        if last_of_module and has_quiz:
            quizzes += 1
            steps.append(
                LessonStep(quizzes, f"Quiz {quizzes}", module_title, None, before_quiz, True)
            )
            waiting = stopped - before_quiz
        else:
            waiting = stopped
    return steps, waiting


def course_insight(course: Course) -> CourseInsight:
    """The whole page: three statements from queries, plus the evaluation summary's own."""
    enrollments, completions, median_seconds = completion_figures(course)
    funnel = lesson_funnel(course)
    not_started = enrollments - completions - sum(row[5] for row in funnel)
    steps, after_last = drop_off_steps(funnel, not_started)
    return CourseInsight(
        enrollments=enrollments,
        completions=completions,
        median_seconds=median_seconds,
        steps=steps,
        after_last_lesson=after_last if funnel else 0,
        questions=question_insight(course),
        evaluation=summarise(course, comments_limit=10),
    )
