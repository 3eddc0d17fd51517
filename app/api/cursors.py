"""Opaque, tamper-evident cursors for the API's lists (keyset pagination).

A cursor carries the last row's id, the operation it belongs to and a fingerprint of the
filters it was made under, signed with the site's secret key. A changed byte, a cursor
of another list or the same cursor with other filters is refused (400), never followed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

SALT = "groundwork-api-cursor"


class BadCursor(ValueError):
    """The cursor was not made by this site for this list and these filters."""


def _fingerprint(operation: str, filters: Mapping[str, Any]) -> str:
    text = json.dumps({"op": operation, **{k: str(v) for k, v in filters.items()}}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def make_cursor(secret: str, operation: str, filters: Mapping[str, Any], last_id: int) -> str:
    """The cursor that continues ``operation`` under ``filters`` after row ``last_id``."""
    serializer = URLSafeSerializer(secret, salt=SALT)
    return str(serializer.dumps({"f": _fingerprint(operation, filters), "after": last_id}))


def read_cursor(secret: str, operation: str, filters: Mapping[str, Any], cursor: str) -> int:
    """The row id a cursor continues after; BadCursor when it is not ours or not this list's."""
    serializer = URLSafeSerializer(secret, salt=SALT)
    try:
        data = serializer.loads(cursor)
    except (BadSignature, ValueError, UnicodeError) as error:
        raise BadCursor("The cursor is not one this list gave out.") from error
    if not isinstance(data, dict) or data.get("f") != _fingerprint(operation, filters):
        raise BadCursor("The cursor belongs to another list or other filters.")
    after = data.get("after")
    if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after < 2**31:
        raise BadCursor("The cursor is not one this list gave out.")
    return after
