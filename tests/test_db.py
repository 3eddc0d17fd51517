"""change_once: a conditional write lands once, and the one that finds nothing to change is told."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update

from app.accounts.models import Role, User
from app.db import change_once, db, utcnow


class Refused(Exception):
    """What the losing caller raises."""


def _first_sign_in(user_id: int):  # type: ignore[no-untyped-def]
    return (
        update(User)
        .where(User.id == user_id, User.last_sign_in_at.is_(None))
        .values(last_sign_in_at=utcnow())
    )


def _users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def test_the_first_conditional_write_lands_and_the_second_finds_nothing(make_user):
    user = make_user(Role.LEARNER)
    assert change_once(_first_sign_in(user.id)) is True
    assert change_once(_first_sign_in(user.id)) is False
    db.session.commit()
    db.session.refresh(user)
    assert user.last_sign_in_at is not None


def test_a_lost_decision_rolls_back_what_the_loser_wrote_and_raises_its_refusal(make_user):
    user = make_user(Role.LEARNER)
    change_once(_first_sign_in(user.id))
    db.session.commit()
    before = _users()
    make_user(Role.LEARNER)  # committed: stays
    db.session.execute(delete(User).where(User.id == user.id))  # not committed: undone
    refusal = Refused("Someone decided first.")
    with pytest.raises(Refused) as raised:
        change_once(_first_sign_in(user.id), refuse=refusal)
    assert raised.value is refusal
    assert _users() == before + 1
    assert db.session.get(User, user.id) is not None


def test_a_write_that_would_change_several_rows_is_not_a_decision(make_user):
    first, second = make_user(), make_user()
    statement = (
        update(User)
        .where(User.id.in_((first.id, second.id)), User.last_sign_in_at.is_(None))
        .values(last_sign_in_at=utcnow())
    )
    with pytest.raises(Refused):
        change_once(statement, refuse=Refused("not one row"))
    assert db.session.scalar(select(func.count()).where(User.last_sign_in_at.is_(None))) == 2


def test_a_winning_write_raises_nothing_even_when_a_refusal_is_given(make_user):
    user = make_user()
    assert change_once(_first_sign_in(user.id), refuse=Refused("unused")) is True
