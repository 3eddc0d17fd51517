"""The instructor insight page on the busiest course, timed one request at a time."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from client import Browser, Recorder, summarise
from seeding.seed import INSTRUCTOR_EMAIL
from targets import Targets


async def _measure(base_url: str, path: str, password: str, requests: int) -> dict[str, Any]:
    connector = aiohttp.TCPConnector(limit=1)
    browser = Browser(base_url, connector, Recorder())
    if not await browser.sign_in(INSTRUCTOR_EMAIL, password):
        raise SystemExit("the bench instructor could not sign in")
    await browser.request("warm-up", "GET", path, (200,))  # first use of a worker
    measured = Recorder()
    browser.recorder = measured
    for _ in range(requests):
        await browser.request("insight", "GET", path, (200,))
    await browser.close()
    await connector.close()
    samples = measured.latencies["insight"]
    return summarise(samples) | {"path": path, "failures": measured.failures["insight"]}


def insight_latency(base_url: str, targets: Targets, requests: int = 15) -> dict[str, Any]:
    """Median and p95 of the insight page for the course with the most enrollments."""
    path = f"/teaching/{targets.busiest_course}/insight"
    return asyncio.run(_measure(base_url, path, targets.password(INSTRUCTOR_EMAIL), requests))
