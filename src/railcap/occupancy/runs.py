"""Blocking times of train runs: the one place a run becomes occupations.

A run's movement is recomputed by the physics engine and stretched to the
run's own times at its stops, then the occupancy engine turns it into one
occupation per block. Runs that share route, consist and stop pattern share
the computation; only the departure differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

from railcap.model.infrastructure import Network
from railcap.model.rolling_stock import Catalogue, Category, Consist
from railcap.model.timetable import Timetable, TrainRun
from railcap.occupancy.blocking import DEFAULT_PARAMETERS, blocking_times
from railcap.occupancy.resources import route_block_arrays
from railcap.model.occupation import OccupationTable
from railcap.physics.route import Route, RouteLeg
from railcap.physics.running_time import Stop, run_time

MIN_DWELL_S = 30.0  # a passenger stop (doors, boarding); a freight or military train may stand and go
MAX_SUPPLEMENT = 0.5  # a planned run may be this much slower than physics (supplements, speeds the registry lacks); beyond, the train waits at the stop
PLAN_ROUNDING_S = 60.0  # the patterns' times are whole (median) minutes


@dataclass
class Movement:
    """What the blocking-time engine needs to know of a run (MovementLike)."""

    position_m: np.ndarray
    time_s: np.ndarray
    speed_ms: np.ndarray
    length_m: float
    brake_ms2: float


def relative_occupations(legs: tuple[tuple[RouteLeg, int], ...], consist: Consist,
                         stops: tuple[tuple[str, float, float], ...] | None,
                         platforms: frozenset[str] = frozenset(),
                         ) -> tuple[list[str], np.ndarray, np.ndarray, object]:
    """(resource ids, starts, ends, movement) for a run departing at t = 0.

    ``legs`` pairs each route leg with its lane; ``stops`` lists (op, arrival,
    departure) from departure for every stop including origin and destination,
    or None for a run without intermediate stops at its technical speed.
    """
    route = Route(tuple(leg for leg, _ in legs))
    if stops:
        least = MIN_DWELL_S if consist.category == Category.PASSENGER else 0.0
        plan = [Stop(op, max(least if 0 < i < len(stops) - 1 else 0.0, d - a))
                for i, (op, a, d) in enumerate(stops)]
    else:
        plan = [Stop(route.origin), Stop(route.destination)]
    profile = run_time(route, consist, plan)
    mv = movement_for_blocking(profile, consist, [(a, d) for _, a, d in stops] if stops else None)
    occ = blocking_times("run", mv, [(leg.section, leg.reverse, lane) for leg, lane in legs])
    rows = occ.to_list()
    ends = np.array([o.end_s for o in rows])
    if stops and platforms:
        ends = _released_at_platforms(route, legs, stops, ends, platforms, mv)
    return [o.resource_id for o in rows], np.array([o.start_s for o in rows]), ends, mv


def movement_for_blocking(profile, consist: Consist, planned=None):
    """The physics profile as the blocking-time engine takes it: stretched to the planned times
    (``movement_of``) and ending exactly at the route's end (the grid may end a rounding error short)."""
    mv = movement_of(profile, consist, planned)
    length = profile.route.length_m
    mv.position_m = np.minimum(np.asarray(mv.position_m, dtype=float).copy(), length)
    mv.position_m[-1] = length
    return mv


def movement_of(profile, consist: Consist, planned: Sequence[tuple[float, float]] | None) -> Movement:
    """The physics profile, stretched so each stop-to-stop run takes at least its planned time.

    ``planned`` holds (arrival, departure) in seconds from departure for every
    stop of the profile, in order; a run shorter in the plan than in physics
    keeps its physics time (the train cannot run faster than it can). A run much
    longer in the plan than in physics is not crawled: the train runs with at
    most ``MAX_SUPPLEMENT`` slower than physics (plus the plan's minute
    rounding) and waits the rest at the stop it arrives at, as a planner's
    extra dwell (the patterns' median minutes hide turn-backs and waits).
    """
    x, t, v = profile.position_m, profile.time_s, profile.speed_ms
    if planned is None:
        return Movement(x, t, v, consist.length_m, consist.braking_ms2)
    stop_times = [(o.arrival_s, o.departure_s) for o in profile.op_times if o.stops]
    src, dst = [0.0], [0.0]
    for (pa, pd), (sa, sd) in zip(planned[1:], stop_times[1:]):
        prev_src, prev_dst = src[-1], dst[-1]
        run_phys = sa - prev_src
        run_plan = max(pa - prev_dst, run_phys)
        run = min(run_plan, run_phys * (1 + MAX_SUPPLEMENT) + PLAN_ROUNDING_S)
        src.append(sa)
        dst.append(prev_dst + run)
        dwell = max(pd - pa + (run_plan - run), sd - sa)
        src.append(sd)
        dst.append(dst[-1] + dwell)
    src_a, dst_a = np.array(src), np.array(dst)
    keep = np.concatenate([[True], np.diff(src_a) > 1e-9])
    t2 = np.interp(t, src_a[keep], dst_a[keep])
    # speeds scale with the stretch of each run; positions are unchanged
    dt_phys = np.diff(t, prepend=t[0])
    dt_plan = np.diff(t2, prepend=t2[0])
    factor = np.where(dt_phys > 1e-9, dt_phys / np.maximum(dt_plan, 1e-9), 1.0)
    return Movement(x, t2, v * np.clip(factor, 0.0, 1.0), consist.length_m, consist.braking_ms2)


