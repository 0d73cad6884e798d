"""The state of a service day as the store keeps it, and the day as it will be — no database here.

A :class:`State` is what allocations changed on one service day (the current
version of every changed train); a :class:`Snapshot` is a day's state read at
one store version, with its neighbours' (``store.days``). :func:`day_table`
and :func:`window_table` turn them into the occupation table a path of the
day meets. :class:`TrainChange` and :class:`NewAllocation` are what the
services hand the store to write.

Planning without a database (``railcap path plan`` with no store) needs only
this module, so it never loads SQLAlchemy; reading and writing the database
is ``store.allocations``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from railcap.model.timetable import TrainRun
from railcap.occupancy import OccupationTable
from railcap.store.days import neighbour_rows

def day_key(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


@dataclass(frozen=True)
class State:
    """What allocations changed on one service day: the current version of every changed train."""

    extra: OccupationTable  # occupations of the running current versions
    classes: dict[str, str]  # train id -> class, for every train with a current version
    removed: frozenset[str]  # every train with a current version (the reference day's copy is replaced)
    runs: dict[str, TrainRun] = field(default_factory=dict)  # current runs (for re-planning, old times)
    allocated: dict[str, int] = field(default_factory=dict)  # train id -> allocation id (allocated trains)

    @classmethod
    def empty(cls) -> "State":
        return cls(OccupationTable.of([]), {}, frozenset())


@dataclass(frozen=True)
class Snapshot:
    """A service day's state as read at one store version, with its neighbours' (``store.days``)."""

    state: State
    version: int
    service_date: dt.date | None
    before: State = field(default_factory=State.empty)  # the day before (the reference weekday: itself)
    after: State = field(default_factory=State.empty)  # the day after


def day_table(base: OccupationTable, state: State) -> OccupationTable:
    """The day as it will be: ``base`` (the reference day) without the changed trains, plus their current runs."""
    if state.removed:
        base = base[~np.isin(base.train_id, list(state.removed))]
    return OccupationTable.concat([base, state.extra]) if len(state.extra) else base


def window_table(base: OccupationTable, snap: Snapshot) -> OccupationTable:
    """What a path of the day meets: the day as it will be plus what the days before and after reach into it
    (the trains past the previous midnight, the next day's first hours; ``store.days``)."""
    return OccupationTable.concat([day_table(base, snap.state), neighbour_rows(base, snap.before, snap.after)])


@dataclass(frozen=True)
class TrainChange:
    """A new current version for one train: running on ``run`` with ``occupations``, or cancelled (None)."""

    train_id: str
    train_class: str
    action: str
    rule: str
    run: TrainRun | None
    occupations: OccupationTable | None


@dataclass(frozen=True)
class NewAllocation:
    """What the services hand the store to write: the request's fields, the path, and the trains it moves."""

    status: str
    priority: str
    origin: str
    destination: str
    consist: str
    service_date: dt.date | None
    run: TrainRun  # with train_id "" (the store names it A<id>-<priority>)
    occupations: OccupationTable
    changes: tuple[TrainChange, ...]
    request_doc: dict
    result_doc: dict


__all__ = ["NewAllocation", "Snapshot", "State", "TrainChange", "day_key", "day_table", "window_table"]
