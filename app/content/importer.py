"""Apply course specs to the database: create, update in place, retire what was removed.

Identity is the slug. Nothing a learner may have used is deleted: a module,
lesson or question that disappears from the files is retired. Choices are
rewritten in place, because every attempt keeps its own snapshot of what it
asked.

Nor is an instructor's work: a course edited in the browser since its files were
last applied (published from the browser, or with a draft waiting) is kept as it
is unless the import is told to replace browser edits, which is audited under the
person who asked, with what it undid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import events
from app.audit.services import record
from app.catalog.models import (
    Choice,
    Course,
    CourseStatus,
    Lesson,
    Module,
    ModuleCase,
    Question,
    Quiz,
)
from app.content.ceclaim import CeClaim
from app.content.changes import describe_changes
from app.content.exporter import course_spec
from app.content.markdown import render_markdown
from app.content.spec import CaseSpec, CourseSpec, LessonSpec, ModuleSpec, QuestionSpec, QuizSpec
from app.db import db, utcnow


@dataclass(frozen=True)
class ImportResult:
    """What an import did to one course."""

    slug: str
    outcome: str  # "created", "updated", "unchanged" or "kept" (browser edits left alone)
    version: int


@dataclass(frozen=True)
class BrowserWork:
    """Work done in the browser on a course since its files were last applied."""

    slug: str
    #: When browser edits were last published, if they were.
    published_at: dt.datetime | None
    #: When an unpublished draft was last saved, if there is one (an import never touches it).
    draft_saved_at: dt.datetime | None
    #: What publishing the files would undo of the published browser edits, in words.
    lost: tuple[str, ...]


def lesson_href(path: str) -> str:
    """Turn a lesson link into a page link.

    Lesson pages live at ``/courses/<course>/<module>/<lesson>``, which mirrors the
    files, so ``other.md`` or ``../module/other.md`` stays a correct relative link
    once ``.md`` is dropped.
    """
    target, hash_mark, anchor = path.partition("#")
    if target.endswith(".md"):
        target = target[: -len(".md")]
    return target + hash_mark + anchor


def _no_drafts(course_id: int) -> dt.datetime | None:
    return None


#: When the course's waiting draft was last saved, or None. Drafts are authoring's, which
#: stands above content; it supplies this lookup when the app starts (authoring.listeners).
_draft_saved_at: Callable[[int], dt.datetime | None] = _no_drafts


def supply_drafts(saved_at: Callable[[int], dt.datetime | None]) -> None:
    """Tell the importer how to find when a course's draft was last saved (None: no draft)."""
    global _draft_saved_at
    _draft_saved_at = saved_at


def browser_work(specs: list[CourseSpec]) -> list[BrowserWork]:
    """The courses among ``specs`` whose files differ from work done in the browser."""
    found = []
    for spec in specs:
        course = db.session.scalar(select(Course).where(Course.slug == spec.slug))
        if course is None or course.content_fingerprint == spec.fingerprint():
            continue
        draft_saved_at = _draft_saved_at(course.id)
        if course.edited_in_browser_at is None and draft_saved_at is None:
            continue
        lost: tuple[str, ...] = ()
        if course.edited_in_browser_at is not None:
            lost = tuple(describe_changes(course_spec(course), spec))
        found.append(
            BrowserWork(
                slug=spec.slug,
                published_at=course.edited_in_browser_at,
                draft_saved_at=draft_saved_at,
                lost=lost,
            )
        )
    return found


def import_courses(
    specs: list[CourseSpec],
    actor_id: int | None = None,
    replace_browser_edits: bool = False,
    approved_by: str | None = None,
) -> list[ImportResult]:
    """Apply every spec in one transaction: all of them, or (on any error) none.

    A course edited in the browser since its files were last applied is kept as it is
    (outcome "kept") unless ``replace_browser_edits``; then the published browser edits
    are replaced by the files' version and the audit log says who undid what. A draft is
    never touched: it stays for its authors to publish or discard.

    ``approved_by`` names the operator command that stands for the provider's approval
    of the CE claims in the files (``flask courses import``); each changed claim is then
    audited as approved by it.
    """
    try:
        edited = {work.slug: work for work in browser_work(specs)}
        results = []
        for spec in specs:
            work = edited.get(spec.slug)
            if work is not None and not replace_browser_edits:
                version = db.session.scalar(select(Course.version).where(Course.slug == spec.slug))
                results.append(ImportResult(spec.slug, "kept", version or 1))
                continue
            result = apply_course(spec, actor_id=actor_id, approved_by=approved_by)
            if work is not None and work.published_at is not None:
                course_id = db.session.scalar(select(Course.id).where(Course.slug == spec.slug))
                record(
                    "course.browser_edits_replaced",
                    "course",
                    course_id,
                    actor_id=actor_id,
                    version=result.version,
                    lost=list(work.lost),
                )
            results.append(result)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return results


