"""A movement is planned on the same days as a single path: the next day's trains are met, never moved.

Each day of a movement meets what the dates before and after reach into it
(``store.state.window_table``): a movement train running past midnight meets
the next date's trains as they will be — the reference day's early trains and
that date's allocations — and, as they belong to their own day's plan, it
waits for them instead of displacing them. The same freight train as the
movement day's own train is displaced by military priority (the contrast).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from railcap.data.rolling_stock import load_catalogue
from railcap.model.clock import DAY_S
from railcap.occupancy import OccupationTable, find_conflicts
from railcap.pathing.request import make_request
from railcap.services.movements import day_planner
from railcap.store.days import AFTER, is_neighbour
from railcap.store.state import State

DAY = dt.date(2026, 12, 7)
NEXT = DAY + dt.timedelta(days=1)
NONE = OccupationTable.of([])


def _plan(state_of):
    """Day 0 of a movement on DAY (nothing carried): a heavy military train from 't Harde late in the evening."""
    planner = day_planner(DAY, state_of)(0, NONE, {})
    req = make_request(planner.net, origin="t-harde", destination="zevenaar-grens",
                       consist=load_catalogue().consist("military-heavy"), earliest_departure_s=23.5 * 3600,
                       priority="military", train_id="M1")
    return planner, planner.plan(req)


def _only(date, state):
    return lambda d: state if d == date else State.empty()


@pytest.fixture(scope="module")
def free_path():
    """The movement train's path with nothing of the store in the way; it runs after midnight."""
    _, result = _plan(lambda _d: State.empty())
    assert result.found
    occ = result.paths[0].occupations()
    after = occ.start_s > DAY_S
    assert after.sum() > 20
    return occ[after]


def _freight_on(rows: OccupationTable, shift_s: float) -> State:
    """A stored freight train 'F1' holding the blocks ``rows`` (a minute earlier, ten minutes longer)."""
    names = np.array(["F1"] * len(rows), dtype=object)
    occ = OccupationTable.from_columns(names, rows.resource_id, rows.start_s + shift_s - 60.0,
                                       rows.end_s + shift_s + 600.0)
    return State(occ, {"F1": "freight"}, frozenset({"F1"}))


def test_a_movement_train_does_not_displace_the_next_days_train(free_path):
    planner, result = _plan(_only(NEXT, _freight_on(free_path, -DAY_S)))  # F1 runs early on the next date
    assert f"F1{AFTER}" in set(planner.table.train_id.tolist())  # the next date's train is in the day's window
    assert result.found
    assert not [h.train_id for h in result.hindrance if is_neighbour(h.train_id) or h.train_id.startswith("F1")]
    assert not any(is_neighbour(t) for t in result.new_runs)  # nothing of the next day to store
    path = result.paths[0].occupations()
    nxt = planner.table[planner.table.train_id == f"F1{AFTER}"]
    assert find_conflicts(OccupationTable.concat([path, nxt])) == []  # it waits for F1 instead
    assert result.paths[0].departure_s > free_path.start_s.min() - 3600  # still that night


def test_the_same_freight_train_of_the_movement_day_itself_is_displaced(free_path):
    """The contrast: as the movement day's own train (after its midnight), military priority moves it."""
    _, result = _plan(_only(DAY, _freight_on(free_path, 0.0)))
    assert "F1" in {h.train_id for h in result.hindrance}


def test_the_reference_days_next_morning_is_met_as_the_next_days_and_never_moved():
    """No store: the reference trains of the next morning are in the window as ``@day+1`` and have no class
    (immovable), not the movement service's former ``@next`` copies classed as freight."""
    planner, result = _plan(lambda _d: State.empty())
    ids = set(planner.table.train_id.tolist())
    assert any(t.endswith(AFTER) for t in ids) and not any(t.endswith("@next") for t in ids)
    assert not any(is_neighbour(t) for t in planner.classes)
    assert not any(is_neighbour(h.train_id) for h in result.hindrance)
