"""The hourly pattern of the reference day, as a periodic event scheduling problem (PESP).

Dutch timetables are periodic: a series leaves every 30 (or 15, 60) minutes at
the same minutes past the hour. What the 2026 service patterns do not give is
*which* minutes: their run times are relative to the first departure. Placing
trips one by one on the busy day leaves whole series without a slot; choosing
the phases of all series together, for one period, does much better.

Each periodic train (a series' route in one direction) gets a phase within its
headway. Two trains that share a block may run in every period only if their
blocking times there never overlap; with headways ``h_a`` and ``h_b`` the
pattern of their copies repeats every ``g = gcd(h_a, h_b)``, so the condition is
one on ``(phase_b - phase_a) mod g``. For every pair the allowed differences are
computed exactly from the blocking times (on a grid of ``GRID_S``).

Which trains the pattern holds, and their phases, maximise what the held trains
are worth (train-kilometres). A greedy pattern comes first: most valuable train
first, each at the free phase that closes the fewest phases of the trains still
to come. Then a large neighbourhood search: for each train left out, CP-SAT
(OR-Tools) chooses again for it and the trains around it (those in its way and
their left-out neighbours), all others kept; an answer worth more is kept. On
the Dutch day this holds more than CP-SAT on the whole model does in minutes.
A train may come with alternatives (the same trips on the other lane of
four-track sections); at most one of them runs.

The builder then lays the trains out over the day at these phases and checks
every trip exactly against what is already placed, so the finished day stays
conflict-free by construction (the detector checks it).
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
LNS_SIZE = 60  # trains CP-SAT chooses again at a time around one left-out train
LNS_PHASES = 6  # the left-out train's least blocked phases whose blockers join it
LNS_STEP_TIME = 1.0  # CP-SAT's deterministic time per neighbourhood
LNS_ROUNDS = 3  # passes over the left-out trains while they gain
PATTERN_STARTS = 1  # greedy starts (the first in order of worth, others shaken), each improved, the best kept;
#                    on the Dutch day four gained 1 % in worth for twice the time and no more trips
START_SHAKE = 0.5  # spread (log-normal sigma) of the random factor on the weights that orders a shaken start


@dataclass(frozen=True)
class PeriodicTrain:
    """One train of the pattern: its blocking times relative to its departure, and what it is worth."""

    key: str
    headway_s: int  # divides PERIOD_S
    resources: Sequence[str]
    starts: np.ndarray
    ends: np.ndarray
    weight: int  # what running it is worth in the objective (train-km per day, say)
    alternative_to: str = ""  # trains naming the same key here are alternatives: at most one runs

    @property
    def group(self) -> str:
        """The key a train and its alternatives share."""
        return self.alternative_to or self.key


@dataclass(frozen=True)
class PatternResult:
    phases_s: dict[str, int]  # key -> departure phase within its headway, for the trains the pattern holds
    left_out: tuple[str, ...]  # trains the pattern could not hold together with the others
    method: str  # GREEDY, or LNS when CP-SAT improved on the greedy start
    objective: int  # what the held trains are worth
    pairs: int  # pairs of trains whose blocking times can clash
    start_objective: int = 0  # what the greedy start was worth


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


def free_phases(t: PeriodicTrain, held: Sequence[tuple[PeriodicTrain, int]]) -> np.ndarray:
    """The phases (s, on the grid) at which ``t`` clashes with none of the ``held`` (train, phase) pairs."""
    steps = np.arange(t.headway_s // GRID_S)
    ok = np.ones(steps.size, dtype=bool)
    if self_conflicting(t):
        return steps[:0]
    for other, phase in held:
        got = forbidden_offsets(other, t)
        if got is None:
            continue
        g, forbidden = got
        ok &= ~forbidden[(steps - phase // GRID_S) % (g // GRID_S)]
        if not ok.any():
            break
    return steps[ok] * GRID_S


def self_conflicting(t: PeriodicTrain) -> bool:
    """A train whose own blocking time of a block is longer than its headway cannot repeat."""
    return bool(np.any(t.ends - t.starts + 2 * MARGIN_S > t.headway_s))


@dataclass(frozen=True)
class _PairTable:
    """Which phase pairs of two trains conflict: ``clash[p, q]`` for phase steps p of the first, q of the second."""

    g_s: int
    forbidden: np.ndarray  # over d = (phase_b − phase_a) mod g on the grid, as from forbidden_offsets
    clash: np.ndarray


def _groups(trains: Sequence[PeriodicTrain]) -> dict[str, list[int]]:
    """Each train and its alternatives, by the key they share."""
    out: dict[str, list[int]] = defaultdict(list)
    for k, t in enumerate(trains):
        out[t.group].append(k)
    return out


def pair_tables(trains: Sequence[PeriodicTrain]) -> dict[tuple[int, int], _PairTable]:
    """The conflict table of every pair of trains (i < j) whose blocking times can overlap."""
    by_res: dict[str, set[int]] = defaultdict(set)
    for k, t in enumerate(trains):
        for r in set(t.resources):
            by_res[r].add(k)
    tables = {}
    for i, j in sorted({(i, j) for ks in by_res.values() for i in ks for j in ks if i < j}):
        got = forbidden_offsets(trains[i], trains[j])
        if got is None or not got[1].any():
            continue
        g, forbidden = got
        p = np.arange(trains[i].headway_s // GRID_S)[:, None]
        q = np.arange(trains[j].headway_s // GRID_S)[None, :]
        tables[(i, j)] = _PairTable(g, forbidden, forbidden[(q - p) % (g // GRID_S)])
    for ks in _groups(trains).values():
        for i in ks:
            for j in ks:
                if i < j:  # alternatives exclude each other whatever their phases
                    g = math.gcd(trains[i].headway_s, trains[j].headway_s)
                    shape = (trains[i].headway_s // GRID_S, trains[j].headway_s // GRID_S)
                    tables[(i, j)] = _PairTable(g, np.ones(g // GRID_S, dtype=bool), np.ones(shape, dtype=bool))
    return tables


class _Pattern:
    """A pattern being built: each train's phase step (or None) and, per train, how many
    held trains forbid each of its phase steps."""

    def __init__(self, trains: Sequence[PeriodicTrain], tables: dict[tuple[int, int], _PairTable]):
        self.trains = trains
        self.tables = tables
        self.clash: dict[int, list[tuple[int, np.ndarray]]] = defaultdict(list)  # k -> (other, clash[p_k, p_other])
        for (i, j), tab in tables.items():
            self.clash[i].append((j, tab.clash))
            self.clash[j].append((i, tab.clash.T))
        self.phase: list[int | None] = [None] * len(trains)
        self.blocked = [np.zeros(t.headway_s // GRID_S, dtype=int) for t in trains]
        groups = _groups(trains)
        self.alternatives = [groups[t.group] for t in trains]  # a train and its alternatives

    def runs_in_some_form(self, k: int) -> bool:
        """True when train k or one of its alternatives is held."""
        return any(self.phase[j] is not None for j in self.alternatives[k])

    @property
    def value(self) -> int:
        return sum(t.weight for t, p in zip(self.trains, self.phase) if p is not None)

    def hold(self, k: int, p: int) -> None:
        self.phase[k] = p
        for j, clash in self.clash[k]:
            self.blocked[j] += clash[p]

    def release(self, k: int) -> None:
        p, self.phase[k] = self.phase[k], None
        for j, clash in self.clash[k]:
            self.blocked[j] -= clash[p]

    # -- the greedy start
    def damage(self, k: int, p: int) -> float:
        """What holding train k at phase step p costs the trains not yet held."""
        cost = 0.0
        for j, clash in self.clash[k]:
            if self.phase[j] is None:
                free = self.blocked[j] == 0
                cost += self.trains[j].weight * np.count_nonzero(clash[p] & free) / free.size
        return cost

    def greedy(self, fixed_steps: dict[int, int], excluded: set[int], preferred_steps: dict[int, int],
               seed: int = 0) -> None:
        """Most valuable train first, each at the free phase that closes the fewest
        free phases of the trains still to come (weighted by what they are worth).
        Trains with a preferred phase go first, at that phase where it is free.
        A ``seed`` other than 0 shakes the order (each weight times a random factor)."""
        for k, p in fixed_steps.items():
            self.hold(k, p)
        shake = np.exp(np.random.default_rng(seed).normal(0.0, START_SHAKE, len(self.trains))) if seed \
            else np.ones(len(self.trains))
        order = sorted(range(len(self.trains)), key=lambda k: (-self.trains[k].weight * shake[k], self.trains[k].key))
        for k in order:
            p = preferred_steps.get(k)
            if p is not None and k not in excluded and not self.runs_in_some_form(k) and self.blocked[k][p] == 0:
                self.hold(k, p)
        for k in order:
            free = np.flatnonzero(self.blocked[k] == 0)
            if k not in excluded and free.size and not self.runs_in_some_form(k):
                self.hold(k, int(min(free, key=lambda p: self.damage(k, int(p)))))

    # -- improvement: CP-SAT on one neighbourhood at a time
    def neighbourhood(self, k: int, excluded: set[int]) -> list[int]:
        """Left-out train k with its alternatives, the held trains in their way at their least
        blocked phases (with their alternatives), and the left-out trains next to those."""
        around = set(self.alternatives[k])
        for a in self.alternatives[k]:
            for p in np.argsort(self.blocked[a], kind="stable")[:LNS_PHASES]:
                for j, clash in self.clash[a]:
                    if self.phase[j] is not None and clash[p, self.phase[j]]:
                        around |= set(self.alternatives[j][:LNS_SIZE // 4])
        for j in sorted(around):
            for i, _ in self.clash[j]:
                if len(around) >= LNS_SIZE:
                    break
                if i not in excluded and not self.runs_in_some_form(i):
                    around.add(i)
        return sorted(around)

    def resolve(self, free: list[int], fixed: set[int], deterministic_time: float) -> bool:
        """Choose again which of ``free`` run and at which phases, all other trains kept as
        they are; keep the answer if it is worth more. CP-SAT starts from the current one."""
        from ortools.sat.python import cp_model

        inside = set(free)
        m = cp_model.CpModel()
        phase, run = {}, {}
        for k in free:
            blocked = self.blocked[k].copy()
            for j, clash in self.clash[k]:
                if j in inside and self.phase[j] is not None:
                    blocked -= clash[:, self.phase[j]]
            ok = [int(p) for p in np.flatnonzero(blocked == 0)]
            run[k] = m.NewBoolVar(f"run[{self.trains[k].key}]")
            if k in fixed:  # pinned: stays where it is
                ok = [self.phase[k]]
                m.Add(run[k] == 1)
            elif not ok:
                ok = [0]
                m.Add(run[k] == 0)
            phase[k] = m.NewIntVarFromDomain(cp_model.Domain.FromValues(ok), f"phase[{self.trains[k].key}]")
            m.AddHint(run[k], self.phase[k] is not None)
            m.AddHint(phase[k], self.phase[k] if self.phase[k] is not None else ok[0])
        for i in free:
            for j in free:
                if i < j and (i, j) in self.tables:
                    pair_constraint(m, self.trains[i], self.trains[j], self.tables[(i, j)],
                                     (phase[i], run[i]), (phase[j], run[j]))
        m.Maximize(sum(self.trains[k].weight * run[k] for k in free))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_deterministic_time = deterministic_time
        solver.parameters.random_seed = 1
        if solver.Solve(m) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        before = sum(self.trains[k].weight for k in free if self.phase[k] is not None)
        if solver.ObjectiveValue() <= before:
            return False
        for k in free:
            if self.phase[k] is not None:
                self.release(k)
        for k in free:
            if solver.Value(run[k]):
                self.hold(k, int(solver.Value(phase[k])))
        return True


def pair_constraint(m, a: PeriodicTrain, b: PeriodicTrain, tab: _PairTable, va, vb) -> None:
    """If both run, (phase_b − phase_a) mod g takes an allowed value (CP-SAT)."""
    from ortools.sat.python import cp_model

    (phase_a, run_a), (phase_b, run_b) = va, vb
    allowed = [int(x) for x in np.flatnonzero(~tab.forbidden)]
    if not allowed:
        m.AddBoolOr([run_a.Not(), run_b.Not()])
        return
    g_steps = tab.g_s // GRID_S
    diff = m.NewIntVarFromDomain(cp_model.Domain.FromValues(allowed), f"d[{a.key},{b.key}]")
    wrap = m.NewIntVar(-(a.headway_s // tab.g_s) - 1, b.headway_s // tab.g_s + 1, f"k[{a.key},{b.key}]")
    m.Add(phase_b - phase_a == diff + g_steps * wrap).OnlyEnforceIf([run_a, run_b])


def solve_pattern(trains: Sequence[PeriodicTrain], fixed: dict[str, int] | None = None,
                  deterministic_time: float = LNS_STEP_TIME, progress: Callable[[str], None] = lambda _: None,
                  preferred: dict[str, int] | None = None, starts: int = PATTERN_STARTS) -> PatternResult:
    """Phases for as many trains as fit together (by weight), on the grid.

    A greedy pattern first; then, for each train it leaves out (most valuable first),
    CP-SAT chooses again for that train and the trains around it, the rest kept
    (a large neighbourhood search), for up to ``LNS_ROUNDS`` rounds while it gains.
    ``deterministic_time`` bounds each CP-SAT step. ``fixed`` pins some trains'
    phases (seconds); ``preferred`` phases are taken first where they are free (the
    evening keeps the day's minutes). Every step is deterministic, so a rebuild gives
    the same day.
    """
    fixed, preferred = fixed or {}, preferred or {}
    tables = pair_tables(trains)
    progress(f"pattern: {len(trains)} trains, {len(tables)} pairs can clash")
    steps = [t.headway_s // GRID_S for t in trains]
    fixed_steps = {k: int(fixed[t.key]) // GRID_S % steps[k] for k, t in enumerate(trains) if t.key in fixed}
    excluded = {k for k, t in enumerate(trains) if self_conflicting(t) and k not in fixed_steps}
    preferred_steps = {k: int(preferred[t.key]) // GRID_S % steps[k]
                       for k, t in enumerate(trains) if t.key in preferred}
    best, start = None, 0
    for seed in range(starts):
        state = _Pattern(trains, tables)
        state.greedy(fixed_steps, excluded, preferred_steps, seed)
        if seed == 0:
            start = state.value
        _improve(state, excluded, set(fixed_steps), deterministic_time, progress)
        progress(f"pattern: start {seed + 1} of {starts} worth {state.value:,}")
        if best is None or state.value > best.value:
            best = state
    state = best
    phases = {t.key: state.phase[k] * GRID_S for k, t in enumerate(trains) if state.phase[k] is not None}
    left_out = tuple(t.key for t in trains if t.key not in phases)
    return PatternResult(phases, left_out, "LNS" if state.value > start else "GREEDY", state.value, len(tables),
                         start)


def _improve(state: _Pattern, excluded: set[int], fixed: set[int], deterministic_time: float,
             progress: Callable[[str], None]) -> None:
    """The large neighbourhood search: one CP-SAT neighbourhood per train left out, most
    valuable first, for up to ``LNS_ROUNDS`` rounds while it gains."""
    trains = state.trains
    for round_ in range(LNS_ROUNDS):
        left = sorted((k for k in range(len(trains)) if k not in excluded and not state.runs_in_some_form(k)),
                      key=lambda k: (-trains[k].weight, trains[k].key))
        gained, tried = 0, set()
        for k in left:  # one neighbourhood per train left out, its alternatives included
            if not state.runs_in_some_form(k) and state.alternatives[k][0] not in tried:
                tried.add(state.alternatives[k][0])
                gained += state.resolve(state.neighbourhood(k, excluded), fixed, deterministic_time)
        progress(f"pattern: round {round_ + 1}, {gained} neighbourhoods improved, worth {state.value:,}")
        if not gained:
            break


def periodic_departures(wanted: np.ndarray, phase_s: int, pattern_headway_s: int,
                        headway_s: float | None) -> np.ndarray:
    """The departures of the pattern's slots (phase + k·headway) that lie in the span of ``wanted``.

    A template that runs less often than its slot (every two or three hours on an hourly
    slot) takes every n-th slot.
    """
    if len(wanted) == 0:
        return wanted
    step = pattern_headway_s
    if headway_s and headway_s > pattern_headway_s and round(headway_s) % pattern_headway_s == 0:
        step = int(round(headway_s))
    start, end = float(wanted[0]), float(wanted[-1]) + (headway_s or pattern_headway_s)
    first = start + ((phase_s - start) % pattern_headway_s)
    return np.arange(first, end - 1e-6, step, dtype=float)
