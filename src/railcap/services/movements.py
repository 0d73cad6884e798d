"""Movement use cases: read an order file, plan the deployment, store it all or nothing.

``plan_file`` reads a movement order (YAML or JSON), checks it against the
embedded network and the catalogue and plans it on the reference day (from
the blocking-time cache). ``allocate_whole`` plans against a snapshot of the
store (each day's existing allocations are part of the busy picture) without
any lock, then writes every train as one allocation in one short transaction
that checks the day again when the store changed meanwhile; the conflict
detector checks each day as it will be, and any failure writes nothing.

Each day of a movement is planned on the date's day as it will be with what
the dates before and after reach into it — the same table a single path of
that date meets (``store.state.window_table``, ``store.days``): the day
before's trains still running after midnight and the next day's first hours.
Those belong to their own day's plan, so a movement train never moves them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import numpy as np
from railcap.data.embedded import load_network
from railcap.data.rolling_stock import load_catalogue
from railcap.model.clock import clock, format_clock
from railcap.model.errors import InputFileError, Problem, ValidationError
from railcap.movements import MovementPlan, parse_order, plan_movement, resolve
from railcap.movements.deploy import Deployment, clock_of, conflicts_of
from railcap.occupancy import OccupationTable
from railcap.pathing import Planner
from railcap.services.day_cache import day_blocking
from railcap.store.days import neighbour_dates
from railcap.store.referee import AllocationConflict
from railcap.store.state import Snapshot, State, window_table


def read_order_file(path: Path) -> Any:
    """The parsed YAML or JSON document; a clear error naming the file when it is not one."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(Problem(str(path), "(file)", "not found"))
    text = path.read_text("utf-8", errors="replace")
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        import yaml

        return yaml.safe_load(text)
    except (ValueError, Exception) as exc:  # json.JSONDecodeError, yaml.YAMLError
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputFileError(Problem(path.name, "(file)", f"not valid {'JSON' if path.suffix == '.json' else 'YAML'}: "
                                                          f"{first}")) from None


def load_deployment(path: Path, today: dt.date | None = None) -> Deployment:
    return deployment_from(read_order_file(path), f"movement order {Path(path).name}", today)


def deployment_from(doc: Any, name: str = "movement order", today: dt.date | None = None) -> Deployment:
    """A movement order given as a parsed document (a file's, or an HTTP request's body), checked against
    the embedded network and the catalogue."""
    order = parse_order(doc, name)
    return resolve(order, load_network(), load_catalogue().consist, today=today or dt.date.today())


def _no_store(_date: dt.date | None) -> State:
    return State.empty()


def day_planner(first_day: dt.date | None = None, state_of: Callable[[dt.date | None], State] = _no_store):
    """``planner_for_day`` for ``plan_movement``: day ``n`` of the movement is the date ``first_day + n`` as
    it will be (``state_of(date)``, the store's changes) with what the dates before and after reach into it
    (``window_table``: trains never moved), plus the movement's own trains carried past midnight. The day
    before is as the movement leaves it: the civil trains its trains of that day moved are met where they
    now run."""
    from railcap.data.reference import load_reference_timetable

    net = load_network()
    base, classes = day_blocking()
    made: dict[int, tuple[Planner, frozenset[str]]] = {}  # day -> its planner (committed) and what it started without

    def make(day: int, carry: OccupationTable, carry_classes: dict[str, str]) -> Planner:
        date = None if first_day is None else first_day + dt.timedelta(days=day)
        before, after = neighbour_dates(date)
        day_before = state_of(before)
        if day - 1 in made:
            day_before = _moved_by_movement(day_before, *made[day - 1])
        snap = Snapshot(state_of(date), 0, date, day_before, state_of(after))
        planner = Planner(net, load_reference_timetable, catalogue=load_catalogue(), base=window_table(base, snap),
                          classes=classes, extra=carry, extra_classes={**snap.state.classes, **carry_classes},
                          runs=snap.state.runs, allocated=snap.state.allocated)
        made[day] = (planner, planner.removed)
        return planner
    return make


def _moved_by_movement(stored: State, planner: Planner, removed_at_start: frozenset[str]) -> State:
    """A day's stored state with the civil trains the movement's trains of that day moved (``planner``, after
    its commits) at their new times: what the next day meets of it."""
    moved = planner.removed - removed_at_start
    if not moved:
        return stored
    table = planner.table
    new = table[np.isin(table.train_id, list(moved))]
    kept = stored.extra[~np.isin(stored.extra.train_id, list(moved))] if len(stored.extra) else stored.extra
    return replace(stored, extra=OccupationTable.concat([kept, new]),
                   classes={**stored.classes, **{t: planner.classes.get(t, "freight") for t in moved}},
                   removed=stored.removed | moved)


