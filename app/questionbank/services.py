"""Importing parsed questions into a course draft's quiz, all or nothing."""

from __future__ import annotations

import dataclasses

from app.accounts.models import User
from app.audit.services import record
from app.authoring import edits
from app.authoring.services import AuthoringError, edit_draft, working_spec
from app.catalog.models import Course
from app.content.spec import CourseSpec, QuestionSpec, QuizSpec
from app.questionbank.checks import blocking_problems
from app.questionbank.result import ParseResult

FINAL_QUIZ = "final"


def quiz_choices(spec: CourseSpec) -> list[tuple[str, str]]:
    """Return (target, label) for every quiz questions can go into: modules, then the final."""
    choices = [(module.slug, f"Module quiz: {module.title}") for module in spec.modules]
    if spec.final_quiz is not None:
        choices.append((FINAL_QUIZ, "Final quiz"))
    return choices


def find_quiz(spec: CourseSpec, target: str) -> QuizSpec:
    """Return a module's quiz by the module's slug, or the final quiz for 'final'."""
    if target == FINAL_QUIZ and spec.final_quiz is not None:
        return spec.final_quiz
    if target in {module.slug for module in spec.modules}:
        return edits.module(spec, target).quiz
    raise AuthoringError("No such quiz in this course.")


def objective_for(spec: CourseSpec, target: str) -> str:
    """Return the objective imported questions assess: the target's first objective."""
    objectives = spec.objectives if target == FINAL_QUIZ else edits.module(spec, target).objectives
    if not objectives:
        raise AuthoringError("That quiz has no learning objective for the questions to assess.")
    return objectives[0].id


def add_questions(spec: CourseSpec, target: str, result: ParseResult) -> CourseSpec:
    """Return the spec with the parsed questions appended to the target quiz (pure)."""
    if target != FINAL_QUIZ and target not in {m.slug for m in spec.modules}:
        raise AuthoringError("Choose one of this course's quizzes.")
    if target == FINAL_QUIZ and spec.final_quiz is None:
        raise AuthoringError("This course has no final quiz.")
    problems = [
        f"{q.where}: {message}" for q in result.questions for message in blocking_problems(q)
    ]
    if problems:
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise AuthoringError("Nothing was imported: " + "; ".join(problems[:10]) + more)
    if not result.questions:
        raise AuthoringError("Nothing was imported: the file holds no question Groundwork can use.")
    objective = objective_for(spec, target)
    quiz = spec.final_quiz if target == FINAL_QUIZ else edits.module(spec, target).quiz
    assert quiz is not None
    taken = [question.slug for q in spec.quizzes() for question in q.questions]
    added = []
    for question in result.questions:
        slug = edits.slugify(question.name or question.prompt, taken, fallback="question")
        taken.append(slug)
        added.append(
            QuestionSpec(
                slug=slug,
                kind=question.kind,
                objective=objective,
                prompt=question.prompt,
                explanation=question.explanation,
                choices=question.choices,
            )
        )
    new_quiz = QuizSpec(title=quiz.title, questions=(*quiz.questions, *added))
    if target == FINAL_QUIZ:
        return dataclasses.replace(spec, final_quiz=new_quiz)
    module = edits.module(spec, target)
    return edits.put_module(spec, dataclasses.replace(module, quiz=new_quiz), target)


def import_questions(course: Course, user: User, target: str, result: ParseResult) -> int:
    """Add the parsed questions to a quiz of the course's draft; return how many were added."""
    spec = working_spec(course)
    new = add_questions(spec, target, result)
    record(
        "course.questions_imported",
        "course",
        course.id,
        actor_id=user.id,
        quiz=target,
        imported=len(result.questions),
        skipped=len(result.skipped),
    )
    edit_draft(course, user, lambda _: new)
    return len(result.questions)
