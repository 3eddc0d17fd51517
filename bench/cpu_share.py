"""Where the machine's CPU goes during a benchmark: CPU seconds per process group, per window.

Reads /proc every ``--every`` seconds and prints, per window, the share of the machine's
CPU (all cores = 100 %) spent by the benchmark's Gunicorn workers, its PostgreSQL
backends, the load client, and everything else (on a shared machine, other people's
work). Linux only; run beside ``bench/run.py``::

    .venv/bin/python bench/cpu_share.py --seconds 600 > cpu.tsv
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
GROUPS = ("gunicorn", "postgres (bench)", "postgres (other)", "load client", "other")


def group_of(cmdline: str) -> str:
    """The group a process belongs to, from its command line."""
    if "wsgi_bench:app" in cmdline:
        return "gunicorn"
    if cmdline.startswith("postgres") or "/postgres" in cmdline.split(" ", 1)[0]:
        return "postgres (bench)" if "groundwork_bench" in cmdline else "postgres (other)"
    if "bench/run.py" in cmdline or "quizday.py" in cmdline:
        return "load client"
    return "other"


def snapshot() -> dict[int, tuple[str, float]]:
    """CPU seconds used so far by every process, with its group."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        used = (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
        found[int(entry.name)] = (group_of(cmdline), used)
    return found


def main() -> None:
    """Print one tab-separated line per window: seconds, load average, then each group's %."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--every", type=float, default=10)
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    print("t_s\tload1", *GROUPS, sep="\t", flush=True)
    began = time.monotonic()
    before, then = snapshot(), began
    while time.monotonic() - began < args.seconds:
        time.sleep(args.every)
        now, after = time.monotonic(), snapshot()
        spent = dict.fromkeys(GROUPS, 0.0)
        for pid, (group, used) in after.items():
            spent[group] += used - before.get(pid, (group, 0.0))[1]
        share = [f"{100 * spent[g] / ((now - then) * cores):.0f}" for g in GROUPS]
        load = Path("/proc/loadavg").read_text().split()[0]
        print(f"{now - began:.0f}\t{load}", *share, sep="\t", flush=True)
        before, then = after, now


if __name__ == "__main__":
    main()
