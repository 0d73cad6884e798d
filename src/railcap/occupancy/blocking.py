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
from typing import Iterable, Protocol, Sequence, runtime_checkable

import numpy as np

from railcap.model.errors import Problem, ValidationError
from railcap.occupancy.resources import Route, RouteBlocks, route_block_arrays
from railcap.model.occupation import OccupationTable

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
    direction's blocks where its section has ``wide_load_blocks_adjacent``,
    each for the train's whole passage of that section.

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
    return timetable_blocking([(train_id, movement, route)], params,
                              frozenset({train_id}) if adjacent else frozenset())


def timetable_blocking(runs: Iterable[tuple[str, MovementLike, Route]],
                       params: BlockingParameters = DEFAULT_PARAMETERS,
                       wide_loads: frozenset[str] = frozenset()) -> OccupationTable:
    """Blocking times of many train runs ``(train_id, movement, route)`` in one table.

    Trains whose id is in ``wide_loads`` also occupy the adjacent track. All
    runs are computed in one vectorised pass, so pass a whole timetable at once.
    """
    ids: list[str] = []
    movements: list[MovementLike] = []
    blocks: list[RouteBlocks] = []
    for tid, mv, route in runs:
        ids.append(tid)
        movements.append(mv)
        blocks.append(route_block_arrays(route, tid in wide_loads))
    start, end = blocking_arrays(movements, blocks, params, names=ids)
    counts = [len(b.resource_ids) for b in blocks]
    train = np.repeat(np.array(ids, dtype=object), counts) if ids else np.zeros(0, object)
    resource = (np.concatenate([b.resource_array for b in blocks]) if blocks
                else np.zeros(0, object))
    return OccupationTable(train, resource, start, end)


