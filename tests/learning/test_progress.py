"""Completion rules, as pure functions over an outline and a learner's record."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.learning.progress import (
    DONE,
    LOCKED,
    OPEN,
    CourseOutline,
    CourseProgress,
    LearnerRecord,
    LessonStep,
    ModuleOutline,
)


def outline(in_order: bool = True, final: int | None = None) -> CourseOutline:
    m1 = ModuleOutline(
        1,
        "m1",
        "One",
        1,
        (LessonStep(11, "a", "A", 5, "1.1", "m1"), LessonStep(12, "b", "B", 5, "1.2", "m1")),
        101,
    )
    m2 = ModuleOutline(2, "m2", "Two", 2, (LessonStep(21, "c", "C", 5, "2.1", "m2"),), 102)
    return CourseOutline((m1, m2), in_order, final)


def test_nothing_done():
    progress = CourseProgress(outline(), LearnerRecord())
    first, second = progress.outline.modules
    assert progress.percent == 0 and progress.steps_total == 5
    assert progress.module_unlocked(first) and not progress.module_unlocked(second)
    assert progress.blocking_module(second) == first
    assert not progress.quiz_unlocked(first)
    step = progress.next_step()
    assert (step.kind, step.lesson.slug) == ("lesson", "a")


def test_lessons_done_opens_the_quiz_and_passing_completes_the_module():
    lessons_done = LearnerRecord(completed_lessons=frozenset({11, 12}))
    progress = CourseProgress(outline(), lessons_done)
    first, second = progress.outline.modules
    assert progress.quiz_unlocked(first) and not progress.module_complete(first)
    assert progress.next_step().kind == "quiz"
    passed = CourseProgress(outline(), LearnerRecord(frozenset({11, 12}), frozenset({101})))
    assert passed.module_complete(first) and passed.module_unlocked(second)
    assert passed.next_step().lesson.slug == "c"


def test_passing_the_quiz_without_the_lessons_does_not_complete_the_module():
    progress = CourseProgress(outline(), LearnerRecord(frozenset({11}), frozenset({101})))
    assert not progress.module_complete(progress.outline.modules[0])


def test_any_order_when_the_course_allows_it():
    progress = CourseProgress(outline(in_order=False), LearnerRecord())
    assert progress.module_unlocked(progress.outline.modules[1])


def test_course_complete_needs_every_module_and_the_final_test():
    record = LearnerRecord(frozenset({11, 12, 21}), frozenset({101, 102}))
    assert CourseProgress(outline(), record).course_complete
    assert CourseProgress(outline(), record).percent == 100
    with_final = CourseProgress(outline(final=900), record)
    assert not with_final.course_complete and with_final.next_step().kind == "final"
    passed_final = LearnerRecord(record.completed_lessons, record.passed_quizzes | {900})
    assert CourseProgress(outline(final=900), passed_final).course_complete


def test_a_lesson_added_later_does_not_undo_a_recorded_completion():
    base = outline()
    m1, m2 = base.modules
    grown_m1 = ModuleOutline(
        1, "m1", "One", 1, (*m1.lessons, LessonStep(13, "new", "New", 5, "1.3", "m1")), 101
    )
    grown = CourseOutline((grown_m1, m2), True)
    # A learner who finished before the edit keeps the module and the course.
    finished = LearnerRecord(
        frozenset({11, 12, 21}),
        frozenset({101, 102}),
        completed_modules=frozenset({1, 2}),
        course_completed=True,
    )
    progress = CourseProgress(grown, finished)
    assert progress.module_complete(grown_m1) and progress.course_complete
    # A learner still working through module 1 now needs the new lesson.
    midway = CourseProgress(grown, LearnerRecord(frozenset({11, 12}), frozenset({101})))
    assert not midway.module_complete(grown_m1)
    assert midway.next_step().lesson.slug == "new"


def test_neighbours_cross_module_boundaries():
    progress = CourseProgress(outline(), LearnerRecord())
    before, after = progress.neighbours(12)
    assert before.slug == "a" and after.slug == "c"
    assert progress.neighbours(11)[0] is None and progress.neighbours(21)[1] is None
    assert progress.neighbours(999) == (None, None)


def test_the_outline_marks_what_is_done_open_and_locked():
    progress = CourseProgress(outline(), LearnerRecord(completed_lessons=frozenset({11})))
    first, second = progress.marks()
    assert first.mark == OPEN and [mark for _, mark in first.lessons] == [DONE, OPEN]
    assert first.quiz == LOCKED  # a lesson is still to do
    assert second.mark == LOCKED and second.lessons[0][1] == LOCKED and second.quiz == LOCKED


def test_a_passed_quiz_is_marked_done_even_before_its_lessons():
    progress = CourseProgress(outline(), LearnerRecord(passed_quizzes=frozenset({101})))
    first, _ = progress.marks()
    assert first.quiz == DONE and first.mark == OPEN


@given(
    lessons=st.frozensets(st.sampled_from([11, 12, 21])),
    quizzes=st.frozensets(st.sampled_from([101, 102])),
    modules=st.frozensets(st.sampled_from([1, 2])),
    in_order=st.booleans(),
)
def test_marks_agree_with_the_rules_one_step_at_a_time(lessons, quizzes, modules, in_order):
    """The one-pass marks say what the per-step rules say, for any record."""
    record = LearnerRecord(
        completed_lessons=lessons, passed_quizzes=quizzes, completed_modules=modules
    )
    progress = CourseProgress(outline(in_order), record)
    for row, module in zip(progress.marks(), progress.outline.modules, strict=True):
        unlocked = progress.module_unlocked(module)
        expected = DONE if progress.module_complete(module) else OPEN if unlocked else LOCKED
        assert row.mark == expected
        for lesson, mark in row.lessons:
            done = progress.lesson_complete(lesson)
            assert mark == (DONE if done else OPEN if unlocked else LOCKED)
        passed = progress.quiz_passed(module.quiz_id)
        quiz_open = progress.quiz_unlocked(module)
        assert row.quiz == (DONE if passed else OPEN if quiz_open else LOCKED)
