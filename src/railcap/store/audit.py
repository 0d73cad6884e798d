"""The append-only audit log: who did what, when, to which object.

Rows are only ever inserted; the database itself refuses UPDATE and DELETE
(triggers made by migration 0001, on SQLite and PostgreSQL alike). ``record``
takes an open connection so that an action and its audit row commit together
or not at all. A row about a military request says so (``military``): its
details are shown only to the roles that may see the request.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, Text, select
from sqlalchemy.engine import Connection, Engine

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
