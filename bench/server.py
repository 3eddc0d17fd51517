"""The benchmark databases and server: seed once, serve under Gunicorn, read its access log."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from client import summarise
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from app.audit.models import AuditEvent
from app.db import make_engine, normalise_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
#: A Redis database of its own, so other users of the server are not disturbed.
RATELIMIT_STORAGE = "redis://127.0.0.1:6379/3"
ACCESS_LINE = re.compile(r'"(GET|POST) (\S+) HTTP/[\d.]+" (\d{3}) \S+ "[^"]*" "[^"]*" (\d+)ms')


@dataclass(frozen=True)
class Database:
    """One benchmark database: its kind and URL."""

    kind: str  # "sqlite" or "postgresql"
    url: str


def scale_tag(scale: float) -> str:
    """``1`` -> ``1``, ``0.01`` -> ``0_01``: part of file and database names."""
    return f"{scale:g}".replace(".", "_")


def database_for(kind: str, scale: float, workdir: Path, server_url: str) -> Database:
    """Where the benchmark data at ``scale`` lives for ``kind``."""
    if kind == "sqlite":
        return Database(
            kind, f"sqlite:///{workdir / f'groundwork-bench-{scale_tag(scale)}.sqlite3'}"
        )
    url = make_url(normalise_url(server_url)).set(database=f"groundwork_bench_{scale_tag(scale)}")
    return Database(kind, url.render_as_string(hide_password=False))


def environment(database: Database, workdir: Path) -> dict[str, str]:
    """Settings for the seed command and the server: development mode, bench instance."""
    env = dict(os.environ)
    env.pop("FLASK_DEBUG", None)
    env.update(
        GROUNDWORK_ENV="development",
        GROUNDWORK_INSTANCE=str(workdir / "instance"),
        DATABASE_URL=database.url,
        RATELIMIT_STORAGE_URI=RATELIMIT_STORAGE,
        PYTHONPATH=str(ROOT / "bench"),
        BENCH_DIR=str(workdir),  # where the seed keeps its sign-in secret (seeding.credentials)
    )
    return env


def seeded_scale(database: Database) -> float | None:
    """The scale the database was seeded at, or None if it holds no benchmark data."""
    if database.kind == "sqlite" and not Path(make_url(database.url).database or "").exists():
        return None
    engine = make_engine(database.url)
    try:
        if "audit_events" not in inspect(engine).get_table_names():
            return None
        with engine.connect() as connection:
            details = connection.scalar(
                select(AuditEvent.details)
                .where(AuditEvent.action == "bench.seeded")
                .order_by(AuditEvent.id.desc())
                .limit(1)
            )
        return float(details["scale"]) if details else None
    except Exception:  # no server, no database: not seeded
        return None
    finally:
        engine.dispose()


def recreate(database: Database) -> None:
    """Start from an empty database."""
    if database.kind == "sqlite":
        path = Path(make_url(database.url).database or "")
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    url = make_url(normalise_url(database.url))
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()


def seed(database: Database, scale: float, workdir: Path) -> dict[str, Any]:
    """Migrate and seed through the real commands; return the wall time and the output."""
    recreate(database)
    migrate(database, workdir)
    env = environment(database, workdir)
    flask = [str(BIN / "flask"), "--app", str(ROOT / "bench" / "wsgi_bench.py")]
    began = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (fixed command, our own paths)
        [*flask, "bench", "seed", "--scale", str(scale)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return {"seconds": round(time.perf_counter() - began, 1), "output": done.stdout.splitlines()}


def migrate(database: Database, workdir: Path) -> None:
    """Bring a database seeded by an earlier commit up to this one's schema and passwords."""
    flask = [str(BIN / "flask"), "--app", str(ROOT / "bench" / "wsgi_bench.py")]
    env = environment(database, workdir)
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, capture_output=True)  # noqa: S603
    # The signing accounts' passwords: a secret if the data has none, this commit's hash cost.
    subprocess.run([*flask, "bench", "passwords"], env=env, check=True, capture_output=True)  # noqa: S603


class Server:
    """Gunicorn with the production settings file, two workers, on a loopback port.

    ``threads`` above 1 switches Gunicorn to its threaded worker (``GUNICORN_THREADS``).
    """

    def __init__(
        self, database: Database, workdir: Path, port: int, workers: int = 2, threads: int = 1
    ) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.access_log = workdir / f"access-{database.kind}.log"
        self.access_log.unlink(missing_ok=True)
        command = [
            str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
            "--workers", str(workers), "--threads", str(threads), "--bind", f"127.0.0.1:{port}",
            "--access-logfile", str(self.access_log), "wsgi_bench:app",
        ]  # fmt: skip
        self.log = (workdir / f"gunicorn-{database.kind}.log").open("w")
        self.process = subprocess.Popen(  # noqa: S603 (fixed command, our own paths)
            command, env=environment(database, workdir), stdout=self.log, stderr=self.log
        )
        self._wait_until_up()

    def _wait_until_up(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log.name}")
            try:
                with urllib.request.urlopen(self.url + "/_bench/minimal", timeout=2):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.5)
        raise SystemExit("gunicorn did not start in time")

    def log_position(self) -> int:
        """Where the access log ends now."""
        return self.access_log.stat().st_size if self.access_log.exists() else 0

    def server_side(self, since: int) -> dict[str, Any]:
        """Server-side times (Gunicorn's %(M)s) and statuses of requests logged after ``since``."""
        with self.access_log.open() as log:
            log.seek(since)
            lines = log.readlines()
        by_kind: dict[str, list[float]] = defaultdict(list)
        server_errors = 0
        for line in lines:
            match = ACCESS_LINE.search(line)
            if not match:
                continue
            method, path, status, ms = match.groups()
            server_errors += status.startswith("5")
            by_kind[request_kind(method, path, status)].append(float(ms))
            by_kind["all"].append(float(ms))
        return {"server_errors": server_errors} | {k: summarise(v) for k, v in by_kind.items()}

    def stop(self) -> None:
        """Stop Gunicorn (and its workers) gracefully."""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def request_kind(method: str, path: str, status: str) -> str:
    """A name for the kind of request an access-log line records."""
    if path.startswith("/attempts/") and method == "POST":
        return "autosave" if status == "204" else "submit"
    if path == "/sign-in" and method == "POST":
        return "sign in"
    return "other"
