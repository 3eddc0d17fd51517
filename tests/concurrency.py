"""Races through the whole app: N requests released at once, each on its own connection.

``fire`` sends N requests from N clients that share one browser's cookies (tabs of one
browser, a double click, a retried save). Each runs in its own thread and its own app
context, so each has its own database session and connection, as a separate worker
would; a barrier releases them together. An exception the app did not turn into a
response counts as a 500, as it would under Gunicorn.

``as_one_request`` states the property every repeated write must keep: fired once in one
world and N times at once in a twin world, it adds and removes the same rows and moves
every counter (attempt numbers, insight tallies, versions) by the same amount, and none
of the N gets a 5xx. Only PostgreSQL runs writers at the same time (SQLite serialises them),
so tests built on it are marked ``postgres``.
"""

from __future__ import annotations

import dataclasses
import io
import threading
import traceback
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import Boolean, Column, Integer, Table, func, select
from werkzeug.test import TestResponse

from app.db import db
from app.models import metadata
from tests.conftest import FormClient

#: How many requests a race fires unless told: the issue's ten clients on one attempt.
N = 10

Form = Mapping[str, Any]


@dataclass(frozen=True)
class Shot:
    """One request as a browser would send it: the client, then where and what (a file to
    upload as ``(bytes, filename)``)."""

    client: FormClient
    path: str
    data: Form | None = None
    method: str = "POST"
    headers: Mapping[str, str] | None = None


def _is_upload(value: object) -> bool:
    return isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], bytes)


def tab_of(client: FormClient) -> FormClient:
    """A new client carrying ``client``'s cookies: another tab of the same browser."""
    twin: FormClient = client.application.test_client()  # type: ignore[assignment]
    # Werkzeug offers no public way to list a client's cookies; copying the jar is how a
    # second tab shares the first one's session.
    twin._cookies = dict(client._cookies)
    return twin


def fire(shot: Shot, n: int = N, forms: Sequence[Form] | None = None) -> list[TestResponse]:
    """Send ``shot`` ``n`` times at once (or once per form of ``forms``); fail on any 5xx."""
    forms = list(forms) if forms is not None else [shot.data or {}] * n
    return fire_together([dataclasses.replace(shot, data=form) for form in forms])


def fire_together(shots: Sequence[Shot]) -> list[TestResponse]:
    """Send every shot once, all at the same moment, each from a new tab of its client's
    browser; fail on any 5xx. Responses come back in the order of ``shots``."""
    tokens = {id(shot.client): shot.client.csrf_token() for shot in shots if shot.method == "POST"}
    tabs = [tab_of(shot.client) for shot in shots]
    barrier = threading.Barrier(len(shots))
    responses: list[TestResponse | None] = [None] * len(shots)
    crashes: list[str] = []

    def send(index: int) -> None:
        shot = shots[index]
        # Each request gets its own copy of an uploaded file: (bytes, name) -> a fresh stream.
        data = {
            key: (io.BytesIO(value[0]), value[1]) if _is_upload(value) else value
            for key, value in (shot.data or {}).items()
        }
        if shot.method == "POST":
            data.setdefault("csrf_token", tokens[id(shot.client)])
        barrier.wait(timeout=30)
        try:
            responses[index] = tabs[index].open(
                shot.path, method=shot.method, data=data, headers=dict(shot.headers or {})
            )
        except BaseException:  # under Gunicorn this would be a 500
            crashes.append(traceback.format_exc())

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(shots))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a request never returned (a deadlock?)"
    assert not crashes, f"{len(crashes)} of {len(shots)} requests raised:\n" + crashes[0]
    done = [r for r in responses if r is not None]
    failed = [r for r in done if r.status_code >= 500]
    # The error page says only that something went wrong; the traceback is in the log.
    assert not failed, f"{len(failed)} of {len(shots)} got a 5xx (the log has the error)"
    return done


#: Columns that measure time: two worlds run moments apart, so their sums may differ by a
#: second without anything having gone wrong.
MEASURED = frozenset({"seconds_on_task"})


def _tallies(table: Table) -> list[Column[Any]]:
    """The counting columns of a table: integers that are neither keys nor references."""
    return [
        column
        for column in table.columns
        if isinstance(column.type, Integer)
        and not isinstance(column.type, Boolean)
        and not column.primary_key
        and not column.foreign_keys
        and column.name not in MEASURED
    ]


def database_state() -> Counter[str]:
    """Rows in every table and the sum of every counting column, as committed now."""
    db.session.expire_all()
    db.session.commit()  # a new transaction, so every committed write is seen
    state: Counter[str] = Counter()
    for table in metadata.sorted_tables:
        counted = _tallies(table)
        values = db.session.execute(
            select(func.count(), *(func.coalesce(func.sum(c), 0) for c in counted)).select_from(
                table
            )
        ).one()
        state[table.name] = values[0]
        for column, total in zip(counted, values[1:], strict=True):
            state[f"{table.name}.{column.name}"] = int(total)
    return state


def changes(act: Callable[[], object]) -> dict[str, int]:
    """What ``act`` changes: per table its rows and counting columns (unchanged ones omitted)."""
    before = database_state()
    act()
    after = database_state()
    return {name: after[name] - before[name] for name in after if after[name] != before[name]}


def as_one_request(world: Callable[[], Shot], n: int = N) -> list[TestResponse]:
    """Fire a request once in one fresh world and ``n`` times at once in another: no 5xx,
    and the ``n`` change exactly the rows the one did. Returns the ``n`` responses."""
    single_shot = world()
    single: list[TestResponse] = []
    once = changes(lambda: single.extend(fire(single_shot, 1)))
    many_shot = world()
    responses: list[TestResponse] = []
    many = changes(lambda: responses.extend(fire(many_shot, n)))
    assert many == once, f"{n} at once changed {many}; one request changed {once}"
    assert single[0].status_code in {r.status_code for r in responses}, (
        f"one request answered {single[0].status_code}; "
        f"{n} at once answered {sorted({r.status_code for r in responses})}"
    )
    return responses


def browser_of(user: Any, password: str) -> FormClient:
    """A new client signed in as ``user``: a browser of their own."""
    client: FormClient = current_app.test_client()  # type: ignore[assignment]
    response = client.post("/sign-in", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
