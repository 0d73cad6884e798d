"""Allocations and the trains they move, one truth per train, in a database (SQLite or any SQLAlchemy URL).

**One truth per train.** Every train that differs from the reference day on
a service date — an allocated path, a civil train that military priority
re-planned, retimed or cancelled — has *versions* (``train_versions``); exactly
one is current (a partial unique index says so), older ones are its history.
A current version is either running (with its block occupations in
``train_occupations`` and its run) or cancelled (no occupations). The day as
it will be is the reference day without every train that has a current
version, plus the occupations of the running current versions
(:func:`day_table`, in ``store.state``, which planning without a database
uses without loading SQLAlchemy).

An allocation row (``allocations``) is what its holder sees: status
(proposed, confirmed, cancelled), times, and a note when another allocation's
military priority moved or cancelled it; its train's versions are its history.

**Optimistic concurrency.** Planning reads a :class:`Snapshot` (the day's
state and the store version) without any lock. Writing
(:func:`write_allocation`) is one short transaction: take the write lock,
check that no train this plan moves has changed since the snapshot, run the
independent conflict detector on the blocks the plan touches against the day
as it is *now*, then write and bump the version. A stale plan raises
:class:`StalePlan` and the caller plans again; a failure half-way rolls
everything back.

**Whose file.** A database is railcap's when it has the ``railcap_meta``
table (or is one of railcap's own earlier schemas); anything else is refused
before a byte is written. The schema comes from the Alembic migrations in
``store/migrations`` (the same for SQLite and PostgreSQL); the tables are
``store.schema``, the conflict check before and during a write ``store.referee``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import numpy as np
from sqlalchemy import create_engine, event, func, inspect, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from railcap.data.timetable_io import run_from_dict, run_to_dict
from railcap.model.errors import NotFoundError, Problem, RailcapError, ValidationError
from railcap.model.timetable import TrainRun
from railcap.occupancy import OccupationTable
from railcap.store.database import database_url, migrate
from railcap.store.days import neighbour_dates
from railcap.store.referee import AllocationConflict, StalePlan, check_plan, referee, touched_day
from railcap.store.schema import (HEAD_REVISION, KNOWN_REVISIONS, SCHEMA_NAME, SQLITE_HEADER, STATUSES, allocations,
                                  railcap_meta, store_version, train_occupations, train_versions)
from railcap.store.state import NewAllocation, Snapshot, State, TrainChange, day_key, day_table, window_table

ACTION_ALLOCATED = "allocated"
ACTION_CANCELLED = "cancelled"
ACTION_RESERVE_USED = "reserve used"  # a reserve path a military path took (the planner's ``Hindrance.action``)
RULE_HOLDER = "cancelled by its holder"


class StoreError(RailcapError):
    """The database cannot be used: missing, not railcap's, unreadable, read-only, no driver."""


# -- opening a store -----------------------------------------------------------------------------


def _db_problem(where: str, reason: str) -> StoreError:
    return StoreError(Problem(f"database '{where}'", "db", reason))


