"""Reading `course.yml`, and the objective lists it shares with `module.yml`."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from app.content.credit import canonical_ce_hours
from app.content.credittypes import check_body
from app.content.fields import Field, read_fields, read_list, read_slug_list
from app.content.problems import FileProblems
from app.content.rules import (
    GROUNDING_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    check_answer_feedback,
    check_approval_period,
    check_attempt_limit,
    check_ce_hours,
    check_date,
    check_flag,
    check_level,
    check_line_text,
    check_markdown,
    check_min_seconds_per_lesson,
    check_optional_text,
    check_pass_mark,
    check_reference_count,
    check_slug,
    check_text,
    check_whole_number,
    find_duplicates,
    parse_date,
)
from app.content.spec import (
    ApprovalPeriod,
    BlueprintSpec,
    CourseSpec,
    CreditSpec,
    InstructorSpec,
    ObjectiveSpec,
)
from app.content.yamlsource import YamlMap, load_mapping, read_text_file

_DEFAULTS = {f.name: f.default for f in dataclasses.fields(CourseSpec)}


def _optional(rule: Any, key: str) -> Field:
    """A key that may be left out, taking `CourseSpec`'s default."""
    return Field(rule, required=False, default=_DEFAULTS[key])


COURSE_FIELDS = {
    "slug": Field(check_slug),
    "title": Field(partial(check_line_text, max_length=TITLE_MAX_LENGTH)),
    "summary": Field(partial(check_line_text, max_length=SUMMARY_MAX_LENGTH)),
    "description": Field(check_text),
    "ce_hours": Field(check_ce_hours),
    "level": Field(check_level),
    "delivery_format": Field(check_line_text),
    "topics": _optional(None, "topics"),
    "objectives": Field(),
    "instructors": Field(),
    "references": Field(),
    "pass_mark": _optional(check_pass_mark, "pass_mark"),
    "attempt_limit": _optional(check_attempt_limit, "attempt_limit"),
    "modules_unlock_in_order": _optional(check_flag, "modules_unlock_in_order"),
    "min_seconds_per_lesson": _optional(check_min_seconds_per_lesson, "min_seconds_per_lesson"),
    "answer_feedback": _optional(check_answer_feedback, "answer_feedback"),
    "shuffle_questions": _optional(check_flag, "shuffle_questions"),
    "shuffle_choices": _optional(check_flag, "shuffle_choices"),
    "approval_statement": _optional(check_optional_text, "approval_statement"),
    "approval_period": _optional(None, "approval_period"),
    "credits": _optional(None, "credits"),
    "blueprint": _optional(None, "blueprint"),
    "grounding": _optional(
        partial(check_optional_text, max_length=GROUNDING_MAX_LENGTH), "grounding"
    ),
    "modules": Field(),
}
OBJECTIVE_FIELDS = {"id": Field(check_slug), "text": Field(check_text)}
INSTRUCTOR_FIELDS = {
    "name": Field(check_text),
    "credentials": Field(check_text),
    "bio": Field(check_optional_text, required=False),
}
PERIOD_FIELDS = {"start": Field(check_date), "end": Field(check_date)}
#: The most questions one blueprint row may draw.
MAX_DRAW = 100
CREDIT_FIELDS = {
    "body": Field(check_body),
    "hours": Field(check_ce_hours),
    "statement": Field(check_text),
}
BLUEPRINT_FIELDS = {
    "objective": Field(check_slug),
    "draw": Field(partial(check_whole_number, minimum=1, maximum=MAX_DRAW)),
    "from": Field(required=False, default=None),
}


@dataclass
class CourseFile:
    """What `course.yml` says: settings for `CourseSpec`, and the module order."""

    settings: dict[str, Any] = field(default_factory=dict)
    module_slugs: tuple[str, ...] = ()
    objective_ids: tuple[str, ...] | None = None
    data: YamlMap | None = None  # the file as loaded, for the lines of its keys


def read_objectives(data: YamlMap, problems: FileProblems) -> tuple[ObjectiveSpec, ...]:
    """Read the `objectives` list: at least one `{id, text}`, ids unique."""
    items = read_list(data, "objectives", problems) if "objectives" in data else None
    if items is None:
        return ()
    objectives = []
    for index, item in enumerate(items):
        line = items.line_of(index)
        values = read_fields(item, line, OBJECTIVE_FIELDS, problems, "an objective (id, text)")
        if values is not None and len(values) == len(OBJECTIVE_FIELDS):
            objectives.append((item, ObjectiveSpec(id=values["id"], text=values["text"])))
    for index in find_duplicates([objective.id for _item, objective in objectives]):
        item, objective = objectives[index]
        problems.add(item.line_of("id"), f"duplicate objective id {objective.id!r}")
    return tuple(objective for _item, objective in objectives)


def _read_instructors(data: YamlMap, problems: FileProblems) -> tuple[InstructorSpec, ...]:
    """Read the `instructors` list: at least one `{name, credentials, bio}`."""
    items = read_list(data, "instructors", problems) if "instructors" in data else None
    if items is None:
        return ()
    instructors = []
    for index, item in enumerate(items):
        what = "an instructor (name, credentials, bio)"
        values = read_fields(item, items.line_of(index), INSTRUCTOR_FIELDS, problems, what)
        if values is not None and len(values) == len(INSTRUCTOR_FIELDS):
            instructors.append(InstructorSpec(**values))
    return tuple(instructors)


