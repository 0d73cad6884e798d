"""Blocking times: how long each block is reserved for a train (Pachl's blocking-time model).

For one block with entry signal at route position ``s`` and exit at ``e`` the
blocking time of a train is

    start = T_approach - route_setting - sighting
    end   = T_head(e + overlap + train_length) + release

* **route setting** and **sighting**: the route must be set and the signal
  seen before the driver needs the aspect.
* **approach** (``T_approach``): the time the head passes the point where the
  driver must have a proceed aspect, or else would start braking for the
  block's entry signal. The *braking point* ``p`` is the first position where
  ``x + v(x)^2 / (2 b)`` reaches ``s`` (from there a train braking at ``b``
  would stop at the signal).

  - *Lineside signals* (ATB, ETCS L1, PZB): the driver learns the aspect of
    the block signal at the signal before it (Dutch signals announce the next
    one), so the approach starts at the last block signal on the route at or
    before the braking point - the previous block signal when its block is at
    least a braking distance long, one signal further back when it is not.
  - *Cab signalling* (ETCS L2): the movement authority can be extended
    anywhere, so the approach starts at the braking point itself.

  If the train stands still between that point and the block signal (a stop,
  or its departure at the route origin), the approach starts at its departure:
  the route is set just in time for the train to start without braking.
  Movement before the route origin is not known: approaches are cut at the
  origin, so for a train starting there they begin at its departure.
* **running + clearing**: from the head entering the block until the tail
  has left the block's exit (plus an optional overlap) - the head at
  ``e + overlap + length``.
* **release**: the block is free again a release time after that.

Beyond the end of its movement a train that is still running is taken to
keep its last speed; a train that stops at the end of its route is taken to
stand clear of the line on a station track, so its last blocks are released
at its arrival.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Protocol, runtime_checkable

import numpy as np

from railcap.model.errors import Problem, ValidationError
from railcap.occupancy.resources import Route, RouteBlocks, route_block_arrays
from railcap.occupancy.table import OccupationTable

#: Below this speed (m/s) a train counts as standing still.
STANDSTILL_MS = 1e-3


@runtime_checkable
class MovementLike(Protocol):
    """What the occupancy engine needs of a train run (e.g. the physics engine's result).

    Arrays along the route, head of the train: ``position_m`` (non-decreasing,
    route coordinates from 0), ``time_s`` (absolute seconds of the day),
    ``speed_ms``; the train's ``length_m`` and braking deceleration ``brake_ms2``.
    A stop is either samples with speed 0 or two samples at one position.
    """

    position_m: np.ndarray
    time_s: np.ndarray
    speed_ms: np.ndarray
    length_m: float
    brake_ms2: float


@dataclass(frozen=True)
class BlockingParameters:
    """The times and distances added around a train's run through a block.

    Defaults follow the typical values in the reference facts (section "Train
    physics", blocking-time components, after Pachl, *Railway Operation and
    Control*): route setting ≈5 s, sighting 0.5-9 s, release ≈3 s.

    * ``route_setting_s`` = 5 s: interlocking sets and locks the route.
    * ``sighting_s`` = 9 s for lineside signals: the upper end of the range, so
      that a path called free is free with a poorly visible signal too.
    * ``cab_sighting_s`` = 0 s for cab signalling (ETCS L2): nothing to sight.
    * ``release_s`` = 3 s: the interlocking releases the route after the tail
      has cleared.
    * ``overlap_m`` = 0 m: Dutch block signalling has no formal overlap; set it
      to move the clearing point beyond the exit signal.
    * ``planning_grid_s`` = 0 s: no rounding; ProRail plans in tenths of a
      minute - set 6 s to widen every blocking time outwards to that grid.
    """

    route_setting_s: float = 5.0
    sighting_s: float = 9.0
    cab_sighting_s: float = 0.0
    release_s: float = 3.0
    overlap_m: float = 0.0
    planning_grid_s: float = 0.0

    def before_approach_s(self, cab_signalling: np.ndarray) -> np.ndarray:
        """Route setting plus sighting, per block."""
        return self.route_setting_s + np.where(cab_signalling, self.cab_sighting_s,
                                               self.sighting_s)


DEFAULT_PARAMETERS = BlockingParameters()


def blocking_times(train_id: str, movement: MovementLike, route: Route,
                   params: BlockingParameters = DEFAULT_PARAMETERS,
                   adjacent: bool = False) -> OccupationTable:
    """The blocking time of every block on ``route`` for one train run.

    ``adjacent=True`` marks an out-of-gauge train: it also occupies the other
    direction's block where its section has ``wide_load_blocks_adjacent``,
    for the same time as its own block.

    >>> import numpy as np
    >>> from railcap.model.samples import straight_section
    >>> sec = straight_section("a-b", "a", "b", 3000, block_m=1500)
    >>> class Run:  # 20 m/s from the origin, 500 m long, braking 0.5 m/s2
    ...     position_m = np.array([0.0, 4000.0]); time_s = np.array([0.0, 200.0])
    ...     speed_ms = np.array([20.0, 20.0]); length_m = 500.0; brake_ms2 = 0.5
    >>> t = blocking_times("f1", Run(), [(sec, False)])
    >>> [(o.resource_id, o.start_s, o.end_s) for o in t]
    [('a-b/+/0', -14.0, 103.0), ('a-b/+/1', -14.0, 178.0)]
    """
    blocks = route_block_arrays(route, adjacent)
    start, end = blocking_arrays(movement, blocks, params)
    n = len(start)
    train = np.empty(n, dtype=object)
    train[:] = train_id
    return OccupationTable(train, blocks.resource_array, start, end)


def timetable_blocking(runs: Iterable[tuple[str, MovementLike, Route]],
                       params: BlockingParameters = DEFAULT_PARAMETERS,
                       wide_loads: frozenset[str] = frozenset()) -> OccupationTable:
    """Blocking times of many train runs ``(train_id, movement, route)`` in one table.

    Trains whose id is in ``wide_loads`` also occupy the adjacent track.
    """
    tables = [blocking_times(tid, mv, route, params, tid in wide_loads)
              for tid, mv, route in runs]
    return OccupationTable.concat(tables)


def blocking_arrays(movement: MovementLike, blocks: RouteBlocks,
                    params: BlockingParameters = DEFAULT_PARAMETERS
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (s) of the blocking time of each row of ``blocks``: the vectorised core."""
    pos, time, speed = _checked_arrays(movement, blocks)
    prim = blocks.primary
    s = blocks.start_m[prim]
    e = blocks.end_m[prim]
    approach_m = _approach_points(pos, speed, movement.brake_ms2, s,
                                  blocks.cab_signalling[prim])
    t_approach = _approach_times(pos, time, speed, approach_m, s)
    t_clear = _head_times(pos, time, speed, e + params.overlap_m + movement.length_m)
    # Adjacent-track rows take the times of the primary block before them.
    row_to_primary = np.cumsum(prim) - 1
    start = (t_approach[row_to_primary]
             - params.before_approach_s(blocks.cab_signalling))
    end = t_clear[row_to_primary] + params.release_s
    if params.planning_grid_s > 0:
        g = params.planning_grid_s
        start = np.floor(start / g + 1e-9) * g
        end = np.ceil(end / g - 1e-9) * g
    return start, end


def _approach_points(pos: np.ndarray, speed: np.ndarray, brake_ms2: float,
                     signals: np.ndarray, cab: np.ndarray) -> np.ndarray:
    """Route position from which each block's approach time runs (see module doc)."""
    braking_point = _braking_points(pos, speed, brake_ms2, signals)
    # Lineside: the last block signal at or before the braking point, but at
    # least one signal back (the previous block signal), and not before the origin.
    k = np.searchsorted(signals, braking_point, side="right") - 1
    k = np.clip(np.minimum(k, np.arange(len(signals)) - 1), 0, None)
    return np.maximum(np.where(cab, braking_point, signals[k]), pos[0])


def _braking_points(pos: np.ndarray, speed: np.ndarray, brake_ms2: float,
                    targets: np.ndarray) -> np.ndarray:
    """First position x with x + v(x)^2/(2b) >= target (linear between samples)."""
    reach = np.maximum.accumulate(pos + speed * speed / (2.0 * brake_ms2))
    j = np.searchsorted(reach, targets, side="left")
    j = np.clip(j, 1, len(pos) - 1)
    r0, r1 = reach[j - 1], reach[j]
    frac = np.clip((targets - r0) / np.where(r1 > r0, r1 - r0, 1.0), 0.0, 1.0)
    x = pos[j - 1] + frac * (pos[j] - pos[j - 1])
    return np.where(targets <= reach[0], pos[0], x)


def _approach_times(pos: np.ndarray, time: np.ndarray, speed: np.ndarray,
                    approach_m: np.ndarray, signals: np.ndarray) -> np.ndarray:
    """When the head passes each approach point, or departs from a later standstill."""
    t_pass = _head_times(pos, time, speed, approach_m)
    dup = np.diff(pos) <= 0
    still = (speed <= STANDSTILL_MS) | np.r_[dup, False] | np.r_[False, dup]
    stop_pos, stop_t = pos[still], time[still]
    if not len(stop_pos):
        return t_pass
    # The last standstill at or before each block signal (latest time at that place).
    m = np.searchsorted(stop_pos, signals, side="right") - 1
    stopped_after = (m >= 0) & (stop_pos[np.clip(m, 0, None)] >= approach_m)
    m = np.clip(m, 0, None)
    return np.where(stopped_after, np.maximum(t_pass, stop_t[m]), t_pass)


def _head_times(pos: np.ndarray, time: np.ndarray, speed: np.ndarray,
                x: np.ndarray) -> np.ndarray:
    """The first time the head reaches each position ``x``.

    Before the origin: the first time. Beyond the last sample: at the last
    speed, or at the arrival time when the train stops there.
    """
    n = len(pos)
    j = np.clip(np.searchsorted(pos, x, side="left"), 1, n - 1)  # first sample at or past x
    x0, x1 = pos[j - 1], pos[j]  # x0 is the last sample before x: a departure after a stop
    frac = np.clip((x - x0) / np.where(x1 > x0, x1 - x0, 1.0), 0.0, 1.0)
    t = time[j - 1] + frac * (time[j] - time[j - 1])
    t = np.where(x <= pos[0], time[0], t)
    beyond = x > pos[-1]
    if beyond.any():
        arrival = time[int(np.searchsorted(pos, pos[-1], side="left"))]
        after = (arrival + (x - pos[-1]) / speed[-1] if speed[-1] > STANDSTILL_MS
                 else np.full_like(x, arrival))
        t = np.where(beyond, after, t)
    return t


def _checked_arrays(movement: MovementLike, blocks: RouteBlocks
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    pos = np.asarray(movement.position_m, dtype=np.float64)
    time = np.asarray(movement.time_s, dtype=np.float64)
    speed = np.asarray(movement.speed_ms, dtype=np.float64)
    problems: list[Problem] = []

    def bad(field: str, reason: str) -> None:
        problems.append(Problem("movement", field, reason))

    if not (len(pos) == len(time) == len(speed)) or len(pos) < 2:
        bad("position_m", "position, time and speed need the same length, at least 2")
    else:
        if np.any(np.diff(pos) < 0):
            bad("position_m", "must not decrease")
        if np.any(np.diff(time) < 0):
            bad("time_s", "must not decrease")
        if np.any(speed < 0):
            bad("speed_ms", "must not be negative")
        if pos[0] > 1e-3 or pos[-1] < blocks.length_m - 1e-3:
            bad("position_m", f"must cover the route from 0 to {blocks.length_m:.1f} m "
                              f"(covers {pos[0]:.1f} to {pos[-1]:.1f})")
    if not movement.brake_ms2 > 0:
        bad("brake_ms2", "must be positive")
    if not movement.length_m > 0:
        bad("length_m", "must be positive")
    if problems:
        raise ValidationError(problems)
    return pos, time, speed
