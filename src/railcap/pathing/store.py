"""Requests and allocations in an embedded database (SQLite by default, any SQLAlchemy URL).

An allocation is a planned path with its status (proposed, confirmed,
cancelled), its block occupations and the civil trains it moved. Proposed and
confirmed allocations hold their blocks for every later request on the same
service day; a cancelled one frees its own blocks, while the civil trains it
retimed keep their new times (they have been told).

Allocating is one transaction that starts with SQLite's ``BEGIN IMMEDIATE``:
the database is locked for writing while the state is read, the path planned,
re-checked by the conflict detector and written. A second request handled at
the same time waits for the lock and then plans around the first one, so two
allocations never overlap; a failure half-way rolls everything back.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from sqlalchemy import (Column, Float, ForeignKey, Integer, MetaData, String, Table, Text, create_engine, event,
                        select, update)
from sqlalchemy.engine import Connection, Engine

from railcap.model.errors import NotFoundError, Problem, RailcapError, ValidationError
from railcap.occupancy import OccupationTable, find_conflicts

STATUSES = ("proposed", "confirmed", "cancelled")

metadata = MetaData()
allocations = Table(
    "allocations", metadata,
    Column("id", Integer, primary_key=True),
    Column("train_id", String, nullable=False),
    Column("status", String, nullable=False),
    Column("priority", String, nullable=False),
    Column("origin", String, nullable=False),
    Column("destination", String, nullable=False),
    Column("consist", String, nullable=False),
    Column("service_date", String, nullable=False),  # "" = the reference weekday
    Column("departure_s", Float, nullable=False),
    Column("arrival_s", Float, nullable=False),
    Column("created_at", String, nullable=False),
    Column("request_json", Text, nullable=False),
    Column("result_json", Text, nullable=False),
)
occupations = Table(
    "occupations", metadata,
    Column("allocation_id", Integer, ForeignKey("allocations.id"), nullable=False, index=True),
    Column("kind", String, nullable=False),  # "path" (the allocated train) | "civil" (a train it moved)
    Column("train_id", String, nullable=False),
    Column("train_class", String, nullable=False),
    Column("resource_id", String, nullable=False, index=True),
    Column("start_s", Float, nullable=False),
    Column("end_s", Float, nullable=False),
)
moved_trains = Table(
    "moved_trains", metadata,
    Column("allocation_id", Integer, ForeignKey("allocations.id"), nullable=False, index=True),
    Column("train_id", String, nullable=False),
    Column("action", String, nullable=False),
)


class AllocationConflict(RailcapError):
    """The planned path overlaps what is already allocated (should not happen; nothing is written)."""


@dataclass(frozen=True)
class State:
    """What earlier allocations changed on one service day."""

    extra: OccupationTable
    classes: dict[str, str]
    removed: frozenset[str]


def open_store(url_or_path: str | Path) -> Engine:
    """An engine on the database (created with its tables when new). A plain path means SQLite."""
    url = str(url_or_path)
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser()}"
    engine = create_engine(url, connect_args={"timeout": 60} if url.startswith("sqlite") else {})
    if url.startswith("sqlite"):
        @event.listens_for(engine, "connect")
        def _no_implicit_begin(dbapi_conn, _record):  # let BEGIN IMMEDIATE below start transactions
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    metadata.create_all(engine)
    return engine


def day_key(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def load_state(conn: Connection, service_date: dt.date | None) -> State:
    """Occupations and moved trains of the day's live allocations (civil changes even when cancelled)."""
    live = allocations.c.status != "cancelled"
    rows = conn.execute(
        select(occupations.c.train_id, occupations.c.train_class, occupations.c.resource_id,
               occupations.c.start_s, occupations.c.end_s)
        .join(allocations, allocations.c.id == occupations.c.allocation_id)
        .where(allocations.c.service_date == day_key(service_date))
        .where(live | (occupations.c.kind == "civil"))).all()
    removed = conn.execute(
        select(moved_trains.c.train_id).join(allocations, allocations.c.id == moved_trains.c.allocation_id)
        .where(allocations.c.service_date == day_key(service_date))).scalars().all()
    if rows:
        t, c, r, s, e = zip(*rows)
        extra = OccupationTable.from_columns(np.array(t, dtype=object), np.array(r, dtype=object),
                                             np.array(s, dtype=float), np.array(e, dtype=float))
        classes = dict(zip(t, c))
    else:
        extra, classes = OccupationTable.of([]), {}
    return State(extra, classes, frozenset(removed))


