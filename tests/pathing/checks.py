"""What every returned path must satisfy, checked independently of the search."""

from __future__ import annotations

import numpy as np

from railcap.occupancy import OccupationTable, find_conflicts
from railcap.pathing import may_stand_at


def day_after(planner, result) -> OccupationTable:
    """The day as it will be: the timetable without the moved trains, their new paths, the new path."""
    moved = [h.train_id for h in result.hindrance]
    table = planner.table[~np.isin(planner.table.train_id, moved)] if moved else planner.table
    return OccupationTable.concat([table, result.paths[0].occupations(), result.civil_occupations])


def assert_valid(planner, result, path=None) -> None:
    path = path or result.paths[0]
    net, consist = planner.net, result.request.consist
    table = day_after(planner, result) if path is result.paths[0] else OccupationTable.concat(
        [planner.table, path.occupations()])
    conflicts = find_conflicts(table)
    assert conflicts == [], conflicts[:3]
    for leg in path.route.legs:
        assert consist.problems_on(leg.section) == [], leg.section.id
    for row in path.op_times()[1:-1]:
        if row["stops"] and row["departure_s"] - row["arrival_s"] > 1.0:
            assert may_stand_at(net.ops[row["op"]], consist), row
    assert path.departure_s >= result.request.earliest_departure_s - 1e-6
    for w in result.request.windows:
        at = next(r for r in path.op_times() if r["op"] == w.op_id)
        t = at["arrival_s"] if at["arrival_s"] is not None else at["departure_s"]
        assert w.start_s - 1e-6 <= t <= w.end_s + 1e-6
