"""``make bench``: seed (once), serve under Gunicorn, load, and report, on SQLite and PostgreSQL.

Run: .venv/bin/python bench/run.py [--quick] [--databases sqlite postgresql] [--no-quiz-day]

Each database is seeded at ``--scale`` the first time (kept in ``--dir`` or PostgreSQL
for the next run; ``--reseed`` starts again), then served by Gunicorn with two
workers (``--workers``). Against that one server, in order: the page benchmarks with
their ceilings, quiz submission at 50 clients, the insight page, and quiz day. The
certificate benchmark runs last. Results go to ``--dir`` as JSON and Markdown.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import gunicorn
import load
import report
from insight_latency import insight_latency
from quizday import Pace, quiz_day
from server import ROOT, Server, database_for, migrate, seed, seeded_scale
from sqlalchemy import create_engine, text
from targets import Targets, load_targets

PHASES = ["pages", "submission", "insight", "quiz-day", "certificates"]
DEFAULT_DIR = Path(os.environ.get("BENCH_DIR", Path(tempfile.gettempdir()) / "groundwork-bench"))
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    with create_engine(POSTGRES).connect() as connection:
        postgres = connection.execute(text("SHOW server_version")).scalar()
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes": bool(git("status", "--porcelain")),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "gunicorn": gunicorn.__version__,
        "postgresql": postgres,
        "sqlite": sqlite3.sqlite_version,
        "wrk": wrk_version(),
    }


def git(*arguments: str) -> str:
    """Read-only git output (the commit measured), or "" outside a checkout."""
    git_path = shutil.which("git")
    if git_path is None:
        return ""
    done = subprocess.run([git_path, *arguments], cwd=ROOT, capture_output=True, text=True)  # noqa: S603
    return done.stdout.strip()


def wrk_version() -> str | None:
    """The installed wrk's version."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    return subprocess.run([wrk, "--version"], capture_output=True, text=True).stdout.split()[1]  # noqa: S603


class Load:
    """The machine's load average and CPU use over one phase (others share this machine)."""

    def __init__(self) -> None:
        self.began = time.monotonic()
        self.cpu = self._busy()

    @staticmethod
    def _busy() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields) - idle, sum(fields)

    def done(self) -> dict[str, Any]:
        """Load average at the end and the share of both CPUs busy during the phase."""
        busy, total = self._busy()
        share = (busy - self.cpu[0]) / max(1, total - self.cpu[1])
        return {
            "load_average": Path("/proc/loadavg").read_text().split()[:3],
            "cpu_busy": round(share, 2),
            "seconds": round(time.monotonic() - self.began, 1),
        }


def ensure_wrk() -> None:
    """wrk comes from Debian; install it the first time (the only system package needed)."""
    if shutil.which("wrk"):
        return
    print("Installing wrk from Debian (apt-get install wrk) ...", flush=True)
    apt = ["apt-get", "install", "-y", "-qq", "wrk"]
    if os.geteuid() != 0:
        apt = ["sudo", *apt]
    subprocess.run(apt, check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})  # noqa: S603


