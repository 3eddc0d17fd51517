"""The results of ``bench/run.py`` as Markdown tables, each figure beside its target."""

from __future__ import annotations

from typing import Any


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _load(phase: dict[str, Any]) -> str:
    machine = phase.get("machine", {})
    if not machine:
        return ""
    return f"load {'/'.join(machine['load_average'])}, CPUs {machine['cpu_busy']:.0%} busy"


def pages(run: dict[str, Any]) -> list[str]:
    """Requests per second and latency of each page beside its ceiling."""
    if "pages" not in run:
        return []
    p = run["pages"]
    lines = [
        f"Pages ({run['database']}; wrk, {p['connections']} connections, median of "
        f"{p['rounds']} rounds of {p['seconds']} s; {_load(p)}):",
        "",
        "| route | req/s | p50 ms | p95 ms | bytes | ratio | target | met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    targets = {"lesson": ("template", 0.6), "verify": ("minimal", 0.6)}
    for route in ("minimal", "template", "lesson", "verify"):
        r = p[route]
        ratio = target = met = ""
        if route in targets:
            ceiling, wanted = targets[route]
            low, high = r["ratio_range"]
            ratio = f"{r['ratio']:.2f} of {ceiling} ({low:.2f}-{high:.2f})"
            target, met = f">= {wanted:.2f}", _met(r["ratio"] >= wanted)
        lines.append(
            f"| {route} | {r['rps']:.0f} | {r['p50_ms']} | {r['p95_ms']} | "
            f"{r['bytes_per_response']} | {ratio} | {target} | {met} |"
        )
    errors = sum(p[route]["errors"] for route in ("minimal", "template", "lesson", "verify"))
    lines += ["", f"Errors across the page runs: {errors}.", ""]
    return lines


def quiz_submission(run: dict[str, Any], key: str = "quiz_submission") -> list[str]:
    """Submit latency at 50 clients, seen by the clients and by Gunicorn."""
    if key not in run:
        return []
    q = run[key]
    server = q["server_side"].get("submit", {})
    submit = q["submit"]
    how = (
        f"pausing about {q['pause_seconds']:g} s per action"
        if q.get("pause_seconds")
        else ("back to back")
    )
    return [
        f"Quiz submission ({run['database']}; {q['clients']} clients {how} for "
        f"{q['seconds']} s; {_load(q)}): {q['submissions_per_second']} submissions/s, "
        f"{q['requests_per_second']} requests/s in all; submit p50 {submit['p50_ms']} ms, "
        f"p95 {submit['p95_ms']} ms (target < 100: {_met(submit['p95_ms'] < 100)}); "
        f"inside Gunicorn p50 {server.get('p50_ms')} ms, p95 {server.get('p95_ms')} ms; "
        f"failures {q['overall']['failures'] + q['overall']['exceptions']}.",
        "",
    ]


def insight(run: dict[str, Any]) -> list[str]:
    """The insight page timed alone."""
    if "insight" not in run:
        return []
    i = run["insight"]
    return [
        f"Insight ({run['database']}; {i['path']}, {i['requests']} requests one at a time): "
        f"p50 {i['p50_ms']} ms, p95 {i['p95_ms']} ms, max {i['max_ms']} ms "
        f"(target < 500: {_met(i['p95_ms'] < 500)}).",
        "",
    ]


def quiz_day(run: dict[str, Any]) -> list[str]:
    """Errors and latency of the quiz-day scenario, overall and per step."""
    if "quiz_day" not in run:
        return []
    q = run["quiz_day"]
    overall = q["overall"]
    errors = overall["failures"] + overall["exceptions"]
    pace = q["pace"]
    lines = [
        f"Quiz day ({run['database']}; {q['users']} learners over a {pace['ramp_seconds']:g} s "
        f"ramp, {pace['question_seconds'][0]:g}-{pace['question_seconds'][1]:g} s per question; "
        f"{q['seconds']} s; {_load(q)}): {q['finished']} finished, {overall['requests']} "
        f"requests, errors {errors} (5xx {overall['server_errors']}), p50 {overall['p50_ms']} ms, "
        f"p95 {overall['p95_ms']} ms (target: no errors and p95 < 300: "
        f"{_met(errors == 0 and overall['p95_ms'] < 300)}).",
        "",
        "| step | requests | errors | p50 ms | p95 ms | max ms | in Gunicorn p95 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    server = q["server_side"]
    for step, s in q["steps"].items():
        inside = server.get(step, {}).get("p95_ms", "")
        lines.append(
            f"| {step} | {s['requests']} | {s['failures'] + s['exceptions']} | "
            f"{s.get('p50_ms', '')} | {s.get('p95_ms', '')} | {s.get('max_ms', '')} | {inside} |"
        )
    lines += ["", "Per 30 s: " + ", ".join(
        f"{w['from_s']} s: {w['rps']} req/s p95 {w['p95_ms']}" for w in q["windows"]
    ) + ".", ""]  # fmt: skip
    return lines


def markdown(results: dict[str, Any]) -> str:
    """Every table, with the machine and the date first."""
    m = results["machine"]
    dirty = " with uncommitted changes" if m.get("uncommitted_changes") else ""
    lines = [
        f"# Groundwork benchmarks, {m['date']}",
        "",
        f"{m['cpus']} CPUs ({m['cpu']}), {m['memory_gib']} GiB; Python {m['python']}, "
        f"Gunicorn {m['gunicorn']} ({results.get('workers', 2)} workers, "
        f"{results.get('threads', 1)} thread(s) each), "
        f"PostgreSQL {m['postgresql']}, SQLite {m['sqlite']}, wrk {m['wrk']}; "
        f"scale {results['scale']:g}; commit {m.get('commit', '?')}{dirty}.",
        "",
    ]
    for run in results["runs"]:
        lines += [f"## {run['database']} ({run['learners']:,} learners)", ""]
        if "seed" in run:
            lines += [f"Seeded in {run['seed']['seconds']} s ({_load(run['seed'])}):", "", "```"]
            lines += [*run["seed"]["output"][-13:], "```", ""]
        lines += pages(run) + quiz_submission(run) + quiz_submission(run, "quiz_submission_paced")
        lines += insight(run) + quiz_day(run)
    if "certificates" in results:
        lines += ["## Certificates (bench/bench_certificates.py)", "", "```"]
        lines += results["certificates"]["output"] + ["```", ""]
    return "\n".join(lines)
