"""The two forms of the multi-server layout read one configuration.

deploy/run-local (no containers; what deploy/check runs) and deploy/docker-compose.yml
(the container form, never run here: no container engine) must give the app servers the
same settings: deploy/groundwork.env for everything that is not a secret, the same keys
for what each deployment makes itself, the same nginx file and the same commands.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
APP_SERVICES = ("app", "mail", "migrate")


def _env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of an env file, comments and blank lines skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return {key: value for key, value in pairs}


@pytest.fixture(scope="module")
def compose() -> dict:
    """deploy/docker-compose.yml, parsed (YAML merge keys resolved)."""
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def run_local_env() -> dict[str, str]:
    """What deploy/run-local gives its app servers (`run-local env`, secrets as examples)."""
    out = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [str(DEPLOY / "run-local"), "env"], capture_output=True, text=True, check=True
    ).stdout  # fmt: skip
    return dict(line.split("=", 1) for line in out.splitlines())


def test_the_shared_file_holds_settings_only() -> None:
    """KEY=VALUE with no spaces or quotes: bash `source` and compose's env_file agree."""
    text = (DEPLOY / "groundwork.env").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*=[A-Za-z0-9_.:/@-]*", line), line
    settings = _env_file(DEPLOY / "groundwork.env")
    assert not {"SECRET_KEY", "DATABASE_URL", "POSTGRES_PASSWORD"} & set(settings)


@pytest.mark.parametrize("service", APP_SERVICES)
def test_compose_services_read_the_shared_file(compose: dict, service: str) -> None:
    """Every container of the app image reads deploy/groundwork.env and overrides none of it."""
    definition = compose["services"][service]
    env_files = definition["env_file"]
    env_files = [env_files] if isinstance(env_files, str) else env_files
    assert [(DEPLOY / name).resolve() for name in env_files] == [DEPLOY / "groundwork.env"]
    shared = _env_file(DEPLOY / "groundwork.env")
    assert not set(definition["environment"]) & set(shared)


@pytest.mark.parametrize("service", APP_SERVICES)
def test_compose_and_run_local_set_the_same_settings(
    compose: dict, run_local_env: dict[str, str], service: str
) -> None:
    """The same keys, and every shared setting with the file's value on both sides."""
    shared = _env_file(DEPLOY / "groundwork.env")
    in_compose = set(shared) | set(compose["services"][service]["environment"])
    assert in_compose == set(run_local_env)
    for key, value in shared.items():
        assert run_local_env[key] == value, f"run-local changes {key}"


def test_both_serve_through_the_same_nginx_file(compose: dict) -> None:
    """The proxy mounts nginx.conf.template and both fill every @-marked value in it."""
    template = (DEPLOY / "nginx.conf.template").read_text(encoding="utf-8")
    marks = set(re.findall(r"@[A-Z_]+@", template))
    proxy = compose["services"]["proxy"]
    assert any(v.startswith("./nginx.conf.template:") for v in proxy["volumes"])
    filled_by_compose = set(re.findall(r"s\|(@[A-Z_]+@)\|", " ".join(proxy["command"])))
    run_local = (DEPLOY / "run-local").read_text(encoding="utf-8")
    filled_by_run_local = set(re.findall(r"s\|(@[A-Z_]+@)\|", run_local))
    assert marks == filled_by_compose == filled_by_run_local


def test_both_run_the_same_commands(compose: dict) -> None:
    """Gunicorn on wsgi:app, the mail worker every 5 s, `db upgrade` before the servers."""
    run_local = (DEPLOY / "run-local").read_text(encoding="utf-8")
    services = compose["services"]
    assert services["app"]["command"] == ["gunicorn", "wsgi:app"]
    assert '"$VENV/gunicorn" wsgi:app' in run_local
    mail = services["mail"]["command"]
    assert mail[:2] == ["flask", "--app"]
    assert f'"$VENV/flask" --app {" ".join(mail[2:])}' in run_local
    assert services["migrate"]["command"][-2:] == ["db", "upgrade"]
    assert '"$VENV/flask" --app wsgi:app db upgrade' in run_local


def test_the_guide_shows_the_nginx_file_that_ran() -> None:
    """docs/deploy.md quotes deploy/nginx.conf.template whole, so the two cannot drift."""
    guide = (DEPLOY.parent / "docs" / "deploy.md").read_text(encoding="utf-8")
    template = (DEPLOY / "nginx.conf.template").read_text(encoding="utf-8").rstrip("\n")
    assert f"```nginx\n{template}\n```" in guide
