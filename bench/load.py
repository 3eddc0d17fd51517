"""Lesson page, verification page and quiz submission under load, beside their ceilings.

GET pages are driven by wrk (C, about a hundredth of the server's CPU per request, so
the two cores stay with the server), rotating through many signed-in learners and
certificates. Ceilings and pages run in the same rounds against the same server, so
each ratio compares figures taken minutes apart under the same conditions. Quiz
submission needs a fresh attempt each time, so it is driven by aiohttp clients that
start, open and submit attempts in a loop.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

import aiohttp
from client import Browser, Recorder, location_path, summarise
from targets import Targets

HERE = Path(__file__).resolve().parent
#: Route name -> what its ratio is taken against.
CEILING_OF = {"lesson": "template", "verify": "minimal"}
ROUTES = ("minimal", "template", "lesson", "verify")
QUESTION_FIELD = re.compile(r'name="(q-\d+)" id="q-\d+-\d+" value="(\d+)"')


def run_wrk(url: str, targets_file: Path, seconds: int, connections: int) -> dict[str, Any]:
    """One wrk run; its Lua script prints a JSON line of counts and percentiles."""
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
        "-s", str(HERE / "wrk_targets.lua"), url, "--", str(targets_file),
    ]  # fmt: skip
    # The command is built here from fixed words, a URL and a path this script wrote.
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    result = json.loads(output.strip().splitlines()[-1])
    seconds_taken = result["duration_us"] / 1e6
    errors = sum(result[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return {
        "rps": round(result["requests"] / seconds_taken, 1),
        "p50_ms": round(result["p50_us"] / 1000, 1),
        "p95_ms": round(result["p95_us"] / 1000, 1),
        "p99_ms": round(result["p99_us"] / 1000, 1),
        "requests": result["requests"],
        "bytes_per_response": round(result["bytes"] / max(1, result["requests"])),
        "status_errors": result["status_errors"],
        "socket_errors": errors,
    }


async def sign_in_readers(base_url: str, targets: Targets) -> dict[str, str]:
    """Sign in every lesson reader once; check each lesson opens; return their cookies."""
    connector = aiohttp.TCPConnector(limit=4)
    recorder = Recorder()
    cookies: dict[str, str] = {}

    async def one(email: str, path: str) -> None:
        browser = Browser(base_url, connector, recorder)
        if await browser.sign_in(email, targets.password(email)):
            code, _, _ = await browser.request("lesson check", "GET", path, (200,))
            if code == 200:
                cookies[email] = browser.cookie_header()
        await browser.close()

    await asyncio.gather(*(one(email, path) for email, path, _ in targets.lessons))
    await connector.close()
    if len(cookies) < len(targets.lessons):
        raise SystemExit(f"only {len(cookies)} of {len(targets.lessons)} lesson readers signed in")
    return cookies


def target_files(workdir: Path, targets: Targets, cookies: dict[str, str]) -> dict[str, Path]:
    """One file of request lines per route, for the wrk script."""
    lines = {
        "minimal": ["/_bench/minimal"],
        "template": [f"/_bench/template/{lesson_id}" for _, _, lesson_id in targets.lessons],
        "lesson": [f"{path}\t{cookies[email]}" for email, path, _ in targets.lessons],
        "verify": [f"/verify/{public_id}" for public_id in targets.certificates],
    }
    files = {}
    for route, requests in lines.items():
        files[route] = workdir / f"targets-{route}.txt"
        files[route].write_text("\n".join(requests) + "\n")
    return files


def page_benchmarks(
    base_url: str,
    targets: Targets,
    workdir: Path,
    seconds: int = 15,
    rounds: int = 3,
    connections: int = 16,
) -> dict[str, Any]:
    """Rounds of ceiling, lesson and verification runs; each ratio taken within its round."""
    cookies = asyncio.run(sign_in_readers(base_url, targets))
    files = target_files(workdir, targets, cookies)
    for route in ROUTES:  # warm every worker's caches and connection pools
        run_wrk(base_url, files[route], 3, connections)
    runs: dict[str, list[dict[str, Any]]] = {route: [] for route in ROUTES}
    for _ in range(rounds):
        for route in ROUTES:
            runs[route].append(run_wrk(base_url, files[route], seconds, connections))
    results: dict[str, Any] = {"connections": connections, "seconds": seconds, "rounds": rounds}
    for route in ROUTES:
        samples = runs[route]
        results[route] = {
            "rps": round(statistics.median(r["rps"] for r in samples), 1),
            "p50_ms": round(statistics.median(r["p50_ms"] for r in samples), 1),
            "p95_ms": round(statistics.median(r["p95_ms"] for r in samples), 1),
            "bytes_per_response": samples[0]["bytes_per_response"],
            "errors": sum(r["status_errors"] + r["socket_errors"] for r in samples),
            "runs": samples,
        }
    for route, ceiling in CEILING_OF.items():
        ratios = [
            mine["rps"] / theirs["rps"]
            for mine, theirs in zip(runs[route], runs[ceiling], strict=True)
        ]
        results[route]["ratio"] = round(statistics.median(ratios), 3)
        results[route]["ratio_range"] = [round(min(ratios), 3), round(max(ratios), 3)]
        results[route]["ceiling"] = ceiling
    return results


async def _submitter(
    base_url: str,
    email: str,
    targets: Targets,
    connector: aiohttp.BaseConnector,
    recorder: Recorder,
    ready: asyncio.Barrier,
    deadline: list[float],
    pause: float,
) -> None:
    """Sign in, then start, open, submit and read attempts until the deadline.

    With ``pause``, the learner waits about that many seconds before each action.
    """
    browser = Browser(base_url, connector, Recorder())  # sign-in is not what is measured
    signed_in = await browser.sign_in(email, targets.password(email))
    await ready.wait()
    browser.recorder = recorder
    rng = random.Random(email)  # noqa: S311 (pauses, not secrets)

    async def think() -> None:
        if pause:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * pause)

    start = f"/courses/{targets.quiz_day_course}/quizzes/{targets.quiz_day_quiz}/start"
    try:
        while signed_in and time.perf_counter() < deadline[0]:
            await think()
            _, _, location = await browser.request(
                "start", "POST", start, (302,), data={"csrf_token": browser.csrf}
            )
            attempt = location_path(location)
            if not attempt.startswith("/attempts/"):  # refused: sent back to the quiz page
                recorder.failures["start"] += 1
                return
            _, page, _ = await browser.request("attempt page", "GET", attempt, (200,))
            answers = dict(QUESTION_FIELD.findall(page))  # the last choice of each question
            answers |= {"action": "submit", "csrf_token": browser.csrf}
            await think()
            _, _, result = await browser.request("submit", "POST", attempt, (302,), data=answers)
            if result:
                await browser.request("result page", "GET", location_path(result), (200,))
    finally:
        await browser.close()


async def _quiz_submissions(
    base_url: str, targets: Targets, clients: int, seconds: int, pause: float
) -> dict[str, Any]:
    connector = aiohttp.TCPConnector(limit=0)
    recorder = Recorder()
    ready = asyncio.Barrier(clients + 1)
    deadline = [float("inf")]
    tasks = [
        asyncio.create_task(
            _submitter(base_url, email, targets, connector, recorder, ready, deadline, pause)
        )
        for email in targets.cohort[:clients]
    ]
    await ready.wait()
    began = time.perf_counter()
    deadline[0] = began + seconds
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - began
    await connector.close()
    summary = recorder.summary()
    submits = summary["steps"].get("submit", summarise([]))
    return {
        "clients": clients,
        "pause_seconds": pause,
        "seconds": round(elapsed, 1),
        "submissions_per_second": round(submits["requests"] / elapsed, 1),
        "requests_per_second": round(summary["overall"]["requests"] / elapsed, 1),
        "submit": submits,
        "overall": summary["overall"],
        "steps": summary["steps"],
    }


def quiz_submissions(
    base_url: str, targets: Targets, clients: int = 50, seconds: int = 30, pause: float = 0
) -> dict[str, Any]:
    """``clients`` learners submitting the 16-question quiz, back to back unless ``pause``.

    A small seed has fewer quiz-day learners than that; the report says how many ran.
    """
    clients = min(clients, len(targets.cohort))
    return asyncio.run(_quiz_submissions(base_url, targets, clients, seconds, pause))
