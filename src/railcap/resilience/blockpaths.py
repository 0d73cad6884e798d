"""Freight paths per hour of each double-track stretch, from the block-level blocking times of the day.

The same rule the path search applies to a planner's request (:mod:`railcap.occupancy`): a freight path
is free when every block it runs through is free for its whole blocking time (approach, route setting,
sighting, running, clearing, release). Here, for each stretch (:func:`~railcap.resilience.insertion.stretches`),
direction and lane:

* the reference freight train (740 m, at most 100 km/h, braking 0.4 m/s², the line speed limits, no stop)
  gets its blocking time on every block of the stretch, relative to its entry
  (:func:`~railcap.occupancy.blocking.blocking_times` on a constant-speed movement): ``[rs_j, re_j]``;
* a busy interval ``[s, e]`` of block ``j`` (the union of the day's passenger trains' blocking times,
  :class:`~railcap.occupancy.FreeIntervalIndex`) rules out the entries ``(s − re_j, e − rs_j)``;
* freight paths fill the remaining entry times earliest first, one minimum headway of two such freight
  trains apart (``max_j (re_j − rs_j)``: identical trains on the same blocks), and count in the clock
  hour they enter the stretch.

Block-level blocking times are what separate this from the headway rule of
:func:`~railcap.resilience.insertion.free_paths_from_timetable`, which holds one worst-block headway plus a
buffer at every point of the stretch and so finds no freight path on lines where the path search does.
Single-track stretches keep the whole-section rule (an opposing train waits for the section to clear).

>>> from railcap.model.samples import straight_section
>>> s = straight_section("a-b", "a", "b", 3_000, 100, block_m=1_500)
>>> ids, rs, re = freight_blocking(((s, False, 0),))
>>> ids, [round(x) for x in rs], [round(x) for x in re]
(['a-b/+/0', 'a-b/+/1'], [-14, -14], [84, 138])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from railcap.model.infrastructure import Network, Section
from railcap.occupancy import FreeIntervalIndex
from railcap.occupancy.blocking import blocking_times
from railcap.resilience.capacity import CapacityParams, ReferenceTrain
from railcap.resilience.insertion import free_entries

Leg = tuple[Section, bool, int]  # (section, runs against its own direction, lane)


def block_level(index: FreeIntervalIndex, params: CapacityParams = CapacityParams()):
    """The double-track rule for :func:`~railcap.resilience.insertion.free_paths_from_timetable`:
    entries that fit ``index``'s blocking times (pass it as ``double_track=``)."""
    return lambda route, day: entries_between(index, route, day, params)


@dataclass(frozen=True)
class _ConstantSpeedRun:
    """A movement at the speed limits (capped at the train's maximum) without acceleration: MovementLike."""

    position_m: np.ndarray
    time_s: np.ndarray
    speed_ms: np.ndarray
    length_m: float
    brake_ms2: float


def _movement(route: tuple[Leg, ...], train: ReferenceTrain) -> _ConstantSpeedRun:
    """The reference train over ``route`` at each speed band's limit, sampled at every band change."""
    pos, speed, offset = [0.0], [], 0.0
    for section, reverse, _ in route:
        bands = [(section.length_m - b.end_m, section.length_m - b.start_m, b.speed_ms)
                 for b in reversed(section.speed_bands)] if reverse else \
            [(b.start_m, b.end_m, b.speed_ms) for b in section.speed_bands]
        for a, b, v in bands:
            pos.append(offset + b)
            speed.append(min(v, train.max_speed_ms))
        offset += section.length_m
    p = np.array(pos)
    v = np.array(speed + [speed[-1]])
    t = np.concatenate([[0.0], np.cumsum(np.diff(p) / v[:-1])])
    return _ConstantSpeedRun(p, t, v, train.length_m, train.braking_ms2)


def freight_blocking(route: tuple[Leg, ...], params: CapacityParams = CapacityParams()
                     ) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(block resource ids, blocking start, blocking end) of the reference freight train entering at 0."""
    table = blocking_times("freight-path", _movement(route, params.freight), list(route), params.blocking)
    return list(table.resource_id), np.asarray(table.start_s, float), np.asarray(table.end_s, float)


def _folded_busy(index: FreeIntervalIndex, resource_id: str, day_start_s: float) -> np.ndarray:
    """The resource's busy intervals (n, 2) moved onto the operating clock (00:30 → 24:30 from 05:00)."""
    iv = np.array(index.busy_intervals(resource_id), dtype=float).reshape(-1, 2)
    t = np.mod(iv[:, 0], 86400.0)
    t = np.where(t < day_start_s, t + 86400.0, t)
    return iv + (t - iv[:, 0])[:, None]


def entries_between(index: FreeIntervalIndex, route: tuple[Leg, ...], day: tuple[float, float],
                    params: CapacityParams = CapacityParams()) -> np.ndarray:
    """Entry times of freight paths over ``route`` in ``day`` that fit the index's blocking times together."""
    ids, rs, re = freight_blocking(route, params)
    headway = float(np.max(re - rs))
    blocked = []
    for rid, a, b in zip(ids, rs, re):
        busy = _folded_busy(index, rid, day[0])
        blocked.extend(zip((busy[:, 0] - b).tolist(), (busy[:, 1] - a).tolist()))
    run_s = float(_movement(route, params.freight).time_s[-1])
    return free_entries(blocked, headway, (day[0], day[1] - run_s))
