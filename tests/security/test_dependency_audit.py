"""The CI dependency audit fails on vulnerabilities and only warns when it cannot look."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "audit_dependencies.py"


@pytest.fixture(scope="module")
def audit() -> ModuleType:
    """The CI script, loaded as a module (it lives outside any package)."""
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def clean(name: str) -> dict:
    return {"name": name, "version": "1.0", "vulns": []}


def unknown(name: str) -> dict:
    return {"name": name, "skip_reason": f"Dependency not found on PyPI: {name} (1.0)"}


def test_a_known_vulnerability_fails_and_names_the_fix(audit: ModuleType) -> None:
    vulnerable = {
        "name": "werkzeug",
        "version": "3.0.0",
        "vulns": [{"id": "GHSA-xxxx", "fix_versions": ["3.0.6"], "aliases": []}],
    }
    verdict = audit.judge({"dependencies": [clean("flask"), vulnerable], "fixes": []}, "")
    assert not verdict.passed
    assert "werkzeug 3.0.0: GHSA-xxxx (fixed in 3.0.6)" in verdict.message


def test_an_unreachable_database_warns_without_failing(audit: ModuleType) -> None:
    stderr = (
        "Traceback (most recent call last):\n  ...\nrequests.exceptions.ConnectionError: "
        "HTTPSConnectionPool(host='api.osv.dev', port=443): Failed to resolve 'api.osv.dev'"
    )
    verdict = audit.judge(None, stderr)
    assert verdict.passed
    assert verdict.message.startswith("WARNING: pip-audit could not reach")
    assert "api.osv.dev" in verdict.message


def test_any_other_crash_fails(audit: ModuleType) -> None:
    verdict = audit.judge(None, "pip_audit: error: invalid requirement: 'flask=='")
    assert not verdict.passed
    assert "invalid requirement" in verdict.message


def test_a_database_that_knows_no_pinned_version_warns_without_failing(
    audit: ModuleType,
) -> None:
    verdict = audit.judge({"dependencies": [unknown("flask"), unknown("jinja2")]}, "")
    assert verdict.passed
    assert "answered for none of the 2 pinned versions" in verdict.message


def test_one_package_it_cannot_audit_among_audited_ones_fails(audit: ModuleType) -> None:
    verdict = audit.judge({"dependencies": [clean("flask"), unknown("jinja2")]}, "")
    assert not verdict.passed
    assert "jinja2" in verdict.message


def test_a_clean_audit_passes(audit: ModuleType) -> None:
    verdict = audit.judge({"dependencies": [clean("flask"), clean("jinja2")]}, "")
    assert verdict.passed
    assert "no known vulnerabilities in 2 packages" in verdict.message
