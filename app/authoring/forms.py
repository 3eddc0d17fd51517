"""Authoring forms. Each validates with the same rules as ``flask courses check``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.authoring.blueprintedit import parse_draw
from app.content import rules
from app.content.advisories import ADVISORIES
from app.content.credit import canonical_ce_hours
from app.content.credittypes import BODY_CODES, check_body
from app.content.rules import GROUNDING_MAX_LENGTH, MAX_TIME_LIMIT_MINUTES
from app.content.spec import ChoiceSpec, CreditSpec, InstructorSpec, ObjectiveSpec
from app.forms import ConfirmForm, WebForm
from app.safetext import one_line_problem

LEVELS = [SelectChoice(v, v.capitalize()) for v in ("beginning", "intermediate", "advanced")]
FEEDBACK = [
    SelectChoice("after_passing", "Correct answers shown after passing"),
    SelectChoice("always", "Correct answers shown after every attempt"),
]
KINDS = [
    SelectChoice("single", "Single choice"),
    SelectChoice("multiple", "Multiple choice"),
    SelectChoice("true_false", "True or false"),
]
CHOICE_ROWS = 6
#: Bounds on the blueprint form's posted rows, far above any course's objectives.
MAX_BLUEPRINT_ROWS = 100
MAX_BLUEPRINT_SOURCES = 500


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n") if line.strip()]


def _check(message: str | None) -> None:
    if message:
        raise ValidationError(message[0].upper() + message[1:] + ".")


def _one_line(_form: Form, field: Field) -> None:
    """Refuse control and direction-override characters, as the course files do."""
    if isinstance(field.data, str):
        _check(one_line_problem(field.data))


def _text(label: str, length: int, **kwargs: object) -> StringField:
    return StringField(
        label,
        filters=[_strip],
        validators=[DataRequired(f"Enter the {label.lower()}."), Length(max=length), _one_line],
        **kwargs,
    )


def parse_objectives(text: str | None) -> tuple[ObjectiveSpec, ...]:
    """Objectives from lines written ``id: text``."""
    objectives = []
    for line in _lines(text):
        key, _, sentence = line.partition(":")
        objectives.append(ObjectiveSpec(id=key.strip(), text=sentence.strip()))
    return tuple(objectives)


def validate_objectives(field: Field) -> None:
    """Each line ``id: text`` with a slug id, unique, and at least one line."""
    objectives = parse_objectives(field.data)
    if not objectives:
        raise ValidationError("Write at least one objective, one per line, as id: text.")
    for number, objective in enumerate(objectives, start=1):
        if not objective.text:
            raise ValidationError(f"Line {number}: write it as id: text.")
        _check(
            rules.check_slug(objective.id)
            and f"line {number}: the id {rules.check_slug(objective.id)}"
        )
    ids = [o.id for o in objectives]
    if len(set(ids)) != len(ids):
        raise ValidationError("Each objective needs its own id.")


def objectives_text(objectives: tuple[ObjectiveSpec, ...]) -> str:
    """The lines a form shows for these objectives."""
    return "\n".join(f"{o.id}: {o.text}" for o in objectives)


class CreateCourseForm(WebForm):
    """The essentials of a new course; the rest is edited in its settings."""

    title = _text("Title", 200, description="Exactly as approved by the accreditor.")
    slug = StringField(
        "Slug",
        filters=[_strip],
        validators=[DataRequired("Choose a slug.")],
        description="Lowercase letters, digits and hyphens; it appears in links and never changes.",
    )
    summary = _text("Summary", 300)
    ce_hours = DecimalField("CE hours", places=2, validators=[InputRequired("Enter the CE hours.")])
    level = SelectField("Level", choices=LEVELS)
    delivery_format = _text("Delivery format", 120)

    def validate_slug(self, field: Field) -> None:
        """The same slug rule as the course files."""
        _check(rules.check_slug(field.data))

    def validate_ce_hours(self, field: Field) -> None:
        """Positive quarter hours."""
        _check(rules.check_ce_hours(field.data))


class CourseSettingsForm(CreateCourseForm):
    """Everything course.yml holds except the module list."""

    slug = None  # slugs never change
    #: The fingerprint of the settings as the form was loaded (edits.fingerprint).
    base = HiddenField()
    description = TextAreaField(
        "Description (Markdown)",
        validators=[DataRequired("Write the course description."), Length(max=20000)],
    )
    topics = StringField(
        "Topics",
        filters=[_strip],
        description="Comma-separated slugs, e.g. grounding, trauma-informed-care.",
        validators=[Length(max=2000)],
    )
    objectives = TextAreaField(
        "Learning objectives",
        description="One per line, as id: text.",
        validators=[Length(max=20000)],
    )
    instructors = TextAreaField(
        "Instructors",
        description="One per line, as name | credentials | short bio (the bio is optional).",
        validators=[Length(max=20000)],
    )
    references = TextAreaField(
        "Selected references",
        description="One full citation per line (3 to 10).",
        validators=[Length(max=20000)],
    )
    pass_mark = IntegerField(
        "Pass mark (%)",
        validators=[InputRequired("Enter the pass mark."), NumberRange(0, 100, "Use 0 to 100.")],
    )
    attempt_limit = IntegerField(
        "Attempts allowed",
        validators=[
            Optional(),
            NumberRange(min=1, message="Use 1 or more, or leave empty for unlimited."),
        ],
        description="Leave empty for unlimited attempts.",
    )
    modules_unlock_in_order = BooleanField("Modules open in order")
    min_seconds_per_lesson = IntegerField(
        "Minimum seconds per lesson",
        description="A floor for every lesson, on top of each lesson's own minimum time "
        "(never zero: read from its words, or set on the lesson).",
        validators=[
            InputRequired("Enter 0 or more."),
            NumberRange(min=0, max=86400, message="Use 0 to 86400 seconds (a day)."),
        ],
    )
    answer_feedback = SelectField("Feedback", choices=FEEDBACK)
    shuffle_questions = BooleanField("Ask questions in random order")
    shuffle_choices = BooleanField("Show choices in random order")
    approval_statement = TextAreaField(
        "Approval statement",
        validators=[Optional(), Length(max=2000)],
        description="Leave empty to use the site's statement.",
    )
    credits = TextAreaField(
        "Credits offered",
        validators=[Length(max=20000)],
        description="One per line, as body | hours | approval statement. Bodies: "
        + ", ".join(BODY_CODES)
        + ". The certificate prints the credit that serves the learner's profession; "
        "leave empty to print the course's CE hours and approval statement for everyone.",
    )
    grounding = TextAreaField(
        "Grounding exercise (Markdown)",
        validators=[Length(max=GROUNDING_MAX_LENGTH)],
        description="What the Pause control on every lesson and untimed quiz page opens. "
        "Empty: the site's exercise.",
    )
    approval_start = DateField("Approval period starts", validators=[Optional()])
    approval_end = DateField("Approval period ends", validators=[Optional()])

    def validate_objectives(self, field: Field) -> None:
        """Objectives as id: text lines."""
        validate_objectives(field)

    def validate_instructors(self, field: Field) -> None:
        """At least one instructor with name and credentials."""
        people = self.parsed_instructors()
        if not people or any(not p.name or not p.credentials for p in people):
            raise ValidationError("Give at least one instructor as name | credentials.")

    def validate_references(self, field: Field) -> None:
        """Three to ten references."""
        _check(rules.check_reference_count(len(_lines(field.data))))

    def validate_topics(self, field: Field) -> None:
        """Topics are slugs."""
        for topic in self.parsed_topics():
            _check(rules.check_slug(topic) and f"topic {topic!r}: {rules.check_slug(topic)}")

    def validate_approval_end(self, field: Field) -> None:
        """Both dates or neither, in order."""
        start, end = self.approval_start.data, field.data
        if bool(start) != bool(end):
            raise ValidationError("Give both dates of the approval period, or neither.")
        if start and end:
            _check(rules.check_approval_period(start, end))

    def validate_credits(self, field: Field) -> None:
        """Each line a known body, its hours and a statement; a body once."""
        seen: set[str] = set()
        for number, line in enumerate(_lines(field.data), start=1):
            parts = [part.strip() for part in line.split("|", 2)]
            if len(parts) < 3 or not parts[2]:
                raise ValidationError(f"Line {number}: give body | hours | approval statement.")
            body, hours, _statement = parts
            _check(check_body(body) and f"Line {number}: body {check_body(body)}.")
            _check(
                rules.check_ce_hours(_number(hours))
                and f"Line {number}: hours {rules.check_ce_hours(_number(hours))}."
            )
            if body in seen:
                raise ValidationError(f"Line {number}: {body} is offered twice.")
            seen.add(body)

    def parsed_credits(self) -> tuple[CreditSpec, ...]:
        """Credits from body | hours | statement lines (validated first)."""
        credits = []
        for line in _lines(self.credits.data):
            body, hours, statement = (part.strip() for part in line.split("|", 2))
            number = _number(hours)
            assert isinstance(number, Decimal)
            credits.append(
                CreditSpec(body=body, hours=canonical_ce_hours(number), statement=statement)
            )
        return tuple(credits)

    def parsed_topics(self) -> tuple[str, ...]:
        """Topics as a tuple."""
        return tuple(t.strip() for t in (self.topics.data or "").split(",") if t.strip())

    def parsed_instructors(self) -> tuple[InstructorSpec, ...]:
        """Instructors from name | credentials | bio lines."""
        people = []
        for line in _lines(self.instructors.data):
            parts = [p.strip() for p in line.split("|")]
            people.append(
                InstructorSpec(
                    name=parts[0],
                    credentials=parts[1] if len(parts) > 1 else "",
                    bio=parts[2] if len(parts) > 2 and parts[2] else None,
                )
            )
        return tuple(people)

    def parsed_references(self) -> tuple[str, ...]:
        """References, one per line."""
        return tuple(_lines(self.references.data))


def _advisory_field(label: str) -> SelectMultipleField:
    """Checkboxes of the advisories the checker knows (app.content.advisories)."""
    return SelectMultipleField(
        label,
        choices=[SelectChoice(code, label) for code, label in ADVISORIES.items()],
        validate_choice=True,
        invalid_choice_message="Choose advisories from the list shown.",
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        description="What it depicts; learners see this before entering and may come back later.",
    )


class ModuleForm(WebForm):
    """A module's title, summary and objectives, and its quiz's advisories and time limit."""

    #: The fingerprint of the module's texts as the form was loaded (edits.fingerprint).
    base = HiddenField()
    title = _text("Title", 200)
    summary = _text("Summary", 300)
    objectives = TextAreaField(
        "Objectives",
        description="One per line, as id: text. Questions "
        "name the objective they assess by its id.",
        validators=[Length(max=20000)],
    )
    quiz_advisories = _advisory_field("Content advisories for the quiz")
    time_limit_minutes = IntegerField(
        "Quiz time limit in minutes",
        validators=[
            Optional(),
            NumberRange(1, MAX_TIME_LIMIT_MINUTES, "Use 1 to 240 minutes, or leave empty."),
        ],
        description="Empty: untimed (no time pressure). Learners' extra time multiplies it.",
    )

    def validate_objectives(self, field: Field) -> None:
        """Objectives as id: text lines."""
        validate_objectives(field)


class LessonForm(WebForm):
    """A lesson: title, honest minutes, Markdown body (checked like the files)."""

    #: Where relative lesson links start, and the (module, lesson) pairs they may name.
    module_slug: str = ""
    known_lessons: frozenset[tuple[str, str]] = frozenset()

    #: The fingerprint of the lesson as the form was loaded (edits.fingerprint).
    base = HiddenField()
    title = _text("Title", 200)
    minutes = IntegerField(
        "Minutes",
        validators=[
            InputRequired("Enter the minutes."),
            NumberRange(1, 600, "Use 1 to 600 minutes."),
        ],
        description="The honest time to read it and do its exercise.",
    )
    min_seconds = IntegerField(
        "Minimum time in seconds",
        validators=[Optional(), NumberRange(1, 36000, "Use 1 to 36000 seconds, or leave empty.")],
        description="Learners cannot mark the lesson complete sooner. Empty: its reading "
        "time at 238 words a minute. Add the time its exercise asks for.",
    )
    body = TextAreaField(
        "Lesson (Markdown)", validators=[DataRequired("Write the lesson."), Length(max=100000)]
    )
    advisories = _advisory_field("Content advisories")

    def validate_body(self, field: Field) -> None:
        """Raw HTML and links to lessons that do not exist, with their line numbers."""
        source = field.data.replace("\r\n", "\n")
        problems = rules.check_markdown(source, self.module_slug, self.known_lessons)
        if problems:
            raise ValidationError(
                " ".join(f"Line {line}: {message}." for line, message in problems)
            )


class ChoiceForm(Form):
    """One choice row of a question."""

    text = StringField("Choice", filters=[_strip], validators=[Length(max=1000)])
    correct = BooleanField("Correct")
    feedback = StringField("Feedback", filters=[_strip], validators=[Length(max=2000)])


class QuestionForm(WebForm):
    """A quiz question with up to six choices; empty rows are ignored."""

    #: The fingerprint of the question as the form was loaded (edits.fingerprint).
    base = HiddenField()
    kind = SelectField("Kind", choices=KINDS)
    objective = SelectField("Objective assessed", choices=[])
    prompt = TextAreaField(
        "Question", validators=[DataRequired("Write the question."), Length(max=4000)]
    )
    explanation = TextAreaField(
        "Explanation",
        validators=[
            DataRequired("Explain the answer: learners see it with their result."),
            Length(max=4000),
        ],
    )
    choices = FieldList(FormField(ChoiceForm), min_entries=CHOICE_ROWS, max_entries=CHOICE_ROWS)

    def parsed_choices(self) -> tuple[ChoiceSpec, ...]:
        """The filled-in choice rows."""
        return tuple(
            ChoiceSpec(
                text=row.form.text.data,
                correct=bool(row.form.correct.data),
                feedback=row.form.feedback.data or None,
            )
            for row in self.choices
            if row.form.text.data
        )

    def validate_choices(self, field: Field) -> None:
        """The checker's rules for the question's kind and choices."""
        for message in rules.check_question(self.kind.data, self.parsed_choices()):
            _check(message)


class BlueprintRowForm(Form):
    """One course objective's row: which objective (as loaded) and how many it draws."""

    objective = HiddenField()
    #: Read by `blueprintedit.parse_draw` (digits only), not by an IntegerField's int().
    draw = StringField("Questions each attempt draws", validators=[Length(max=20)])


