"""Short-notice paths as use cases every face shares: plan, allocate, list, show, confirm, cancel, and
the day as it will be.

*The day as it will be* on a service date is the reference weekday's blocking
times with every train the store has changed replaced by its current version
(:func:`day_as_it_will_be`, built by ``store.state.day_table``). Plan,
allocate, the timetable export and the checks all read it from here. The
database (``store.allocations``, SQLAlchemy) is loaded on the first call that
reads one: a plan without a store never loads it (a cold ``path plan``).

Allocating is optimistic: the path is planned against a snapshot of the day
without any lock; the store writes it in one short transaction that re-checks
the day (the version, then the conflict detector on the blocks it touches);
when another allocation got there first the path is planned again, at most
:data:`MAX_ATTEMPTS` times. No request waits for another's search.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from railcap.model.clock import DAY_S, clock, day_offset, parse_time
from railcap.model.errors import Problem, RailcapError, ValidationError
from railcap.model.infrastructure import Network
from railcap.model.timetable import Timetable, TrainRun
from railcap.occupancy import OccupationTable
from railcap.pathing import Planner, PlanResult, make_request
from railcap.pathing.caches import SearchCaches
from railcap.pathing.request import PathRequest
from railcap.services.embedded import catalogue
from railcap.store.state import NewAllocation, Snapshot, State, TrainChange, day_table, window_table

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from railcap.store.restore import GivenBack

MAX_ATTEMPTS = 10  # plans of one allocation when others keep getting there first (a real conflict each time)
DEFAULT_DB = "railcap.sqlite"


@dataclass(frozen=True)
class ReferenceDay:
    """The network, the reference weekday and its blocking times: what every service day starts from.

    ``timetable`` may be a loader, called only when a displaced train must be
    re-planned; ``classes`` (each train's class) then comes with ``base``, and
    ``runs`` (the day's runs by id, each read when asked for) spares that load.
    """

    net: Network
    timetable: Timetable | Callable[[], Timetable]
    base: OccupationTable
    classes: dict[str, str] | None = None
    runs: Mapping[str, TrainRun] | None = None


@lru_cache(maxsize=1)
def reference_day() -> ReferenceDay:
    """The embedded network and reference weekday with its blocking times (the shipped cache; once per process)."""
    from railcap.data.embedded import load_network
    from railcap.data.reference import load_reference_timetable, reference_runs
    from railcap.services.day_cache import day_blocking

    base, classes = day_blocking()
    return ReferenceDay(load_network(), load_reference_timetable, base, classes, reference_runs())


# -- requests ----------------------------------------------------------------------------------------


def _finite(value: float, field_name: str, low: float, high: float, unit: str) -> float:
    if not isinstance(value, (int, float)) or not math.isfinite(value) or not low <= value <= high:
        raise ValidationError(Problem("request", field_name, f"{value!r} is not a number from {low:g} to "
                                                             f"{high:g} {unit}"))
    return float(value)


def build_request(net: Network, *, from_op: str, to_op: str, depart_after: str, consist: str,
                  via: list[str] = (), arrive_before: str | None = None, window: list[str] = (),
                  priority: str = "freight", alternatives: int = 1, allowance_percent: float = 0.0,
                  passenger_tolerance_min: float = 0.0, cancel_passenger: bool = False,
                  accept_delay_min: float = 30.0) -> PathRequest:
    """A checked request from what a planner types: points by id, code or name, times as HH:MM or ISO,
    vias as ``OP[:MIN]``, windows as ``OP=T1/T2``; every broken rule named with its field."""
    from railcap.physics import Allowance
    from railcap.services.embedded import consist as find_consist

    allowance_percent = _finite(allowance_percent, "allowance_percent", 0.0, 100.0, "%")
    tolerance = _finite(passenger_tolerance_min, "passenger_tolerance", 0.0, 24 * 60.0, "min")
    accept = _finite(accept_delay_min, "accept_delay", 0.0, 24 * 60.0, "min")
    if not 1 <= alternatives <= 10:
        raise ValidationError(Problem("request", "alternatives", f"{alternatives} is not from 1 to 10"))
    t0, given = parse_time(depart_after, "depart_after")
    shift_s, day = next_service_day(t0, given)
    t0 -= shift_s
    vias = []
    for i, v in enumerate(via):
        op, _, dwell = v.partition(":")
        try:
            minutes = float(dwell or 0)
        except ValueError:
            raise ValidationError(Problem("request", f"via[{i}]", f"'{v}': dwell must be minutes, as OP:5")) from None
        vias.append((op, _finite(minutes, f"via[{i}]", 0.0, 24 * 60.0, "min") * 60.0))
    windows = []
    for i, w in enumerate(window):
        op, eq, span = w.partition("=")
        a, slash, b = span.partition("/")
        if not eq or not slash:
            raise ValidationError(Problem("request", f"window[{i}]", f"'{w}': write OP=T1/T2, e.g. "
                                                                    f"zevenaar-grens=14:20/14:40"))
        windows.append((op, parse_time(a, f"window[{i}]", given)[0] - shift_s,
                        parse_time(b, f"window[{i}]", given)[0] - shift_s))
    latest = parse_time(arrive_before, "arrive_before", given)[0] - shift_s if arrive_before else None
    return make_request(net, origin=from_op, destination=to_op, consist=find_consist(consist),
                        earliest_departure_s=t0, latest_arrival_s=latest, vias=vias, windows=windows,
                        priority=priority, allowance=Allowance(percent=allowance_percent),
                        alternatives=alternatives, passenger_tolerance_s=tolerance * 60.0,
                        may_cancel_passenger=cancel_passenger, accept_delay_s=accept * 60.0, service_date=day)


def next_service_day(t_s: float, day: dt.date | None) -> tuple[float, dt.date | None]:
    """(seconds to subtract, service date) for a departure at ``t_s`` on ``day``: a departure at 24:00 or
    later belongs to the next service day (the date after, or the reference weekday again when no date was
    given) and is planned there, at its time minus 24 h.

    >>> next_service_day(32 * 3600.0, None)
    (86400.0, None)
    >>> next_service_day(25 * 3600.0, dt.date(2026, 11, 23))
    (86400.0, datetime.date(2026, 11, 24))
    >>> next_service_day(8 * 3600.0, None)
    (0.0, None)
    """
    days = day_offset(t_s)
    if days <= 0:
        return 0.0, day
    return days * DAY_S, None if day is None else day + dt.timedelta(days=days)


def departure_note(depart_after: str, req: PathRequest) -> str | None:
    """A line telling the planner that the departure was moved to the next service day, or None."""
    t0, _ = parse_time(depart_after, "depart_after")
    if day_offset(t0) <= 0:
        return None
    on = req.service_date.isoformat() if req.service_date else "the reference weekday, repeated"
    return (f"departure after {clock(t0)[:5]} belongs to the next service day: planned at "
            f"{clock(req.earliest_departure_s)[:5]} on {on}, against that day's trains and the previous "
            f"day's still running after midnight")


# -- the day as it will be ------------------------------------------------------------------------------


def _store() -> ModuleType:
    """``store.allocations``, imported when a database is first read: SQLAlchemy costs 0.15–0.4 s of a cold
    start, which a plan without a store does not pay."""
    from railcap.store import allocations

    return allocations


def planner_for(day: ReferenceDay, state: State | Snapshot, caches: SearchCaches | None = None) -> Planner:
    """The planner on the day as it will be (one table: the reference day with the store's changes); given a
    snapshot, also what the days before and after reach into the day (``store.state.window_table``).
    ``caches``: routes and segment times shared with earlier planners (a warm service's)."""
    snap = state if isinstance(state, Snapshot) else Snapshot(state, 0, None, state, state)
    return Planner(day.net, day.timetable, catalogue=catalogue(), base=window_table(day.base, snap),
                   classes=day.classes,
                   extra_classes=snap.state.classes, runs=snap.state.runs, allocated=snap.state.allocated,
                   base_runs=day.runs, caches=caches)


def day_as_it_will_be(db: str | Path | None, service_date: dt.date | None = None,
                      day: ReferenceDay | None = None) -> OccupationTable:
    """Every occupation of the service day: the reference day, the allocations, the trains they moved."""
    day = day or reference_day()
    if db is None:
        return day.base
    store = _store()
    return day_table(day.base, store.snapshot(store.open_store(db, create=False), service_date).state)


def plan(req: PathRequest, db: str | Path | None = None, day: ReferenceDay | None = None) -> PlanResult:
    """Ranked paths (or the explanation) on the day as it will be; stores nothing, creates no database."""
    day = day or reference_day()
    if db is None:
        return planner_for(day, State.empty()).plan(req)
    store = _store()
    engine = store.open_store(db, create=False)
    try:
        return planner_for(day, store.snapshot(engine, req.service_date)).plan(req)
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Allocated:
    """An allocation as written: its id and train, the plan, and how many plans it took."""

    allocation_id: int
    train_id: str
    result: PlanResult
    attempts: int


def _engine(db):
    """(engine, whether this call opened it): a path or URL is opened (and created), an Engine used as is."""
    if not isinstance(db, (str, Path)):
        return db, False
    return _store().open_store(db, create=True), True


def allocate(req: PathRequest, db: str | Path | Engine, status: str = "confirmed",
             day: ReferenceDay | None = None, on_write=None, planner_cache=None, search_lock=None) -> Allocated:
    """Plan against a snapshot, write in a short checked transaction, plan again if the day moved.

    ``on_write(conn, allocation_id, result)`` runs inside the write transaction (an audit row);
    ``planner_cache(snapshot)`` may give a cached planner (the web server's) instead of a new one, shared
    with other threads under ``search_lock`` (held for the search only, never for the write).
    """
    from railcap.pathing.report import plan_to_dict, request_to_dict

    if status not in ("proposed", "confirmed"):
        raise ValidationError(Problem("allocation", "status", f"'{status}' is not proposed or confirmed"))
    day = day or reference_day()
    store = _store()
    engine, opened = _engine(db)
    try:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            # in one process the searches take turns anyway (one lock, one interpreter): the turn lasts
            # until the short write, so threads of one server never overtake each other; other processes
            # are met by the store's version check
            with search_lock or contextlib.nullcontext():
                snap = store.snapshot(engine, req.service_date)
                planner = planner_cache(snap) if planner_cache else planner_for(day, snap)
                result = planner.plan(req)
                if not result.found:
                    reason = result.explanation.summary if result.explanation else "no path"
                    raise ValidationError(Problem("request", "path", reason))
                new = _new_allocation(req, result, status, request_to_dict(req), plan_to_dict(result, day.net))
                store.check_plan(planner.table, new)
                hook = None if on_write is None else \
                    (lambda conn, new_id, train_id: on_write(conn, new_id, _named(result, train_id)))
                try:
                    new_id, train_id = store.write_allocation(engine, new, day.base, snap.version, hook)
                except store.StalePlan:
                    continue
            return Allocated(new_id, train_id, _named(result, train_id), attempt)
    finally:
        if opened:
            engine.dispose()
    raise RailcapError(Problem("allocation", "attempts", f"the day changed under {MAX_ATTEMPTS} successive plans "
                                                         f"(other allocations got there first); nothing was "
                                                         f"written, try again"))


def _named(result: PlanResult, train_id: str) -> PlanResult:
    """The result with its path named as the store named the allocated train."""
    from dataclasses import replace

    return replace(result, paths=[replace(result.paths[0], train_id=train_id), *result.paths[1:]])


def _new_allocation(req: PathRequest, result: PlanResult, status: str, request_doc: dict,
                    result_doc: dict) -> NewAllocation:
    path = result.paths[0]
    changes = []
    civil = result.civil_occupations
    for h in result.hindrance:
        run = result.new_runs.get(h.train_id)
        occ = civil[civil.train_id == h.train_id] if len(civil) and run is not None else None
        changes.append(TrainChange(h.train_id, h.train_class, h.action, h.rule, run, occ))
    return NewAllocation(status, req.priority.value, req.origin, req.destination, req.consist.id,
                               req.service_date, path.to_run(req.priority.value, req.consist.id),
                               path.occupations(), tuple(changes), request_doc, result_doc)


# -- allocations -----------------------------------------------------------------------------------------


def list_allocations(db: str | Path, status: str | None = None) -> list[dict]:
    """The allocations (current status and times, and what moved them) — read only."""
    store = _store()
    engine = store.open_store(db, create=False)
    try:
        return store.list_allocations(engine, status)
    finally:
        engine.dispose()


def get_allocation(db: str | Path, allocation_id: int) -> dict:
    store = _store()
    engine = store.open_store(db, create=False)
    try:
        return store.get_allocation(engine, allocation_id)
    finally:
        engine.dispose()


def set_status(db: str | Path | Engine, allocation_id: int, status: str, on_write=None,
               day: ReferenceDay | None = None) -> list[GivenBack]:
    """Confirm a proposed allocation, or cancel one: its blocks are free again, and the trains it moved get
    their old times back where nothing allocated since stands in the way (``store.restore``); what became
    of each moved train is returned (nothing for a confirmation)."""
    from railcap.store import restore  # the database on first use (see _store)

    store = _store()
    engine, opened = (store.open_store(db, create=False), True) if isinstance(db, (str, Path)) else (db, False)
    try:
        if status != "cancelled":
            store.set_status(engine, allocation_id, status, on_write)
            return []
        day = day or reference_day()
        runs: Mapping[str, TrainRun] = day.runs if day.runs is not None else {}  # each run read when asked
        if day.runs is None and restore.moved_by(engine, allocation_id):  # the whole day, before the write
            timetable = day.timetable() if callable(day.timetable) else day.timetable
            runs = {r.id: r for r in timetable.runs}
        return restore.cancel_allocation(engine, allocation_id, day.base, runs.get, on_write)
    finally:
        if opened:
            engine.dispose()


def default_db() -> str:
    """``$RAILCAP_DB`` or ``./railcap.sqlite``."""
    return os.environ.get("RAILCAP_DB", DEFAULT_DB)


__all__ = ["Allocated", "MAX_ATTEMPTS", "ReferenceDay", "allocate", "build_request", "day_as_it_will_be",
           "default_db", "get_allocation", "list_allocations", "plan", "planner_for", "reference_day",
           "set_status"]
