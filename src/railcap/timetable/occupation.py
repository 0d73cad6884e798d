"""Blocking times of a timetable's runs: the one place a run becomes occupations.

A run's movement is recomputed by the physics engine and stretched to the
run's own times at its stops, then the occupancy engine turns it into one
occupation per block. Runs that share route, consist and stop pattern share
the computation; only the departure differs.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from railcap.data.rolling_stock import load_catalogue
from railcap.model.infrastructure import Network
from railcap.model.rolling_stock import Category, Consist
from railcap.model.timetable import Timetable, TrainRun
from railcap.occupancy import DEFAULT_PARAMETERS, OccupationTable, blocking_times
from railcap.physics.route import Route, RouteLeg
from railcap.physics.running_time import Stop, run_time

MIN_DWELL_S = 30.0  # a passenger stop (doors, boarding); a freight or military train may stand and go


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
    from railcap.timetable.reference import movement_of  # the stretch lives with the builder

    mv = movement_of(profile, consist, planned)
    length = profile.route.length_m
    mv.position_m = np.minimum(np.asarray(mv.position_m, dtype=float).copy(), length)
    mv.position_m[-1] = length
    return mv


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
    from railcap.occupancy.resources import route_block_arrays

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


def timetable_occupations(tt: Timetable, net: Network, train_ids=None) -> OccupationTable:
    """Every occupation of every run (or of ``train_ids``): train_id, resource_id, start_s, end_s.

    A run never runs faster than its consist can: where its times are tighter
    than physics allows, the movement keeps the physics times.
    """
    catalogue = load_catalogue()
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