def blocking_arrays(movements: Sequence[MovementLike], blocks: Sequence[RouteBlocks],
                    params: BlockingParameters = DEFAULT_PARAMETERS,
                    names: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (s) of the blocking times of every row of every ``blocks[k]``,
    for the run ``movements[k]``, concatenated: the vectorised core.

    ``names`` (train ids) only serve error messages.
    """
    if not movements:
        return np.zeros(0), np.zeros(0)
    try:
        runs = _Runs.of(movements, blocks)
    except ValidationError as exc:
        if names is None:
            raise
        raise ValidationError([Problem(_rename(p.element, names), p.field, p.reason)
                               for p in exc.problems]) from None
    bl = _Blocks.of(blocks)
    approach_m = _approach_points(runs, bl)
    t_approach = _approach_times(runs, bl, approach_m)
    t_clear = _head_times(runs, bl.train, bl.end + params.overlap_m + runs.length[bl.train])
    # Adjacent-track rows take the times of their primary block, then the whole passage.
    start = t_approach[bl.row_primary] - params.before_approach_s(bl.row_cab)
    end = t_clear[bl.row_primary] + params.release_s
    _hold_adjacent_for_passage(blocks, start, end)
    if params.planning_grid_s > 0:
        g = params.planning_grid_s
        start = np.floor(start / g + 1e-9) * g
        end = np.ceil(end / g - 1e-9) * g
    return start, end


def _hold_adjacent_for_passage(blocks: Sequence[RouteBlocks], start: np.ndarray, end: np.ndarray) -> None:
    """Hold every adjacent-track row for the train's whole passage of its section (in place).

    An out-of-gauge load that needs the adjacent track kept free
    (``model.admission``) has it from the first moment any block of the
    section is reserved for it until the last is released: no train is let onto
    the other track of that section while the load is on it.
    """
    row = 0
    for b in blocks:
        n = len(b.resource_ids)
        if not b.primary.all():
            sections = [r.rsplit("/", 2)[0] for r in b.resource_ids]
            first = 0
            for k in range(1, n + 1):
                if k == n or sections[k] != sections[first]:
                    adj = ~b.primary[first:k]
                    if adj.any():
                        part = slice(row + first, row + k)
                        a, e = start[part].min(), end[part].max()
                        start[part] = np.where(adj, a, start[part])
                        end[part] = np.where(adj, e, end[part])
                    first = k
        row += n


# ----- many runs end to end ---------------------------------------------------------
# Positions of all runs are searched at once with integer keys
# (train index << 40) + position in micrometres (from -1 km): exact, sorted across
# trains, and a running maximum of keys restarts by itself at each train.

_SHIFT = 40
_MASK = (1 << _SHIFT) - 1
_UM = 1e6
_MARGIN_M = 1_000.0
MAX_ROUTE_M = _MASK / _UM - 2 * _MARGIN_M  # ≈ 1,097 km including braking distances


def _key(train: np.ndarray, x: np.ndarray) -> np.ndarray:
    q = np.clip(np.rint((x + _MARGIN_M) * _UM), 0, _MASK).astype(np.int64)
    return (train.astype(np.int64) << _SHIFT) + q


def _unkey(key: np.ndarray) -> np.ndarray:
    return (key & _MASK) / _UM - _MARGIN_M


@dataclass(frozen=True)
class _Runs:
    """All movements end to end; ``train`` per sample, ``first``/``last`` per train."""

    pos: np.ndarray
    time: np.ndarray
    speed: np.ndarray
    train: np.ndarray
    first: np.ndarray
    last: np.ndarray
    arrival: np.ndarray  # per train: first sample at its last position
    length: np.ndarray
    brake: np.ndarray
    key: np.ndarray

    @classmethod
    def of(cls, movements: Sequence[MovementLike], blocks: Sequence[RouteBlocks]) -> "_Runs":
        pos, time, speed = _checked_columns(movements)
        counts = np.array([len(np.asarray(m.position_m)) for m in movements])
        last = np.cumsum(counts) - 1
        first = last - counts + 1
        train = np.repeat(np.arange(len(movements)), counts)
        length = np.array([float(m.length_m) for m in movements])
        brake = np.array([float(m.brake_ms2) for m in movements])
        _check_cover(movements, pos, first, last, blocks, length, brake)
        key = _key(train, pos)
        arrival = np.searchsorted(key, key[last], side="left")
        return cls(pos, time, speed, train, first, last, arrival, length, brake, key)


@dataclass(frozen=True)
class _Blocks:
    """All primary blocks end to end, and for every row (adjacent ones too) its primary."""

    train: np.ndarray
    start: np.ndarray
    end: np.ndarray
    cab: np.ndarray
    first: np.ndarray  # per block: index of the first block of its train
    row_primary: np.ndarray
    row_cab: np.ndarray

    @classmethod
    def of(cls, blocks: Sequence[RouteBlocks]) -> "_Blocks":
        prim = [b.primary for b in blocks]
        counts = np.array([int(p.sum()) for p in prim])
        offsets = np.cumsum(counts) - counts
        train = np.repeat(np.arange(len(blocks)), counts)
        row_primary = np.concatenate([np.cumsum(p) - 1 + o for p, o in zip(prim, offsets)])
        return cls(train,
                   np.concatenate([b.start_m[p] for b, p in zip(blocks, prim)]),
                   np.concatenate([b.end_m[p] for b, p in zip(blocks, prim)]),
                   np.concatenate([b.cab_signalling[p] for b, p in zip(blocks, prim)]),
                   np.repeat(offsets, counts), row_primary,
                   np.concatenate([b.cab_signalling for b in blocks]))


def _approach_points(runs: _Runs, bl: _Blocks) -> np.ndarray:
    """Route position from which each block's approach time runs (see module doc)."""
    signal_key = _key(bl.train, bl.start)
    braking_point = _braking_points(runs, bl, signal_key)
    # Lineside: the last block signal at or before the braking point, but at
    # least one signal back (the previous block signal), and not before the origin.
    i = np.arange(len(bl.start))
    k = np.searchsorted(signal_key, _key(bl.train, braking_point), side="right") - 1
    k = np.maximum(np.minimum(k, i - 1), bl.first)
    point = np.where(bl.cab, braking_point, bl.start[k])
    return np.maximum(point, runs.pos[runs.first[bl.train]])


def _braking_points(runs: _Runs, bl: _Blocks, target_key: np.ndarray) -> np.ndarray:
    """First position x with x + v(x)^2/(2b) >= each block signal (linear between samples)."""
    reach_key = np.maximum.accumulate(
        _key(runs.train, runs.pos + runs.speed ** 2 / (2.0 * runs.brake[runs.train])))
    reach = _unkey(reach_key)
    f, l = runs.first[bl.train], runs.last[bl.train]
    j = np.clip(np.searchsorted(reach_key, target_key, side="left"), f + 1, l)
    r0, r1 = reach[j - 1], reach[j]
    frac = np.clip((bl.start - r0) / np.where(r1 > r0, r1 - r0, 1.0), 0.0, 1.0)
    x = runs.pos[j - 1] + frac * (runs.pos[j] - runs.pos[j - 1])
    return np.where(target_key <= reach_key[f], runs.pos[f], x)


def _approach_times(runs: _Runs, bl: _Blocks, approach_m: np.ndarray) -> np.ndarray:
    """When the head passes each approach point, or departs from a later standstill."""
    t_pass = _head_times(runs, bl.train, approach_m)
    same = runs.train[1:] == runs.train[:-1]
    dup = (np.diff(runs.pos) <= 0) & same
    still = (runs.speed <= STANDSTILL_MS) | np.r_[dup, False] | np.r_[False, dup]
    stop_key, stop_t = runs.key[still], runs.time[still]
    stop_train = runs.train[still]
    if not len(stop_key):
        return t_pass
    # The last standstill at or before each block signal (latest time at that place).
    m = np.searchsorted(stop_key, _key(bl.train, bl.start), side="right") - 1
    mc = np.maximum(m, 0)
    # compared on the micrometre keys: a stop at a signal is at it, whatever the float noise
    after = (m >= 0) & (stop_train[mc] == bl.train) & (stop_key[mc] >= _key(bl.train, approach_m))
    return np.where(after, np.maximum(t_pass, stop_t[mc]), t_pass)


def _head_times(runs: _Runs, train: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The first time the head of ``train`` reaches each position ``x``.

    Before the origin: its first time. Beyond its last sample: at its last
    speed, or at its arrival time when it stops there.
    """
    qk = _key(train, x)
    f, l = runs.first[train], runs.last[train]
    j = np.clip(np.searchsorted(runs.key, qk, side="left"), f + 1, l)  # first sample >= x
    x0, x1 = runs.pos[j - 1], runs.pos[j]  # j-1: last sample before x, a departure
    frac = np.clip((x - x0) / np.where(x1 > x0, x1 - x0, 1.0), 0.0, 1.0)
    t = runs.time[j - 1] + frac * (runs.time[j] - runs.time[j - 1])
    t = np.where(qk <= runs.key[f], runs.time[f], t)
    v_end = runs.speed[l]
    running = v_end > STANDSTILL_MS
    arrival = runs.time[runs.arrival[train]]
    after = arrival + np.where(running, (x - runs.pos[l]) / np.where(running, v_end, 1.0), 0.0)
    return np.where(qk > runs.key[l], after, t)


def _rename(element: str, names: Sequence[str]) -> str:
    """'movement 3' -> "movement of train 'ic 3'"."""
    k = int(element.rsplit(" ", 1)[1])
    return f"movement of train '{names[k]}'"


def _checked_columns(movements: Sequence[MovementLike]
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The movements' arrays end to end, after checking their shape."""
    cols: tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]] = ([], [], [])
    for k, m in enumerate(movements):
        arrays = [np.asarray(a, dtype=np.float64) for a in (m.position_m, m.time_s, m.speed_ms)]
        if len({len(a) for a in arrays}) != 1 or len(arrays[0]) < 2:
            raise ValidationError(Problem(f"movement {k}", "position_m",
                                          "position, time and speed need the same length, "
                                          "at least 2"))
        for col, a in zip(cols, arrays):
            col.append(a)
    return tuple(np.concatenate(c) for c in cols)  # type: ignore[return-value]