def allocate(engine: Engine, planner_for, request, status: str = "confirmed", on_write=None) -> tuple[int, object]:
    """Plan ``request`` against the timetable and every live allocation, and store it; all or nothing.

    ``planner_for(state)`` builds the Planner for the day's state. Returns
    (allocation id, PlanResult). Raises ValidationError when nothing fits
    (with the explanation), AllocationConflict if the referee objects.
    ``on_write(conn, allocation_id, result)`` runs inside the same transaction
    (the web application's audit row and request details commit with it).
    """
    if status not in ("proposed", "confirmed"):
        raise ValidationError(Problem("allocation", "status", f"'{status}' is not proposed or confirmed"))
    from railcap.pathing.report import plan_to_dict

    with engine.begin() as conn:
        state = load_state(conn, request.service_date)
        planner = planner_for(state)
        result = planner.plan(request)
        if not result.found:
            reason = result.explanation.summary if result.explanation else "no path"
            raise ValidationError(Problem("request", "path", reason))
        new_id = conn.execute(allocations.insert().values(
            train_id="", status=status, priority=request.priority.value, origin=request.origin,
            destination=request.destination, consist=request.consist.id,
            service_date=day_key(request.service_date), departure_s=0.0, arrival_s=0.0,
            created_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            request_json="{}", result_json="{}")).inserted_primary_key[0]
        train_id = f"A{new_id}-{request.priority.value}"
        path = replace(result.paths[0], train_id=train_id)
        result.paths[0] = path
        mine = path.occupations()
        _referee(planner, result, mine)
        doc = plan_to_dict(result, planner.net)
        conn.execute(update(allocations).where(allocations.c.id == new_id).values(
            train_id=train_id, departure_s=path.departure_s, arrival_s=path.arrival_s,
            request_json=json.dumps(doc["request"]), result_json=json.dumps(doc)))
        _insert_occupations(conn, new_id, "path", mine, {train_id: request.priority.value})
        civil = result.civil_occupations
        if len(civil):
            _insert_occupations(conn, new_id, "civil", civil, {h.train_id: h.train_class for h in result.hindrance})
        if result.hindrance:
            conn.execute(moved_trains.insert(), [{"allocation_id": new_id, "train_id": h.train_id,
                                                  "action": h.action} for h in result.hindrance])
        if on_write is not None:
            on_write(conn, new_id, result)
    return new_id, result


def _referee(planner, result, mine: OccupationTable) -> None:
    """The independent conflict detector on the day as it will be: nothing may overlap."""
    moved = [h.train_id for h in result.hindrance]
    table = planner.table[~np.isin(planner.table.train_id, moved)] if moved else planner.table
    check = OccupationTable.concat([table, mine, result.civil_occupations])
    conflicts = find_conflicts(check)
    if conflicts:
        c = conflicts[0]
        raise AllocationConflict(Problem("allocation", "occupations",
                                         f"{len(conflicts)} conflict(s), first {c.train_a} / {c.train_b} "
                                         f"on {c.resource_id}; nothing was written"))


def _insert_occupations(conn: Connection, allocation_id: int, kind: str, table: OccupationTable,
                        classes: dict[str, str]) -> None:
    conn.execute(occupations.insert(), [
        {"allocation_id": allocation_id, "kind": kind, "train_id": t, "train_class": classes.get(t, "military"),
         "resource_id": r, "start_s": s, "end_s": e}
        for t, r, s, e in zip(table.train_id.tolist(), table.resource_id.tolist(),
                              table.start_s.tolist(), table.end_s.tolist())])


def list_allocations(engine: Engine, status: str | None = None) -> list[dict]:
    q = select(allocations.c.id, allocations.c.train_id, allocations.c.status, allocations.c.priority,
               allocations.c.origin, allocations.c.destination, allocations.c.consist,
               allocations.c.service_date, allocations.c.departure_s, allocations.c.arrival_s,
               allocations.c.created_at).order_by(allocations.c.id)
    if status:
        q = q.where(allocations.c.status == status)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def get_allocation(engine: Engine, allocation_id: int) -> dict:
    with engine.connect() as conn:
        row = conn.execute(select(allocations).where(allocations.c.id == allocation_id)).first()
    if row is None:
        raise NotFoundError("allocation", str(allocation_id))
    out = dict(row._mapping)
    out["result"] = json.loads(out.pop("result_json"))
    out.pop("request_json")
    return out


def set_status(engine: Engine, allocation_id: int, status: str, on_write=None) -> None:
    """Confirm a proposed allocation or cancel one; cancelled is final."""
    if status not in STATUSES:
        raise ValidationError(Problem("allocation", "status", f"'{status}' is not one of {', '.join(STATUSES)}"))
    with engine.begin() as conn:
        row = conn.execute(select(allocations.c.status).where(allocations.c.id == allocation_id)).first()
        if row is None:
            raise NotFoundError("allocation", str(allocation_id))
        if row.status == "cancelled":
            raise ValidationError(Problem(f"allocation {allocation_id}", "status", "already cancelled"))
        conn.execute(update(allocations).where(allocations.c.id == allocation_id).values(status=status))
        if on_write is not None:  # e.g. the audit row, in the same transaction
            on_write(conn, allocation_id, row.status)
