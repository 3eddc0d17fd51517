"""Forms of the case editor: the case's settings and one scene with its choices or ending.

Field rules are the file format's (lengths, slugs, Markdown); the rules of the graph
(reachability, dead ends, loops, endings tied to objectives) are not refused here: the
draft keeps the scene and the editor shows the checker's messages beside the fields, as
`flask courses check` would report them. Publishing refuses a draft with any.
"""

from __future__ import annotations

from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.content import rules
from app.content.casegraph import MAX_CHOICES
from app.content.markdown import find_html
from app.content.spec import (
    CASE_RATINGS,
    CASE_REQUIREMENTS,
    CaseChoiceSpec,
    EndingSpec,
    SceneSpec,
    StatusLineSpec,
)
from app.forms import WebForm
from app.safetext import one_line_problem

REQUIREMENTS = [
    SelectChoice("none", "Practice: completion does not wait for it"),
    SelectChoice("ending", "Required: reach any ending"),
    SelectChoice("acceptable_ending", "Required: reach an ending rated acceptable or best"),
]
assert [choice.value for choice in REQUIREMENTS] == list(CASE_REQUIREMENTS)
RATINGS = [SelectChoice(rating, rating.capitalize()) for rating in CASE_RATINGS]


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n") if line.strip()]


def _one_line(_form: Form, field: Field) -> None:
    if isinstance(field.data, str) and one_line_problem(field.data):
        raise ValidationError("Use one line of plain text.")


def _no_nul(_form: Form, field: Field) -> None:
    """A NUL character is refused in every text (PostgreSQL cannot store it)."""
    if isinstance(field.data, str) and "\x00" in field.data:
        raise ValidationError("A NUL character is not allowed.")


def _markdown(_form: Form, field: Field) -> None:
    """Raw HTML is refused, as in lessons (links are checked when the draft is checked)."""
    _no_nul(_form, field)
    if isinstance(field.data, str) and find_html(field.data):
        raise ValidationError(rules.RAW_HTML_MESSAGE[0].upper() + rules.RAW_HTML_MESSAGE[1:] + ".")


