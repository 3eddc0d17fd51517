"""Configuration: a production site refuses to start unsafe, and says why."""

from __future__ import annotations

import pytest

from app import create_app
from app.config import ConfigError, from_environment


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
