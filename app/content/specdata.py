"""Specs to plain JSON-friendly data and back, by one rule read from their dataclass fields.

Every spec dataclass is written the same way, so one converter reads each field's declared
type instead of a hand-written `to_dict`/`from_dict` pair per class:

- keys follow the order of the fields (drafts and fingerprints depend on that order);
  a field declared with `metadata={"omit_when_none": True}` is left out while None, so a
  field added later (a module's case) leaves the fingerprints of content without it alone;
- a nested spec becomes a dict, a tuple a list, a date its ISO form, an enum its value,
  and a Decimal (CE hours, the only one) its shortest written form (`canonical_ce_hours`);
- reading back, a missing key takes the field's default (drafts saved before a field
  existed still open) and a missing key without one raises `KeyError`; keys that no field
  names are ignored, as before.

Pure: no database, no Flask.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar, get_args, get_origin

from app.content.credit import canonical_ce_hours

T = TypeVar("T")


#: Fields and resolved types per spec class, worked out once (a dict write is atomic).
_FIELD_TYPES: dict[type[Any], tuple[tuple[dataclasses.Field[Any], Any], ...]] = {}


def _field_types(cls: type[Any]) -> tuple[tuple[dataclasses.Field[Any], Any], ...]:
    """The dataclass fields of `cls` with their resolved types (annotations are strings)."""
    found = _FIELD_TYPES.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = tuple((field, hints[field.name]) for field in dataclasses.fields(cls))
        _FIELD_TYPES[cls] = found
    return found


def to_data(value: Any) -> Any:
    """Return `value` (a spec, or anything a spec field holds) as JSON-friendly data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: to_data(getattr(value, field.name))
            for field, _ in _field_types(type(value))
            if not (field.metadata.get("omit_when_none") and getattr(value, field.name) is None)
        }
    if isinstance(value, tuple | list):
        return [to_data(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(canonical_ce_hours(value))
    if isinstance(value, date):
        return value.isoformat()
    return value


def _from_value(kind: Any, raw: Any) -> Any:
    """Build a value of the declared type `kind` from its plain form `raw`."""
    origin = get_origin(kind)
    if origin in (types.UnionType, typing.Union):
        # Only `X | None` occurs in specs: None stays None, anything else is an X.
        if raw is None:
            return None
        (inner,) = (arg for arg in get_args(kind) if arg is not type(None))
        return _from_value(inner, raw)
    if origin is tuple:
        item_kind = get_args(kind)[0]
        return tuple(_from_value(item_kind, item) for item in raw)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return from_data(kind, raw)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(raw)
    if kind is Decimal:
        return canonical_ce_hours(raw)
    if kind is date:
        return date.fromisoformat(raw)
    return raw


def from_data(cls: type[T], data: Mapping[str, Any]) -> T:
    """Build the spec `cls` from `to_data` output; `from_data(type(s), to_data(s)) == s`."""
    values = {}
    for field, kind in _field_types(cls):
        if field.name in data:
            values[field.name] = _from_value(kind, data[field.name])
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise KeyError(field.name)
    return cls(**values)


class SpecData:
    """Gives a spec dataclass `to_dict` and `from_dict`, both by the rule above."""

    def to_dict(self) -> dict[str, Any]:
        """Return the spec as plain JSON-friendly data."""
        data: dict[str, Any] = to_data(self)
        return data

    @classmethod
    def from_dict(cls: type[T], data: Mapping[str, Any]) -> T:
        """Build the spec from `to_dict` output."""
        return from_data(cls, data)