class CheckboxList(SelectMultipleField):
    """Several options as checkboxes in a list (objectives, lessons)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CaseSettingsForm(WebForm):
    """The case as a whole: texts, what completion asks of it, where it starts."""

    #: The version the form was loaded from: the settings' fingerprint, or "none" (no case).
    base = HiddenField()

    title = StringField(
        "Title",
        filters=[_strip],
        validators=[DataRequired("Enter the title."), Length(max=200), _one_line],
    )
    summary = StringField(
        "Summary",
        filters=[_strip],
        validators=[DataRequired("Enter the summary."), Length(max=300), _one_line],
        description="One or two sentences learners read before playing.",
    )
    requirement = SelectField("Module completion", choices=REQUIREMENTS)
    start = SelectField("First scene", choices=[])
    advisories = TextAreaField(
        "Content advisories",
        filters=[_strip],
        validators=[Length(max=800), _no_nul],
        description="What the case depicts, one per line (for example: panic during a session).",
    )

    def advisory_list(self) -> tuple[str, ...]:
        """The advisories, one per line."""
        return tuple(_lines(self.advisories.data))


class CaseChoiceForm(Form):
    """One choice row of a scene."""

    text = StringField("Choice", filters=[_strip], validators=[Length(max=300), _one_line])
    rating = SelectField(
        "Rating", choices=[SelectChoice("", "Choose a rating"), *RATINGS], default=""
    )
    next = SelectField("Leads to", choices=[], default="")
    feedback = TextAreaField("Feedback", filters=[_strip], validators=[Length(max=1200), _markdown])


class SceneForm(WebForm):
    """One scene: its texts and status panel, then its choices or its ending."""

    #: The fingerprint of the scene as the form was loaded (empty for a new scene).
    base = HiddenField()

    scene_id = StringField(
        "Scene id",
        filters=[_strip],
        description="Lowercase letters, digits and hyphens; choices name it. It cannot change.",
    )
    title = StringField(
        "Title",
        filters=[_strip],
        validators=[DataRequired("Enter the title."), Length(max=200), _one_line],
    )
    narrative = TextAreaField(
        "Narrative (Markdown)",
        filters=[_strip],
        validators=[DataRequired("Write the narrative."), Length(max=3000), _markdown],
    )
    client_says = StringField(
        "What the client says",
        filters=[_strip],
        validators=[Optional(), Length(max=600), _one_line],
    )
    status = TextAreaField(
        "Status panel",
        filters=[_strip],
        validators=[Length(max=1200), _no_nul],
        description="One line each, as Label: value (for example, Breathing: fast and shallow).",
    )
    choices = FieldList(FormField(CaseChoiceForm), min_entries=MAX_CHOICES, max_entries=MAX_CHOICES)
    is_ending = BooleanField("This scene is an ending (it offers no choices)")
    outcome = StringField("Outcome", filters=[_strip], validators=[Length(max=200), _one_line])
    ending_rating = SelectField("Ending rated", choices=RATINGS)
    score = IntegerField(
        "Score", validators=[Optional(), NumberRange(0, 100, "Use a score from 0 to 100.")]
    )
    debrief = TextAreaField(
        "Debrief (Markdown)", filters=[_strip], validators=[Length(max=3000), _markdown]
    )
    objectives = CheckboxList("Objectives this ending draws on", choices=[])
    lessons = CheckboxList("Lessons to revisit", choices=[])

    def validate_scene_id(self, field: Field) -> None:
        """A new scene's id is a slug."""
        message = rules.check_slug(field.data)
        if message:
            raise ValidationError("The id " + message + ".")

    def validate_status(self, field: Field) -> None:
        """Each line `Label: value`."""
        for number, line in enumerate(_lines(field.data), start=1):
            label, colon, value = line.partition(":")
            if not colon or not label.strip() or not value.strip():
                raise ValidationError(f"Line {number}: write it as Label: value.")

    def validate_outcome(self, field: Field) -> None:
        """An ending needs its outcome, score and debrief."""
        if self.is_ending.data and not (field.data and self.debrief.data):
            raise ValidationError("An ending needs an outcome and a debrief.")
        if self.is_ending.data and self.score.data is None:
            raise ValidationError("An ending needs a score from 0 to 100.")

    def status_lines(self) -> tuple[StatusLineSpec, ...]:
        """The status panel as written."""
        found = []
        for line in _lines(self.status.data):
            label, _, value = line.partition(":")
            found.append(StatusLineSpec(label=label.strip(), value=value.strip()))
        return tuple(found)

    def scene(self, scene_id: str) -> SceneSpec:
        """The scene as the form describes it (filled choice rows only, or the ending)."""
        if self.is_ending.data:
            ending = EndingSpec(
                outcome=self.outcome.data or "",
                rating=self.ending_rating.data,
                score=self.score.data or 0,
                debrief=self.debrief.data or "",
                objectives=tuple(self.objectives.data or ()),
                lessons=tuple(self.lessons.data or ()),
            )
            choices: tuple[CaseChoiceSpec, ...] = ()
        else:
            ending = None
            choices = tuple(
                CaseChoiceSpec(
                    text=row.form.text.data,
                    rating=row.form.rating.data or "",
                    next=row.form.next.data or "",
                    feedback=row.form.feedback.data or "",
                )
                for row in self.choices
                if row.form.text.data
            )
        return SceneSpec(
            id=scene_id,
            title=self.title.data,
            narrative=self.narrative.data.replace("\r\n", "\n"),
            client_says=self.client_says.data or None,
            status=self.status_lines(),
            choices=choices,
            ending=ending,
        )

    def validate_choices(self, field: Field) -> None:
        """Each filled choice row has feedback (rating and target are the checker's to name)."""
        if self.is_ending.data:
            return
        for number, row in enumerate(self.choices, start=1):
            if row.form.text.data and not row.form.feedback.data:
                raise ValidationError(f"Choice {number}: write the feedback learners see after it.")


class RemoveForm(WebForm):
    """A button that takes a scene or the whole case out, with the version it was shown."""

    base = HiddenField()
