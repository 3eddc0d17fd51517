"""Drive the running layout (deploy/run-local) through nginx and check what learners keep.

1. One learner's journey: sign in, read a lesson, start the quiz, autosave, submit, read
   the result, download a certificate PDF.
2. Quiz day for the seeded cohort with think time, bounded in time; one app server is
   killed with SIGKILL mid-way and started again. Every request that fails is retried as
   a browser would (after a second); the database is then checked: every answer the site
   confirmed (204 / 302) is stored as sent, and no learner has two submissions.
3. The same cohort again (new attempts). Mid-way the next release's migration (a column
   on the table every autosave writes, a new table) is applied while the old code
   serves, then both app servers are restarted onto the next release one after the
   other (nginx drains each first, Gunicorn TERM): zero failed requests expected.

Exit 1 on any lost or doubled answer, on an unrecovered request, or on a failed request
during the rolling restart. Run by deploy/check (which starts and stops the layout).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from client import Browser, Recorder, location_path  # noqa: E402
from quizday import CHOICE  # noqa: E402
from seeding.credentials import signing_learners  # noqa: E402
from seeding.journeys import learner_email  # noqa: E402
from sqlalchemy import select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from targets import Targets, load_targets  # noqa: E402

from app.accounts.models import User  # noqa: E402
from app.certificates.models import Certificate  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.quizzes.models import QuizAttempt  # noqa: E402

RETRYABLE = {0, 502, 503, 504}
RUN_LOCAL = str(ROOT / "deploy" / "run-local")


@dataclass
class Tally:
    """What the learners saw: failures (before retry), unrecovered ones, confirmed saves."""

    failed: int = 0
    unrecovered: int = 0
    failed_steps: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    #: email -> question id -> keys the site confirmed saving (last confirmation wins).
    confirmed: dict[str, dict[int, list[int]]] = field(default_factory=dict)
    submitted: set[str] = field(default_factory=set)


async def send(browser: Browser, tally: Tally, step: str, method: str, path: str,
               expected: tuple[int, ...], **kwargs) -> tuple[int, str, str]:  # fmt: skip
    """One request, retried after a second (up to 3 more times) when it failed outright."""
    if method == "POST":  # over HTTPS, Flask-WTF checks the Referer as a browser sends it
        kwargs["headers"] = {**kwargs.get("headers", {}), "Referer": browser.base_url + path}
    for _ in range(4):
        code, body, location = await browser.request(step, method, path, expected, **kwargs)
        if code in expected:
            return code, body, location
        tally.failed += 1
        tally.failed_steps[f"{step} {code}"] += 1
        if code not in RETRYABLE:
            break
        await asyncio.sleep(1)
        if "data" in kwargs and isinstance(kwargs["data"], list):
            fresh = browser.csrf  # a retry sends the newest token, as a reloaded form would
            kwargs["data"] = [(k, fresh if k == "csrf_token" else v) for k, v in kwargs["data"]]
    tally.unrecovered += 1
    return code, body, location


async def sign_in(browser: Browser, tally: Tally, email: str, targets: Targets) -> bool:
    """The sign-in page, the form, the dashboard."""
    await send(browser, tally, "sign-in page", "GET", "/sign-in", (200,))
    code, _, location = await send(browser, tally, "sign in", "POST", "/sign-in", (302,),
                                   data=[("email", email), ("password", targets.password(email)),
                                         ("csrf_token", browser.csrf)])  # fmt: skip
    if code != 302:
        return False
    code, _, _ = await send(browser, tally, "dashboard", "GET", location_path(location), (200,))
    return code == 200


async def take_quiz(browser: Browser, tally: Tally, email: str, targets: Targets,
                    think: tuple[float, float], rng: random.Random) -> None:  # fmt: skip
    """Enroll, start an attempt, answer every question with autosaves, submit, read the result."""
    course = f"/courses/{targets.quiz_day_course}"
    quiz = f"{course}/quizzes/{targets.quiz_day_quiz}"
    await send(browser, tally, "enroll", "POST", f"{course}/enroll", (302,),
               data=[("csrf_token", browser.csrf)])  # fmt: skip
    await send(browser, tally, "quiz page", "GET", quiz, (200,))
    _, _, location = await send(browser, tally, "start", "POST", f"{quiz}/start", (302,),
                                data=[("csrf_token", browser.csrf)])  # fmt: skip
    attempt = location_path(location)
    if not attempt.startswith("/attempts/"):
        tally.unrecovered += 1
        return
    _, page, _ = await send(browser, tally, "attempt page", "GET", attempt, (200,))
    choices: dict[int, list[int]] = {}
    for question_id, key in CHOICE.findall(page):
        choices.setdefault(int(question_id), []).append(int(key))
    mine = tally.confirmed.setdefault(email, {})
    mine.clear()  # a new attempt: only its answers count
    answers: list[tuple[str, str]] = []
    chosen: dict[int, list[int]] = {}
    for question_id, keys_shown in choices.items():
        await asyncio.sleep(rng.uniform(*think))
        right = targets.quiz_day_answers[question_id]
        keys = right if rng.random() < 0.85 else [next(k for k in keys_shown if k not in right)]
        chosen[question_id] = keys
        answers += [(f"q-{question_id}", str(key)) for key in keys]
        code, _, _ = await send(browser, tally, "autosave", "POST", attempt, (204,),
                                data=[*answers, ("action", "save"), ("csrf_token", browser.csrf)],
                                headers={"X-Autosave": "1"})  # fmt: skip
        if code == 204:
            mine.update(chosen)
    await asyncio.sleep(rng.uniform(*think))
    code, _, result = await send(browser, tally, "submit", "POST", attempt, (302,),
                                 data=[*answers, ("action", "submit"),
                                       ("csrf_token", browser.csrf)])  # fmt: skip
    if code == 302:
        mine.update(chosen)
        tally.submitted.add(email)
        await send(browser, tally, "result page", "GET", location_path(result), (200,))


async def learner(base_url: str, connector: aiohttp.BaseConnector, recorder: Recorder,
                  tally: Tally, email: str, delay: float, targets: Targets,
                  think: tuple[float, float]) -> None:  # fmt: skip
    """One simulated learner's quiz day."""
    rng = random.Random(email)  # noqa: S311 (think times, not secrets)
    await asyncio.sleep(delay)
    browser = Browser(base_url, connector, recorder)
    try:
        if await sign_in(browser, tally, email, targets):
            await take_quiz(browser, tally, email, targets, think, rng)
    finally:
        await browser.close()


