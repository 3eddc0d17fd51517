"""The evaluation form, built per course with one rating per learning objective."""

from __future__ import annotations

from typing import Any

from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.catalog.models import Course
from app.evaluations.models import RATING_LABELS
from app.forms import WebForm

RATING_CHOICES = [SelectChoice(str(value), label) for value, label in RATING_LABELS.items()]
BIAS_CHOICES = [
    SelectChoice("yes", "Yes"),
    SelectChoice("no", "No"),
    SelectChoice("unsure", "Not sure"),
]


def _rating(label: str, message: str) -> RadioField:
    return RadioField(label, choices=RATING_CHOICES, validators=[DataRequired(message)])


class EvaluationForm(WebForm):
    """Course-wide questions; objective fields are added per course by ``evaluation_form``."""

    relevance = _rating(
        "The content is relevant to my practice.",
        "Rate how relevant the content is to your practice.",
    )
    teaching_quality = _rating(
        "The teaching was clear and of high quality.", "Rate the quality of the teaching."
    )
    free_of_bias = RadioField(
        "The content was free of commercial bias.",
        choices=BIAS_CHOICES,
        validators=[DataRequired("Say whether the content was free of commercial bias.")],
    )
    comments = TextAreaField(
        "Comments",
        validators=[Length(max=4000)],
        description="Optional. What helped, what was missing, what you would change.",
    )

    def objective_fields(self) -> list[tuple[str, Any]]:
        """(objective id, field) for each objective, in course order."""
        return [
            (name[len("objective_") :], field)
            for name, field in self._fields.items()
            if name.startswith("objective_")
        ]


def evaluation_form(course: Course) -> EvaluationForm:
    """An evaluation form with a rating for each of the course's learning objectives."""

    class CourseEvaluationForm(EvaluationForm):
        pass

    for number, objective in enumerate(course.objectives, start=1):
        setattr(
            CourseEvaluationForm,
            f"objective_{objective['id']}",
            _rating(
                f"Objective {number}: {objective['text']}",
                f"Rate whether objective {number} was met.",
            ),
        )
    return CourseEvaluationForm()
