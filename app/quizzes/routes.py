"""Quiz pages: the rules before the first attempt, taking an attempt, and results."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.accounts.access import instructor_required
from app.accounts.services import find_by_email
from app.catalog.models import Course, Quiz
from app.catalog.team import get_team_course
from app.db import db, utcnow
from app.delivery import services as delivery
from app.delivery.grounding import safe_return_path
from app.learning import queries
from app.learning import services as learning
from app.learning.outlines import progress_for
from app.learning.pages import get_course, outline_links, require_enrollment, step_url
from app.learning.progress import CourseProgress, ModuleOutline
from app.quizzes import services
from app.quizzes.accommodations import (
    AccommodationError,
    course_accommodations,
    set_accommodation,
)
from app.quizzes.deadlines import ANNOUNCE_AT_MINUTES, GRACE, seconds_left
from app.quizzes.forms import AccommodationForm
from app.quizzes.grading import AnswerError, parse_answers
from app.quizzes.models import QuizAttempt
from app.quizzes.services import QuizError, TimeUp

bp = Blueprint("quizzes", __name__)


def get_quiz(course: Course, quiz_id: int) -> Quiz:
    """A current quiz of this course (from its loaded structure), or 404."""
    quizzes = [m.quiz for m in course.active_modules if m.quiz is not None]
    if course.final_quiz is not None:
        quizzes.append(course.final_quiz)
    quiz = next((q for q in quizzes if q.id == quiz_id), None)
    if quiz is None:
        abort(404)
    return quiz


def get_own_attempt(attempt_id: int) -> QuizAttempt:
    """The current user's attempt; anyone else's is not found (404), not forbidden."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    return attempt


def module_of(progress: CourseProgress, quiz: Quiz) -> ModuleOutline | None:
    """The module a quiz belongs to (None for the final post-test)."""
    return next((m for m in progress.outline.modules if m.id == quiz.module_id), None)


def quiz_open(progress: CourseProgress, quiz: Quiz) -> bool:
    """Whether the learner may attempt the quiz now."""
    module = module_of(progress, quiz)
    return progress.quiz_unlocked(module) if module else progress.final_unlocked()


@bp.route("/courses/<course_slug>/quizzes/<int:quiz_id>")
@login_required
def intro(course_slug: str, quiz_id: int) -> str:
    """Number of questions, pass mark, attempts allowed and used, retake policy, history."""
    course = get_course(course_slug)
    quiz = get_quiz(course, quiz_id)
    enrollment = require_enrollment(course)
    progress = progress_for(current_user, course, enrollment)
    learning.leave_lessons(current_user, enrollment)
    current = services.standing(current_user, quiz, course)
    is_open = quiz_open(progress, quiz)
    return render_template(
        "quizzes/intro.html",
        course=course,
        quiz=quiz,
        progress=progress,
        links=outline_links(course, progress.outline),
        module=module_of(progress, quiz),
        standing=current,
        asked=services.asked_count(quiz, course),
        drawn=bool(services.blueprint_of(quiz, course)),
        is_open=is_open,
        step_url=step_url,
        advisory=delivery.pending_advisory(current_user, "quiz", quiz.id, quiz.advisories)
        if is_open and current.open_attempt is None
        else None,
        multiplier=current.accommodation.time_multiplier if current.accommodation else None,
    )