async def crowd(base_url: str, emails: list[str], targets: Targets, ramp: float,
                think: tuple[float, float], events) -> tuple[Tally, Recorder, float]:  # fmt: skip
    """Every learner in ``emails`` takes the quiz while ``events`` (a coroutine) runs."""
    connector = aiohttp.TCPConnector(limit=0, force_close=True, ssl=False)
    recorder, tally = Recorder(), Tally()
    began = time.perf_counter()
    await asyncio.gather(
        events(),
        *(learner(base_url, connector, recorder, tally, email, i * ramp / len(emails),
                  targets, think) for i, email in enumerate(emails)),
    )  # fmt: skip
    await connector.close()
    return tally, recorder, time.perf_counter() - began


async def run_local(*args: str) -> None:
    """deploy/run-local with these arguments, without blocking the learners."""
    process = await asyncio.create_subprocess_exec(RUN_LOCAL, *args)
    if await process.wait():
        raise SystemExit(f"run-local {' '.join(args)} failed")


def check_database(database_url: str, quiz_id: int, tally: Tally, since: dt.datetime) -> list[str]:
    """Lost or doubled answers: what the site confirmed against what it stored."""
    problems: list[str] = []
    engine = make_engine(database_url)
    with Session(engine) as session:
        for email, confirmed in tally.confirmed.items():
            attempts = session.scalars(
                select(QuizAttempt).join(User, User.id == QuizAttempt.user_id)
                .where(User.email == email, QuizAttempt.quiz_id == quiz_id,
                       QuizAttempt.started_at >= since)
                .order_by(QuizAttempt.id)
            ).all()  # fmt: skip
            submitted = [a for a in attempts if a.submitted_at is not None]
            if len(submitted) > 1 or len(attempts) > 1:
                problems.append(f"{email}: {len(attempts)} attempts, {len(submitted)} submitted")
            if email in tally.submitted and not submitted:
                problems.append(f"{email}: submission confirmed but not stored")
            if not attempts:
                if confirmed:
                    problems.append(f"{email}: answers confirmed but no attempt stored")
                continue
            stored = {a.question_id: sorted(a.selected) for a in attempts[-1].answers}
            for question_id, keys in confirmed.items():
                if stored.get(question_id) != sorted(keys):
                    problems.append(f"{email}: question {question_id} confirmed {keys}, "
                                    f"stored {stored.get(question_id)}")  # fmt: skip
    engine.dispose()
    return problems


