"""Inserting trips on the board of what is already granted (``board``, the day as it
repeats): the first free shift, a longer wait at a stop where the next block is busy,
the phase whose trips hit least."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from railcap.timetable.board import DayBoard
from railcap.timetable.templates import Template, with_extra_dwell

DAY_S = 86_400.0
PASSENGER_MAX_SHIFT_MIN = 5  # a trip may leave up to this much earlier or later than its pattern says
DWELL_STEP_S = 6.0  # ProRail plans in tenths of a minute
DWELL_MAX_EXTRA_S = 120.0  # a passenger trip may wait up to 2 min longer at one stop ...
DWELL_MAX_TOTAL_S = 240.0  # ... and 4 min longer over its whole run
DWELL_MAX_TRIES = 12
PASSENGER_SHIFT_S = tuple([0.0] + [sgn * 60.0 * m for m in range(1, PASSENGER_MAX_SHIFT_MIN + 1) for sgn in (1, -1)])
FREIGHT_SHIFT_STEP_S = 120.0
FREIGHT_MAX_SHIFT_S = 8 * 3600.0  # a freight train may run this much off its even spread (much Dutch freight runs at night)


def best_phase(board: DayBoard, t: Template, departures: np.ndarray, headway_s: float) -> float:
    """The offset (whole minutes within one headway) whose trips hit the fewest busy intervals."""
    if headway_s <= 60 or len(departures) == 0:
        return 0.0
    sample = departures[:: max(1, len(departures) // 6)]
    best, best_hits = 0.0, math.inf
    for phase in np.arange(0.0, headway_s, 60.0):
        hits = sum(board.run_hits(t.resources, t.starts, t.ends, float(d + phase)) for d in sample)
        if hits < best_hits:
            best, best_hits = float(phase), hits
            if hits == 0:
                break
    return best


def insert(board: DayBoard, t: Template, train_id: str, departure_s: float, shifts: Sequence[float]
           ) -> float | None:
    """The first shift at which the trip is free on all its blocks; it is then granted (as ``train_id``)."""
    for dt in shifts:
        dep = departure_s + dt
        if dep < 0 or dep >= DAY_S:
            continue
        if board.run_is_free(t.resources, t.starts, t.ends, dep):
            board.add_run(train_id, t.resources, t.starts, t.ends, dep)
            return dep
    return None


def insert_waiting(board: DayBoard, t: Template, train_id: str, departure_s: float, shifts: Sequence[float]
                   ) -> tuple[float, dict[int, float]] | None:
    """Like ``insert``, but the trip may also wait longer at its stops (a planner's dwell supplement).

    At each departure shift the first block that is busy is found; the trip waits
    at its last stop before that block until the block is free (in steps of the
    6 s planning grid), up to ``DWELL_MAX_EXTRA_S`` at one stop and
    ``DWELL_MAX_TOTAL_S`` in all. The blocking times of the waiting trip are then
    computed again by the one occupation function and checked exactly before
    the trip is granted. Returns (departure, extra dwell per point index) or None.
    """
    rows = t.dwell_rows()
    if not rows:
        return None
    for dt in shifts:
        dep = departure_s + dt
        if dep < 0 or dep >= DAY_S:
            continue
        st, en = t.starts.copy(), t.ends.copy()
        extra: dict[int, float] = {}
        for _ in range(DWELL_MAX_TRIES):
            hit = board.run_first_hit(t.resources, st, en, dep)
            if hit is None:
                break
            row, busy_until = hit
            stop = next((r for r in reversed(rows) if r[1][row]), None)
            if stop is None:
                break  # busy before the first stop: only a different departure helps
            i, after, spans = stop
            wait = DWELL_STEP_S * math.ceil((busy_until - (st[row] + dep)) / DWELL_STEP_S + 1e-9)
            if extra.get(i, 0.0) + wait > DWELL_MAX_EXTRA_S or sum(extra.values()) + wait > DWELL_MAX_TOTAL_S:
                break
            extra[i] = extra.get(i, 0.0) + wait
            st[after] += wait
            en[after | spans] += wait
        else:
            continue
        if hit is not None or not extra:
            continue
        waited = with_extra_dwell(t, extra)
        if board.run_is_free(waited.resources, waited.starts, waited.ends, dep):
            board.add_run(train_id, waited.resources, waited.starts, waited.ends, dep)
            return dep, extra
    return None


def freight_shifts() -> list[float]:
    """0, +2 min, -2 min, +4 min, … up to ±``FREIGHT_MAX_SHIFT_S``."""
    steps = np.arange(FREIGHT_SHIFT_STEP_S, FREIGHT_MAX_SHIFT_S + 1, FREIGHT_SHIFT_STEP_S)
    return [0.0] + [float(s) for pair in zip(steps, -steps) for s in pair]


FREIGHT_SHIFTS_S = tuple(freight_shifts())
