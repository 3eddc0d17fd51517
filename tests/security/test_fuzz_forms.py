"""Hostile input to every form: never a server error, and a refused request changes nothing.

Each form route gets a copy of a small site (see ``world.py``) and is posted to by the
account that may use it. First every field, in turn, carries each of a few values known
to break careless code (a NUL, a Unicode digit, a 30-digit number, two values, a file,
nothing at all), and every path segment a NUL and a 30-digit number. Then Hypothesis
takes the valid form and replaces, doubles, drops, adds or swaps for files one to three
fields at a time, and now and then a path segment.

A response is a refusal when it is a 4xx, a 200 (the form shown again with its errors)
or a redirect carrying an error or warning message: after a refusal every table must
hold exactly the rows it held before.
"""

from __future__ import annotations

import io
import os
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.cases import CASES, Case
from tests.security.hostile import Form, Upload, hostile_form, tampered_path
from tests.security.snapshot import Snapshots, changed_tables
from tests.security.world import World, restore_accounts, sign_in

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
REFUSING_MESSAGES = {"error", "warning"}
NOT_FORMS = {"GET", "HEAD", "OPTIONS"}
DROPPED = object()
#: Values that break code which trusts str.isdigit, forgets PostgreSQL refuses NUL in
#: text, binds any integer, reads one value where two were sent, or takes any part for text.
FIELD_PROBES: tuple[object, ...] = (
    "a\x00b",
    "\u00b2",
    "9" * 30,
    ["1", "2"],
    Upload(b"not what you expected", "probe.txt"),
    DROPPED,
)
PATH_PROBES = ("a\x00b", "9" * 30)


def test_every_form_route_is_fuzzed(app: Flask) -> None:
    """A new route that takes a form fails here until a case for it is added to cases.py."""
    forms = {rule.rule for rule in app.url_map.iter_rules() if (rule.methods or set()) - NOT_FORMS}
    assert forms == set(CASES)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_hostile_input_is_refused_without_a_trace(
    rule: str, world_app: tuple[Flask, World]
) -> None:
    app, world = world_app
    poster = Poster(app, world, CASES[rule])
    try:
        poster.probe()
        fuzz(poster)
    finally:
        poster.snapshots.close()


class Poster:
    """Posts forms for one case as its actor, and checks what each post did."""

    def __init__(self, app: Flask, world: World, case: Case) -> None:
        """Nothing is signed in until the first post."""
        self.app, self.world, self.case = app, world, case
        self.snapshots = Snapshots(app.extensions["db_engine"])
        self.client: Any = None
        self.token = ""

    def ready(self) -> tuple[str, dict[str, Any]]:
        """The path and valid form for the next post, after putting the world back if needed."""
        if self.client is None:
            restore_accounts(self.world)
            if self.case.prepare:
                self.case.prepare(self.world)
            self.client = self.app.test_client()
            if self.case.actor:
                sign_in(self.client, self.world.emails[self.case.actor])
            self.token = self.client.csrf_token()
        with self.client.session_transaction() as session:
            session.pop("_flashes", None)  # so only this post's messages are read
        template = self.case.path
        path = template.format(**{k: quote(str(v), safe="") for k, v in self.params().items()})
        return path, {"csrf_token": self.token, **self.case.form(self.world)}

    def params(self) -> dict[str, object]:
        """Values for the path's segments."""
        return self.case.values(self.world)

    def post(self, path: str, form: Form) -> None:
        """Post the form and check the outcome; an accepted post spoils the session."""
        before = self.snapshots.take()
        response = self.client.post(path, data=_encode(form), csrf=False)
        assert response.status_code < 500, f"{response.status_code} for {path} {form!r:.500}"
        if not _refused(self.client, response):
            self.client = None
            return
        after = self.snapshots.take()
        changed = changed_tables(before, after)
        kept = self.case.kept_message
        if kept and kept in response.get_data(as_text=True):
            changed = [name for name in changed if name not in self.case.kept_tables]
        assert not changed, f"a refused post to {path} changed {changed}: {form!r:.500}"

    def probe(self) -> None:
        """Each known-bad value in each field, then in each path segment; report every failure."""
        failures: list[str] = []
        _, valid = self.ready()
        for name in [name for name in valid if name != "csrf_token"]:
            for value in FIELD_PROBES:
                path, form = self.ready()
                if value is DROPPED:
                    form.pop(name)
                else:
                    form[name] = value  # type: ignore[assignment]
                self._try(path, form, failures, f"field {name} = {_shown(value)}")
        for name in self.params():
            for value in PATH_PROBES:
                _, form = self.ready()
                params = {k: quote(str(v), safe="") for k, v in self.params().items()}
                params[name] = quote(value, safe="")
                self._try(self.case.path.format(**params), form, failures, f"segment {name}")
        assert not failures, "\n".join(failures)

    def _try(self, path: str, form: Form, failures: list[str], label: str) -> None:
        try:
            self.post(path, form)
        except AssertionError as error:
            failures.append(f"{label}: {str(error).splitlines()[0][:160]}")
            self.client = None


def fuzz(poster: Poster) -> None:
    """Post Hypothesis's variations of the case's valid form."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def post_hostile_form(data: st.DataObject) -> None:
        _, valid = poster.ready()
        path = data.draw(tampered_path(poster.case.path, poster.params()), label="path")
        poster.post(path, data.draw(hostile_form(valid), label="form"))

    post_hostile_form()


def _shown(value: object) -> str:
    """A probe value as a failure message names it."""
    if value is DROPPED:
        return "nothing"
    return "a file" if isinstance(value, Upload) else repr(value)[:40]


def _encode(form: Form) -> dict[str, Any]:
    """Form values as the test client sends them: files become streams."""
    return {
        name: (io.BytesIO(value.content), value.filename) if isinstance(value, Upload) else value
        for name, value in form.items()
    }


def _refused(client: Any, response: Any) -> bool:
    """Whether the site said no: a 4xx, the form again, or a redirect with an error message."""
    if response.status_code >= 400 or response.status_code == 200:
        return True
    with client.session_transaction() as session:
        flashes = session.get("_flashes", [])
    return any(category in REFUSING_MESSAGES for category, _ in flashes)