def check_migrated(database_url: str) -> list[str]:
    """The next release's schema is in place and the database records its revision."""
    engine = make_engine(database_url)
    with engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        columns = connection.execute(
            text("SELECT column_name FROM information_schema.columns "
                 "WHERE table_name = 'attempt_answers' AND column_name = 'reviewed_note'")
        ).all()  # fmt: skip
    engine.dispose()
    print(f"schema after the roll: revision {version}, attempt_answers.reviewed_note "
          f"{'present' if columns else 'MISSING'}", flush=True)  # fmt: skip
    if version != "deploy_check" or not columns:
        return [f"migration under load: database at {version}, column present: {bool(columns)}"]
    return []


async def journey(base_url: str, database_url: str, targets: Targets) -> list[str]:
    """One learner through every kind of page, through nginx."""
    problems: list[str] = []
    connector = aiohttp.TCPConnector(limit=0, force_close=True, ssl=False)
    recorder, tally = Recorder(), Tally()
    email, lesson_path, _ = targets.lessons[0]
    browser = Browser(base_url, connector, recorder)
    if not await sign_in(browser, tally, email, targets):
        problems.append("journey: sign-in failed")
    code, body, _ = await send(browser, tally, "lesson", "GET", lesson_path, (200,))
    if code != 200 or "<h1" not in body:
        problems.append(f"journey: lesson answered {code}")
    await browser.close()
    browser = Browser(base_url, connector, recorder)
    since = dt.datetime.now(dt.UTC)
    quiz_taker = targets.cohort[-1]
    await sign_in(browser, tally, quiz_taker, targets)
    await take_quiz(browser, tally, quiz_taker, targets, (0, 0), random.Random(1))  # noqa: S311
    await browser.close()
    if quiz_taker not in tally.submitted:
        problems.append("journey: quiz submission not confirmed")
    problems += check_database(database_url, targets.quiz_day_quiz, tally, since)
    # Only the seed's signing learners can sign in (seeding.credentials).
    signers = [learner_email(n) for n in signing_learners(len(targets.cohort))]
    engine = make_engine(database_url)
    with Session(engine) as session:
        owner, public_id = session.execute(
            select(User.email, Certificate.public_id).join(User, User.id == Certificate.user_id)
            .where(Certificate.revoked_at.is_(None), User.email.in_(signers)).limit(1)
        ).one()  # fmt: skip
    engine.dispose()
    browser = Browser(base_url, connector, recorder)
    await sign_in(browser, tally, owner, targets)
    async with browser.session.get(
        f"{base_url}/certificates/{public_id}/certificate.pdf", allow_redirects=False
    ) as response:  # bytes, not text: Browser.request decodes bodies
        pdf = await response.read()
        if response.status != 200 or not pdf.startswith(b"%PDF"):
            problems.append(f"journey: certificate PDF answered {response.status}")
    await browser.close()
    await connector.close()
    if tally.failed:
        problems.append(f"journey: {tally.failed} failed requests {dict(tally.failed_steps)}")
    print(f"journey: sign-in, lesson, quiz ({len(tally.confirmed.get(quiz_taker, {}))} answers "
          f"autosaved and submitted), certificate PDF: "
          f"{'ok' if not problems else 'PROBLEMS'}", flush=True)  # fmt: skip
    return problems


