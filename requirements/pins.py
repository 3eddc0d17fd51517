"""Keep requirements.lock, the one hand-editable list of versions, in step with the hashed locks.

`make lock` compiles requirements/serve.lock, test.lock and bench.lock (with every file's
hash) from pyproject.toml, constrained by requirements.lock so that no version moves unless
it is edited there. This script then writes the compiled versions back into
requirements.lock: a package the compile added gets its line, one no lock needs any more
loses it, and every other line is kept as it was, so a branch that pinned one package by
hand merges without touching the rest.

`python requirements/pins.py --check` changes nothing and fails when the files disagree
(tests/test_locks.py runs the same check in the suite).
"""

from __future__ import annotations

import re
import sys
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PINS = ROOT / "requirements.lock"
#: Each install set's lock; each holds the one before it (bench installs on top of test).
LOCKS = {name: ROOT / "requirements" / f"{name}.lock" for name in ("serve", "test", "bench")}

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def normalize(name: str) -> str:
    """The PEP 503 form of a package name, under which pip and the locks compare names."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(text: str) -> dict[str, tuple[str, str]]:
    """Map each pinned package's normalized name to its name as written and its version.

    Hash, comment and continuation lines are skipped, so this reads both requirements.lock
    and the hashed locks.
    """
    pins: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        found = _PIN.match(line)
        if found:
            pins[normalize(found[1])] = (found[1], found[2])
    return pins


def sort_key(line: str) -> bytes:
    """Order lines as `pip freeze` wrote them (case-folded byte order), to keep diffs small."""
    return line.lower().encode()


def merged(current: str, locked: dict[str, tuple[str, str]]) -> str:
    """requirements.lock's new text: the locked versions, with current lines kept verbatim.

    A line whose package is locked at the same version is kept as written (its spelling of
    the name included); a changed version takes the locked one; a package no lock holds
    is dropped; a new one is added under the lock's spelling.
    """
    current_pins = read_pins(current)
    lines = []
    for key, (name, version) in locked.items():
        written = current_pins.get(key)
        if written is not None:
            name = written[0]
        lines.append(f"{name}=={version}")
    return "\n".join(sorted(lines, key=sort_key)) + "\n"


def disagreements(
    pins: dict[str, tuple[str, str]], locks: dict[str, dict[str, tuple[str, str]]]
) -> list[str]:
    """What is inconsistent between requirements.lock and the hashed locks, in words.

    Every locked version must equal its pin, every pin must be locked somewhere, and each
    lock must hold the one before it at the same versions (installs are cumulative).
    """
    problems = []
    union: dict[str, tuple[str, str]] = {}
    for set_name, locked in locks.items():
        for key, (name, version) in locked.items():
            union[key] = (name, version)
            pinned = pins.get(key)
            if pinned is None:
                problems.append(f"{set_name}.lock has {name}=={version}, requirements.lock not")
            elif pinned[1] != version:
                problems.append(
                    f"{set_name}.lock has {name}=={version}, requirements.lock {pinned[1]}"
                )
    problems += [
        f"requirements.lock pins {name}=={version}, which no lock holds"
        for key, (name, version) in pins.items()
        if key not in union
    ]
    for smaller, larger in pairwise(locks):
        missing = sorted(set(locks[smaller]) - set(locks[larger]))
        problems += [f"{larger}.lock lacks {key}, which {smaller}.lock has" for key in missing]
    return problems


def main(argv: list[str]) -> int:
    """Write requirements.lock from the hashed locks, or with --check only compare them."""
    locks = {name: read_pins(path.read_text()) for name, path in LOCKS.items()}
    if "--check" not in argv:
        union: dict[str, tuple[str, str]] = {}
        for locked in locks.values():
            union.update(locked)
        PINS.write_text(merged(PINS.read_text(), union))
    problems = disagreements(read_pins(PINS.read_text()), locks)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("Run `make lock` (see README, Dependencies).", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
