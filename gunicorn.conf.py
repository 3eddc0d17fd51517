"""Gunicorn settings for production; ``gunicorn wsgi:app`` reads this file from the project root.

Each setting can be changed from the environment (names below) or on the command line,
which wins over this file. Workers keep nothing between requests: sessions are signed
cookies, rate limits live in Redis (``RATELIMIT_STORAGE_URI``), records in PostgreSQL
(``DATABASE_URL``), so any number of workers on any number of machines serve alike.
"""

from __future__ import annotations

import os


def _number(name: str, default: int) -> int:
    """An integer setting from the environment."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cpus() -> int:
    """CPUs this process may run on (a container's cpuset, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


#: Where to listen: behind the reverse proxy, on the app server's private address.
bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
#: Gunicorn's rule of thumb: two per CPU plus one, so a worker waiting on the database
#: does not leave a CPU idle, and sign-ins hashing passwords do not hold up every page.
workers = _number("GUNICORN_WORKERS", 2 * _cpus() + 1)
#: Sync workers (one request each at a time) are the measured default; with more than one
#: thread Gunicorn switches to its threaded worker, which also keeps connections alive.
threads = _number("GUNICORN_THREADS", 1)
#: A request still running after this many seconds is abandoned and its worker replaced.
timeout = _number("GUNICORN_TIMEOUT", 30)
graceful_timeout = _number("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _number("GUNICORN_KEEPALIVE", 5)
#: Recycle a worker after this many requests (0: never). Off by default: a restart costs a
#: second of start-up, and no leak calls for it; set it if memory ever grows.
max_requests = _number("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10
#: Connections waiting for a worker; the reverse proxy queues the rest.
backlog = _number("GUNICORN_BACKLOG", 2048)
#: Access log and errors to stdout/stderr, for the container runtime or journald.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
#: The usual combined format plus the time taken (ms) and the request id nginx made, which
#: its access log and the audit log also carry.
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms rid=%({x-request-id}i)s'
)
#: Worker heartbeats in memory: a container's overlay filesystem can stall them.
_SHARED_MEMORY = "/dev/shm"  # noqa: S108 (the heartbeat location Gunicorn's docs advise)
worker_tmp_dir = _SHARED_MEMORY if os.path.isdir(_SHARED_MEMORY) else None
#: Each worker builds its own app and database engine; nothing is shared across a fork.
preload_app = False