def _read_references(data: YamlMap, problems: FileProblems) -> tuple[str, ...]:
    """Read the `references` list: 3 to 10 full citations, none repeated."""
    items = read_list(data, "references", problems) if "references" in data else None
    if items is None:
        return ()
    message = check_reference_count(len(items))
    if message:
        problems.add(data.line_of("references"), f"references {message}")
    for index, item in enumerate(items):
        message = check_text(item)
        if message:
            problems.add(items.line_of(index), f"reference {message}")
    for index in find_duplicates([str(item) for item in items]):
        problems.add(items.line_of(index), "duplicate reference")
    return tuple(str(item) for item in items)


def _read_approval_period(data: YamlMap, problems: FileProblems) -> ApprovalPeriod | None:
    """Read `approval_period: {start, end}` with start not after end."""
    line = data.line_of("approval_period")
    what = "approval_period with start and end dates"
    values = read_fields(data["approval_period"], line, PERIOD_FIELDS, problems, what)
    if values is None or len(values) < len(PERIOD_FIELDS):
        return None
    start, end = parse_date(values["start"]), parse_date(values["end"])
    assert start is not None and end is not None
    message = check_approval_period(start, end)
    if message:
        problems.add(line, f"approval_period {message}")
        return None
    return ApprovalPeriod(start=start, end=end)


def _read_credits(data: YamlMap, problems: FileProblems) -> tuple[CreditSpec, ...]:
    """Read `credits`: `{body, hours, statement}` each, a body at most once."""
    items = read_list(data, "credits", problems, minimum=0)
    if items is None:
        return ()
    credits: list[tuple[YamlMap, CreditSpec]] = []
    for index, item in enumerate(items):
        what = "a credit (body, hours, statement)"
        values = read_fields(item, items.line_of(index), CREDIT_FIELDS, problems, what)
        if values is not None and len(values) == len(CREDIT_FIELDS):
            hours = canonical_ce_hours(values["hours"])
            credits.append(
                (item, CreditSpec(body=values["body"], hours=hours, **_statement(values)))
            )
    for index in find_duplicates([credit.body for _item, credit in credits]):
        item, credit = credits[index]
        problems.add(item.line_of("body"), f"duplicate credit body {credit.body!r}")
    return tuple(credit for _item, credit in credits)


def _statement(values: dict[str, Any]) -> dict[str, str]:
    """The statement as the spec keeps it: without the YAML block's trailing newline."""
    return {"statement": str(values["statement"]).strip()}


def _read_sources(item: YamlMap, problems: FileProblems) -> tuple[str, ...]:
    """A blueprint row's `from`: `module-slug/objective-id` entries."""
    if item.get("from") is None:
        return ()
    sources = read_list(item, "from", problems, minimum=0)
    if sources is None:
        return ()
    found = []
    for index, source in enumerate(sources):
        parts = source.split("/") if isinstance(source, str) else []
        if len(parts) != 2 or any(check_slug(part) for part in parts):
            problems.add(sources.line_of(index), "from entries are module-slug/objective-id")
        else:
            found.append(source)
    for index in find_duplicates(found):
        problems.add(item.line_of("from"), f"duplicate from entry {found[index]!r}")
    return tuple(dict.fromkeys(found))


def _read_blueprint(data: YamlMap, problems: FileProblems) -> tuple[BlueprintSpec, ...]:
    """Read `blueprint`: `{objective, draw, from}` rows (checked against the course later)."""
    items = read_list(data, "blueprint", problems)
    if items is None:
        return ()
    rows = []
    for index, item in enumerate(items):
        what = "a blueprint row (objective, draw, from)"
        values = read_fields(item, items.line_of(index), BLUEPRINT_FIELDS, problems, what)
        if values is None:
            continue
        assert isinstance(item, YamlMap)
        sources = _read_sources(item, problems)
        if "objective" in values and "draw" in values:
            rows.append(
                BlueprintSpec(objective=values["objective"], draw=values["draw"], sources=sources)
            )
    return tuple(rows)


def read_course_file(
    path: Path, problems: FileProblems, lessons: Collection[tuple[str, str]]
) -> CourseFile:
    """Read `course.yml`; `lessons` are the (module, lesson) pairs its links may name."""
    text = read_text_file(path, problems)
    data = load_mapping(text, problems) if text is not None else None
    if data is None:
        return CourseFile()
    settings = read_fields(data, 1, COURSE_FIELDS, problems, "course settings") or {}
    for key in ("description", "grounding"):
        if isinstance(data.get(key), str):
            in_text = problems.shifted(data.text_line_of(key) - 1)
            for line, message in check_markdown(data[key], None, lessons):
                in_text.add(line, message)
    if "ce_hours" in settings:
        settings["ce_hours"] = canonical_ce_hours(settings["ce_hours"])
    if "topics" in data:
        settings["topics"] = read_slug_list(data, "topics", "topic", problems, minimum=0)
    settings["objectives"] = read_objectives(data, problems)
    settings["instructors"] = _read_instructors(data, problems)
    settings["references"] = _read_references(data, problems)
    if data.get("approval_period") is not None:
        settings["approval_period"] = _read_approval_period(data, problems)
    settings["credits"] = _read_credits(data, problems) if data.get("credits") is not None else ()
    has_blueprint = data.get("blueprint") is not None
    settings["blueprint"] = _read_blueprint(data, problems) if has_blueprint else ()
    module_slugs = read_slug_list(data, "modules", "module", problems) if "modules" in data else ()
    settings.pop("modules", None)
    objective_ids = tuple(objective.id for objective in settings["objectives"])
    return CourseFile(
        settings=settings,
        module_slugs=module_slugs,
        objective_ids=objective_ids if "objectives" in data else None,
        data=data,
    )
