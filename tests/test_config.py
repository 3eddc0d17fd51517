"""Configuration: a production site refuses to start unsafe, and says why."""

from __future__ import annotations

import subprocess

import pytest

from app import create_app
from app.config import PROJECT_ROOT, ConfigError, from_environment


def test_production_refuses_debug(monkeypatch):
    monkeypatch.setenv("GROUNDWORK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(ConfigError, match="debug mode is on"):
        create_app()


@pytest.mark.parametrize("secret", [None, "changeme", "short"])
def test_production_refuses_a_missing_or_weak_secret(monkeypatch, secret):
    monkeypatch.setenv("GROUNDWORK_ENV", "production")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        create_app()


def test_production_with_a_real_secret_starts_with_secure_cookies(monkeypatch):
    monkeypatch.setenv("GROUNDWORK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app({"DATABASE_URL": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_development_secret_is_generated_once_and_reused(monkeypatch, tmp_path):
    monkeypatch.setenv("GROUNDWORK_INSTANCE", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("GROUNDWORK_ENV", raising=False)
    first = from_environment()["SECRET_KEY"]
    second = from_environment()["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_defaults_to_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("GROUNDWORK_INSTANCE", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert from_environment()["DATABASE_URL"] == f"sqlite:///{tmp_path / 'groundwork.sqlite3'}"


@pytest.mark.parametrize(
    ("environ", "site_url"),
    [
        ({}, "http://127.0.0.1:5000"),
        ({"FLASK_RUN_PORT": "5001"}, "http://127.0.0.1:5001"),
        ({"FLASK_RUN_HOST": "localhost", "FLASK_RUN_PORT": "8080"}, "http://localhost:8080"),
        # Serving on every interface: links name one a browser on this machine reaches.
        ({"FLASK_RUN_HOST": "0.0.0.0", "FLASK_RUN_PORT": "5002"}, "http://127.0.0.1:5002"),  # noqa: S104
        ({"FLASK_RUN_HOST": "::1", "FLASK_RUN_PORT": "5003"}, "http://[::1]:5003"),
        (
            {"FLASK_RUN_PORT": "5001", "SITE_URL": "https://ce.example.org"},
            "https://ce.example.org",
        ),
    ],
)
def test_links_that_leave_the_site_follow_the_port_make_run_serves(environ, site_url):
    assert from_environment(environ)["SITE_URL"] == site_url


def test_the_certificate_qr_code_points_at_the_port_served(monkeypatch, app, client, sign_in):
    """`make run PORT=5001`: the verification link the QR code encodes uses port 5001."""
    from app.certificates.services import document_of
    from tests.certificates.helpers import earn_certificate
    from tests.factories import make_course

    learner = sign_in()
    certificate = earn_certificate(client, make_course(), learner.id)
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setenv("FLASK_RUN_PORT", "5001")
    site = create_app({"DATABASE_URL": app.config["DATABASE_URL"], "TESTING": True})
    with site.app_context():
        url = document_of(certificate).verification_url
    assert url.startswith("http://127.0.0.1:5001/verify/")
    site.extensions["db_engine"].dispose()


def test_make_run_serves_on_the_port_asked_and_installs_no_test_tools():
    """`make run PORT=5001 HOST=0.0.0.0` as make would run it (-n: print, do not run)."""
    plan = subprocess.run(
        ["make", "-n", "-B", "run", "PORT=5001", "HOST=0.0.0.0"],  # noqa: S607
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "flask run --host 0.0.0.0 --port 5001" in plan
    installs = [line for line in plan.splitlines() if "pip install" in line and " -r " in line]
    assert [line.split(" -r ")[1] for line in installs] == ["requirements/serve.lock"]
    assert all("--require-hashes" in line for line in installs)
    assert "pip install --quiet --no-deps -e ." in plan  # the project, resolving nothing
    tests = subprocess.run(
        ["make", "-n", "-B", "test"],  # noqa: S607
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "pip install --quiet --require-hashes -r requirements/test.lock" in tests
    assert "bench.lock" not in tests
