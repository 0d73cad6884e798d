"""Cancelling an allocation gives the trains it moved their old times back, where nothing stands in the way.

A military allocation may have re-planned, retimed or cancelled civil trains
(each got a new current version *changed by* it). When the allocation is
cancelled, each such train goes back to the version it had before — the
reference day's run, or its own earlier allocated run — if:

* nothing has moved it since (its current version is still the one this
  allocation made), and
* the conflict detector finds its old occupations free on the day as it will
  be *without the cancelled path* (and with the trains given back before it).

Otherwise it stays where it is, and the answer says why, naming what is in the
way (the allocation holding the blocks, or the allocation that moved it
since). A train given back gets a new current version (action ``restored``);
if it is an allocated path, its holder's record shows the old times again
(and its status, when the military step had cancelled it).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.engine import Connection, Engine

from railcap.data.timetable_io import run_from_dict
from railcap.model.clock import format_span
from railcap.model.timetable import TrainRun
from railcap.occupancy import OccupationTable, find_conflicts
from railcap.store.allocations import _new_version, _now, _read_snapshot, change_status, write_transaction
from railcap.store.schema import allocations, store_version, train_occupations, train_versions
from railcap.store.state import TrainChange, window_table
from railcap.store.days import AFTER, BEFORE

ACTION_RESTORED = "restored"


@dataclass(frozen=True)
class GivenBack:
    """What became of one train the cancelled allocation had moved."""

    train_id: str
    train_class: str
    restored: bool
    departure_s: float | None  # its times now (the old ones when restored)
    arrival_s: float | None
    reason: str  # why it could not go back ("" when restored)
    in_the_way: tuple[str, ...] = ()  # "allocation 12", "train 3512" …
    allocation_id: int | None = None  # the train is this allocation (a path someone holds)

    def to_dict(self) -> dict:
        return {"train_id": self.train_id, "train_class": self.train_class, "restored": self.restored,
                "departure_s": self.departure_s, "arrival_s": self.arrival_s, "reason": self.reason,
                "in_the_way": list(self.in_the_way), "allocation_id": self.allocation_id}


def moved_by(engine: Engine, allocation_id: int) -> list[str]:
    """The trains an allocation moved (read only: to load their old runs before the short write)."""
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(select(train_versions.c.train_id)
                                           .where(train_versions.c.changed_by == allocation_id))]


def cancel_allocation(engine: Engine, allocation_id: int, base: OccupationTable,
                      reference_run: Callable[[str], TrainRun | None], on_write=None) -> list[GivenBack]:
    """Cancel an allocation and give the trains it moved their old times back, in one transaction.

    ``base`` is the reference day's blocking times, ``reference_run(train_id)``
    a reference train's run; ``on_write(conn, allocation_id, old_status)`` runs
    inside the same transaction (the audit row).
    """
    with write_transaction(engine) as conn:
        old, version = change_status(conn, allocation_id, "cancelled")
        key = conn.execute(select(allocations.c.service_date).where(allocations.c.id == allocation_id)).scalar()
        given = _give_back(conn, allocation_id, key, base, reference_run, version)
        conn.execute(update(store_version).where(store_version.c.id == 1).values(version=version))
        if on_write is not None:
            on_write(conn, allocation_id, old)
    return given


def _give_back(conn: Connection, allocation_id: int, key: str, base: OccupationTable,
               reference_run: Callable[[str], TrainRun | None], version: int) -> list[GivenBack]:
    moved = conn.execute(select(train_versions.c.id, train_versions.c.train_id)
                         .where(train_versions.c.service_date == key)
                         .where(train_versions.c.changed_by == allocation_id)
                         .order_by(train_versions.c.id)).all()
    if not moved:
        return []
    snap = _read_snapshot(conn, dt.date.fromisoformat(key) if key else None)
    day = window_table(base, snap)  # the day as it will be, the cancelled path already gone
    now = _now()
    out = []
    for made_id, train_id in moved:
        given, occ = _one(conn, key, made_id, train_id, base, day)
        if given.restored:
            run = _old_run(conn, key, made_id, train_id, reference_run)
            if run is not None:
                given = replace(given, departure_s=run.departure_s, arrival_s=run.arrival_s)
            _new_version(conn, key, TrainChange(train_id, given.train_class, ACTION_RESTORED,
                                                f"allocation {allocation_id}, which had moved it, was cancelled",
                                                run, occ), None, allocation_id, version, now)
            _tell_holder(conn, train_id, allocation_id, run, occ, now)
            day = OccupationTable.concat([day[day.train_id != train_id], occ])
        out.append(given)
    return out


def _one(conn: Connection, key: str, made_id: int, train_id: str, base: OccupationTable,
         day: OccupationTable) -> tuple[GivenBack, OccupationTable | None]:
    """Whether ``train_id`` can go back, and its old occupations."""
    current = conn.execute(select(train_versions.c.id, train_versions.c.changed_by, train_versions.c.action,
                                  train_versions.c.train_class, train_versions.c.departure_s,
                                  train_versions.c.arrival_s, train_versions.c.allocation_id)
                           .where(train_versions.c.service_date == key).where(train_versions.c.train_id == train_id)
                           .where(train_versions.c.current.is_(True))).first()
    cls, holder = current.train_class, current.allocation_id

    def stays(reason: str, in_the_way: tuple[str, ...] = ()) -> tuple[GivenBack, None]:
        return GivenBack(train_id, cls, False, current.departure_s, current.arrival_s, reason, in_the_way,
                         holder), None

    if current.id != made_id:
        by = f"allocation {current.changed_by}" if current.changed_by else "its holder"
        return stays(f"{current.action} by {by} since", (by,) if current.changed_by else ())
    occ = _old_occupations(conn, key, made_id, train_id, base)
    if occ is None:
        return stays("it was not running before this allocation moved it")
    others = day[(day.train_id != train_id) & np.isin(day.resource_id, occ.resource_id)]
    hits = [c for c in find_conflicts(OccupationTable.concat([others, occ])) if train_id in (c.train_a, c.train_b)]
    if hits:
        first = hits[0]
        names = tuple(dict.fromkeys(_who(conn, key, c.train_b if c.train_a == train_id else c.train_a)
                                    for c in hits))
        return stays(f"its old blocks are taken: {names[0]} on {first.resource_id} at "
                     f"{format_span(first.overlap_start_s, first.overlap_end_s)}"
                     + (f" (and {len(names) - 1} more)" if len(names) > 1 else ""), names)
    return GivenBack(train_id, cls, True, float(occ.start_s.min()), float(occ.end_s.max()), "", (), holder), occ


def _previous(conn: Connection, key: str, made_id: int, train_id: str):
    """The train's version before the one ``made_id`` (None: the reference day's run)."""
    return conn.execute(select(train_versions.c.id, train_versions.c.run_json)
                        .where(train_versions.c.service_date == key).where(train_versions.c.train_id == train_id)
                        .where(train_versions.c.id < made_id).order_by(train_versions.c.id.desc()).limit(1)).first()


def _old_occupations(conn: Connection, key: str, made_id: int, train_id: str,
                     base: OccupationTable) -> OccupationTable | None:
    prev = _previous(conn, key, made_id, train_id)
    if prev is None:
        rows = base[base.train_id == train_id]
        return rows if len(rows) else None
    if not prev.run_json:
        return None  # it was cancelled before
    rows = conn.execute(select(train_occupations.c.resource_id, train_occupations.c.start_s,
                               train_occupations.c.end_s).where(train_occupations.c.version_id == prev.id)).all()
    if not rows:
        return None
    r, s, e = zip(*rows)
    return OccupationTable.from_columns(np.array([train_id] * len(r), dtype=object), np.array(r, dtype=object),
                                        np.array(s, dtype=float), np.array(e, dtype=float))


def _old_run(conn: Connection, key: str, made_id: int, train_id: str, reference_run) -> TrainRun | None:
    prev = _previous(conn, key, made_id, train_id)
    if prev is None:
        return reference_run(train_id)
    return run_from_dict(json.loads(prev.run_json))


def _who(conn: Connection, key: str, train_id: str) -> str:
    """A train in the way, as the planner would name it: its allocation, the allocation that moved it, or
    the train itself (of this day or a neighbouring one)."""
    if train_id.endswith((BEFORE, AFTER)):
        day = "the day before" if train_id.endswith(BEFORE) else "the day after"
        return f"train {train_id.rsplit('@', 1)[0]} of {day}"
    own = conn.execute(select(allocations.c.id).where(allocations.c.service_date == key)
                       .where(allocations.c.train_id == train_id)).scalar()
    if own is not None:
        return f"allocation {own}"
    by = conn.execute(select(train_versions.c.changed_by).where(train_versions.c.service_date == key)
                      .where(train_versions.c.train_id == train_id).where(train_versions.c.current.is_(True))
                      ).scalar()
    return f"train {train_id} (moved by allocation {by})" if by else f"train {train_id}"


_WAS = re.compile(r"cancelled \(it was (proposed|confirmed)\) by allocation (\d+)")


def _tell_holder(conn: Connection, train_id: str, by: int, run: TrainRun | None, occ: OccupationTable,
                 now: str) -> None:
    """An allocated path given back: its holder sees the old times, and the old status if it was cancelled."""
    row = conn.execute(select(allocations.c.id, allocations.c.status, allocations.c.note)
                       .where(allocations.c.train_id == train_id)).first()
    if row is None:
        return
    values: dict = {"note": (row.note + "; " if row.note else "") + f"restored: allocation {by}, which had "
                                                                      f"moved it, was cancelled",
                    "updated_at": now,
                    "departure_s": run.departure_s if run is not None else float(occ.start_s.min()),
                    "arrival_s": run.arrival_s if run is not None else float(occ.end_s.max())}
    if row.status == "cancelled":
        was = [m[1] for m in _WAS.finditer(row.note or "") if int(m[2]) == by]
        values["status"] = was[-1] if was else "confirmed"
    elif row.status == "used":  # a reserve path the cancelled military path had used is held again
        values.update(status="confirmed", used_by=None)
    conn.execute(update(allocations).where(allocations.c.id == row.id).values(**values))


__all__ = ["ACTION_RESTORED", "GivenBack", "cancel_allocation", "moved_by"]
