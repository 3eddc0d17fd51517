"""``flask users create-admin`` and ``flask demo seed``."""

from __future__ import annotations

from app.accounts.models import Role
from app.accounts.services import find_by_email


def test_create_admin_prompts_for_the_password(app, runner):
    result = runner.invoke(
        args=["users", "create-admin", "Boss@Example.com"],
        input="a strong admin password\na strong admin password\n",
    )
    assert result.exit_code == 0, result.output
    user = find_by_email("boss@example.com")
    assert user.role == Role.ADMIN.value and user.email_confirmed_at is not None


def test_create_admin_refuses_a_short_password_and_a_taken_email(app, runner, make_user):
    short = runner.invoke(args=["users", "create-admin", "a@example.com", "--password", "short"])
    assert short.exit_code != 0 and "10 to 128 characters" in short.output
    make_user(email="taken@example.com")
    taken = runner.invoke(
        args=["users", "create-admin", "taken@example.com", "--password", "long enough pass"]
    )
    assert taken.exit_code != 0 and "already exists" in taken.output


def test_demo_seed_is_idempotent_and_prints_credentials(app, runner):
    first = runner.invoke(args=["demo", "seed"])
    second = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "learner@example.com" in first.output and "admin-demo-pass" in first.output
    assert find_by_email("instructor@example.com").role == "instructor"


def test_demo_seed_refuses_production(app, runner):
    app.config["GROUNDWORK_ENV"] = "production"
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code != 0 and "never created on a production site" in result.output
