"""Quiz day: thousands of learners sign in and take a 16-question quiz with think time.

The scenario of a published Moodle load test (2,000 simulated users through a
16-question quiz), on one machine. Each simulated learner, starting at an even pace
over the ramp:

1. opens the sign-in page, signs in (Argon2id, as in production) and lands on the dashboard;
2. enrolls (already enrolled: the site keeps the existing enrollment);
3. opens the quiz page and starts an attempt, which opens the attempt page;
4. answers the 16 questions one by one, thinking before each; every answer is saved
   as the page's script saves it (POST with ``X-Autosave: 1``, answered 204);
5. submits and reads the result.

Every request is timed; anything but the expected status, a refused connection or a
timeout counts as an error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from client import Browser, Recorder, location_path
from targets import Targets, load_targets

CHOICE = re.compile(r'name="q-(\d+)" id="q-\d+-\d+" value="(\d+)"')


@dataclass(frozen=True)
class Pace:
    """How fast learners arrive and how long they think."""

    ramp_seconds: float = 180
    #: Seconds spent on each question before answering it (uniform between the two).
    question_seconds: tuple[float, float] = (10, 30)
    #: Seconds on each other page before the next click.
    page_seconds: tuple[float, float] = (2, 6)
    #: Share of questions answered correctly (the rest get another choice).
    right_share: float = 0.85


async def learner(
    email: str,
    delay: float,
    base_url: str,
    targets: Targets,
    pace: Pace,
    connector: aiohttp.BaseConnector,
    recorder: Recorder,
    finished: list[int],
) -> None:
    """One learner's quiz day, from the sign-in page to the result."""
    rng = random.Random(email)  # noqa: S311 (think times, not secrets)
    await asyncio.sleep(delay)
    browser = Browser(base_url, connector, recorder)

    async def think(bounds: tuple[float, float]) -> None:
        await asyncio.sleep(rng.uniform(*bounds))

    course = f"/courses/{targets.quiz_day_course}"
    quiz = f"{course}/quizzes/{targets.quiz_day_quiz}"
    try:
        if not await browser.sign_in(email, targets.password(email)):
            return
        await think(pace.page_seconds)
        await browser.request("enroll", "POST", f"{course}/enroll", (302,),
                              data={"csrf_token": browser.csrf})  # fmt: skip
        await browser.request("quiz page", "GET", quiz, (200,))
        await think(pace.page_seconds)
        _, _, location = await browser.request(
            "start", "POST", f"{quiz}/start", (302,), data={"csrf_token": browser.csrf}
        )
        attempt = location_path(location)
        if not attempt.startswith("/attempts/"):  # refused: sent back to the quiz page
            recorder.failures["start"] += 1
            return
        _, page, _ = await browser.request("attempt page", "GET", attempt, (200,))
        choices: dict[int, list[int]] = {}
        for question_id, key in CHOICE.findall(page):
            choices.setdefault(int(question_id), []).append(int(key))
        answers: list[tuple[str, str]] = []
        for question_id, keys_shown in choices.items():
            await think(pace.question_seconds)
            right = targets.quiz_day_answers[question_id]
            wrong = [next(k for k in keys_shown if k not in right)]
            keys = right if rng.random() < pace.right_share else wrong
            answers += [(f"q-{question_id}", str(key)) for key in keys]
            await browser.request(
                "autosave", "POST", attempt, (204,),
                data=[*answers, ("action", "save"), ("csrf_token", browser.csrf)],
                headers={"X-Autosave": "1"},
            )  # fmt: skip
        await think(pace.page_seconds)
        _, _, result = await browser.request(
            "submit", "POST", attempt, (302,),
            data=[*answers, ("action", "submit"), ("csrf_token", browser.csrf)],
        )  # fmt: skip
        if result:
            await browser.request("result page", "GET", location_path(result), (200,))
            finished[0] += 1
    finally:
        await browser.close()


async def _run(base_url: str, targets: Targets, users: int, pace: Pace) -> dict[str, Any]:
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    recorder = Recorder()
    finished = [0]
    emails = targets.cohort[:users]
    began = time.perf_counter()
    await asyncio.gather(
        *(
            learner(email, i * pace.ramp_seconds / len(emails), base_url, targets, pace,
                    connector, recorder, finished)
            for i, email in enumerate(emails)
        )
    )  # fmt: skip
    await connector.close()
    summary = recorder.summary()
    return {
        "users": len(emails),
        "finished": finished[0],
        "seconds": round(time.perf_counter() - began, 1),
        "pace": {
            "ramp_seconds": pace.ramp_seconds,
            "question_seconds": list(pace.question_seconds),
            "page_seconds": list(pace.page_seconds),
        },
        "overall": summary["overall"],
        "steps": summary["steps"],
        "windows": recorder.windows(),
    }


def quiz_day(base_url: str, targets: Targets, users: int, pace: Pace) -> dict[str, Any]:
    """Run the scenario; return counts, errors and percentiles, overall and per step."""
    if len(targets.cohort) < users:
        raise SystemExit(f"need {users} quiz-day learners; the seed made {len(targets.cohort)}")
    return asyncio.run(_run(base_url, targets, users, pace))


def main() -> None:
    """Run quiz day against a server that is already up (``bench/run.py`` starts one)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8765")
    parser.add_argument("--database-url", required=True, help="the seeded database")
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--ramp", type=float, default=180, help="seconds to start every user")
    parser.add_argument("--think", type=float, nargs=2, default=(10, 30), metavar=("MIN", "MAX"),
                        help="seconds per question")  # fmt: skip
    args = parser.parse_args()
    targets = load_targets(args.database_url)
    result = quiz_day(
        args.base_url,
        targets,
        args.users,
        Pace(args.ramp, tuple(args.think)),  # type: ignore[arg-type]
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
