"""The append-only audit log: who did what, when, to which object.

Rows are only ever inserted; the database itself refuses UPDATE and DELETE
(triggers made by migration 0001, on SQLite and PostgreSQL alike). ``record``
takes an open connection so that an action and its audit row commit together
or not at all. A row about a military request says so (``military``): its
details are shown only to the roles that may see the request.

What an allocation's audit trail holds is written here once, for every face
(the web API and the command line alike): :func:`record_allocation` (an
allocation or request, and a *change* row for every allocation it moved),
:func:`record_status` (a confirmation or cancellation, and a *change* row for
every allocation a cancellation gave its old times back). The command line
acts as the operating-system user (:func:`command_line_actor`).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from typing import Iterable

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, Text, select
from sqlalchemy.engine import Connection, Engine

from railcap.model.clock import clock
from railcap.store.allocations import current_version
from railcap.store.restore import ACTION_RESTORED
from railcap.store.schema import allocations, train_versions

ACTIONS = ("sign-in", "sign-in-refused", "plan", "request", "allocate", "confirm", "cancel", "change",
           "refused", "user-add", "job")

metadata = MetaData()
audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", String(32), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("object_type", String(32), nullable=False),
    Column("object_id", String(64), nullable=False),
    Column("military", Boolean, nullable=False),
    Column("detail_json", Text, nullable=False),
)


def now_utc() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


def record(conn: Connection, actor: str, action: str, object_type: str, object_id: str | int,
           detail: dict | None = None, military: bool = False) -> None:
    """Append one entry inside the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    conn.execute(audit_log.insert().values(
        at=now_utc(), actor=actor, action=action, object_type=object_type, object_id=str(object_id),
        military=military, detail_json=json.dumps(detail or {}, sort_keys=True)))


def append(engine: Engine, *args, **kwargs) -> None:
    """``record`` in a transaction of its own."""
    with engine.begin() as conn:
        record(conn, *args, **kwargs)


def entries(engine: Engine, *, object_type: str | None = None, object_id: str | int | None = None,
            actor: str | None = None, limit: int = 500) -> list[dict]:
    """The newest entries first."""
    q = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if object_type:
        q = q.where(audit_log.c.object_type == object_type)
    if object_id is not None:
        q = q.where(audit_log.c.object_id == str(object_id))
    if actor:
        q = q.where(audit_log.c.actor == actor)
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(q)]
    for r in rows:
        r["detail"] = json.loads(r.pop("detail_json"))
    return rows


def objects_touched(engine: Engine, actor: str, object_type: str, actions: tuple[str, ...]) -> set[str]:
    """Ids of the objects ``actor`` did one of ``actions`` to (who allocated which request)."""
    with engine.connect() as conn:
        return set(conn.execute(select(audit_log.c.object_id).where(
            audit_log.c.actor == actor, audit_log.c.object_type == object_type,
            audit_log.c.action.in_(actions))).scalars())


def command_line_actor() -> str:
    """Who acts from the command line: the operating-system user (``command-line`` when it cannot be told)."""
    try:
        return getpass.getuser() or "command-line"
    except (KeyError, OSError):  # no name for this uid (a container), no USER/LOGNAME
        return "command-line"


def record_allocation(conn: Connection, actor: str, action: str, allocation_id: int, status: str,
                      plan_doc: dict, hindrance: Iterable, military: bool, extra: dict | None = None) -> None:
    """An allocation (``action`` "allocate") or a request ("request") as written, with its plan's request,
    train and times (``plan_doc``: ``pathing.report.plan_to_dict``), and a *change* row for every allocated
    train it moved (``hindrance``: the plan's ``Hindrance`` rows)."""
    best = plan_doc["paths"][0]
    record(conn, actor, action, "allocation", allocation_id,
           {"status": status, "request": plan_doc["request"], "train_id": best["train_id"],
            "departure": best["departure"], "arrival": best["arrival"],
            "hindrance": plan_doc["hindrance"]["by_class"], **(extra or {})}, military=military)
    record_changes(conn, actor, allocation_id, hindrance)


def record_changes(conn: Connection, actor: str, by_allocation: int, hindrance: Iterable) -> None:
    """An allocated train re-timed, re-planned or cancelled to make room is a *change* of its allocation:
    one row per such allocation, in the transaction that moved it."""
    for h in hindrance:
        if h.allocation_id is None or h.allocation_id == by_allocation:
            continue
        record(conn, actor, "change", "allocation", h.allocation_id,
               {"by_allocation": by_allocation, "action": h.action, "rule": h.rule,
                "old": [clock(h.old_departure_s), clock(h.old_arrival_s)],
                "new": None if h.new_departure_s is None else [clock(h.new_departure_s), clock(h.new_arrival_s)]},
               military=h.train_class == "military")


def record_status(conn: Connection, actor: str, allocation_id: int, old_status: str, new_status: str) -> None:
    """A confirmation or cancellation (``store.allocations.set_status`` / ``store.restore``'s ``on_write``),
    and for a cancellation a *change* row for every allocation it gave its old times back."""
    priority = conn.execute(select(allocations.c.priority).where(allocations.c.id == allocation_id)).scalar()
    record(conn, actor, "confirm" if new_status == "confirmed" else "cancel", "allocation", allocation_id,
           {"from": old_status, "to": new_status}, military=priority == "military")
    if new_status == "cancelled":
        record_given_back(conn, actor, allocation_id)


def record_given_back(conn: Connection, actor: str, cancelled: int) -> None:
    """Allocated trains given their old times back by the cancellation of the allocation that had moved
    them: a *change* row for each of their allocations, in the cancellation's transaction."""
    v = train_versions
    version = current_version(conn)
    given = conn.execute(select(v.c.allocation_id, v.c.train_class, v.c.rule, v.c.departure_s, v.c.arrival_s)
                         .where(v.c.changed_by == cancelled, v.c.action == ACTION_RESTORED, v.c.current.is_(True),
                                v.c.store_version == version, v.c.allocation_id.is_not(None))).all()
    for g in given:
        record(conn, actor, "change", "allocation", g.allocation_id,
               {"by_allocation": cancelled, "action": "restored", "rule": g.rule,
                "new": None if g.departure_s is None else [clock(g.departure_s), clock(g.arrival_s)]},
               military=g.train_class == "military")
