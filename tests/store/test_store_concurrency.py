"""Many clients at once: 24 processes (freight and military mixed) allocate on one store.

Each process plans against its own snapshot without any lock and writes in a
short checked transaction; a plan overtaken by another allocation is planned
again. The test measures, per allocation, the time spent planning, the time
waiting for the write lock and the time holding it (by wrapping the store's
write transaction in the child, no hook in the product), and checks: every
allocation written or refused with a reason, no "database is locked", no
double-booked block, and no write transaction long enough to hold a search.

The kill test SIGKILLs processes while they are inside the write transaction
and finds every allocation whole or absent.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from railcap.model.errors import RailcapError
from railcap.occupancy import find_conflicts
from railcap.services import paths
from railcap.store import allocations as store
from tests.store.small_day import request

CLIENTS = 24
HOURS = [5.5, 6.0, 6.25, 6.5, 7.0, 8.0]


def _client(db: str, n: int, day, out: "mp.Queue") -> None:
    """One client: one allocation, its timings and outcome on the queue."""
    kind = "military" if n % 3 == 0 else "freight"
    a, b = ("s3", "s0") if n % 2 else ("s0", "s3")
    marks: dict[str, list[float]] = {"want": [], "got": [], "done": [], "plan": []}
    real = store.write_transaction
    real_plan = paths.Planner.plan

    def timed_plan(self, req):
        p0 = time.perf_counter()
        try:
            return real_plan(self, req)
        finally:
            marks["plan"].append((p0, time.perf_counter()))

    paths.Planner.plan = timed_plan

    from contextlib import contextmanager

    @contextmanager
    def timed(engine):
        marks["want"].append(time.perf_counter())
        try:
            with real(engine) as conn:
                marks["got"].append(time.perf_counter())
                yield conn
        finally:  # committed, or rolled back by a stale plan
            marks["done"].append(time.perf_counter())

    store.write_transaction = timed
    t0 = time.perf_counter()
    try:
        done = paths.allocate(request(day, HOURS[n % len(HOURS)], kind, a, b), db, day=day)
        outcome = {"id": done.allocation_id, "attempts": done.attempts}
    except RailcapError as exc:
        outcome = {"refused": str(exc)}
    except Exception as exc:  # reported, and the test fails on it
        outcome = {"error": f"{type(exc).__name__}: {exc}"}
    out.put({"n": n, "kind": kind, "total_s": time.perf_counter() - t0, **outcome,
             "wait_s": [g - w for w, g in zip(marks["want"], marks["got"])], "plans": marks["plan"],
             "holds": list(zip(marks["got"], marks["done"])),
             "hold_s": [d - g for g, d in zip(marks["got"], marks["done"])]})


def _run_clients(db: Path, day, n: int) -> list[dict]:
    ctx = mp.get_context("fork")  # the children share the parent's loaded modules and small day
    out = ctx.Queue()
    procs = [ctx.Process(target=_client, args=(str(db), i, day, out)) for i in range(n)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    return results


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_24_clients_at_once_never_double_book_and_never_wait_for_a_search(db, sday):
    t0 = time.perf_counter()
    results = _run_clients(db, sday, CLIENTS)
    wall = time.perf_counter() - t0
    errors = [r for r in results if "error" in r]
    assert errors == [], errors[:3]
    assert not any("locked" in r.get("refused", "") for r in results)
    written = [r for r in results if "id" in r]
    refused = [r for r in results if "refused" in r]
    assert all("path" in r["refused"] or "attempts" in r["refused"] for r in refused), refused[:3]
    assert len(written) >= CLIENTS // 2
    assert len(paths.list_allocations(db)) == len(written)
    assert find_conflicts(paths.day_as_it_will_be(db, None, sday)) == []
    holds = [h for r in results for h in r["hold_s"]]
    waits = [w for r in results for w in r["wait_s"]]
    # no search inside a write transaction (perf_counter is one clock for all processes) ...
    for r in results:
        assert not any(p0 < h1 and h0 < p1 for p0, p1 in r["plans"] for h0, h1 in r["holds"]), r
    # ... so nobody waits for a search: a client waits at most for the others' (short) writes
    for r in results:
        others = sum(h for q in results if q is not r for h in q["hold_s"])
        assert all(w <= 1.5 * others + 2.0 for w in r["wait_s"]), (r["wait_s"], others)  # + the busy handler's naps
    plans = [p1 - p0 for r in results for p0, p1 in r["plans"]]
    summary = {"clients": CLIENTS, "written": len(written), "refused": len(refused), "wall_s": round(wall, 2),
               "attempts_max": max(r["attempts"] for r in written),
               "replans": sum(r["attempts"] - 1 for r in written),
               "hold_ms_max": round(1000 * max(holds), 1), "hold_ms_mean": round(1000 * sum(holds) / len(holds), 1),
               "wait_ms_max": round(1000 * max(waits), 1), "plan_ms_mean": round(1000 * sum(plans) / len(plans), 1),
               "total_s_max": round(max(r["total_s"] for r in results), 2)}
    print(json.dumps(summary))
    Path(os.environ.get("RAILCAP_CONCURRENCY_OUT", os.devnull)).write_text(json.dumps(summary))


def _victim(db: str, n: int, day, inside: "mp.Event") -> None:
    """A client that stops half-way through writing its allocation (after its first train version)."""
    real = store._new_version
    calls = []

    def slow(*args, **kwargs):
        calls.append(1)
        real(*args, **kwargs)
        if len(calls) == 1:
            inside.set()
            time.sleep(30)  # killed here, inside the write transaction

    store._new_version = slow
    kind = "military" if n % 2 else "freight"
    paths.allocate(request(day, HOURS[n % len(HOURS)], kind), db, day=day)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_processes_killed_inside_the_write_leave_every_allocation_whole_or_absent(db, sday):
    paths.allocate(request(sday, 6.0, "military"), db, day=sday)
    ctx = mp.get_context("fork")
    for n in range(4):
        inside = ctx.Event()
        p = ctx.Process(target=_victim, args=(str(db), n, sday, inside))
        p.start()
        assert inside.wait(timeout=60)
        os.kill(p.pid, signal.SIGKILL)
        p.join()
        assert p.exitcode == -signal.SIGKILL
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        versions = conn.execute("SELECT count(*) FROM train_versions").fetchone()[0]
        orphans = conn.execute("SELECT count(*) FROM train_versions v LEFT JOIN allocations a "
                               "ON a.id = v.allocation_id WHERE v.allocation_id IS NOT NULL AND a.id IS NULL"
                               ).fetchone()[0]
    rows = paths.list_allocations(db)
    assert len(rows) == 1 and orphans == 0 and versions == 2  # the first allocation and the train it moved
    record = paths.get_allocation(db, rows[0]["id"])
    day = paths.day_as_it_will_be(db, None, sday)
    assert len(day[day.train_id == record["train_id"]]) == len(record["result"]["paths"][0]["occupations"])
    assert find_conflicts(day) == []
    after = paths.allocate(request(sday, 9.0), db, day=sday)  # the lock died with its holder
    assert after.result.found and len(paths.list_allocations(db)) == 2
