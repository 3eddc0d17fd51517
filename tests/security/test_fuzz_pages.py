"""Hostile addresses for every page: odd path segments and query values never give a 500.

Each page is requested by a visitor, a learner, an instructor and an administrator with
its path segments and the query values pages read (search words, page numbers, dates,
IDs, ``next``) now and then replaced by hostile text or out-of-range numbers.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.accounts.tokens import Purpose, issue_token
from tests.conftest import make_app
from tests.security.databases import app_on_copy
from tests.security.hostile import hostile_text, tampered_path
from tests.security.world import (
    COURSE,
    World,
    case_run,
    open_attempt,
    pending_review_id,
    sign_in,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25")) // 2
QUERY_NAMES = ("q", "page", "topic", "role", "start", "end", "id", "action", "next")
ACTORS = (None, "reader", "holder", "owner", "admin")
#: Tried in every path segment and, all at once, in every query value, by two accounts.
PROBES = ("a\x00b", "9" * 30, "\u00b2", "-1")
PROBE_ACTORS = ("reader", "admin")
_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def known_values(world: World) -> dict[str, object]:
    """A value for each path parameter that leads to a real object in the world."""
    return {
        "slug": COURSE,
        "course_slug": COURSE,
        "module_slug": "m1",
        "lesson_slug": "lesson-1",
        "question_slug": "q-single",
        "target": "m1",
        "quiz_id": world.quiz_id,
        "attempt_id": open_attempt(world).id,
        "public_id": world.certificate_id,
        "certificate_id": world.certificate_id,
        "user_id": world.users["target"],
        "token": issue_token(world.user("target"), Purpose.RESET_PASSWORD),
        "filename": "css/site.css",
        # No correction is asked in the world: the review page's 404 is what gets probed.
        "correction_id": 1,
        "name": "credentials-v2.jsonld",
        "review_id": pending_review_id(world),
        "case_id": world.case_id,
        "run_id": case_run(world).id,
        "scene_id": "start",
    }


def pages(app: Flask) -> list[str]:
    """Every rule that answers GET."""
    return sorted(rule.rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ()))


@pytest.fixture(scope="module")
def site(world_database: tuple[str, World], tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One copy of the world for every page (requesting pages changes little)."""
    url, world = world_database
    with app_on_copy("pages", tmp_path_factory.mktemp("pages"), url) as app:
        yield app, world


def probe(clients: dict[str | None, Any], template: str, params: dict[str, object]) -> None:
    """Each probe in each path segment, then in every query value; report every 500."""
    plain = {name: quote(str(value), safe="") for name, value in params.items()}
    requests = [
        (template.format(**plain), {name: value for name in QUERY_NAMES}) for value in PROBES
    ]
    for name in params:
        for value in PROBES:
            path = template.format(**{**plain, name: quote(value, safe="")})
            requests.append((path, {}))
    failures = [
        f"{status} for {actor} at {path} {query!r}"
        for actor in PROBE_ACTORS
        for path, query in requests
        if (status := clients[actor].get(path, query_string=query).status_code) >= 500
    ]
    assert not failures, "\n".join(failures)


def _page_rules() -> list[str]:
    return pages(make_app("sqlite://"))


def test_every_page_parameter_has_a_known_value(site: Any) -> None:
    """A new kind of path parameter fails here until known_values gives it a value."""
    app, world = site
    names = {name for rule in pages(app) for name in _PARAMETER.findall(rule)}
    assert names <= set(known_values(world))


@pytest.mark.parametrize("rule", _page_rules())
def test_hostile_addresses_never_break_a_page(rule: str, site: Any) -> None:
    app, world = site
    clients = {}
    for actor in ACTORS:
        clients[actor] = app.test_client()
        if actor:
            sign_in(clients[actor], world.emails[actor])
    template = _PARAMETER.sub(r"{\1}", rule)
    values = known_values(world)
    params = {name: values[name] for name in _PARAMETER.findall(rule)}
    probe(clients, template, params)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        actor=st.sampled_from(ACTORS),
        path=tampered_path(template, params),
        query=st.dictionaries(st.sampled_from(QUERY_NAMES), hostile_text(), max_size=3),
    )
    def request_page(actor: str | None, path: str, query: dict[str, str]) -> None:
        response = clients[actor].get(path, query_string=query)
        assert response.status_code < 500, f"{response.status_code} for {path} {query!r}"

    request_page()