def plan_file(path: Path, today: dt.date | None = None,
              progress: Callable[[str], None] = lambda _: None) -> MovementPlan:
    """Plan the movement order in ``path`` on the reference day (nothing is stored)."""
    return plan_deployment(load_deployment(path, today), progress)


def plan_deployment(dep: Deployment, progress: Callable[[str], None] = lambda _: None) -> MovementPlan:
    """Plan a checked deployment on the reference day (nothing is stored)."""
    return plan_movement(dep, day_planner(dep.first_day), progress)


def allocate_whole(path: Path, db: str, today: dt.date | None = None,
                   progress: Callable[[str], None] = lambda _: None, actor: str | None = None
                   ) -> tuple[MovementPlan, list[int]]:
    """Plan the whole movement outside any lock, against a snapshot of the store, then write it in one short
    transaction, all or nothing: when another allocation changed the store meanwhile, every train is
    checked again against the day as it is now (the trains it moves unchanged, the conflict detector on
    its blocks) and the movement is planned again when one fails. Nothing is written if any train finds no
    path or any check fails. Every allocation gets its audit rows by ``actor`` (default: the
    operating-system user, ``store.audit.command_line_actor``)."""
    return allocate_deployment(load_deployment(path, today), db, progress, actor=actor)


def allocate_deployment(dep: Deployment, db: str, progress: Callable[[str], None] = lambda _: None,
                        on_write: Callable[[Any, MovementPlan, list[int]], None] | None = None,
                        actor: str | None = None) -> tuple[MovementPlan, list[int]]:
    """``allocate_whole`` for a checked deployment; in the writing transaction every train's audit rows by
    ``actor`` (:func:`record_allocations`), then ``on_write(conn, plan, ids)`` (the web application's
    request details)."""
    from railcap.services.paths import MAX_ATTEMPTS
    from railcap.store import allocations as store
    from railcap.store import audit  # with the database, on first use (a plan loads no SQLAlchemy)

    engine = store.open_store(db)
    base = day_blocking()[0]
    try:
        for _attempt in range(MAX_ATTEMPTS):
            version, state_of = _snapshot(engine, dep)
            plan = plan_movement(dep, day_planner(dep.first_day, state_of), progress)  # no lock held while planning
            if plan.unplanned:
                raise ValidationError([Problem("movement", f"trains ({u.train_id})", u.reason)
                                       for u in plan.unplanned])
            _referee(plan)
            news = [(p.train_id, _new(dep, p)) for p in plan.planned]
            try:
                with store.write_transaction(engine) as conn:  # short: checks and inserts only
                    if store.current_version(conn) != version:
                        for _, new in news:
                            store.recheck(conn, new, base, version)
                    ids = [store.insert_allocation(conn, new, train_id=tid)[0] for tid, new in news]
                    record_allocations(conn, actor or audit.command_line_actor(), dep, plan, ids)
                    if on_write is not None:
                        on_write(conn, plan, ids)
            except store.StalePlan:
                progress("the store changed while planning: planning the movement again")
                continue
            return plan, ids
    finally:
        engine.dispose()
    raise ValidationError(Problem("movement", "db", f"the store changed under {MAX_ATTEMPTS} successive plans "
                                                    f"(other allocations got there first); nothing was written"))


def record_allocations(conn, actor: str, dep: Deployment, plan: MovementPlan, ids: list[int]) -> None:
    """The audit rows of a movement written as allocations ``ids`` (inside their transaction): an "allocate"
    row per train and a "change" row for every allocation it moved (``store.audit``)."""
    from railcap.store import audit  # with the database, on first use (a plan loads no SQLAlchemy)

    for p, allocation_id in zip(plan.planned, ids):
        audit.record(conn, actor, "allocate", "allocation", allocation_id,
                     {"status": "confirmed", "train_id": p.train_id, "movement": dep.unit, "loading_site": p.site,
                      "departure": clock(p.path.departure_s), "arrival": clock(p.path.arrival_s)},
                     military=p.result.request.priority.value == "military")
        audit.record_changes(conn, actor, allocation_id, p.result.hindrance)


def _snapshot(engine, dep: Deployment) -> tuple[int, Callable[[dt.date | None], State]]:
    """(store version, ``state_of`` for ``day_planner``): every day of the movement and the days either side
    read in one consistent read, no write lock; a day beyond them is read when asked."""
    from railcap.store import allocations as store

    dates = [dep.first_day + dt.timedelta(days=d) for d in range(-1, dep.days + 2)]
    with store.read_transaction(engine) as conn:
        version = store.current_version(conn)
        states = {d: store.load_state(conn, d) for d in dates}

    def state_of(date: dt.date | None) -> State:
        if date not in states:
            with store.read_transaction(engine) as conn:
                states[date] = store.load_state(conn, date)
        return states[date]
    return version, state_of


