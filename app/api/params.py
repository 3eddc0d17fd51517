"""Query and path parameters: one declaration both parses the request and describes it.

Each :class:`Param` turns the raw text of a parameter into a value or refuses it with a
message, and writes its own JSON Schema for the OpenAPI document, so the two cannot
disagree. Only one spelling is accepted for each type: ``2026-11-01`` for a date, digits
for an integer (no ``+``, no spaces, no exponent, nothing past the stated bounds).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal

_INTEGER = re.compile(r"-?[0-9]{1,10}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadParameter(ValueError):
    """A parameter's text is not a value of its declared type; the message says why."""


@dataclass(frozen=True)
class Param:
    """One parameter of an operation, in the query or the path."""

    name: str
    kind: Literal["string", "integer", "date"]
    description: str
    location: Literal["query", "path"] = "query"
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    default: int | None = None

    def schema(self) -> dict[str, Any]:
        """The parameter's JSON Schema (OpenAPI 3.1 uses JSON Schema 2020-12)."""
        if self.kind == "date":
            return {"type": "string", "format": "date", "pattern": f"^{_DATE.pattern}$"}
        if self.kind == "integer":
            found: dict[str, Any] = {"type": "integer"}
            if self.minimum is not None:
                found["minimum"] = self.minimum
            if self.maximum is not None:
                found["maximum"] = self.maximum
            if self.default is not None:
                found["default"] = self.default
            return found
        found = {"type": "string"}
        if self.max_length is not None:
            found["maxLength"] = self.max_length
        if self.pattern is not None:
            found["pattern"] = f"^{self.pattern}$"
        return found

    def document(self) -> dict[str, Any]:
        """The OpenAPI Parameter Object."""
        return {
            "name": self.name,
            "in": self.location,
            "required": self.required or self.location == "path",
            "description": self.description,
            "schema": self.schema(),
        }

    def parse(self, raw: str) -> Any:
        """The value ``raw`` stands for, or BadParameter."""
        if self.kind == "integer":
            return self._integer(raw)
        if self.kind == "date":
            if not _DATE.fullmatch(raw):
                raise BadParameter(f"{self.name} must be a date written YYYY-MM-DD.")
            try:
                return dt.date.fromisoformat(raw)
            except ValueError as error:
                raise BadParameter(f"{self.name} is not a date in the calendar.") from error
        if self.max_length is not None and len(raw) > self.max_length:
            raise BadParameter(f"{self.name} is longer than {self.max_length} characters.")
        if self.pattern is not None and not re.fullmatch(self.pattern, raw):
            raise BadParameter(f"{self.name} is not in the expected form.")
        return raw

    def _integer(self, raw: str) -> int:
        if not _INTEGER.fullmatch(raw):
            raise BadParameter(f"{self.name} must be a whole number written in digits.")
        value = int(raw)
        if self.minimum is not None and value < self.minimum:
            raise BadParameter(f"{self.name} must be at least {self.minimum}.")
        if self.maximum is not None and value > self.maximum:
            raise BadParameter(f"{self.name} must be at most {self.maximum}.")
        return value


#: Every list takes these two.
LIMIT = Param(
    "limit", "integer", "How many items to return (1 to 100).", minimum=1, maximum=100, default=50
)
CURSOR = Param(
    "cursor",
    "string",
    "The `next_cursor` of the previous page, as given; leave out for the first page.",
    max_length=400,
    pattern="[A-Za-z0-9_.-]+",
)
PAGING = (LIMIT, CURSOR)


def date_range(what: str) -> tuple[Param, Param]:
    """``from`` and ``to``: an inclusive range of days, in UTC, over ``what``."""
    return (
        Param("from", "date", f"Only {what} on or after this day (UTC)."),
        Param("to", "date", f"Only {what} on or before this day (UTC)."),
    )


COURSE_FILTER = Param(
    "course", "string", "Only this course (its slug).", max_length=80, pattern="[a-z0-9-]+"
)
