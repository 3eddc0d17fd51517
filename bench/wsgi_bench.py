"""The app as the benchmarks serve it: the real factory, raised limits and two ceiling routes.

Gunicorn loads ``wsgi_bench:app`` (``--pythonpath bench``). The two ceiling routes exist
only here, never in the app:

- ``/_bench/minimal``: a Flask view returning a short string, through the same
  middleware, hooks and headers as every page (the most a worker can serve);
- ``/_bench/template/<lesson_id>``: one query for a course's lessons, then a template
  with the lesson page's layout, outline and body (the most a lesson page could be).

Sign-in, verification and mail limits are raised so that thousands of simulated
learners can sign in from one address; everything else is the production code path.
The ``flask bench`` commands (seeding, sign-in passwords) are registered here only.
"""

from __future__ import annotations

import os
from itertools import groupby
from pathlib import Path

from flask import Flask, Response, abort, render_template
from jinja2 import ChoiceLoader, FileSystemLoader
from seeding.cli import bench
from sqlalchemy import select

from app import create_app
from app.catalog.models import Course, Lesson, Module
from app.db import db

HERE = Path(__file__).resolve().parent
UNLIMITED = "1000000 per minute"
#: Only the limits that would stop a load test from one address; the limiter still runs.
BENCH_SETTINGS = {
    "SIGN_IN_LIMIT_PER_IP": UNLIMITED,
    "SIGN_IN_LIMIT_PER_ACCOUNT": UNLIMITED,
    "VERIFY_LIMIT_PER_IP": UNLIMITED,
    "EMAIL_LIMIT_PER_IP": UNLIMITED,
    "EMAIL_LIMIT_PER_ACCOUNT": UNLIMITED,
    "RATELIMIT_KEY_PREFIX": "groundwork-bench",
}


def minimal() -> Response:
    """The minimal ceiling: a short string."""
    return Response("ok", mimetype="text/plain")


def template_ceiling(lesson_id: int) -> str:
    """The template ceiling: one query, then a lesson-sized page."""
    course_id = select(Module.course_id).join(Lesson).where(Lesson.id == lesson_id)
    rows = db.session.execute(
        select(Lesson, Module, Course.slug)
        .join(Module, Module.id == Lesson.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(Module.course_id == course_id.scalar_subquery())
        .order_by(Module.position, Lesson.position)
    ).all()
    current = next((row for row in rows if row[0].id == lesson_id), None)
    if current is None:
        abort(404)
    outline = [(m, [row[0] for row in group]) for m, group in groupby(rows, key=lambda r: r[1])]
    return render_template(
        "bench/ceiling.html",
        lesson=current[0],
        current_module=current[1],
        outline=outline,
        course_slug=current[2],
    )


def create_bench_app() -> Flask:
    """The real app with benchmark limits and the ceiling routes; never in production."""
    if os.environ.get("GROUNDWORK_ENV") == "production":
        raise SystemExit("The benchmark app does not run with GROUNDWORK_ENV=production.")
    app = create_app(BENCH_SETTINGS)
    app.jinja_loader = ChoiceLoader([FileSystemLoader(HERE / "templates"), app.jinja_loader])  # type: ignore[method-assign,list-item]
    app.add_url_rule("/_bench/minimal", view_func=minimal)
    app.add_url_rule("/_bench/template/<int:lesson_id>", view_func=template_ceiling)
    app.cli.add_command(bench)  # only here: the production app has no bench commands
    return app


app = create_bench_app()