def _referee(plan: MovementPlan) -> None:
    """The independent conflict detector over each day as it will be (``conflicts_of``)."""
    conflicts = conflicts_of(plan)
    if conflicts:
        c = conflicts[0]
        raise AllocationConflict(Problem("movement", "occupations",
                                         f"{len(conflicts)} conflict(s), first {c.train_a} / {c.train_b} "
                                         f"on {c.resource_id}; nothing was written"))


def _new(dep: Deployment, p):
    """One planned train of the movement as the store's new allocation (one truth per train)."""
    from railcap.pathing.report import plan_to_dict
    from railcap.services.paths import _new_allocation

    req = p.result.request
    doc = plan_to_dict(p.result, load_network())
    doc["movement"] = {"unit": dep.unit, "loading_site": p.site, "ready": format_clock(p.ready_s)}
    result = replace(p.result, paths=[p.path, *p.result.paths[1:]])
    return replace(_new_allocation(req, result, "confirmed", doc["request"], doc),
                   service_date=dep.first_day + dt.timedelta(days=p.day))


# -- the answer as data ----------------------------------------------------------------------


def plan_to_dict(plan: MovementPlan) -> dict:
    """The movement table, closure curve, civil hindrance per day and what could not be planned."""
    dep, net = plan.deployment, load_network()
    rows = []
    for p in sorted(plan.planned, key=lambda p: (p.day, p.path.departure_s)):
        path = p.path
        named = [o for o in path.route.ops[1:-1] if net.ops[o].kind.value not in ("junction",)]
        via = [net.ops[o].name for o in named[::max(1, len(named) // 4)][:5]]
        dep_date, dep_clock = clock_of(dep.first_day + dt.timedelta(days=p.day), path.departure_s)
        arr_date, arr_clock = clock_of(dep.first_day + dt.timedelta(days=p.day), path.arrival_s)
        rows.append({"train": p.train_id, "consist": p.consist_id, "loading_site": p.site,
                     "loaded_day": (dep.first_day + dt.timedelta(days=p.day)).isoformat(),
                     "ready": format_clock(p.ready_s, seconds=False),
                     "departure_date": dep_date, "departure": dep_clock,
                     "handover_date": arr_date, "handover": arr_clock,
                     "journey_min": round((path.arrival_s - path.departure_s) / 60.0, 1),
                     "stage": p.result.stage, "route_via": via, "route": list(path.route.ops),
                     "length_km": round(path.route.length_m / 1000.0, 1),
                     "civil_trains_moved": len(p.result.hindrance)})
    per_day = plan.delivered_per_day()
    closure, total = [], 0
    for n, k in enumerate(per_day):
        total += k
        closure.append({"date": (dep.first_day + dt.timedelta(days=n)).isoformat(), "delivered": k,
                        "cumulative": total})
    hindrance = [{"date": (dep.first_day + dt.timedelta(days=n)).isoformat(), **h}
                 for n, h in enumerate(plan.hindrance_per_day())]
    return {"unit": dep.unit, "destination": dep.destination, "first_day": dep.first_day.isoformat(),
            "days": dep.days, "trains": len(dep.trains), "planned": len(plan.planned),
            "movement": rows, "closure": closure, "civil_hindrance": hindrance,
            "unplanned": [{"train": u.train_id, "consist": u.consist_id, "reason": u.reason}
                          for u in plan.unplanned],
            "loading_sites": {s: {"trains_per_day": ls.trains_per_day, "tracks": ls.tracks,
                                  "hours": f"{format_clock(ls.opens_s, seconds=False)}–"
                                           f"{format_clock(ls.closes_s, seconds=False)}"}
                              for s, ls in dep.sites.items()}}


def loading_sites() -> list[dict]:
    """Every military loading site and port with its capacity and source."""
    net = load_network()
    out = []
    for o in sorted(net.ops.values(), key=lambda o: o.id):
        if o.loading is None:
            continue
        ls = o.loading
        out.append({"id": o.id, "name": o.name, "kind": o.kind.value, "tracks": ls.tracks,
                    "track_length_m": ls.track_length_m, "trains_per_day": ls.trains_per_day,
                    "load_time_min": round(ls.load_time_s / 60.0), "opens": format_clock(ls.opens_s, seconds=False),
                    "closes": format_clock(ls.closes_s, seconds=False), "source": ls.source})
    return out
