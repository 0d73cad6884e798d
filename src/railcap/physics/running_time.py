"""Running time of a consist over a route: speed profile, times, energy.

The profile is built on a fine position grid in four vectorised steps
(the envelope method of OSRD and of [BD], see ``formulary``):

1. **speed cap**: the most restrictive static limit under the whole train
   (the tail must clear a lower limit before the head may go faster), the
   consist's maximum speed, and zero at every stop;
2. **braking**: constant service deceleration towards every lower cap ahead;
3. **traction**: full tractive effort from every point, per stretch of equal
   power supply and gradient (one table per stretch, running minimum);
4. **time**: ``Δt = 2Δx / (v₁ + v₂)``, then the allowance (UIC 451-1) and the dwells.

>>> from railcap.model.samples import corridor
>>> from railcap.data.rolling_stock import load_catalogue
>>> route = shortest_route(corridor(), "p", "x")
>>> profile = run_time(route, load_catalogue().consist("intermodal-740"))
>>> [round(t.arrival_s / 60, 1) for t in profile.op_times]   # minutes at p, y, j, x
[0.0, 13.6, 31.6, 38.2]
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Sequence

import numpy as np

from railcap.model.errors import Problem, ValidationError
from railcap.model.rolling_stock import Consist
from railcap.physics.formulary import (
    Characteristic, braking_envelope, characteristic, gradient_force_n, interval_times_s,
    traction_energy_j,
)
from railcap.physics.route import Route, RouteLeg, shortest_route  # noqa: F401 (doctest)

DEFAULT_STEP_M = 25.0


@dataclass(frozen=True, slots=True)
class Stop:
    """A scheduled stop: the train comes to a standstill at ``op_id`` for ``dwell_s``."""

    op_id: str
    dwell_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Allowance:
    """Running-time supplement (UIC 451-1): a percentage and/or minutes per 100 km.

    The percentage stretches every running time; the minutes per 100 km are
    spread evenly over the distance. Neither changes the speed profile or the energy.
    """

    percent: float = 0.0
    min_per_100km: float = 0.0

    def __post_init__(self) -> None:
        if self.percent < 0 or self.min_per_100km < 0:
            raise ValidationError(Problem("allowance", "percent/min_per_100km",
                                          "must not be negative"))

    def apply(self, time_s: np.ndarray, position_m: np.ndarray) -> np.ndarray:
        return time_s * (1.0 + self.percent / 100.0) + self.min_per_100km * 60.0 * position_m / 1e5


@dataclass(frozen=True, slots=True)
class OpTime:
    """When the head of the train reaches and leaves an operational point."""

    op_id: str
    position_m: float
    arrival_s: float
    departure_s: float
    stops: bool


@dataclass(frozen=True)
class RunProfile:
    """The result of one running-time calculation; times from departure at the origin.

    ``position_m``, ``time_s`` and ``speed_ms`` describe the head of the train
    along the route; at an intermediate stop the position repeats, once at
    arrival and once at departure.
    """

    route: Route
    consist_id: str
    position_m: np.ndarray
    time_s: np.ndarray
    speed_ms: np.ndarray
    op_times: tuple[OpTime, ...]
    block_boundaries_m: np.ndarray
    block_times_s: np.ndarray
    top_speed_ms: float
    energy_j: float
    running_time_s: float  # without dwell times, allowance included
    journey_time_s: float  # departure at origin to arrival at destination, dwells included
    _x_m: np.ndarray = field(repr=False)
    _arrival_s: np.ndarray = field(repr=False)
    _stop_x_m: np.ndarray = field(repr=False)
    _dwell_s: np.ndarray = field(repr=False)

    def times_at(self, positions_m, departure: bool = False) -> np.ndarray:
        """Time the head reaches each route position (np.interp on the profile).

        With ``departure=True`` a position where the train stops gives the time it
        leaves. Positions beyond the route are clamped to its ends; the tail
        clears a position ``p`` at ``times_at(p + consist.length_m)`` while
        ``p + length_m`` is on the route.
        """
        pos = np.asarray(positions_m, dtype=float)
        t = np.interp(pos, self._x_m, self._arrival_s)
        if departure and self._stop_x_m.size:
            at = np.round(pos, 3)  # stop positions are kept to the mm, like the grid
            k = np.clip(np.searchsorted(self._stop_x_m, at - 1e-6), 0, self._stop_x_m.size - 1)
            t = t + np.where(np.abs(self._stop_x_m[k] - at) < 1e-6, self._dwell_s[k], 0.0)
        return t

    def to_dict(self) -> dict:
        """Plain data for JSON output (km/h and kWh at the edge)."""
        return {
            "consist": self.consist_id,
            "route": list(self.route.ops),
            "length_km": round(self.route.length_m / 1e3, 3),
            "running_time_s": round(self.running_time_s, 1),
            "journey_time_s": round(self.journey_time_s, 1),
            "top_speed_kmh": round(self.top_speed_ms * 3.6, 1),
            "energy_kwh": round(self.energy_j / 3.6e6, 1),
            "ops": [{"op": o.op_id, "km": round(o.position_m / 1e3, 3),
                     "arrival_s": round(o.arrival_s, 1), "departure_s": round(o.departure_s, 1),
                     "stops": o.stops} for o in self.op_times],
        }


# --------------------------------------------------------------------------- steps


@dataclass(frozen=True, slots=True)
class _Stretch:
    """Consecutive legs with the same power supply and gradient: one traction table."""

    start_m: float
    end_m: float
    leg: RouteLeg  # the first leg (names the section in errors)
    table: Characteristic


def _stretches(route: Route, consist: Consist) -> list[_Stretch]:
    out: list[_Stretch] = []
    for leg, x0 in zip(route.legs, route.leg_starts_m):
        key = (leg.electrification, leg.gradient_permille)
        if out and (out[-1].leg.electrification, out[-1].leg.gradient_permille) == key:
            prev = out[-1]
            out[-1] = _Stretch(prev.start_m, round(x0 + leg.length_m, 3), prev.leg, prev.table)
            continue
        where = f"section '{leg.section.id}'"
        if not consist.can_run_on(leg.electrification):
            raise ValidationError(Problem(
                where, "electrification",
                f"consist '{consist.id}' ({consist.traction.value} traction) cannot run under "
                f"'{leg.electrification.value}'"))
        table = characteristic(consist, leg.electrification, leg.gradient_permille)
        if not table.can_start:
            start = consist.effort_curve(leg.electrification).starting_effort_n
            held = consist.resistance_n(0.0) + gradient_force_n(consist.mass_kg,
                                                                 leg.gradient_permille)
            raise ValidationError(Problem(
                where, "gradient_permille",
                f"consist '{consist.id}' ({consist.mass_kg / 1e3:.0f} t) cannot move up "
                f"{leg.gradient_permille:g} ‰: tractive effort at standstill {start / 1e3:.0f} kN "
                f"< resistance + gradient force {held / 1e3:.0f} kN"))
        out.append(_Stretch(round(float(x0), 3), round(float(x0 + leg.length_m), 3), leg, table))
    return out


def _stop_list(route: Route, stops: Sequence[Stop] | None) -> list[tuple[float, float]]:
    """(route position, dwell) of every stop, origin first and destination last."""
    if stops is None:
        stops = [Stop(route.origin), Stop(route.destination)]
    problems = []
    if not stops or stops[0].op_id != route.origin:
        problems.append(Problem("stops", "op_id", f"the first stop must be the origin "
                                                  f"'{route.origin}'"))
    if not stops or stops[-1].op_id != route.destination or len(stops) < 2:
        problems.append(Problem("stops", "op_id", f"the last stop must be the destination "
                                                  f"'{route.destination}'"))
    problems += [Problem(f"stop '{s.op_id}'", "dwell_s", "must not be negative")
                 for s in stops if s.dwell_s < 0]
    if problems:
        raise ValidationError(problems)
    out, after = [], 0
    for i, s in enumerate(stops):
        k = len(route.ops) - 1 if i == len(stops) - 1 else route.op_index(s.op_id, after)
        out.append((round(float(route.op_positions_m[k]), 3), float(s.dwell_s)))
        after = k + 1
    return out


def _grid(route: Route, step_m: float, extra_m: np.ndarray) -> np.ndarray:
    """Evenly spaced points plus every point where something changes, rounded to mm.

    A route shorter than four steps gets a finer step, so that a run between two
    stops close together still has points where the train is moving.
    """
    length = route.length_m
    step_m = min(step_m, length / 4.0)
    pts = np.concatenate([np.arange(0.0, length, step_m), [length], route.op_positions_m,
                          route.block_boundaries_m, route.speed_bands_m[0], extra_m])
    pts = np.unique(np.round(pts, 3))
    return pts[(pts >= 0.0) & (pts <= length)]


def _limit_cap(route: Route, consist: Consist) -> tuple[np.ndarray, np.ndarray]:
    """The speed limit under the whole train as (breakpoints, value from each breakpoint on).

    Band ``i`` binds the head on ``[start_i, end_i + train length)``: the head
    must be at the lower speed where a band starts, and stays there until the
    tail has left it.
    """
    starts, ends, speeds = route.speed_bands_m
    released = ends + consist.length_m
    bp = np.unique(np.concatenate([starts, released[released < route.length_m]]))
    active = (starts[None, :] <= bp[:, None]) & (released[None, :] > bp[:, None])
    value = np.where(active, speeds[None, :], np.inf).min(axis=1)
    return bp, np.minimum(value, consist.max_speed_ms)


def _speed_cap(x: np.ndarray, bp: np.ndarray, value: np.ndarray,
               stop_x: np.ndarray) -> np.ndarray:
    cap = value[np.searchsorted(bp, x, side="right") - 1]
    # at a breakpoint both neighbouring limits hold: the lower one counts there
    cap = np.minimum(cap, np.concatenate([cap[:1], cap[:-1]]))
    # a stop at the very end may lie a rounding error beyond the last grid point
    cap[np.minimum(np.searchsorted(x, stop_x - 1e-6), x.size - 1)] = 0.0
    return cap


def _traction(x: np.ndarray, cap: np.ndarray, stretches: list[_Stretch]) -> np.ndarray:
    v = np.empty_like(cap)
    entry = cap[0]
    for s in stretches:
        i0, i1 = np.minimum(np.searchsorted(x, [s.start_m - 1e-6, s.end_m - 1e-6]), x.size - 1)
        seg = cap[i0:i1 + 1].copy()
        seg[0] = min(seg[0], entry)
        v[i0:i1 + 1] = s.table.envelope(x[i0:i1 + 1], seg)
        entry = v[i1]
    return v


def _energy(x: np.ndarray, v: np.ndarray, stretches: list[_Stretch], consist: Consist) -> float:
    total = 0.0
    for s in stretches:
        i0, i1 = np.minimum(np.searchsorted(x, [s.start_m - 1e-6, s.end_m - 1e-6]), x.size - 1)
        total += traction_energy_j(consist, s.leg.electrification, s.leg.gradient_permille,
                                   x[i0:i1 + 1], v[i0:i1 + 1])
    return total


# --------------------------------------------------------------------------- public


def run_time(route: Route, consist: Consist, stops: Sequence[Stop] | None = None,
             allowance: Allowance | None = None, step_m: float = DEFAULT_STEP_M) -> RunProfile:
    """The technically fastest run of ``consist`` over ``route``, plus ``allowance``.

    ``stops`` must start at the origin and end at the destination (default:
    only those two); intermediate stops are matched to the route's ops in order.
    Raises ``ValidationError`` naming the section when the consist cannot run
    under a section's power supply or cannot start on its gradient.
    """
    if step_m <= 0:
        raise ValidationError(Problem("run_time", "step_m", "must be positive"))
    stop_list = _stop_list(route, stops)
    stop_x = np.array([p for p, _ in stop_list])
    stretches = _stretches(route, consist)
    bp, value = _limit_cap(route, consist)
    x = _grid(route, step_m, bp)
    cap = _speed_cap(x, bp, value, stop_x)

    v_brake = braking_envelope(x, cap, consist.braking_ms2)
    v = np.minimum(_traction(x, np.minimum(cap, v_brake), stretches), v_brake)
    run = np.concatenate([[0.0], np.cumsum(interval_times_s(x, v))])
    if not np.isfinite(run[-1]):
        raise ValidationError(Problem(f"consist '{consist.id}'", "efforts",
                                      "the train comes to a standstill between stops"))
    run = (allowance or Allowance()).apply(run, x)
    return _profile(route, consist, x, v, run, stop_list, stretches)


def _profile(route: Route, consist: Consist, x: np.ndarray, v: np.ndarray, run: np.ndarray,
             stop_list: list[tuple[float, float]], stretches: list[_Stretch]) -> RunProfile:
    """Add the dwells of intermediate stops and gather the results."""
    inner = stop_list[1:-1]
    k = np.searchsorted(x, [p for p, _ in inner]).astype(int)
    dwell = np.array([d for _, d in inner])
    waited = np.zeros_like(x)
    np.add.at(waited, k + 1, dwell)
    arrival = run + np.cumsum(waited)

    stop_x = np.array([p for p, _ in stop_list])
    stop_dwell = np.array([d for _, d in stop_list])
    stop_dwell[0] = 0.0  # times start at departure from the origin
    order = np.argsort(stop_x, kind="stable")

    draft = RunProfile(
        route=route, consist_id=consist.id,
        position_m=np.insert(x, k + 1, x[k]), time_s=np.insert(arrival, k + 1, arrival[k] + dwell),
        speed_ms=np.insert(v, k + 1, 0.0), op_times=(), block_boundaries_m=route.block_boundaries_m,
        block_times_s=np.empty(0), top_speed_ms=float(v.max()),
        energy_j=_energy(x, v, stretches, consist), running_time_s=float(run[-1]),
        journey_time_s=float(arrival[-1]), _x_m=x, _arrival_s=arrival,
        _stop_x_m=stop_x[order], _dwell_s=stop_dwell[order],
    )
    ops_x = route.op_positions_m
    arr, dep = draft.times_at(ops_x), draft.times_at(ops_x, departure=True)
    stopping = np.isin(np.round(ops_x, 3), np.round(stop_x, 3))
    op_times = tuple(OpTime(o, float(p), float(a), float(d), bool(s))
                     for o, p, a, d, s in zip(route.ops, ops_x, arr, dep, stopping))
    return replace(draft, op_times=op_times,
                   block_times_s=draft.times_at(route.block_boundaries_m))