def report(name: str, tally: Tally, recorder: Recorder, seconds: float) -> None:
    """Print what the learners saw."""
    overall = recorder.summary()["overall"]
    print(f"{name}: {len(tally.confirmed)} learners, {len(tally.submitted)} submissions confirmed, "
          f"{overall['requests']} answers + {overall['exceptions']} connection errors in "
          f"{seconds:.0f} s; p50 {overall['p50_ms']} ms, p95 {overall['p95_ms']} ms; "
          f"failed requests (before retry) {tally.failed}, unrecovered {tally.unrecovered} "
          f"{dict(tally.failed_steps)}", flush=True)  # fmt: skip


def main() -> None:
    """Run the three parts; exit 1 if learners lost anything."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="https://127.0.0.1:8443")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--learners", type=int, default=150)
    parser.add_argument("--ramp", type=float, default=20)
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0))
    parser.add_argument("--kill-at", type=float, default=25, help="seconds into quiz day")
    parser.add_argument("--down-for", type=float, default=10, help="seconds before restarting")
    parser.add_argument(
        "--next-release",
        help="a code folder with one more (online) migration: applied under load, then rolled onto",
    )
    parser.add_argument(
        "--strict-rolling",
        action="store_true",
        help="fail on any request that failed (even if retried) during the rolling restart",
    )
    args = parser.parse_args()
    targets = load_targets(args.database_url)
    problems = asyncio.run(journey(args.base_url, args.database_url, targets))
    emails = targets.cohort[: min(args.learners, len(targets.cohort) - 1)]
    think = tuple(args.think)

    async def kill_and_restart() -> None:
        await asyncio.sleep(args.kill_at)
        await run_local("kill-app", "1")
        killed = time.perf_counter()
        await asyncio.sleep(args.down_for)
        await run_local("start-app", "1")
        print(f"app server 1 back after {time.perf_counter() - killed:.0f} s", flush=True)

    since = dt.datetime.now(dt.UTC)
    tally, recorder, seconds = asyncio.run(
        crowd(args.base_url, emails, targets, args.ramp, think, kill_and_restart)
    )
    report("quiz day with app server 1 SIGKILLed", tally, recorder, seconds)
    lost = check_database(args.database_url, targets.quiz_day_quiz, tally, since)
    print(f"lost or doubled answers: {len(lost)}", flush=True)
    problems += lost
    if tally.unrecovered:
        problems.append(f"kill: {tally.unrecovered} requests failed even after retrying")

    release = (args.next_release,) if args.next_release else ()

    async def rolling_restart() -> None:
        await asyncio.sleep(args.ramp / 2)
        if release:
            began = time.perf_counter()
            await run_local("migrate", *release)
            print(f"next release's migration applied under load in "
                  f"{time.perf_counter() - began:.1f} s", flush=True)  # fmt: skip
        for server in ("1", "2"):
            began = time.perf_counter()
            await run_local("restart-app", server, *release)
            print(f"app server {server} restarted in {time.perf_counter() - began:.0f} s",
                  flush=True)  # fmt: skip

    since = dt.datetime.now(dt.UTC)
    tally, recorder, seconds = asyncio.run(
        crowd(args.base_url, emails, targets, args.ramp, think, rolling_restart)
    )
    report("migration + rolling restart of both app servers" if release else
           "rolling restart of both app servers", tally, recorder, seconds)  # fmt: skip
    if release:
        problems += check_migrated(args.database_url)
    lost = check_database(args.database_url, targets.quiz_day_quiz, tally, since)
    print(f"lost or doubled answers: {len(lost)}", flush=True)
    problems += lost
    if tally.unrecovered:
        problems.append(f"rolling restart: {tally.unrecovered} requests failed even after retrying")
    if tally.failed and args.strict_rolling:
        problems.append(f"rolling restart: {tally.failed} failed requests")
    for problem in problems[:40]:
        print("PROBLEM:", problem)
    print("deploy check:", "FAILED" if problems else "passed", flush=True)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
