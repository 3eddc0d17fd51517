"""Build a course spec from the database, for export to files."""

from __future__ import annotations

from sqlalchemy import select

from app.catalog.kinds import QuestionKind
from app.catalog.models import Course, Question, Quiz
from app.content.credit import canonical_ce_hours
from app.content.spec import (
    ApprovalPeriod,
    BlueprintSpec,
    CaseSpec,
    ChoiceSpec,
    CourseSpec,
    CreditSpec,
    InstructorSpec,
    LessonSpec,
    ModuleSpec,
    ObjectiveSpec,
    QuestionSpec,
    QuizSpec,
)
from app.db import db


def _question_spec(question: Question) -> QuestionSpec:
    return QuestionSpec(
        slug=question.slug,
        kind=QuestionKind(question.kind),
        objective=question.objective,
        prompt=question.prompt,
        explanation=question.explanation,
        choices=tuple(
            ChoiceSpec(text=c.text, correct=c.is_correct, feedback=c.feedback)
            for c in question.choices
        ),
    )


def _quiz_spec(quiz: Quiz) -> QuizSpec:
    return QuizSpec(
        title=quiz.title,
        questions=tuple(_question_spec(q) for q in quiz.active_questions),
        advisories=tuple(quiz.advisories),
        time_limit_minutes=quiz.time_limit_minutes,
    )


def course_spec(course: Course) -> CourseSpec:
    """The course as learners see it now (retired items left out), as a spec."""
    final = db.session.scalar(
        select(Quiz).where(Quiz.course_id == course.id, Quiz.module_id.is_(None))
    )
    period = None
    if course.approval_starts_on and course.approval_ends_on:
        period = ApprovalPeriod(start=course.approval_starts_on, end=course.approval_ends_on)
    modules = []
    for module in course.active_modules:
        assert module.quiz is not None, "every module has a quiz"
        modules.append(
            ModuleSpec(
                slug=module.slug,
                title=module.title,
                summary=module.summary,
                objectives=tuple(ObjectiveSpec.from_dict(o) for o in module.objectives),
                lessons=tuple(
                    LessonSpec(
                        slug=le.slug,
                        title=le.title,
                        minutes=le.minutes,
                        body=le.body,
                        min_seconds=le.declared_min_seconds,
                        advisories=tuple(le.advisories),
                    )
                    for le in module.active_lessons
                ),
                quiz=_quiz_spec(module.quiz),
                case=CaseSpec.from_dict(module.active_case.spec) if module.active_case else None,
            )
        )
    return CourseSpec(
        slug=course.slug,
        title=course.title,
        summary=course.summary,
        description=course.description,
        ce_hours=canonical_ce_hours(course.ce_hours),
        level=course.level,
        delivery_format=course.delivery_format,
        topics=tuple(course.topics),
        objectives=tuple(ObjectiveSpec.from_dict(o) for o in course.objectives),
        instructors=tuple(InstructorSpec.from_dict(i) for i in course.instructors),
        references=tuple(course.references),
        pass_mark=course.pass_mark,
        attempt_limit=course.attempt_limit,
        modules_unlock_in_order=course.modules_unlock_in_order,
        min_seconds_per_lesson=course.min_seconds_per_lesson,
        answer_feedback=course.answer_feedback,
        shuffle_questions=course.shuffle_questions,
        shuffle_choices=course.shuffle_choices,
        approval_statement=course.approval_statement,
        approval_period=period,
        credits=tuple(CreditSpec.from_dict(c) for c in course.credits or ()),
        blueprint=tuple(BlueprintSpec.from_dict(row) for row in course.blueprint or ()),
        modules=tuple(modules),
        final_quiz=_quiz_spec(final) if final and final.active_questions else None,
        grounding=course.grounding,
    )
