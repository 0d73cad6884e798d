"""The hourly pattern of the reference day, as a periodic event scheduling problem (PESP).

Dutch timetables are periodic: a series leaves every 30 (or 15, 60) minutes at
the same minutes past the hour. What the 2026 service patterns do not give is
*which* minutes: their run times are relative to the first departure. Placing
series one after another with greedily chosen phases leaves whole series
without a slot on the busy lines; choosing all phases together does not.

Each periodic train (a series' route in one direction) gets a phase within its
headway. Two trains that share a block may run in every period only if their
blocking times there never overlap; with headways ``h_a`` and ``h_b`` the
pattern of their copies repeats every ``g = gcd(h_a, h_b)``, so the condition is
one on ``(phase_b - phase_a) mod g``. For every pair the allowed differences are
computed exactly from the blocking times (on a grid of ``GRID_S``), and CP-SAT
(OR-Tools) chooses which trains the pattern holds and their phases, maximising
the train-kilometres run. The builder then lays the trains out over the day at
these phases and checks every trip exactly against what is already placed, so
the finished day stays conflict-free by construction (the detector checks it).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

PERIOD_S = 3600  # the pattern repeats every hour
GRID_S = 30  # phases are chosen on a half-minute grid
MARGIN_S = 1.0  # blocking times kept at least this far apart in the pattern (rounding of the day's times)
HEADWAYS_MIN = (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60)  # headways that divide the period


@dataclass(frozen=True)
class PeriodicTrain:
    """One train of the pattern: its blocking times relative to its departure, and what it is worth."""

    key: str
    headway_s: int  # divides PERIOD_S
    resources: Sequence[str]
    starts: np.ndarray
    ends: np.ndarray
    weight: int  # what running it is worth in the objective (train-km per day, say)


@dataclass(frozen=True)
class PatternResult:
    phases_s: dict[str, int]  # key -> departure phase within its headway, for the trains the pattern holds
    left_out: tuple[str, ...]  # trains the pattern could not hold together with the others
    status: str  # CP-SAT's status name (OPTIMAL, FEASIBLE)
    objective: int
    bound: int
    pairs: int  # pairs of trains that share a block


def periodic_headway_s(headway_min: float | None) -> int | None:
    """The headway of the pattern for a series' measured headway: the nearest divisor of the hour.

    Longer headways (two-hourly, three-hourly trains) take an hourly slot and use it
    only in some hours. None for series without a regular headway.

    >>> periodic_headway_s(27), periodic_headway_s(39), periodic_headway_s(120), periodic_headway_s(None)
    (1800, 1800, 3600, None)
    """
    if not headway_min:
        return None
    if headway_min >= 60:
        return PERIOD_S
    best = min(HEADWAYS_MIN, key=lambda h: (abs(h - headway_min), -h))
    return best * 60


def forbidden_offsets(a: PeriodicTrain, b: PeriodicTrain) -> tuple[int, np.ndarray] | None:
    """Which differences ``d = (phase_b - phase_a) mod g`` make the two trains' blocking times overlap.

    Returns (g in seconds, boolean array over d = 0, GRID_S, 2·GRID_S, …, g − GRID_S), or None
    when the trains share no block. Occupations [s_a, e_a] and [s_b + d + n·g, e_b + d + n·g]
    overlap for some whole n exactly when (d − (s_a − e_b)) mod g < (e_a − s_a) + (e_b − s_b).
    """
    shared = set(a.resources) & set(b.resources)
    if not shared:
        return None
    g = math.gcd(a.headway_s, b.headway_s)
    rows_a = [i for i, r in enumerate(a.resources) if r in shared]
    by_res: dict[str, list[int]] = defaultdict(list)
    for j, r in enumerate(b.resources):
        if r in shared:
            by_res[r].append(j)
    ia, jb = [], []
    for i in rows_a:
        for j in by_res[a.resources[i]]:
            ia.append(i)
            jb.append(j)
    ia_, jb_ = np.array(ia), np.array(jb)
    lo = a.starts[ia_] - b.ends[jb_] - MARGIN_S
    span = (a.ends[ia_] - a.starts[ia_]) + (b.ends[jb_] - b.starts[jb_]) + 2 * MARGIN_S
    d = np.arange(0, g, GRID_S, dtype=float)
    hit = np.mod(d[None, :] - lo[:, None], g) < span[:, None]
    return g, hit.any(axis=0)


def self_conflicting(t: PeriodicTrain) -> bool:
    """A train whose own blocking time of a block is longer than its headway cannot repeat."""
    return bool(np.any(t.ends - t.starts + 2 * MARGIN_S > t.headway_s))


def solve_pattern(trains: Sequence[PeriodicTrain], fixed: dict[str, int] | None = None,
                  deterministic_time: float = 30.0, progress: Callable[[str], None] = lambda _: None
                  ) -> PatternResult:
    """Phases for as many trains as fit together (by weight), on the grid, with CP-SAT.

    ``fixed`` pins some trains' phases (seconds) — an earlier pattern the new one must respect.
    The search is deterministic (interleaved workers, a deterministic time limit), so a
    rebuild gives the same day.
    """
    from ortools.sat.python import cp_model  # imported here: only the rebuild needs the solver

    fixed = fixed or {}
    m = cp_model.CpModel()
    phase, run = {}, {}
    for t in trains:
        steps = t.headway_s // GRID_S
        if t.key in fixed:
            phase[t.key] = m.NewConstant(int(fixed[t.key]) // GRID_S % steps)
        else:
            phase[t.key] = m.NewIntVar(0, steps - 1, f"phase[{t.key}]")
        run[t.key] = m.NewBoolVar(f"run[{t.key}]")
        if self_conflicting(t):
            m.Add(run[t.key] == 0)
        elif t.key in fixed:
            m.Add(run[t.key] == 1)
    by_res: dict[str, set[int]] = defaultdict(set)
    for k, t in enumerate(trains):
        for r in set(t.resources):
            by_res[r].add(k)
    neighbours = sorted({(i, j) for ks in by_res.values() for i in ks for j in ks if i < j})
    progress(f"pattern: {len(trains)} trains, {len(neighbours)} pairs share blocks")
    for i, j in neighbours:
        a, b = trains[i], trains[j]
        got = forbidden_offsets(a, b)
        if got is None:
            continue
        g, forbidden = got
        if not forbidden.any():
            continue
        both = [run[a.key], run[b.key]]
        allowed = [int(k) for k in np.flatnonzero(~forbidden)]
        if not allowed:
            m.AddBoolOr([run[a.key].Not(), run[b.key].Not()])
            continue
        steps_g = g // GRID_S
        diff = m.NewIntVarFromDomain(cp_model.Domain.FromValues(allowed), f"d[{a.key},{b.key}]")
        wrap = m.NewIntVar(-(a.headway_s // g) - 1, b.headway_s // g + 1, f"k[{a.key},{b.key}]")
        m.Add(phase[b.key] - phase[a.key] == diff + steps_g * wrap).OnlyEnforceIf(both)
    m.Maximize(sum(t.weight * run[t.key] for t in trains))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.interleave_search = True
    solver.parameters.max_deterministic_time = deterministic_time
    solver.parameters.random_seed = 1
    status = solver.Solve(m)
    name = solver.StatusName(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return PatternResult({}, tuple(t.key for t in trains), name, 0, 0, len(neighbours))
    phases = {t.key: int(solver.Value(phase[t.key])) * GRID_S for t in trains if solver.Value(run[t.key])}
    left = tuple(t.key for t in trains if t.key not in phases)
    return PatternResult(phases, left, name, int(solver.ObjectiveValue()), int(solver.BestObjectiveBound()),
                         len(neighbours))
