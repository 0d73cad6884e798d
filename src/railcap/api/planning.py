"""Path planning off the request loop, and an answer cache keyed on (request, store version).

A plan is a pure function of the request and of the day as it will be; that
day changes only when the store's version does (every allocation,
confirmation, cancellation and movement bumps it). An answer computed on the
day at version *v* is therefore the answer to the same request at *v*, for
whoever asks (the role check comes first; the military details of a request
do not enter its plan, so they are not part of the key). The cache holds the
answer's JSON; the server reports each answer as ``X-Plan-Cache: hit`` or
``miss`` so that a load test can count cached and searched plans apart.

The searches run in a pool of processes forked from the server once the day is
loaded (each holds the network, the day and its blocking times copy-on-write),
so a search never holds the server's interpreter while it answers reads; they run at a lower CPU
priority (``nice`` +10), so on a busy machine the reads go first. With
``processes=0`` they run in the server's own threads (the tests' default).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import signal
import threading
import time
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool

from railcap.api.diagram import corridor_data, path_points
from railcap.api.paths import build_request
from railcap.api.schemas import PathRequestIn
from railcap.model.clock import format_clock, parse_time
from railcap.model.errors import Problem, RailcapError
from railcap.pathing.report import plan_to_dict
from railcap.services.paths import departure_note, next_service_day
from railcap.store import allocations as allocation_store
from railcap.store.database import plain_engine

CACHE_SIZE = 1024


@dataclass(frozen=True)
class Answer:
    """A plan as the API sends it (``body``: JSON bytes) and what the audit row keeps of it."""

    body: bytes
    request: dict
    found: bool
    version: int


def to_json(value) -> bytes:
    """Compact JSON bytes (numpy numbers as plain numbers; NaN refused as by the framework).

    >>> import numpy as np
    >>> to_json({"t": np.float64(1.5), "ok": True})
    b'{"t":1.5,"ok":true}'
    """
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                      default=lambda v: v.item() if hasattr(v, "item") else list(v)).encode()


def around(path_doc: dict) -> str:
    """The window HH:MM-HH:MM of a path ±30 min (6 h at most; the start rounded down, the end up).

    >>> around({"departure_s": 50_400.0, "arrival_s": 57_600.0})
    '13:30-16:30'
    """
    a = max(0.0, path_doc["departure_s"] - 1800)
    b = min(a + 6 * 3600 - 60, path_doc["arrival_s"] + 1800, 47 * 3600 + 59 * 60)
    return f"{format_clock(a, 'down', seconds=False)}-{format_clock(b, 'up', seconds=False)}"


def plan_diagram(warm, result, doc: dict, snap=None) -> dict | None:
    """The new path on its own route ±30 min, with the civil trains it displaced and the trains of the days
    before and after that the search met (as ``snap`` holds them; ``api.diagram``)."""
    if not result.found:
        return None
    best = doc["paths"][0]
    moved = {h["train_id"] for h in doc["hindrance"]["trains"]}
    return corridor_data(warm, best["route"], around(best), moved=moved, civil=result.civil_occupations,
                         paths=[{"train_id": best["train_id"], "class": doc["request"]["priority"],
                                 "points": path_points(best)}], snapshot=snap)


def plan_answer(warm, engine, body: PathRequestIn) -> Answer:
    """Plan ``body`` on the day as the store holds it now (its service day: the next one for a departure at or
    after 24:00, as the CLI): the plan, its diagram, the note on the moved departure, the store version."""
    req = build_request(warm, body)
    snap = day_snapshot(engine, req.service_date)  # with the days before and after
    planner = warm.planner_for(snap)
    with warm.lock:
        result = planner.plan(req)
    doc = plan_to_dict(result, warm.net)
    return Answer(to_json({"plan": doc, "diagram": plan_diagram(warm, result, doc, snap),
                           "departure_note": departure_note(body.depart_after, req)}),
                  doc["request"], bool(doc["found"]), snap.version)


_SNAPSHOTS: OrderedDict[tuple, allocation_store.Snapshot] = OrderedDict()
_SNAPSHOTS_LOCK = threading.Lock()


def day_snapshot(engine, service_date) -> allocation_store.Snapshot:
    """The store's snapshot of a service day, read again only when the store's version has moved.

    A snapshot is kept under the version it was read at (in its own consistent read) and taken when the
    version read now is the same: nothing of the store changed in between (every allocation, confirmation
    and cancellation bumps the version), so it is what a new read would give.
    """
    with engine.connect() as conn:
        version = allocation_store.current_version(conn)
    key = (str(engine.url), service_date)
    with _SNAPSHOTS_LOCK:
        hit = _SNAPSHOTS.get(key)
    if hit is not None and hit.version == version:
        return hit
    snap = allocation_store.snapshot(engine, service_date)
    with _SNAPSHOTS_LOCK:
        _SNAPSHOTS[key] = snap
        _SNAPSHOTS.move_to_end(key)
        while len(_SNAPSHOTS) > 16:
            _SNAPSHOTS.popitem(last=False)
    return snap


def service_day(depart_after: str) -> str:
    """The service day a departure is planned on (the next one at or after 24:00), as a cache key part.

    >>> service_day("2026-11-23T08:00"), service_day("32:00"), service_day("08:00"), service_day("25")
    ('2026-11-23', 'reference weekday', 'reference weekday', 'refused')
    """
    try:
        t_s, given = parse_time(depart_after, "depart_after")
    except RailcapError:
        return "refused"  # the plan refuses it too; a refusal is never cached
    day = next_service_day(t_s, given)[1]
    return day.isoformat() if day else "reference weekday"


# -- the forked planners --------------------------------------------------------------------------------------

_WARM = None  # the server's loaded day, inherited by the forked planners (set before they start)
_CHILD: dict = {}


#: how much lower the planners' CPU priority is than the server's: a read never waits behind a search
PLANNER_NICENESS = 10


def _child_start(url: str, server_pid: int) -> None:
    # the server's signal handlers came along with the fork: a planner stops on SIGTERM, leaves Ctrl-C to the
    # server, and ends when the server is gone (even SIGKILLed), never lingering as an orphan
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_end_with, args=(server_pid,), daemon=True, name="railcap-planner-watch").start()
    os.nice(PLANNER_NICENESS)
    _CHILD["engine"] = plain_engine(url)  # its own connections: none is shared across the fork


def _end_with(server_pid: int) -> None:
    while os.getppid() == server_pid:
        time.sleep(0.5)
    os._exit(0)


@dataclass(frozen=True)
class Refused:
    """A request the model refused, as it crosses back from a planner process (not every error pickles)."""

    kind: type
    problems: list[Problem]

    def again(self) -> RailcapError:
        exc = self.kind.__new__(self.kind)
        RailcapError.__init__(exc, self.problems)
        return exc


def _child_plan(body: dict) -> Answer | Refused:
    try:
        return plan_answer(_WARM, _CHILD["engine"], PathRequestIn.model_validate(body))
    except RailcapError as exc:
        return Refused(type(exc), exc.problems)


def _ready() -> bool:
    return _WARM is not None


class Planning:
    """Plans through the cache, searching in ``processes`` forked planners (or threads with 0)."""

    def __init__(self, warm, url: str, engine, processes: int = 0):
        global _WARM
        self.warm, self.engine = warm, engine
        self._cache: OrderedDict[tuple[str, int], Answer] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0
        self._pool = None
        if processes > 0:
            _WARM = warm
            self._pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_child_start, initargs=(url, os.getpid()))
            assert all(self._pool.submit(_ready).result() for _ in range(processes))  # forked now, not mid-request

    @staticmethod
    def key(body: PathRequestIn) -> str:
        """The request without its military details, and the service day it is planned on."""
        return json.dumps({**body.model_dump(mode="json", exclude={"military"}),
                           "service_day": service_day(body.depart_after)}, sort_keys=True)

    def version(self) -> int:
        with self.engine.connect() as conn:
            return allocation_store.current_version(conn)

    async def answer(self, body: PathRequestIn) -> tuple[Answer, bool]:
        """(answer, whether it came from the cache)."""
        key, version = self.key(body), self.version()
        with self._lock:
            hit = self._cache.get((key, version))
            if hit is not None:
                self._cache.move_to_end((key, hit.version))
                self.hits += 1
                return hit, True
        if self._pool is not None:
            fresh = await asyncio.wrap_future(self._pool.submit(_child_plan, body.model_dump(mode="json")))
            if isinstance(fresh, Refused):
                raise fresh.again()
        else:
            fresh = await run_in_threadpool(plan_answer, self.warm, self.engine, body)
        with self._lock:
            self.misses += 1
            self._cache[(key, fresh.version)] = fresh
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return fresh, False

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
