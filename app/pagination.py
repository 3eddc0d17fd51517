"""Paging a SELECT with one count query and one page query."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select

from app.db import db

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results with what a pager needs."""

    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        """Whether a page comes before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Whether a page comes after this one."""
        return self.page < self.pages


def paginate(statement: Select[Any], page: int, per_page: int) -> Page[Any]:
    """Run ``statement`` for one page; an out-of-range page number is clamped."""
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    total = total or 0
    page = min(max(page, 1), max(1, math.ceil(total / per_page)))
    items = list(db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, per_page=per_page, total=total)
