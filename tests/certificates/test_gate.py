"""The certificate gate as a pure function: each missing condition is named."""

from __future__ import annotations

import datetime as dt

import pytest

from app.certificates.gate import GateState, missing_conditions

TODAY = dt.date(2026, 11, 21)
ALL_DONE = GateState(course_complete=True, evaluation_filed=True, attested=True, today=TODAY)


def test_nothing_missing_when_every_condition_holds():
    assert missing_conditions(ALL_DONE) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"course_complete": False}, "Complete every lesson and pass every quiz"),
        ({"evaluation_filed": False}, "File the course evaluation."),
        ({"attested": False}, "Attest that you completed the activity in full."),
        ({"approval_starts_on": dt.date(2027, 1, 1)}, "can be issued from 01 January 2027"),
        ({"approval_ends_on": dt.date(2026, 11, 20)}, "approval period ended on 20 November 2026"),
        ({"teaches_course": True}, "You teach this course, so it cannot give you CE credit"),
    ],
)
def test_each_missing_condition_blocks_with_its_message(change, message):
    missing = missing_conditions(GateState(**{**ALL_DONE.__dict__, **change}))
    assert len(missing) == 1 and message in missing[0]


def test_the_approval_period_includes_its_first_and_last_day():
    state = GateState(
        **{**ALL_DONE.__dict__, "approval_starts_on": TODAY, "approval_ends_on": TODAY}
    )
    assert missing_conditions(state) == []
