"""Groundwork: continuing-education courses for clinicians in ketamine-assisted therapy.

The factory imports each domain inside the function that registers it (as Flask's
own tutorial does), so importing a pure module such as ``app.content.spec`` or
``app.learning.grading`` never drags in the web stack.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from app import config as settings
from app.links import trusted_hosts


class DatabaseId(IntegerConverter):
    """``<int:...>`` in URLs: a positive id that fits an INTEGER column (32 bits on PostgreSQL).

    Anything else is a 404, never a database overflow error.
    """

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; the body reads as the table of contents of the site."""
    app = Flask(
        __name__,
        instance_path=str(settings.instance_path()),
        template_folder=str(settings.PROJECT_ROOT / "templates"),
        static_folder=str(settings.PROJECT_ROOT / "static"),
    )
    app.url_map.converters["int"] = DatabaseId
    load_configuration(app, config)
    register_extensions(app)
    register_listeners()
    register_blueprints(app)
    register_web_behaviour(app)
    register_commands(app)
    return app


def load_configuration(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Read settings from the environment, apply overrides, refuse an unsafe production."""
    app.config.update(settings.from_environment())
    if overrides:
        app.config.update(overrides)
    settings.check_production(app.config)
    if app.config.get("TRUSTED_HOSTS") is None:
        # Requests naming another host are refused (400): nothing can echo an attacker's host.
        app.config["TRUSTED_HOSTS"] = trusted_hosts(
            app.config, app.config.get("EXTRA_TRUSTED_HOSTS", ())
        )
    hops = int(app.config.get("PROXY_FIX_X_FOR", 0) or 0)
    if hops:
        # Wrapping wsgi_app is how Flask documents adding middleware; mypy refuses any
        # assignment to a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    """Bind the database, CSRF protection, sign-in sessions and rate limits."""
    from app.accounts.sessions import init_login
    from app.db import db
    from app.extensions import csrf, limiter

    db.init_app(app)
    csrf.init_app(app)
    init_login(app)
    limiter.init_app(app)


def register_listeners() -> None:
    """Connect each domain's listeners to the events of app/events.py (docs/events.md).

    Signals are process-wide and connecting is idempotent, so every app built in one
    process shares them; each listener runs in the emitter's transaction.
    """
    from app.api import listeners as api
    from app.authoring import listeners as authoring
    from app.cases import listeners as cases
    from app.ceclaims import listeners as ceclaims
    from app.certificates import listeners as certificates
    from app.insight import listeners as insight
    from app.learning import listeners as learning
    from app.lti import listeners as lti
    from app.quizzes import listeners as quizzes
    from app.search import listeners as search
    from app.xapi import listeners as xapi

    for domain in (
        api,
        authoring,
        cases,
        ceclaims,
        certificates,
        insight,
        learning,
        lti,
        quizzes,
        search,
    ):
        domain.connect()
    xapi.connect()


def register_blueprints(app: Flask) -> None:
    """Attach each domain's routes."""
    from app.accounts.routes import bp as accounts
    from app.admin.claims import bp as ceclaims
    from app.admin.deliveries import bp as deliveries
    from app.admin.outbox import bp as mail
    from app.admin.outbox import dev as dev_mail
    from app.admin.routes import bp as admin
    from app.authoring.casepages import bp as case_authoring
    from app.authoring.preview import bp as preview
    from app.authoring.publishing import bp as publishing
    from app.authoring.routes import bp as authoring
    from app.cases.routes import bp as cases
    from app.certificates.routes import bp as certificates
    from app.delivery.routes import bp as delivery
    from app.evaluations.routes import bp as evaluations
    from app.health.routes import bp as health
    from app.home.routes import bp as catalog
    from app.insight.routes import bp as insight
    from app.learning.routes import bp as learning
    from app.lti.routes import admin_bp as lti_admin
    from app.lti.routes import bp as lti
    from app.quizzes.routes import bp as quizzes
    from app.records.routes import bp as records

    blueprints = (
        catalog, accounts, learning, quizzes, evaluations, certificates, records,
        authoring, publishing, preview, insight, admin, mail, deliveries, ceclaims, health,
        delivery, lti, lti_admin, cases, case_authoring,
    )  # fmt: skip
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    from app.questionbank.routes import bp as question_import
    from app.questionbank.routes import export_bp as question_export

    app.register_blueprint(question_import)
    app.register_blueprint(question_export)
    from app.api.pages import bp as api_pages
    from app.api.routes import bp as api

    app.register_blueprint(api)
    app.register_blueprint(api_pages)
    if app.config["GROUNDWORK_ENV"] != "production":
        app.register_blueprint(dev_mail)  # /dev/mail does not exist in production


def register_web_behaviour(app: Flask) -> None:
    """Error pages, security headers and the helpers templates share."""
    from app import errors, security, templating
    from app.certificates import catchup
    from app.lti import framing

    errors.init_app(app)
    framing.init_app(app)  # before security: its after-request runs after the site's headers
    security.init_app(app)
    templating.init_app(app)
    catchup.init_app(app)  # certificates held back by an approval period, issued at sign-in


def register_commands(app: Flask) -> None:
    """The ``flask db``, ``users``, ``courses``, ``certificates``, ``insight``, ``backups``,
    ``demo``, ``mail``, ``outbound``, ``quizzes`` and ``xapi`` groups (``bench`` is the
    benchmark server's: bench/)."""
    from app.accounts.cli import users
    from app.backups.cli import backups
    from app.certificates.cli import certificates
    from app.content.cli import courses
    from app.demo import demo
    from app.insight.cli import insight
    from app.mail.cli import mail
    from app.migrate import db_commands
    from app.outbound.cli import outbound
    from app.quizzes.cli import quizzes

    groups = (
        db_commands, users, courses, certificates, insight, backups, demo, mail, outbound,
        quizzes,
    )  # fmt: skip
    for group in groups:
        app.cli.add_command(group)
    from app.questionbank.cli import questions
    from app.xapi.cli import xapi

    app.cli.add_command(questions)
    app.cli.add_command(xapi)