def bench_database(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    """Seed if needed, then the chosen load phases against one server."""
    database = database_for(kind, args.scale, args.dir, POSTGRES)
    result: dict[str, Any] = {"database": kind}
    if args.reseed or seeded_scale(database) != args.scale:
        print(f"[{kind}] seeding at scale {args.scale} ...", flush=True)
        phase = Load()
        result["seed"] = seed(database, args.scale, args.dir) | {"machine": phase.done()}
        print(f"[{kind}] seeded in {result['seed']['seconds']} s", flush=True)
    else:
        migrate(database, args.dir)  # seeded by an earlier commit: this commit's schema
    if args.seed_only:
        return result
    targets = load_targets(database.url)
    result["learners"] = targets.learners
    server = Server(database, args.dir, args.port, args.workers, args.threads)
    try:
        if "pages" in args.phases:
            _pages(kind, server, targets, args, result)
        if "submission" in args.phases:
            _submissions(kind, server, targets, args, result)
        if "insight" in args.phases:
            print(f"[{kind}] insight page ...", flush=True)
            phase = Load()
            result["insight"] = insight_latency(server.url, targets) | {"machine": phase.done()}
        if "quiz-day" in args.phases:
            _quiz_day(kind, server, targets, args, result)
    finally:
        server.stop()
    return result


def _pages(
    kind: str, server: Server, targets: Targets, args: argparse.Namespace, result: dict[str, Any]
) -> None:
    print(f"[{kind}] page benchmarks ...", flush=True)
    phase = Load()
    result["pages"] = load.page_benchmarks(
        server.url, targets, args.dir, args.seconds, args.rounds, args.connections
    ) | {"machine": phase.done()}


def _submissions(
    kind: str, server: Server, targets: Targets, args: argparse.Namespace, result: dict[str, Any]
) -> None:
    print(f"[{kind}] quiz submission, 50 clients ...", flush=True)
    phase, since = Load(), server.log_position()
    result["quiz_submission"] = load.quiz_submissions(server.url, targets, 50, args.seconds * 2)
    result["quiz_submission"]["server_side"] = server.server_side(since)
    result["quiz_submission"]["machine"] = phase.done()
    print(f"[{kind}] quiz submission, 50 clients pausing about 5 s per action ...", flush=True)
    phase, since = Load(), server.log_position()
    paced = load.quiz_submissions(server.url, targets, 50, args.seconds * 4, pause=5)
    result["quiz_submission_paced"] = paced | {
        "server_side": server.server_side(since),
        "machine": phase.done(),
    }


def _quiz_day(
    kind: str, server: Server, targets: Targets, args: argparse.Namespace, result: dict[str, Any]
) -> None:
    users = min(args.quiz_day_users, len(targets.cohort))
    print(f"[{kind}] quiz day, {users} learners ...", flush=True)
    phase, since = Load(), server.log_position()
    pace = Pace(ramp_seconds=args.ramp, question_seconds=tuple(args.think))  # type: ignore[arg-type]
    result["quiz_day"] = quiz_day(server.url, targets, users, pace)
    result["quiz_day"]["server_side"] = server.server_side(since)
    result["quiz_day"]["machine"] = phase.done()


def certificates() -> dict[str, Any]:
    """The certificate PDF and signing benchmark, as it prints."""
    done = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, str(ROOT / "bench" / "bench_certificates.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    return {"output": done.stdout.splitlines(), "exit_code": done.returncode}


def main(argv: list[str] | None = None) -> int:
    """Run everything asked for; write results-<time>.json and .md; print the Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--reseed", action="store_true", help="seed again even if seeded")
    parser.add_argument("--seed-only", action="store_true", help="seed if needed, then stop")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="data and results")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seconds", type=int, default=15, help="per page run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="Gunicorn sync workers (default 2, as issue 8 sets; gunicorn.conf.py's own "
        "default is two per CPU plus one)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per Gunicorn worker (default 1: sync workers; above 1 the threaded "
        "worker, so a sign-in's password hash, which releases the GIL, does not hold up the "
        "autosaves queued behind it)",
    )
    parser.add_argument(
        "--phases",
        nargs="+",
        default=PHASES,
        choices=PHASES,
        help="which load phases to run (default: all, in this order)",
    )
    parser.add_argument("--no-quiz-day", dest="phases", action="store_const", const=PHASES[:-1])
    parser.add_argument("--quiz-day-users", type=int, default=2000)
    parser.add_argument("--ramp", type=float, default=180)
    parser.add_argument("--think", type=float, nargs=2, default=(10, 30))
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: scale 0.01, short runs, 20 learners"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.scale, args.seconds, args.rounds = 0.01, 4, 1
        args.quiz_day_users, args.ramp, args.think = 20, 5, (0.5, 1.0)
    args.dir.mkdir(parents=True, exist_ok=True)
    os.environ["BENCH_DIR"] = str(args.dir)  # the sign-in secrets beside the data
    ensure_wrk()
    results: dict[str, Any] = {
        "machine": machine(),
        "scale": args.scale,
        "workers": args.workers,
        "threads": args.threads,
        "runs": [],
    }
    for kind in args.databases:
        results["runs"].append(bench_database(kind, args))
    if args.seed_only:
        print(json.dumps(results["runs"], indent=2))
        return 0
    if "certificates" in args.phases:
        print("certificate benchmark ...", flush=True)
        results["certificates"] = certificates()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (args.dir / f"results-{stamp}.json").write_text(json.dumps(results, indent=2))
    markdown = report.markdown(results)
    (args.dir / f"results-{stamp}.md").write_text(markdown)
    print(markdown)
    print(f"Results: {args.dir / f'results-{stamp}.json'} and .md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