def apply_course(
    spec: CourseSpec,
    actor_id: int | None = None,
    from_files: bool = True,
    approved_by: str | None = None,
) -> ImportResult:
    """Create or update one course from its spec inside the caller's transaction.

    ``from_files`` is False for a publish from the browser, which the caller audits and
    which marks the course as edited in the browser (so ``make run`` keeps it).
    """
    fingerprint = spec.fingerprint()
    course = db.session.scalar(
        select(Course)
        .where(Course.slug == spec.slug)
        .options(
            selectinload(Course.modules).selectinload(Module.lessons),
            selectinload(Course.modules).selectinload(Module.quiz),
            selectinload(Course.modules).selectinload(Module.case),
        )
    )
    if course is not None and course.content_fingerprint == fingerprint:
        if from_files:  # the files hold what was published (say, exported): in step again
            course.edited_in_browser_at = None
        return ImportResult(spec.slug, "unchanged", course.version)
    now = utcnow()
    created = course is None
    previous = None if course is None or course.published_at is None else CeClaim.of_course(course)
    if course is None:
        course = Course(
            slug=spec.slug,
            version=1,
            status=CourseStatus.PUBLISHED.value,
            published_at=now,
            created_at=now,
        )
        db.session.add(course)
    elif course.published_at is None:  # a course authored in the browser, published first
        course.published_at = now
        course.status = CourseStatus.PUBLISHED.value
    else:
        course.version += 1
        # New content does not reopen an archived course: archiving is the owner's call.
        if course.status != CourseStatus.ARCHIVED.value:
            course.status = CourseStatus.PUBLISHED.value
    _apply_settings(course, spec)
    course.content_fingerprint = fingerprint
    course.updated_at = now
    course.edited_in_browser_at = None if from_files else now
    db.session.flush()
    _apply_modules(course, spec.modules)
    _apply_final_quiz(course, spec.final_quiz)
    db.session.flush()
    # In this transaction: insight recounts whose furthest lesson is which (lessons may have
    # moved, arrived or retired), search indexes what learners now read, and with the
    # provider's approval the files replace whatever CE claim an instructor asked for.
    events.course_published.emit(events.CoursePublished(course, created, approved_by))
    outcome = "created" if created else "updated"
    if approved_by is not None:
        claim = CeClaim.of_spec(spec)
        if claim != previous:
            record(
                "ce_claim.approved",
                "course",
                course.id,
                actor_id=actor_id,
                via=approved_by,
                previous=previous.to_dict() if previous else None,
                claim=claim.to_dict(),
            )
    if from_files:
        record(
            f"course.{outcome}_from_files",
            "course",
            course.id,
            actor_id=actor_id,
            version=course.version,
            slug=course.slug,
        )
    return ImportResult(spec.slug, outcome, course.version)


def _apply_settings(course: Course, spec: CourseSpec) -> None:
    course.title = spec.title
    course.summary = spec.summary
    course.description = spec.description
    course.description_html = render_markdown(spec.description, link_resolver=lesson_href)
    course.ce_hours = spec.ce_hours
    course.level = spec.level
    course.delivery_format = spec.delivery_format
    course.topics = list(spec.topics)
    course.objectives = [o.to_dict() for o in spec.objectives]
    course.instructors = [i.to_dict() for i in spec.instructors]
    course.references = list(spec.references)
    course.pass_mark = spec.pass_mark
    course.attempt_limit = spec.attempt_limit
    course.modules_unlock_in_order = spec.modules_unlock_in_order
    course.min_seconds_per_lesson = spec.min_seconds_per_lesson
    course.answer_feedback = spec.answer_feedback
    course.shuffle_questions = spec.shuffle_questions
    course.shuffle_choices = spec.shuffle_choices
    course.approval_statement = spec.approval_statement
    period = spec.approval_period
    course.approval_starts_on = period.start if period else None
    course.approval_ends_on = period.end if period else None
    course.credits = [credit.to_dict() for credit in spec.credits]
    course.blueprint = [row.to_dict() for row in spec.blueprint]
    course.grounding = spec.grounding


