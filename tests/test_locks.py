"""The dependency locks: requirements.lock and the hashed per-set locks agree, and cover pyproject.

A fresh install (`make install`) reads only requirements/*.lock, with --require-hashes; a
dependency added to pyproject.toml without `make lock`, or a version edited in one file
and not the other, would install something else than was tested, or fail at install.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("pins", ROOT / "requirements" / "pins.py")
assert _spec is not None and _spec.loader is not None
pins = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pins)


def _locked(set_name: str) -> dict[str, tuple[str, str]]:
    return pins.read_pins(pins.LOCKS[set_name].read_text())


def _requirement_name(requirement: str) -> str:
    return pins.normalize(re.match(r"[A-Za-z0-9._-]+", requirement)[0])


def test_the_committed_locks_agree_with_requirements_lock():
    locks = {name: _locked(name) for name in pins.LOCKS}
    assert pins.disagreements(pins.read_pins(pins.PINS.read_text()), locks) == []


@pytest.mark.parametrize(
    ("set_name", "groups"),
    [("serve", []), ("test", ["test"]), ("bench", ["test", "bench"])],
)
def test_each_install_set_locks_what_pyproject_asks_for(set_name, groups):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for group in groups:
        wanted += project["optional-dependencies"][group]
    missing = {_requirement_name(r) for r in wanted} - set(_locked(set_name))
    assert not missing, f"run `make lock`: {sorted(missing)} not in {set_name}.lock"


@pytest.mark.parametrize("set_name", ["serve", "test", "bench"])
def test_every_locked_package_carries_a_hash(set_name):
    # pip --require-hashes refuses the whole file if one requirement has none.
    text = pins.LOCKS[set_name].read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    assert blocks
    for block in blocks:
        assert "--hash=sha256:" in block, block.splitlines()[0]


def test_the_font_repackagings_are_pinned_by_hash_for_serving():
    serve = pins.LOCKS["serve"].read_text()
    for name in ("manimgx-fonts", "pylopdf-fonts-zh-cn", "pylopdf-fonts-jp", "pylopdf-fonts-ko"):
        assert re.search(rf"^{name}==\S+ \\\n    --hash=sha256:[0-9a-f]{{64}}", serve, re.M), name


def test_read_pins_skips_hashes_comments_and_markers():
    text = (
        "# header\nFlask==3.1.3 \\\n    --hash=sha256:abc\n    # via groundwork\n"
        "async-timeout==5.0.1 ; python_full_version < '3.11.3' \\\n    --hash=sha256:def\n"
    )
    assert pins.read_pins(text) == {
        "flask": ("Flask", "3.1.3"),
        "async-timeout": ("async-timeout", "5.0.1"),
    }


def test_merged_keeps_written_lines_adds_new_ones_and_drops_unlocked():
    current = "Flask==3.1.3\npip_api==0.0.35\nstale-thing==1.0\n"
    locked = {
        "flask": ("flask", "3.1.3"),
        "pip-api": ("pip-api", "0.0.35"),
        "mypy": ("mypy", "1.13.0"),
    }
    assert pins.merged(current, locked) == "Flask==3.1.3\nmypy==1.13.0\npip_api==0.0.35\n"


def test_merged_takes_the_locked_version_when_a_pin_moved():
    assert pins.merged("Flask==3.1.2\n", {"flask": ("flask", "3.1.3")}) == "Flask==3.1.3\n"


def test_disagreements_name_each_kind_of_drift():
    pinned = {"flask": ("Flask", "3.1.3"), "ruff": ("ruff", "0.17.6"), "old": ("old", "1")}
    locks = {
        "serve": {"flask": ("flask", "3.1.2"), "mypy": ("mypy", "1.13.0")},
        "test": {"ruff": ("ruff", "0.17.6")},
    }
    assert pins.disagreements(pinned, locks) == [
        "serve.lock has flask==3.1.2, requirements.lock 3.1.3",
        "serve.lock has mypy==1.13.0, requirements.lock not",
        "requirements.lock pins old==1, which no lock holds",
        "test.lock lacks flask, which serve.lock has",
        "test.lock lacks mypy, which serve.lock has",
    ]
