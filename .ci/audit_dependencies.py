"""CI step: audit requirements.lock with pip-audit; fail on vulnerabilities, warn when offline.

pip-audit answers "No known vulnerabilities found" even when it could audit nothing,
and crashes with a traceback when the database is unreachable. This step tells the
three cases apart: vulnerabilities (or a package the database does not know, while
it knows the others) fail the build; a database that cannot be reached, or that
answers for none of the pinned versions, is reported loudly and does not.
"""

from __future__ import annotations

import json
import subprocess  # nosec B404  # runs pip-audit only, without a shell
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIP_AUDIT = ROOT / ".venv" / "bin" / "pip-audit"

#: What requests says when the database cannot be reached (DNS, refused, proxy, timeout).
NETWORK_ERRORS = ("ConnectionError", "ProxyError", "ConnectTimeout", "ReadTimeout", "SSLError")

#: Accepted findings, by ID, each with its reason in docs/security.md (Static analysis).
ACCEPTED: dict[str, str] = {}


@dataclass(frozen=True)
class Verdict:
    """Whether the step passes, and what it says."""

    passed: bool
    message: str


def judge(report: dict | None, stderr: str) -> Verdict:
    """Decide the step from pip-audit's JSON report (None if it wrote none) and stderr."""
    if report is None:
        last = (stderr.strip().splitlines() or ["no output"])[-1]
        if any(error in last for error in NETWORK_ERRORS):
            return Verdict(
                True,
                "WARNING: pip-audit could not reach its vulnerability database, so nothing "
                f"was audited: {last}",
            )
        return Verdict(False, f"pip-audit failed: {last}")
    dependencies = report.get("dependencies", [])
    vulnerable = [
        f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in "
        f"{', '.join(vuln.get('fix_versions') or []) or 'no release yet'})"
        for dep in dependencies
        for vuln in dep.get("vulns", [])
    ]
    if vulnerable:
        return Verdict(False, "Known vulnerabilities:\n  " + "\n  ".join(vulnerable))
    skipped = [dep for dep in dependencies if dep.get("skip_reason")]
    if dependencies and len(skipped) == len(dependencies):
        return Verdict(
            True,
            f"WARNING: the vulnerability database answered for none of the {len(skipped)} "
            f"pinned versions, so nothing was audited; first reason: {skipped[0]['skip_reason']}",
        )
    if skipped:
        reasons = "\n  ".join(dep["skip_reason"] for dep in skipped)
        return Verdict(False, f"Some pinned packages could not be audited:\n  {reasons}")
    return Verdict(True, f"pip-audit: no known vulnerabilities in {len(dependencies)} packages.")


def main() -> int:
    """Run pip-audit on requirements.lock and print the verdict; the exit status is CI's."""
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "audit.json"
        command = [
            str(PIP_AUDIT),
            "--requirement",
            str(ROOT / "requirements.lock"),
            "--no-deps",  # every version is pinned: nothing to resolve
            "--disable-pip",
            "--vulnerability-service",
            "pypi",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(output),
        ]
        for vuln_id in ACCEPTED:
            command += ["--ignore-vuln", vuln_id]
        finished = subprocess.run(  # noqa: S603 (our program, no shell, a list)  # nosec B603
            command, capture_output=True, text=True, check=False
        )
        report = json.loads(output.read_text()) if output.exists() else None
    verdict = judge(report, finished.stderr)
    print(verdict.message)
    return 0 if verdict.passed else 1


if __name__ == "__main__":
    sys.exit(main())