Item = TypeVar("Item", Module, Lesson, Question)


def _retire_missing(items: list[Item], keep: set[str]) -> None:
    now = utcnow()
    for item in items:
        if item.slug not in keep and item.retired_at is None:
            item.retired_at = now


def _apply_modules(course: Course, specs: tuple[ModuleSpec, ...]) -> None:
    by_slug = {m.slug: m for m in course.modules}
    for position, spec in enumerate(specs, start=1):
        module = by_slug.get(spec.slug)
        if module is None:
            module = Module(slug=spec.slug, position=position)
            course.modules.append(module)
        module.position = position
        module.title = spec.title
        module.summary = spec.summary
        module.objectives = [o.to_dict() for o in spec.objectives]
        module.retired_at = None
        _apply_lessons(module, spec.lessons)
        if module.quiz is None:
            module.quiz = Quiz(course_id=course.id, title=spec.quiz.title)
        _apply_quiz(module.quiz, spec.quiz)
        _apply_case(module, spec.case)
    _retire_missing(course.modules, {s.slug for s in specs})


def _apply_case(module: Module, spec: CaseSpec | None) -> None:
    """Keep the module's case as published (runs snapshot their own copy); retire a removed one."""
    if spec is None:
        if module.case is not None and module.case.retired_at is None:
            module.case.retired_at = utcnow()
        return
    if module.case is None:
        module.case = ModuleCase(slug=spec.slug, title=spec.title, spec={})
    module.case.slug = spec.slug
    module.case.title = spec.title
    module.case.requirement = spec.requirement
    module.case.spec = spec.to_dict()
    module.case.retired_at = None


def _apply_lessons(module: Module, specs: tuple[LessonSpec, ...]) -> None:
    by_slug = {lesson.slug: lesson for lesson in module.lessons}
    for position, spec in enumerate(specs, start=1):
        lesson = by_slug.get(spec.slug)
        if lesson is None:
            lesson = Lesson(slug=spec.slug, position=position)
            module.lessons.append(lesson)
        lesson.position = position
        lesson.title = spec.title
        lesson.minutes = spec.minutes
        lesson.declared_min_seconds = spec.min_seconds
        lesson.min_seconds = spec.minimum_seconds
        lesson.body = spec.body
        lesson.advisories = list(spec.advisories)
        lesson.body_html = render_markdown(spec.body, link_resolver=lesson_href)
        lesson.retired_at = None
    _retire_missing(module.lessons, {s.slug for s in specs})


def _apply_final_quiz(course: Course, spec: QuizSpec | None) -> None:
    """The final post-test: its own questions, if any; a course whose final post-test is
    drawn from a blueprint has the quiz even with no questions of its own."""
    quiz = db.session.scalar(
        select(Quiz).where(Quiz.course_id == course.id, Quiz.module_id.is_(None))
    )
    if spec is None:
        if quiz is not None:
            _retire_missing(quiz.questions, set())
        if not course.blueprint:
            return
        spec = QuizSpec(title=f"{course.title}: final post-test", questions=())
    if quiz is None:
        quiz = Quiz(course_id=course.id, module_id=None, title=spec.title)
        db.session.add(quiz)
    _apply_quiz(quiz, spec)


def _apply_quiz(quiz: Quiz, spec: QuizSpec) -> None:
    quiz.title = spec.title
    quiz.advisories = list(spec.advisories)
    quiz.time_limit_minutes = spec.time_limit_minutes
    by_slug = {q.slug: q for q in quiz.questions}
    for position, question_spec in enumerate(spec.questions, start=1):
        question = by_slug.get(question_spec.slug)
        if question is None:
            question = Question(slug=question_spec.slug, position=position)
            quiz.questions.append(question)
        _apply_question(question, question_spec, position)
    _retire_missing(quiz.questions, {q.slug for q in spec.questions})


def _apply_question(question: Question, spec: QuestionSpec, position: int) -> None:
    question.position = position
    question.kind = spec.kind
    question.objective = spec.objective
    question.prompt = spec.prompt
    question.explanation = spec.explanation
    question.retired_at = None
    existing = {c.position: c for c in question.choices}
    for choice_position, choice_spec in enumerate(spec.choices, start=1):
        choice = existing.pop(choice_position, None)
        if choice is None:
            choice = Choice(position=choice_position)
            question.choices.append(choice)
        choice.text = choice_spec.text
        choice.is_correct = choice_spec.correct
        choice.feedback = choice_spec.feedback
    for extra in existing.values():
        question.choices.remove(extra)
