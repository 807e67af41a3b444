"""The load bench's polite-client mode: many clients, each sending a few clip searches and
retrying a refused one after its `Retry-After`, as HTTP asks of a client.

    .venv/bin/python -m bench.load --polite [--clients 64] [--searches 3] [--max-tries 10]

One client alone first (`--solo` searches one after another: the goodput and the idle
latency to compare with), then all clients at once, each opening a connection per try
(`Connection: close`).
A search is answered (200), refused (503: sleep Retry-After, try again, at most
`--max-tries` tries), given up (still refused after that many), or failed (any other
status). An attempt that ends in a transport error (a broken pipe or a reset connection:
the client never read the server's answer) is counted and retried after a second, like a
refusal. A probe asks `/health` and `/health/ready` every 100 ms throughout
(bench/health_probe.py).
"""

from __future__ import annotations

import asyncio
import errno
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

from bench.health_probe import HealthProbe

BROKEN = {errno.EPIPE, errno.ECONNRESET}
FORM = {"mode": "both", "max_results": "5"}
# A connection per try, as urllib and many scripts do: the case where an answer sent
# before the upload was read reset the connection under the client (issue 22).
CLOSE = {"Connection": "close"}


@dataclass(slots=True)
class PoliteRun:
    clients: int
    searches: int  # per client
    seconds: float = 0.0  # from the first request to the last answer
    answered: int = 0
    gave_up: int = 0
    failed: Counter[int] = field(default_factory=Counter)  # statuses other than 200 and 503
    refusals: int = 0  # 503 answers read, all tries together
    broken: int = 0  # attempts that ended in a broken pipe or a reset
    transport: Counter[str] = field(default_factory=Counter)  # other transport failures
    tries: Counter[int] = field(default_factory=Counter)  # answered searches by tries taken
    retry_after: list[float] = field(default_factory=list)  # seconds, as told
    admitted_ms: list[float] = field(default_factory=list)  # 200 attempts
    health_ms: dict[str, list[float]] = field(default_factory=dict)

    @property
    def goodput(self) -> float:
        """Answered searches a second."""
        return self.answered / self.seconds if self.seconds else 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _broken(error: BaseException) -> bool:
    """A broken pipe or a reset anywhere in the error's chain."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in BROKEN:
            return True
        if "Broken pipe" in str(seen) or "Connection reset" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def _search(
    client: httpx.AsyncClient, query: tuple[str, bytes], run: PoliteRun, max_tries: int
) -> None:
    for tries in range(1, max_tries + 1):
        sent = time.perf_counter()
        try:
            response = await client.post(
                "/api/v1/search", files=[("audio", query)], data=FORM, headers=CLOSE
            )
        except httpx.HTTPError as error:
            if _broken(error):
                run.broken += 1
            else:
                run.transport[type(error).__name__] += 1
            await asyncio.sleep(1.0)
            continue
        if response.status_code == 200:
            run.admitted_ms.append((time.perf_counter() - sent) * 1000)
            run.answered += 1
            run.tries[tries] += 1
            return
        if response.status_code != 503:
            run.failed[response.status_code] += 1
            return
        run.refusals += 1
        wait = float(response.headers.get("retry-after", "1"))
        run.retry_after.append(wait)
        await asyncio.sleep(wait)
    run.gave_up += 1


async def polite_run(
    url: str, queries: list[tuple[str, bytes]], clients: int, searches: int, max_tries: int
) -> PoliteRun:
    """`clients` at once, each sending `searches` searches one after another."""
    run = PoliteRun(clients, searches)
    picks = iter(range(clients * searches))

    async def one_client() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=120) as client:
            for _ in range(searches):
                await _search(client, queries[next(picks) % len(queries)], run, max_tries)

    probe = HealthProbe(url)
    probe.start()
    started = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(clients)))
    run.seconds = time.perf_counter() - started
    run.health_ms, probe_errors = await asyncio.to_thread(probe.stop)
    run.transport.update(probe_errors)
    return run


def solo_header() -> list[str]:
    return [
        "| one client alone | searches | s | searches/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]


def solo_row(solo: PoliteRun) -> str:
    ms = solo.admitted_ms
    return (
        f"| 1 × {solo.searches} | {solo.answered} | {solo.seconds:.1f} | {solo.goodput:.2f} | "
        f"{percentile(ms, 0.5):.0f} | {percentile(ms, 0.95):.0f} | {percentile(ms, 0.99):.0f} |"
    )


def polite_header() -> list[str]:
    return [
        "| clients × searches | answered | gave up | failed | broken pipes | other transport "
        "| 503s read | Retry-After min / p50 / max s | tries p50 / max | s | goodput/s "
        "| vs one alone | admitted p50 / p95 / p99 ms | p99 bound ms | /health p95 / max ms "
        "| /health/ready p95 / max ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]


def polite_row(run: PoliteRun, solo: PoliteRun) -> str:
    ms = run.admitted_ms
    tries = sorted(t for t, n in run.tries.items() for _ in range(n))
    told = run.retry_after
    health = run.health_ms.get("/health", [])
    ready = run.health_ms.get("/health/ready", [])
    bound = 3 * percentile(solo.admitted_ms, 0.99) + 100  # the target: 3 x idle + 100 ms
    failed = ", ".join(f"{k}: {v}" for k, v in sorted(run.failed.items())) or "0"
    transport = ", ".join(f"{k}: {v}" for k, v in sorted(run.transport.items())) or "0"
    ratio = run.goodput / solo.goodput if solo.goodput else float("nan")
    return (
        f"| {run.clients} × {run.searches} | {run.answered} | {run.gave_up} | {failed} "
        f"| {run.broken} | {transport} | {run.refusals} "
        f"| {min(told, default=0):.0f} / {percentile(told, 0.5):.0f} / {max(told, default=0):.0f} "
        f"| {percentile([float(t) for t in tries], 0.5):.0f} / {max(tries, default=0)} "
        f"| {run.seconds:.1f} | {run.goodput:.2f} | {ratio:.2f}× "
        f"| {percentile(ms, 0.5):.0f} / {percentile(ms, 0.95):.0f} / {percentile(ms, 0.99):.0f} "
        f"| {bound:.0f} | {percentile(health, 0.95):.0f} / {max(health, default=0):.0f} "
        f"| {percentile(ready, 0.95):.0f} / {max(ready, default=0):.0f} |"
    )


def verdicts(run: PoliteRun, solo: PoliteRun) -> list[str]:
    """The issue's targets, each met or not, with the numbers."""
    total = run.clients * run.searches
    p99, idle = percentile(run.admitted_ms, 0.99), percentile(solo.admitted_ms, 0.99)
    health = percentile(run.health_ms.get("/health", []), 0.95)
    ratio = run.goodput / solo.goodput if solo.goodput else float("nan")

    def said(ok: bool) -> str:
        return "met" if ok else "**not met**"

    return [
        f"- Every search answered: {said(run.answered == total)} ({run.answered} of {total}; "
        f"{run.gave_up} gave up after the tries allowed).",
        f"- No broken pipe: {said(run.broken == 0)} ({run.broken} attempts).",
        f"- Goodput ≥ 0.9× one client alone: {said(ratio >= 0.9)} ({run.goodput:.2f} / "
        f"{solo.goodput:.2f} searches/s = {ratio:.2f}×).",
        f"- Admitted p99 ≤ 3× idle + 100 ms: {said(p99 <= 3 * idle + 100)} ({p99:.0f} ms ≤ "
        f"3 × {idle:.0f} + 100 = {3 * idle + 100:.0f} ms).",
        f"- /health p95 < 100 ms: {said(health < 100)} ({health:.0f} ms).",
    ]


async def solo_run(url: str, queries: list[tuple[str, bytes]], searches: int) -> PoliteRun:
    """One client alone: `searches` searches one after another (after one not counted)."""
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        await client.post("/api/v1/search", files=[("audio", queries[-1])], data=FORM)
    return await polite_run(url, queries, 1, searches, 1)
