"""What the load scripts share: a browser-like session per learner and latency bookkeeping.

aiohttp drives thousands of sessions from one process (each with its own cookie jar),
which a thread per user could not do on two cores shared with the server.
"""

from __future__ import annotations

import re
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import aiohttp

USER_AGENT = "groundwork-bench"
#: A form's CSRF field: every page's sign-out form once signed in, the sign-in form before.
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
#: Seconds before a request counts as failed (Gunicorn's own timeout is 30 s).
REQUEST_TIMEOUT = 30


def percentile(samples: list[float], share: float) -> float:
    """The ``share`` quantile (0-1) by the nearest-rank method; 0 for no samples."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    rank = max(1, round(share * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Recorder:
    """Latencies (ms) and failures per step of a scenario."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    failures: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    #: Requests that raised (refused, reset, timed out) instead of answering.
    exceptions: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    #: (seconds since the recorder was made, ms) of every answer, for a timeline.
    timeline: list[tuple[float, float]] = field(default_factory=list)
    began: float = field(default_factory=time.perf_counter)

    def status(self, step: str, code: int, expected: tuple[int, ...], ms: float) -> None:
        """Record one answer; anything not ``expected`` counts as a failure."""
        self.latencies[step].append(ms)
        self.timeline.append((time.perf_counter() - self.began, ms))
        self.statuses[step][code] += 1
        if code not in expected:
            self.failures[step] += 1

    def windows(self, seconds: float = 30) -> list[dict[str, Any]]:
        """Requests per second and p95 in consecutive windows of ``seconds``."""
        buckets: dict[int, list[float]] = defaultdict(list)
        for at, ms in self.timeline:
            buckets[int(at // seconds)].append(ms)
        return [
            {
                "from_s": int(index * seconds),
                "rps": round(len(samples) / seconds, 1),
                "p50_ms": round(percentile(samples, 0.5), 1),
                "p95_ms": round(percentile(samples, 0.95), 1),
            }
            for index, samples in sorted(buckets.items())
        ]

    def summary(self) -> dict[str, Any]:
        """Counts and percentiles per step and overall."""
        steps = {}
        everything: list[float] = []
        for step, samples in sorted(self.latencies.items()):
            everything += samples
            steps[step] = summarise(samples) | {
                "failures": self.failures[step],
                "exceptions": self.exceptions[step],
                "statuses": dict(self.statuses[step]),
            }
        for step, count in self.exceptions.items():
            steps.setdefault(step, {"requests": 0, "failures": 0, "exceptions": count})
        server_errors = sum(
            n for codes in self.statuses.values() for code, n in codes.items() if code >= 500
        )
        return {
            "overall": summarise(everything)
            | {
                "failures": sum(self.failures.values()),
                "exceptions": sum(self.exceptions.values()),
                "server_errors": server_errors,
            },
            "steps": steps,
        }


def summarise(samples: list[float]) -> dict[str, Any]:
    """Requests, p50, p95, p99 and max in milliseconds."""
    return {
        "requests": len(samples),
        "p50_ms": round(percentile(samples, 0.50), 1),
        "p95_ms": round(percentile(samples, 0.95), 1),
        "p99_ms": round(percentile(samples, 0.99), 1),
        "max_ms": round(max(samples), 1) if samples else 0.0,
        "mean_ms": round(statistics.fmean(samples), 1) if samples else 0.0,
    }


class Browser:
    """One learner's browser: cookies, the CSRF token, timed requests without redirects."""

    def __init__(self, base_url: str, connector: aiohttp.BaseConnector, recorder: Recorder):
        self.base_url = base_url.rstrip("/")
        self.recorder = recorder
        self.csrf = ""
        self.session = aiohttp.ClientSession(
            connector=connector,
            connector_owner=False,
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies for 127.0.0.1
            headers={"User-Agent": USER_AGENT},
            timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
        )

    async def close(self) -> None:
        """Release the session (the shared connector stays open)."""
        await self.session.close()

    async def request(
        self,
        step: str,
        method: str,
        path: str,
        expected: tuple[int, ...],
        data: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str, str]:
        """Send one request; return status, body and Location (empty on failure)."""
        started = time.perf_counter()
        try:
            async with self.session.request(
                method,
                self.base_url + path,
                data=data,
                headers=headers,
                allow_redirects=False,
            ) as response:
                body = await response.text()
                location = response.headers.get("Location", "")
                code = response.status
        except (aiohttp.ClientError, TimeoutError):
            self.recorder.exceptions[step] += 1
            return 0, "", ""
        self.recorder.status(step, code, expected, (time.perf_counter() - started) * 1000)
        match = CSRF_FIELD.search(body)
        if match:
            self.csrf = match.group(1)
        return code, body, location

    async def sign_in(self, email: str, password: str) -> bool:
        """Open the sign-in page, sign in, and land on the dashboard as a person would.

        Signing in starts a fresh session, so the page after it carries the new CSRF token.
        """
        await self.request("sign-in page", "GET", "/sign-in", (200,))
        code, _, location = await self.request(
            "sign in",
            "POST",
            "/sign-in",
            (302,),
            data={"email": email, "password": password, "csrf_token": self.csrf},
        )
        if code != 302:
            return False
        code, _, _ = await self.request("dashboard", "GET", location_path(location), (200,))
        return code == 200

    def cookie_header(self) -> str:
        """The session cookie as a Cookie header, for a load generator that reuses it."""
        return "; ".join(f"{c.key}={c.value}" for c in self.session.cookie_jar)


def location_path(location: str) -> str:
    """The path of a redirect target, whether absolute or relative."""
    if "://" in location:
        location = "/" + location.split("://", 1)[1].split("/", 1)[1]
    return location
