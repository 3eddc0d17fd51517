"""What the cases domain hands to others when the app starts.

Cases stand above learning (the player needs enrollments and outlines), so learning never
imports case models; instead cases supply the "case" part of learning's one-query learner
record: each case with a run that reached an ending, and whether that ending was rated
acceptable or best. Learning settles completion on `case_ended` (learning.listeners).
Delivery, below cases too, learns that a case is a step a content advisory can guard.
"""

from __future__ import annotations

from sqlalchemy import Select, literal, select

from app.cases.models import CaseRun
from app.catalog.models import Module, ModuleCase
from app.content.casegraph import GOOD_RATINGS
from app.db import db
from app.delivery.services import supply_step_kind
from app.learning.queries import COURSE_IDS, USER_ID, supply_records


def ended_cases() -> Select[str, int, int, bool]:
    """(kind, course id, case id, ended well) rows: every ended run of the learner's courses."""
    return (
        select(
            literal("case"),
            Module.course_id,
            CaseRun.case_id,
            CaseRun.ending_rating.in_(sorted(GOOD_RATINGS)),
        )
        .join(ModuleCase, ModuleCase.id == CaseRun.case_id)
        .join(Module, Module.id == ModuleCase.module_id)
        .where(
            CaseRun.user_id == USER_ID,
            CaseRun.ended_at.is_not(None),
            Module.course_id.in_(COURSE_IDS),
        )
    )


def case_exists(case_id: int) -> bool:
    """Whether a case with this id exists, for an answer at its content advisory."""
    return db.session.get(ModuleCase, case_id) is not None


def connect() -> None:
    """Hand learning the case part of its learner-record query, and delivery the "case"
    step kind its advisories are answered for (once per process suffices)."""
    supply_records("case", ended_cases())
    supply_step_kind("case", case_exists)