def platform_points(net: Network) -> frozenset[str]:
    """Points where a stopping train stands off the line (``OperationalPoint.stands_clear_of_line``).

    A loop beside the line is what lets trains cross on a single-track line. Which
    train takes which station track is not checked (station tracks are not resources).
    """
    return frozenset(o.id for o in net.ops.values() if o.stands_clear_of_line)


def _released_at_platforms(route: Route, legs, stops, ends: np.ndarray,
                           platforms: frozenset[str], mv) -> np.ndarray:
    """A train that stops at a platform point stands off the line: the block that ends there is
    released on arrival (plus the release time), not when the train leaves again.
    Platform tracks are not yet resources of their own (their capacity is not checked)."""
    blocks = route_block_arrays([(leg.section, leg.reverse, lane) for leg, lane in legs])
    if len(blocks.end_m) != len(ends):  # wide loads add rows; keep the conservative times
        return ends
    x_of = dict(zip(route.ops, route.op_positions_m))
    out = ends.copy()
    x, t = np.asarray(mv.position_m), np.asarray(mv.time_s)
    for op, _, _ in stops[1:-1]:
        if op not in platforms:
            continue
        here = np.flatnonzero(np.abs(x - x_of[op]) < 1e-6)
        if here.size < 2 or t[here[-1]] <= t[here[0]]:
            continue  # it does not stand still here
        at = np.abs(blocks.end_m - x_of[op]) < 1e-3
        out[at] = np.minimum(out[at], t[here[0]] + DEFAULT_PARAMETERS.release_s)
    return out


def stop_plan_of(run: TrainRun) -> tuple[tuple[str, float, float], ...]:
    """The run's stops, origin and destination included, relative to its departure."""
    t0 = run.departure_s
    return tuple((p.op_id, round(p.arrival_s - t0, 1), round(p.departure_s - t0, 1))
                 for i, p in enumerate(run.points) if p.stops or i in (0, len(run.points) - 1))


def timetable_occupations(tt: Timetable, net: Network, catalogue: Catalogue, train_ids=None) -> OccupationTable:
    """Every occupation of every run (or of ``train_ids``): train_id, resource_id, start_s, end_s.

    A run never runs faster than its consist can: where its times are tighter
    than physics allows, the movement keeps the physics times.
    """
    platforms = platform_points(net)

    @lru_cache(maxsize=None)
    def template(legs: tuple[tuple[str, bool, int], ...], consist_id: str, stops):
        route_legs = tuple((RouteLeg(net.sections[s], rev), lane) for s, rev, lane in legs)
        res, st, en, _ = relative_occupations(route_legs, catalogue.consist(consist_id), stops, platforms)
        return res, st, en

    trains, resources, starts, ends = [], [], [], []
    wanted = None if train_ids is None else set(train_ids)
    for run in tt.runs:
        if wanted is not None and run.id not in wanted:
            continue
        key = tuple((g.section_id, g.reverse, g.lane) for g in run.legs)
        res, st, en = template(key, run.consist, stop_plan_of(run))
        trains += [run.id] * len(res)
        resources += res
        starts.append(st + run.departure_s)
        ends.append(en + run.departure_s)
    if not trains:
        return OccupationTable.of([])
    return OccupationTable.from_columns(np.array(trains, dtype=object), np.array(resources, dtype=object),
                                        np.concatenate(starts), np.concatenate(ends))