def open_store(url_or_path: str | Path, *, create: bool = True) -> Engine:
    """An engine on railcap's database; a plain path means SQLite.

    ``create=False`` (read commands) refuses a database that does not exist
    instead of creating it. A file or database that is not railcap's is
    refused before anything is written to it.
    """
    url = database_url(url_or_path)
    where = str(url_or_path)
    sqlite_path = Path(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else None
    if sqlite_path is not None:
        _check_sqlite_file(sqlite_path, where, create)
    try:
        engine = _engine(url)
    except (NoSuchModuleError, ModuleNotFoundError, ImportError) as exc:
        scheme = url.split("://", 1)[0]
        raise _db_problem(where, f"no database driver for '{scheme}' is installed ({exc}); "
                                 f"install it (e.g. pip install 'psycopg[binary]') or use an SQLite file") from None
    except ArgumentError as exc:
        raise _db_problem(where, f"not a database URL or file path: {exc}") from None
    try:
        _ensure_schema(engine, url, where, create)
        if sqlite_path is not None and create:
            _write_ahead_log(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise _db_problem(where, f"cannot be used: {_first_line(exc)}") from None
    return engine


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc).strip().splitlines()[0]


def _check_sqlite_file(path: Path, where: str, create: bool) -> None:
    if path.is_dir():
        raise _db_problem(where, "is a directory, not a database file")
    if not path.exists():
        if not create:
            raise _db_problem(where, "does not exist (nothing was created; allocate a path to start one)")
        if not path.parent.is_dir():
            raise _db_problem(where, f"the folder '{path.parent}' does not exist")
        if not os.access(path.parent, os.W_OK):
            raise _db_problem(where, f"the folder '{path.parent}' is not writable")
        return
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise _db_problem(where, f"cannot be read: {exc.strerror}") from None
    if head and head != SQLITE_HEADER:
        raise _db_problem(where, "is not an SQLite database (nothing was written to it)")
    if create and not os.access(path, os.W_OK):
        raise _db_problem(where, "is read-only (nothing was written)")
    if create and not os.access(path.parent, os.W_OK):
        raise _db_problem(where, f"its folder '{path.parent}' is not writable (the database needs a journal)")


def _engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # transactions begin in _begin below
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        mode = conn.get_execution_options().get("railcap_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")
    return engine


def _ensure_schema(engine: Engine, url: str, where: str, create: bool) -> None:
    """Create or upgrade railcap's tables; refuse a database that is somebody else's."""
    tables = set(inspect(engine).get_table_names())
    if not tables:
        if not create:
            raise _db_problem(where, "is empty: not a railcap database (nothing was written)")
        _migrate(engine, url)
        return
    revision = None
    if "alembic_version" in tables:
        with engine.connect() as conn:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    ours = "railcap_meta" in tables and _meta(engine).get("schema") == SCHEMA_NAME
    if not ours and revision not in KNOWN_REVISIONS:
        shown = ", ".join(sorted(tables)[:5]) + (" …" if len(tables) > 5 else "")
        raise _db_problem(where, f"is not a railcap database (it has the tables {shown} and no railcap_meta); "
                                 f"nothing was written to it")
    if revision != HEAD_REVISION:
        if revision is not None and revision not in KNOWN_REVISIONS:
            raise _db_problem(where, f"has schema revision {revision}, newer than this railcap knows")
        _migrate(engine, url)


def _meta(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {k: v for k, v in conn.execute(select(railcap_meta.c.key, railcap_meta.c.value))}


def _migrate(engine: Engine, url: str) -> None:
    migrate(url)


def _write_ahead_log(engine: Engine) -> None:
    """SQLite in WAL mode: readers never wait for a writer, nor a writer's commit for a reader (no deadlock
    between a long read and a short write). Persistent in the file; set once."""
    raw = engine.raw_connection()  # outside any transaction
    try:
        cur = raw.cursor()
        if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            cur.execute("PRAGMA journal_mode=WAL")
    finally:
        raw.close()


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A short write transaction that holds the store's write lock from its first statement."""
    with engine.connect() as conn:
        conn = conn.execution_options(railcap_begin="IMMEDIATE")
        with conn.begin():
            conn.execute(select(store_version.c.version).where(store_version.c.id == 1).with_for_update())
            yield conn


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A consistent read (one snapshot of the database), taking no write lock."""
    with engine.connect() as conn:
        with conn.begin():
            yield conn


# -- the state of a service day ------------------------------------------------------------------


def current_version(conn: Connection) -> int:
    return int(conn.execute(select(store_version.c.version).where(store_version.c.id == 1)).scalar() or 0)


def load_state(conn: Connection, service_date: dt.date | None) -> State:
    """The current version of every train changed on the day (allocated, moved, cancelled)."""
    key = day_key(service_date)
    versions = conn.execute(
        select(train_versions.c.id, train_versions.c.train_id, train_versions.c.train_class,
               train_versions.c.allocation_id, train_versions.c.action, train_versions.c.run_json)
        .where(train_versions.c.service_date == key).where(train_versions.c.current.is_(True))).all()
    rows = conn.execute(
        select(train_versions.c.train_id, train_occupations.c.resource_id, train_occupations.c.start_s,
               train_occupations.c.end_s)
        .join(train_versions, train_versions.c.id == train_occupations.c.version_id)
        .where(train_versions.c.service_date == key).where(train_versions.c.current.is_(True))).all()
    classes = {v.train_id: v.train_class for v in versions}
    runs = {v.train_id: run_from_dict(json.loads(v.run_json)) for v in versions if v.run_json}
    allocated = {v.train_id: v.allocation_id for v in versions if v.allocation_id is not None}
    if rows:
        t, r, s, e = zip(*rows)
        extra = OccupationTable.from_columns(np.array(t, dtype=object), np.array(r, dtype=object),
                                             np.array(s, dtype=float), np.array(e, dtype=float))
    else:
        extra = OccupationTable.of([])
    return State(extra, classes, frozenset(classes), runs, allocated)


def snapshot(engine: Engine, service_date: dt.date | None) -> Snapshot:
    """The day's state and the store version it belongs to, read in one consistent transaction."""
    with read_transaction(engine) as conn:
        return _read_snapshot(conn, service_date)


def _states(conn: Connection, service_date: dt.date | None) -> tuple[State, State, State]:
    """The day's state and its neighbours' (the reference weekday is its own neighbour)."""
    state = load_state(conn, service_date)
    if service_date is None:
        return state, state, state
    before, after = neighbour_dates(service_date)
    return state, load_state(conn, before), load_state(conn, after)


def _read_snapshot(conn: Connection, service_date: dt.date | None) -> Snapshot:
    state, before, after = _states(conn, service_date)
    return Snapshot(state, current_version(conn), service_date, before, after)


# -- writing an allocation -----------------------------------------------------------------------


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def write_allocation(engine: Engine, new: NewAllocation, base: OccupationTable, seen_version: int,
                     on_write=None) -> tuple[int, str]:
    """Write ``new`` in one short transaction; (allocation id, train id).

    ``on_write(conn, allocation_id, train_id)`` runs inside the same
    transaction (the web application's audit row and request details).

    Raises :class:`StalePlan` when a train the plan moves has changed since
    ``seen_version`` or the conflict detector finds an overlap with the day as
    it is now; nothing is written then.
    """
    if new.status not in ("proposed", "confirmed"):
        raise ValidationError(Problem("allocation", "status", f"'{new.status}' is not proposed or confirmed"))
    with write_transaction(engine) as conn:
        if current_version(conn) != seen_version:
            recheck(conn, new, base, seen_version)
        new_id, train_id = insert_allocation(conn, new)
        if on_write is not None:
            on_write(conn, new_id, train_id)
    return new_id, train_id


def recheck(conn: Connection, new: NewAllocation, base: OccupationTable, seen_version: int) -> None:
    """Inside a write transaction, for a plan made at ``seen_version``: :class:`StalePlan` when a train it
    moves has changed since, or the conflict detector finds an overlap with the day as it is now."""
    moved = [c.train_id for c in new.changes]
    if moved and conn.execute(
            select(func.count()).select_from(train_versions)
            .where(train_versions.c.service_date == day_key(new.service_date))
            .where(train_versions.c.train_id.in_(moved))
            .where(train_versions.c.store_version > seen_version)).scalar():
        raise StalePlan("a train this plan moves was changed by another allocation")
    day_now = _read_snapshot(conn, new.service_date)
    referee(touched_day(base, day_now, new), new, moved, stale=True)


def insert_allocation(conn: Connection, new: NewAllocation, train_id: str | None = None) -> tuple[int, str]:
    """Write ``new`` inside the caller's write transaction (``write_transaction``), no checks; (id, train id).

    For a whole movement written at once; a single allocation goes through :func:`write_allocation`.
    """
    key = day_key(new.service_date)
    version = current_version(conn)
    now = _now()
    new_id = conn.execute(allocations.insert().values(
        train_id="", status=new.status, priority=new.priority, origin=new.origin,
        destination=new.destination, consist=new.consist, service_date=key,
        departure_s=new.run.departure_s, arrival_s=new.run.arrival_s, created_at=now, updated_at=now,
        request_json=json.dumps(new.request_doc), result_json="{}", note="")).inserted_primary_key[0]
    train_id = train_id or f"A{new_id}-{new.priority}"
    mine = OccupationTable.from_columns(np.array([train_id] * len(new.occupations), dtype=object),
                                        new.occupations.resource_id, new.occupations.start_s,
                                        new.occupations.end_s)
    doc = _rename(new.result_doc, train_id)
    conn.execute(update(allocations).where(allocations.c.id == new_id).values(
        train_id=train_id, result_json=json.dumps(doc)))
    version += 1
    _new_version(conn, key, TrainChange(train_id, new.priority, ACTION_ALLOCATED, "",
                                        replace(new.run, id=train_id), mine), new_id, None, version, now)
    for change in new.changes:
        _new_version(conn, key, change, None, new_id, version, now)
        _tell_holder(conn, change, new_id, now)
    conn.execute(update(store_version).where(store_version.c.id == 1).values(version=version))
    return new_id, train_id


def _rename(doc: dict, train_id: str) -> dict:
    out = dict(doc)
    out["paths"] = [dict(p, train_id=train_id) if n == 0 else p for n, p in enumerate(doc.get("paths", []))]
    return out


def _new_version(conn: Connection, key: str, change: TrainChange, allocation_id: int | None,
                 changed_by: int | None, version: int, now: str) -> None:
    conn.execute(update(train_versions).where(train_versions.c.service_date == key)
                 .where(train_versions.c.train_id == change.train_id).where(train_versions.c.current.is_(True))
                 .values(current=False))
    run = change.run
    vid = conn.execute(train_versions.insert().values(
        service_date=key, train_id=change.train_id, train_class=change.train_class,
        allocation_id=allocation_id if allocation_id is not None else _allocation_of(conn, key, change.train_id),
        changed_by=changed_by, action=change.action, rule=change.rule,
        departure_s=None if run is None else run.departure_s, arrival_s=None if run is None else run.arrival_s,
        run_json="" if run is None else json.dumps(_exact(run)), current=True, store_version=version,
        created_at=now)).inserted_primary_key[0]
    occ = change.occupations
    if occ is not None and len(occ):
        conn.execute(train_occupations.insert(), [
            {"version_id": vid, "resource_id": r, "start_s": s, "end_s": e}
            for r, s, e in zip(occ.resource_id.tolist(), occ.start_s.tolist(), occ.end_s.tolist())])


def _exact(run: TrainRun) -> dict:
    """The run in the timetable format, its times to the full precision its occupations have."""
    doc = run_to_dict(run)
    doc["points"] = [[p.op_id, p.arrival_s, p.departure_s, int(p.stops)] for p in run.points]
    return doc


def _allocation_of(conn: Connection, key: str, train_id: str) -> int | None:
    return conn.execute(select(allocations.c.id).where(allocations.c.service_date == key)
                        .where(allocations.c.train_id == train_id)).scalar()


def _tell_holder(conn: Connection, change: TrainChange, by: int, now: str) -> None:
    """An allocated train moved by another allocation: its holder's record shows the new status and times."""
    key_row = conn.execute(select(allocations.c.id, allocations.c.note, allocations.c.status)
                           .where(allocations.c.train_id == change.train_id)).first()
    if key_row is None:
        return
    used = change.run is None and change.action == ACTION_RESERVE_USED
    what = "used" if used else f"cancelled (it was {key_row.status})" if change.run is None else change.action
    note = (key_row.note + "; " if key_row.note else "") + f"{what} by allocation {by}: {change.rule}"
    values: dict = {"note": note, "updated_at": now}
    if used:
        values.update(status="used", used_by=by)
    elif change.run is None:
        values["status"] = "cancelled"
    else:
        values.update(departure_s=change.run.departure_s, arrival_s=change.run.arrival_s)
    conn.execute(update(allocations).where(allocations.c.id == key_row.id).values(**values))


# -- reading and changing allocations ---------------------------------------------------------------


def list_allocations(engine: Engine, status: str | None = None) -> list[dict]:
    if status is not None and status not in STATUSES:
        raise ValidationError(Problem("path list", "status", f"'{status}' is not one of {', '.join(STATUSES)}"))
    q = select(allocations.c.id, allocations.c.train_id, allocations.c.status, allocations.c.priority,
               allocations.c.origin, allocations.c.destination, allocations.c.consist,
               allocations.c.service_date, allocations.c.departure_s, allocations.c.arrival_s,
               allocations.c.created_at, allocations.c.updated_at, allocations.c.note,
               allocations.c.used_by).order_by(allocations.c.id)
    if status:
        q = q.where(allocations.c.status == status)
    with read_transaction(engine) as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def get_allocation(engine: Engine, allocation_id: int) -> dict:
    """An allocation's record: its current status and times, the plan it was made with, its history."""
    with read_transaction(engine) as conn:
        row = conn.execute(select(allocations).where(allocations.c.id == allocation_id)).first()
        if row is None:
            raise NotFoundError("allocation", str(allocation_id))
        history = conn.execute(
            select(train_versions.c.action, train_versions.c.rule, train_versions.c.changed_by,
                   train_versions.c.departure_s, train_versions.c.arrival_s, train_versions.c.current,
                   train_versions.c.created_at)
            .where(train_versions.c.train_id == row.train_id).order_by(train_versions.c.id)).all()
    out = dict(row._mapping)
    out["result"] = json.loads(out.pop("result_json"))
    out["request"] = json.loads(out.pop("request_json") or "{}")
    out["history"] = [dict(h._mapping) for h in history]
    return out


def set_status(engine: Engine, allocation_id: int, status: str, on_write=None) -> None:
    """Confirm a proposed allocation or cancel one (its blocks are free again); cancelled is final.

    ``on_write(conn, allocation_id, old_status)`` runs inside the same transaction (e.g. the audit row).
    Cancelling here leaves the trains it moved where they are; ``store.restore.cancel_allocation`` gives
    them their old times back.
    """
    with write_transaction(engine) as conn:
        old, version = change_status(conn, allocation_id, status)
        conn.execute(update(store_version).where(store_version.c.id == 1).values(version=version))
        if on_write is not None:
            on_write(conn, allocation_id, old)


def change_status(conn: Connection, allocation_id: int, status: str) -> tuple[str, int]:
    """Inside a write transaction: the status changed (a cancelled allocation's train gets a cancelled
    version); (the old status, the store version to write). Refused: unknown id, already that status,
    anything after cancelled, confirming a used reserve path (cancelling the allocation that used it gives
    it back)."""
    if status not in ("confirmed", "cancelled"):
        raise ValidationError(Problem("allocation", "status", f"'{status}' is not confirmed or cancelled"))
    row = conn.execute(select(allocations.c.status, allocations.c.train_id, allocations.c.service_date,
                              allocations.c.priority, allocations.c.used_by)
                       .where(allocations.c.id == allocation_id)).first()
    if row is None:
        raise NotFoundError("allocation", str(allocation_id))
    if row.status == "used" and status == "confirmed":
        raise ValidationError(Problem(f"allocation {allocation_id}", "status",
                                      f"used by allocation {row.used_by}: cancelling that one gives it back"))
    if row.status == "cancelled":
        raise ValidationError(Problem(f"allocation {allocation_id}", "status", "already cancelled"))
    if row.status == status:
        raise ValidationError(Problem(f"allocation {allocation_id}", "status", f"already {status}"))
    now = _now()
    conn.execute(update(allocations).where(allocations.c.id == allocation_id).values(status=status, updated_at=now))
    version = current_version(conn) + 1
    if status == "cancelled":
        _new_version(conn, row.service_date, TrainChange(row.train_id, row.priority, ACTION_CANCELLED, RULE_HOLDER,
                                                         None, None), allocation_id, None, version, now)
    return row.status, version


__all__ = ["AllocationConflict", "NewAllocation", "Snapshot", "StalePlan", "State", "StoreError", "TrainChange",
           "change_status", "check_plan", "day_table", "get_allocation", "list_allocations", "load_state",
           "open_store", "recheck", "set_status", "snapshot", "window_table", "write_allocation"]