@bp.route("/courses/<course_slug>/quizzes/<int:quiz_id>/start", methods=["POST"])
@login_required
def start(course_slug: str, quiz_id: int) -> Response:
    """Start the next attempt, or resume the one in progress."""
    course = get_course(course_slug)
    quiz = get_quiz(course, quiz_id)
    enrollment = require_enrollment(course)
    progress = progress_for(current_user, course, enrollment)
    here = url_for("quizzes.intro", course_slug=course_slug, quiz_id=quiz_id)
    if not quiz_open(progress, quiz):
        flash("This quiz opens once the lessons before it are complete.", "error")
        return redirect(here)
    if delivery.pending_advisory(current_user, "quiz", quiz.id, quiz.advisories):
        flash("Please read the content advisory and choose to continue first.", "error")
        return redirect(here)
    try:
        attempt = services.start_attempt(
            current_user, services.quiz_with_questions(quiz.id) or quiz, course
        )
    except QuizError as error:
        flash(str(error), "error")
        return redirect(here)
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"], endpoint="attempt")
@login_required
def answer_attempt(attempt_id: int) -> str | Response | tuple[str, int]:
    """Answer the questions; save to finish later, or submit to be graded (once)."""
    # The course's row is enough: grading and completion read its outline, which each
    # worker keeps per version, and an autosave needs nothing more than that it is open.
    own = services.own_attempt(current_user, attempt_id, to_write=request.method == "POST")
    if own is None:
        abort(404)
    attempt, quiz, course = own
    if attempt.is_open and services.close_if_expired(attempt, course):
        if request.method == "POST":
            flash(
                "Time ran out for this attempt before these answers arrived, so they were not "
                "accepted. The answers saved before the deadline were graded.",
                "error",
            )
        else:
            flash(
                "Time ran out for this attempt; the answers saved before the deadline were graded.",
                "info",
            )
    if not attempt.is_open:
        return redirect(url_for("quizzes.result", attempt_id=attempt_id))
    if request.method == "POST":
        form = {key: request.form.getlist(key) for key in request.form}
        answers: dict[int, frozenset[int]] | None = None
        try:
            answers = parse_answers(attempt.snapshot, form)
            action = request.form.get("action")
            if action in ("save", "pause"):
                services.save_answers(attempt, answers)
                if request.headers.get("X-Autosave") == "1":
                    return Response(status=204)
                if action == "pause" and attempt.deadline_at is None:
                    here = url_for("quizzes.attempt", attempt_id=attempt_id)
                    return redirect(
                        url_for("delivery.pause", course=course.slug, back=safe_return_path(here))
                    )
                flash(
                    "Your answers are saved. You can come back to this attempt any time.", "success"
                )
                return redirect(url_for("quizzes.intro", course_slug=course.slug, quiz_id=quiz.id))
            enrollment = queries.find_enrollment(current_user, course)
            if enrollment is None:
                abort(404)
            services.submit_attempt(current_user, attempt, answers, course, enrollment)
            return redirect(url_for("quizzes.result", attempt_id=attempt_id))
        except AnswerError as error:
            flash(str(error), "error")
            # A refused form changed nothing: show what is saved, or what was just saved.
            shown = attempt.answer_map() if answers is None else answers
            return render_template(
                "quizzes/attempt.html",
                attempt=attempt,
                quiz=quiz,
                course=course,
                answers=shown,
                **_timing(attempt),
            ), 400
        except TimeUp as error:
            if request.headers.get("X-Autosave") == "1":
                return Response(str(error), status=409, mimetype="text/plain")
            flash(str(error), "error")
            return redirect(url_for("quizzes.result", attempt_id=attempt_id))
        except QuizError as error:
            flash(str(error), "info")
            return redirect(url_for("quizzes.result", attempt_id=attempt_id))
    return render_template(
        "quizzes/attempt.html",
        attempt=attempt,
        quiz=quiz,
        course=course,
        answers=attempt.answer_map(),
        **_timing(attempt),
    )


def _timing(attempt: QuizAttempt) -> dict[str, object]:
    """What the attempt page needs to show a timed attempt's deadline and countdown."""
    if attempt.deadline_at is None:
        return {"seconds_left": None}
    return {
        "seconds_left": seconds_left(utcnow(), attempt.deadline_at),
        "grace_seconds": int(GRACE.total_seconds()),
        "announce_at": ",".join(str(m * 60) for m in ANNOUNCE_AT_MINUTES),
    }


@bp.route("/attempts/<int:attempt_id>/result", endpoint="result")
@login_required
def show_result(attempt_id: int) -> str | Response:
    """Score, pass or fail, and feedback per question as the course allows."""
    attempt = get_own_attempt(attempt_id)
    if attempt.is_open:
        return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
    quiz = db.session.get(Quiz, attempt.quiz_id)
    course = queries.course_with_content(course_id=quiz.course_id) if quiz else None
    if quiz is None or course is None:
        abort(404)
    enrollment = queries.find_enrollment(current_user, course)
    progress = progress_for(current_user, course, enrollment)
    current = services.standing(current_user, quiz, course)
    reveal = course.answer_feedback == "always" or current.passed
    return render_template(
        "quizzes/result.html",
        attempt=attempt,
        quiz=quiz,
        course=course,
        answers=attempt.answer_map(),
        correct={a.question_id: bool(a.is_correct) for a in attempt.answers},
        reveal=reveal,
        standing=current,
        progress=progress,
        next_url=step_url(course, progress.next_step()),
    )


@bp.route("/teaching/<slug>/accommodations", methods=["GET", "POST"], endpoint="accommodations")
@instructor_required
def edit_accommodations(slug: str) -> str | Response | tuple[str, int]:
    """The course team sets a learner's extra time and attempts, with a reason (audited)."""
    course = get_team_course(slug)
    form = AccommodationForm()
    if form.validate_on_submit():
        learner = find_by_email(form.email.data or "")
        try:
            if learner is None:
                raise AccommodationError("That person is not enrolled in this course.")
            set_accommodation(
                current_user,
                course,
                learner,
                Decimal(form.time_multiplier.data or 0),
                form.extra_attempts.data or 0,
                form.reason.data or "",
            )
        except AccommodationError as error:
            form.email.errors = [*form.email.errors, str(error)]
        else:
            flash(f"Accommodation saved for {learner.legal_name}.", "success")
            return redirect(url_for("quizzes.accommodations", slug=slug))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "quizzes/accommodations.html",
        course=course,
        form=form,
        rows=course_accommodations(course),
    ), status