def _check_cover(movements: Sequence[MovementLike], pos: np.ndarray, first: np.ndarray,
                 last: np.ndarray, blocks: Sequence[RouteBlocks], length: np.ndarray,
                 brake: np.ndarray) -> None:
    """Every movement runs forward in time and space and covers its whole route."""
    runs_of = np.repeat(np.arange(len(first)), last - first + 1)
    route_m = np.array([b.length_m for b in blocks])
    inner = runs_of[1:] == runs_of[:-1]
    time = np.concatenate([np.asarray(m.time_s, dtype=np.float64) for m in movements])
    speed = np.concatenate([np.asarray(m.speed_ms, dtype=np.float64) for m in movements])
    checks = [
        ("position_m", "must not decrease", np.r_[(np.diff(pos) < 0) & inner, False]),
        ("time_s", "must not decrease", np.r_[(np.diff(time) < 0) & inner, False]),
        ("speed_ms", "must be finite and not negative", ~(speed >= 0) | ~np.isfinite(speed)),
    ]
    for field, reason, bad in checks:
        if bad.any():
            k = int(runs_of[np.argmax(bad)])
            raise ValidationError(Problem(f"movement {k}", field, reason))
    per_train = [
        ("position_m", "must cover the route from 0 to its end",
         (pos[first] > 1e-3) | (pos[first] < -1e-3) | (pos[last] < route_m - 1e-3)),
        ("position_m", f"route longer than {MAX_ROUTE_M / 1000:.0f} km is not supported",
         pos[last] > MAX_ROUTE_M),
        ("brake_ms2", "must be positive", ~(brake > 0)),
        ("length_m", "must be positive", ~(length > 0)),
    ]
    for field, reason, bad in per_train:
        if bad.any():
            k = int(np.argmax(bad))
            raise ValidationError(Problem(f"movement {k}", field, reason))