class BlueprintSourceForm(Form):
    """One module objective and the course objective its questions serve ("": none)."""

    source = HiddenField()
    serves = SelectField("Serves the course objective", choices=[])


class BlueprintForm(WebForm):
    """The final post-test's blueprint: whether there is one, each row's draw, and which
    course objective each module objective's questions serve. The checker's rules are
    applied by the service, on the draft as it is when saved."""

    #: The version of the blueprint the form was loaded from (edits.blueprint_fingerprint).
    base = HiddenField()
    use = RadioField(
        "Final post-test",
        choices=[
            SelectChoice("yes", "Draw each attempt's questions by this blueprint"),
            SelectChoice(
                "no", "No blueprint (a final quiz, if the course has one, asks all its questions)"
            ),
        ],
        validators=[InputRequired("Choose whether the course has a blueprint.")],
    )
    rows = FieldList(FormField(BlueprintRowForm), max_entries=MAX_BLUEPRINT_ROWS)
    sources = FieldList(FormField(BlueprintSourceForm), max_entries=MAX_BLUEPRINT_SOURCES)

    def offer(self, objectives: list[SelectChoice]) -> None:
        """Let every module objective serve one of these course objectives, or none."""
        for entry in self.sources:
            entry.form.serves.choices = [SelectChoice("", "None of them"), *objectives]

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields' own rules; with a blueprint, every draw a number the checker takes."""
        valid = super().validate(extra_validators)
        if self.use.data != "yes":
            return valid
        if not self.rows.entries:
            self.use.errors = [*self.use.errors, "The form has no rows: reload the page."]
            valid = False
        keys = [entry.form.source.data for entry in self.sources]
        if len(keys) != len(set(keys)):
            self.use.errors = [*self.use.errors, "The form names a module objective twice."]
            valid = False
        for entry in self.rows:
            _, message = parse_draw(entry.form.draw.data)
            if message:
                entry.form.draw.errors = [*entry.form.draw.errors, message]
                valid = False
        return valid

    def draws(self) -> dict[str, int]:
        """Course objective -> its draw, for a form that validated with a blueprint."""
        found: dict[str, int] = {}
        for entry in self.rows:
            value, _ = parse_draw(entry.form.draw.data)
            found[entry.form.objective.data or ""] = value or 0
        return found

    def serves(self) -> dict[str, str]:
        """Module objective -> the course objective it serves (those serving none left out)."""
        return {
            entry.form.source.data or "": entry.form.serves.data
            for entry in self.sources
            if entry.form.serves.data
        }


class TeamForm(WebForm):
    """Add an instructor to the course team."""

    email = EmailField(
        "Instructor's email",
        filters=[_strip],
        validators=[DataRequired("Enter the instructor's email."), Length(max=254)],
    )


class DiscardForm(ConfirmForm):
    """Confirm throwing a draft away; ``stamp`` names the draft the page showed."""

    stamp = HiddenField()


class ImportForm(WebForm):
    """Upload a course as a zip of the course file format."""

    archive = FileField(
        "Course zip",
        validators=[
            FileRequired("Choose a .zip file."),
            FileAllowed(["zip"], "Upload a .zip file."),
        ],
    )


def _number(text: str) -> Decimal | None:
    """Hours as a Decimal, or None when the text is not a plain decimal number."""
    if not text or len(text) > 12 or not all(c.isdigit() or c == "." for c in text):
        return None
    try:
        return Decimal(text)
    except ArithmeticError:
        return None


def decimal_or_none(value: Decimal | None) -> Decimal | None:
    """A form's decimal, normalised (2.50 -> 2.5)."""
    return value.normalize() if value is not None else None
