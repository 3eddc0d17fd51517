"""One converter writes every spec as before: same keys, same order, same bytes, same specs."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

from app.content import spec as specs
from app.content.ceclaim import CeClaim
from app.content.credit import canonical_ce_hours
from app.content.reader import read_course
from app.content.spec import (
    ApprovalPeriod,
    CaseSpec,
    ChoiceSpec,
    CourseSpec,
    InstructorSpec,
    LessonSpec,
    ModuleSpec,
    ObjectiveSpec,
    QuestionSpec,
    QuizSpec,
)
from app.content.specdata import SpecData, from_data, to_data
from app.content.writer import write_course
from tests.content.conftest import EXAMPLE_COURSE, REAL_CATALOG, VALID_CATALOG

COURSES = sorted(p.parent for p in REAL_CATALOG.glob("*/course.yml")) + sorted(
    p.parent for p in VALID_CATALOG.glob("*/course.yml")
)


# The hand-written `to_dict` each spec had before the converter, kept as the oracle.
def _objective(o: ObjectiveSpec) -> dict[str, Any]:
    return {"id": o.id, "text": o.text}


def _choice(c: ChoiceSpec) -> dict[str, Any]:
    return {"text": c.text, "correct": c.correct, "feedback": c.feedback}


def _quiz(q: QuizSpec) -> dict[str, Any]:
    questions = [
        {
            "slug": x.slug,
            "kind": x.kind,
            "objective": x.objective,
            "prompt": x.prompt,
            "explanation": x.explanation,
            "choices": [_choice(c) for c in x.choices],
        }
        for x in q.questions
    ]
    data: dict[str, Any] = {"title": q.title, "questions": questions}
    # Fields added later appear only when they hold something (OMIT_DEFAULT).
    if q.advisories:
        data["advisories"] = list(q.advisories)
    if q.time_limit_minutes is not None:
        data["time_limit_minutes"] = q.time_limit_minutes
    return data


def _case(c: CaseSpec) -> dict[str, Any]:
    scenes = []
    for s in c.scenes:
        ending = s.ending
        scenes.append(
            {
                "id": s.id,
                "title": s.title,
                "narrative": s.narrative,
                "client_says": s.client_says,
                "status": [{"label": line.label, "value": line.value} for line in s.status],
                "choices": [
                    {"text": ch.text, "rating": ch.rating, "next": ch.next, "feedback": ch.feedback}
                    for ch in s.choices
                ],
                "ending": None
                if ending is None
                else {
                    "outcome": ending.outcome,
                    "rating": ending.rating,
                    "score": ending.score,
                    "debrief": ending.debrief,
                    "objectives": list(ending.objectives),
                    "lessons": list(ending.lessons),
                },
            }
        )
    return {
        "slug": c.slug,
        "title": c.title,
        "summary": c.summary,
        "requirement": c.requirement,
        "advisories": list(c.advisories),
        "start": c.start,
        "scenes": scenes,
    }


def _module(m: ModuleSpec) -> dict[str, Any]:
    lessons = [
        {
            "slug": lesson.slug,
            "title": lesson.title,
            "minutes": lesson.minutes,
            "body": lesson.body,
            "min_seconds": lesson.min_seconds,
        }
        | ({"advisories": list(lesson.advisories)} if lesson.advisories else {})
        for lesson in m.lessons
    ]
    return {
        "slug": m.slug,
        "title": m.title,
        "summary": m.summary,
        "objectives": [_objective(o) for o in m.objectives],
        "lessons": lessons,
        "quiz": _quiz(m.quiz),
        # Left out while absent, so courses without cases keep their fingerprints.
        **({"case": _case(m.case)} if m.case is not None else {}),
    }


def _course(c: CourseSpec) -> dict[str, Any]:
    period = c.approval_period
    return {
        "slug": c.slug,
        "title": c.title,
        "summary": c.summary,
        "description": c.description,
        "ce_hours": str(canonical_ce_hours(c.ce_hours)),
        "level": c.level,
        "delivery_format": c.delivery_format,
        "topics": list(c.topics),
        "objectives": [_objective(o) for o in c.objectives],
        "instructors": [
            {"name": i.name, "credentials": i.credentials, "bio": i.bio} for i in c.instructors
        ],
        "references": list(c.references),
        "pass_mark": c.pass_mark,
        "attempt_limit": c.attempt_limit,
        "modules_unlock_in_order": c.modules_unlock_in_order,
        "min_seconds_per_lesson": c.min_seconds_per_lesson,
        "answer_feedback": c.answer_feedback,
        "shuffle_questions": c.shuffle_questions,
        "shuffle_choices": c.shuffle_choices,
        "approval_statement": c.approval_statement,
        "approval_period": (
            {"start": period.start.isoformat(), "end": period.end.isoformat()} if period else None
        ),
        # Fields that came later are left out while empty (``omit_default``).
        **(
            {
                "credits": [
                    {
                        "body": k.body,
                        "hours": str(canonical_ce_hours(k.hours)),
                        "statement": k.statement,
                    }
                    for k in c.credits
                ]
            }
            if c.credits
            else {}
        ),
        **(
            {
                "blueprint": [
                    {"objective": row.objective, "draw": row.draw, "sources": list(row.sources)}
                    for row in c.blueprint
                ]
            }
            if c.blueprint
            else {}
        ),
        "modules": [_module(m) for m in c.modules],
        "final_quiz": _quiz(c.final_quiz) if c.final_quiz else None,
    } | ({"grounding": c.grounding} if c.grounding is not None else {})


def _read(course_dir: Path) -> CourseSpec:
    """A course that must read without problems."""
    spec, problems = read_course(course_dir)
    assert [str(p) for p in problems] == [] and spec is not None
    return spec


@pytest.mark.parametrize("course_dir", COURSES, ids=lambda p: p.name)
def test_every_course_serialises_to_the_same_bytes_and_back(course_dir: Path) -> None:
    spec = _read(course_dir)
    for final_quiz in (spec.modules[0].quiz, spec.final_quiz):
        # With a final quiz too, so that branch is compared on real content.
        course = dataclasses.replace(spec, final_quiz=final_quiz)
        data = course.to_dict()
        assert json.dumps(data, ensure_ascii=False) == json.dumps(
            _course(course), ensure_ascii=False
        )
        assert CourseSpec.from_dict(json.loads(json.dumps(data))) == course


def test_the_example_course_writes_the_same_files_and_fingerprint(tmp_path: Path) -> None:
    # Digests taken with the hand-written to_dict/from_dict pairs, just before the switch.
    spec = _read(EXAMPLE_COURSE)
    data = spec.to_dict()
    # Credits and the blueprint came later: empty, they are left out, so the rest (and the
    # fingerprint) stay exactly as before.
    assert not {"credits", "blueprint"} & set(data)
    digest = hashlib.sha256(json.dumps(data, ensure_ascii=False, indent=1).encode())
    assert digest.hexdigest() == "3d0d5356e586125f26f8a9ba3c760abc21f9fe69c663d546ad7a861acf22dfc2"
    assert spec.fingerprint() == "b09a13eb47193c9598e86d80069923925f1de23447eefccb48bc67eeab3fd93f"
    written = write_course(spec, tmp_path / spec.slug)
    files = hashlib.sha256()
    for path in sorted(written.rglob("*")):
        if path.is_file():
            files.update(
                str(path.relative_to(written)).encode() + b"\0" + path.read_bytes() + b"\0"
            )
    assert files.hexdigest() == "bef54137a3254dcfd04d9153ec0c81c93a3fab9829204a7bc1a1b348d96b42b8"


def test_every_spec_class_uses_the_one_converter() -> None:
    classes = [
        value
        for value in vars(specs).values()
        if isinstance(value, type)
        and dataclasses.is_dataclass(value)
        and value.__module__ == specs.__name__
    ]
    assert len(classes) == 16
    for cls in [*classes, CeClaim]:
        assert issubclass(cls, SpecData), cls
        assert "to_dict" not in vars(cls) and "from_dict" not in vars(cls), cls


def test_a_missing_key_takes_the_default_and_a_missing_required_key_is_named() -> None:
    # A draft saved before lessons had a seat time still opens.
    lesson = {"slug": "a", "title": "A", "minutes": 5, "body": "Text"}
    assert LessonSpec.from_dict(lesson).min_seconds is None
    assert InstructorSpec.from_dict({"name": "N", "credentials": "MD"}).bio is None
    with pytest.raises(KeyError, match="minutes"):
        LessonSpec.from_dict({"slug": "a", "title": "A", "body": "Text"})
    # A key no field names is ignored, as the hand-written readers did.
    assert ObjectiveSpec.from_dict({"id": "a", "text": "T", "retired": True}) == ObjectiveSpec(
        id="a", text="T"
    )


def test_dates_decimals_and_empty_optionals() -> None:
    period = ApprovalPeriod(start=date(2026, 1, 1), end=date(2027, 12, 31))
    assert period.to_dict() == {"start": "2026-01-01", "end": "2027-12-31"}
    assert ApprovalPeriod.from_dict(period.to_dict()) == period
    claim = CeClaim(
        ce_hours=Decimal("1.50"),
        approval_statement=None,
        approval_starts_on=date(2026, 3, 14),
        approval_ends_on=None,
    )
    data = claim.to_dict()
    assert data == {
        "ce_hours": "1.5",
        "approval_statement": None,
        "approval_starts_on": "2026-03-14",
        "approval_ends_on": None,
        "credits": [],
    }
    assert list(data) == [
        "ce_hours",
        "approval_statement",
        "approval_starts_on",
        "approval_ends_on",
        "credits",
    ]
    assert CeClaim.from_dict(data) == dataclasses.replace(claim, ce_hours=Decimal("1.5"))
    assert CeClaim.from_dict(data | {"ce_hours": "2.00"}).ce_hours == Decimal(2)
    with pytest.raises(KeyError, match="approval_statement"):
        CeClaim.from_dict({"ce_hours": "1", "approval_starts_on": None, "approval_ends_on": None})


def test_tuples_become_lists_and_come_back_as_tuples() -> None:
    question = QuestionSpec(
        slug="q",
        kind="single",
        objective="o",
        prompt="P?",
        explanation="E",
        choices=(ChoiceSpec(text="yes", correct=True), ChoiceSpec(text="no", correct=False)),
    )
    data = to_data(question)
    assert data["choices"] == [
        {"text": "yes", "correct": True, "feedback": None},
        {"text": "no", "correct": False, "feedback": None},
    ]
    back = from_data(QuestionSpec, data)
    assert back == question and isinstance(back.choices, tuple)


class _Kind(StrEnum):
    SINGLE = "single"


@dataclasses.dataclass(frozen=True)
class _Tagged(SpecData):
    kind: _Kind
    days: tuple[date, ...] = ()


def test_enums_are_written_as_their_value_and_read_back() -> None:
    tagged = _Tagged(kind=_Kind.SINGLE, days=(date(2026, 1, 2),))
    assert tagged.to_dict() == {"kind": "single", "days": ["2026-01-02"]}
    assert type(tagged.to_dict()["kind"]) is str
    assert _Tagged.from_dict({"kind": "single", "days": ["2026-01-02"]}) == tagged
    with pytest.raises(ValueError):
        _Tagged.from_dict({"kind": "essay"})
