"""The referee: the independent conflict detector on the blocks a new allocation touches — no database here.

Before a write (:func:`check_plan`, on the snapshot the plan was made on) and
inside the write transaction (``store.allocations.recheck``, on the day as it
is now) a new allocation and the trains it moves must overlap nothing; the
days before and after count (``store.days``), their own overlaps do not.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from railcap.model.errors import Problem, RailcapError
from railcap.occupancy import OccupationTable, find_conflicts
from railcap.store.days import neighbour_rows
from railcap.store.state import NewAllocation, Snapshot, day_table


class AllocationConflict(RailcapError):
    """The planned path overlaps what is allocated now (nothing is written)."""


class StalePlan(Exception):
    """Another allocation changed the day after the snapshot the plan was made on: plan again."""


_BY_RESOURCE: dict[int, tuple[OccupationTable, dict[str, np.ndarray]]] = {}


def _rows_by_resource(base: OccupationTable) -> dict[str, np.ndarray]:
    """Row numbers of ``base`` per resource, built once per base table (the write stays short)."""
    hit = _BY_RESOURCE.get(id(base))
    if hit is None or hit[0] is not base:
        order = np.argsort(base.resource_id.astype(str), kind="stable")
        ids = base.resource_id[order].tolist()
        cuts = [0] + [i for i in range(1, len(ids)) if ids[i] != ids[i - 1]] + [len(ids)]
        hit = (base, {ids[a]: order[a:b] for a, b in zip(cuts[:-1], cuts[1:])})
        _BY_RESOURCE.clear()
        _BY_RESOURCE[id(base)] = hit
    return hit[1]


def touched_day(base: OccupationTable, snap: Snapshot, new: NewAllocation) -> OccupationTable:
    """The day as it is now with its neighbours (``window_table``), only on the blocks the new allocation and
    its moves touch."""
    state = snap.state
    touched = set(new.occupations.resource_id.tolist())
    for c in new.changes:
        if c.occupations is not None:
            touched.update(c.occupations.resource_id.tolist())
    index = _rows_by_resource(base)
    rows = [index[r] for r in touched if r in index]
    part = base[np.sort(np.concatenate(rows))] if rows else base[np.zeros(0, dtype=np.int64)]
    extra = state.extra[np.isin(state.extra.resource_id, list(touched))] if len(state.extra) else state.extra
    near = neighbour_rows(base, snap.before, snap.after)
    return OccupationTable.concat([day_table(part, replace(state, extra=extra)),
                                   near[np.isin(near.resource_id, list(touched))]])


def referee(day: OccupationTable, new: NewAllocation, moved: list[str], stale: bool) -> None:
    """The independent conflict detector on the blocks the allocation touches, the day as it is now."""
    mine = OccupationTable.from_columns(np.array(["(new allocation)"] * len(new.occupations), dtype=object),
                                        new.occupations.resource_id, new.occupations.start_s,
                                        new.occupations.end_s)
    added = [mine] + [c.occupations for c in new.changes if c.occupations is not None and len(c.occupations)]
    touched = np.unique(np.concatenate([a.resource_id for a in added]).astype(str)).astype(object)
    keep = np.isin(day.resource_id, touched)
    if moved:
        keep &= ~np.isin(day.train_id, moved)
    ours = {"(new allocation)", *(c.train_id for c in new.changes if c.occupations is not None)}
    conflicts = [c for c in find_conflicts(OccupationTable.concat([day[keep], *added]))
                 if c.train_a in ours or c.train_b in ours]  # not the neighbouring days' own overlaps
    if conflicts:
        if stale:
            raise StalePlan(f"{len(conflicts)} conflict(s) with allocations made since the plan")
        c = conflicts[0]
        raise AllocationConflict(Problem("allocation", "occupations",
                                         f"{len(conflicts)} conflict(s), first {c.train_a} / {c.train_b} "
                                         f"on {c.resource_id}; nothing was written"))


def check_plan(day: OccupationTable, new: NewAllocation) -> None:
    """The referee on the snapshot the plan was made on (an overlap here is a bug; nothing is written)."""
    referee(day, new, [c.train_id for c in new.changes], stale=False)


__all__ = ["AllocationConflict", "StalePlan", "check_plan", "referee", "touched_day"]
