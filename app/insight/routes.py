"""The insight page for a course's team: who finishes, where learners stop, what misleads."""

from __future__ import annotations

from flask import Blueprint, render_template
from markupsafe import Markup

from app.accounts.access import instructor_required
from app.catalog.team import get_team_course
from app.insight import charts
from app.insight.services import CourseInsight, course_insight
from app.insight.stats import LOW_DISCRIMINATION, LOW_FACILITY, MIN_ANSWERS, format_duration

bp = Blueprint("insight", __name__, url_prefix="/teaching")


def _drop_off_chart(insight: CourseInsight) -> Markup:
    """Learners who completed each lesson, in course order."""
    bars = [
        # Lesson steps always carry a count; only quiz steps (not charted) have None.
        charts.Bar(f"{step.number}. {step.title}", step.completed or 0, str(step.completed))
        for step in insight.lessons
    ]
    return charts.bar_chart(
        "drop-off",
        "Learners who completed each lesson",
        f"Horizontal bars, one per lesson in course order, out of {insight.enrollments} "
        "enrolled learners. The table after the chart gives the same figures.",
        bars,
        maximum=max(insight.enrollments, 1),
    )


def _facility_chart(insight: CourseInsight) -> Markup:
    """Share of first attempts answering each question correctly; flagged ones stand out."""
    bars = [
        charts.Bar(
            f"{q.label}{' (review)' if q.flagged else ''}: {q.prompt}",
            q.facility or 0.0,
            "no answers" if q.facility is None else f"{q.facility:.0%}",
            emphasis=q.flagged,
        )
        for q in insight.questions
    ]
    return charts.bar_chart(
        "facility",
        "Share of learners answering each question correctly",
        "Horizontal bars, one per question in course order, from 0 to 100 percent, with a "
        f"dashed line at {LOW_FACILITY:.0%}. Questions to review are marked. The question "
        "table after the chart gives the same figures and the reasons.",
        bars,
        maximum=1.0,
        marker=(LOW_FACILITY, f"{LOW_FACILITY:.0%}"),
    )


@bp.route("/<slug>/insight", endpoint="course")
@instructor_required
def show_course(slug: str) -> str:
    """Completion, drop-off by lesson, quiz item statistics and the evaluation summary."""
    course = get_team_course(slug)
    insight = course_insight(course)
    return render_template(
        "insight/course.html",
        course=course,
        insight=insight,
        drop_off_chart=_drop_off_chart(insight) if insight.enrollments else None,
        facility_chart=_facility_chart(insight) if insight.answered else None,
        median=format_duration(insight.median_seconds),
        thresholds={
            "facility": LOW_FACILITY,
            "discrimination": LOW_DISCRIMINATION,
            "answers": MIN_ANSWERS,
        },
    )
