"""When a certificate may be issued: a pure function of what the learner has done."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class GateState:
    """The conditions for a certificate, as they stand for one learner and course."""

    course_complete: bool
    evaluation_filed: bool
    attested: bool
    today: dt.date
    approval_starts_on: dt.date | None = None
    approval_ends_on: dt.date | None = None
    #: The learner is on the course's teaching team: no CE credit for teaching it.
    teaches_course: bool = False


def missing_conditions(state: GateState) -> list[str]:
    """What still stands between the learner and the certificate, in words; empty when none."""
    missing = []
    if state.teaches_course:
        missing.append(
            "You teach this course, so it cannot give you CE credit: a certificate would "
            "attest to learning from your own course. An administrator can take you off the "
            "course's team if you no longer teach it."
        )
    if not state.course_complete:
        missing.append("Complete every lesson and pass every quiz of the course.")
    if not state.evaluation_filed:
        missing.append("File the course evaluation.")
    if not state.attested:
        missing.append("Attest that you completed the activity in full.")
    starts, ends = state.approval_starts_on, state.approval_ends_on
    if starts and state.today < starts:
        missing.append(f"Credit for this course can be issued from {starts:%d %B %Y}.")
    if ends and state.today > ends:
        missing.append(
            f"The course's approval period ended on {ends:%d %B %Y}; "
            "credit can no longer be issued."
        )
    return missing
