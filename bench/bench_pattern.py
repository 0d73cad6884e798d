"""Benchmark of the hourly pattern (the PESP of the reference day's 06:00–20:00 service).

The periodic trains are made exactly as ``railcap timetable rebuild`` makes them
from the 2026 service patterns (``../shared/reference/nl-timetable-2026``; the
benchmark is skipped without them): every periodic template, its run on the
other lane as an alternative, and one hourly path per freight flow.

railcap's method: a greedy start, then CP-SAT on one neighbourhood at a time
(``periodic.solve_pattern``). The baseline, written here: CP-SAT on the whole
model at once (the method of the first hourly pattern), two workers, given the
same wall time. Reported: what the held trains are worth (trips × km, Intercity
counted twice), how many trains are held, seconds, and the ratio of worth.

Run: ``python -m bench pattern`` or ``python bench/bench_pattern.py``
"""

from __future__ import annotations

import time
from pathlib import Path

from railcap.timetable import periodic
from railcap.timetable.periodic import PeriodicTrain, solve_pattern

PATTERNS = Path(__file__).resolve().parents[2] / "shared" / "reference" / "nl-timetable-2026"


def whole_model_cp_sat(trains: list[PeriodicTrain], seconds: float) -> tuple[int, int]:
    """The baseline: every train's run and phase in one CP-SAT model, no start. (worth, held)"""
    from ortools.sat.python import cp_model

    m = cp_model.CpModel()
    phase = [m.NewIntVar(0, t.headway_s // periodic.GRID_S - 1, "") for t in trains]
    run = [m.NewBoolVar("") for _ in trains]
    for k, t in enumerate(trains):
        if periodic.self_conflicting(t):
            m.Add(run[k] == 0)
    for (i, j), tab in periodic.pair_tables(trains).items():
        periodic.pair_constraint(m, trains[i], trains[j], tab, (phase[i], run[i]), (phase[j], run[j]))
    m.Maximize(sum(t.weight * r for t, r in zip(trains, run)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = seconds
    solver.Solve(m)
    held = [k for k in range(len(trains)) if solver.Value(run[k])]
    return sum(trains[k].weight for k in held), len(held)


def day_trains() -> list[PeriodicTrain]:
    from railcap.services.reference_day import reference_inputs
    from railcap.timetable.reference import day_pattern_trains

    net, catalogue, day, _, stop_of, flows = reference_inputs(PATTERNS)
    return day_pattern_trains(net, catalogue, day, stop_of, flows)


def main() -> None:
    if not PATTERNS.is_dir():
        print(f"skipped: the 2026 service patterns are not at {PATTERNS}")
        return
    t0 = time.perf_counter()
    trains = day_trains()
    print(f"{len(trains)} periodic trains (with lane alternatives and freight paths), "
          f"made in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    ours = solve_pattern(trains)
    ours_s = time.perf_counter() - t0
    base_worth, base_held = whole_model_cp_sat(trains, max(ours_s, 1.0))
    base_s = time.perf_counter() - t0 - ours_s
    rows = [("whole-model CP-SAT (baseline)", base_worth, base_held, base_s, 1.0),
            ("greedy start", ours.start_objective, None, None, ours.start_objective / max(base_worth, 1)),
            ("greedy + CP-SAT on neighbourhoods", ours.objective, len(ours.phases_s), ours_s,
             ours.objective / max(base_worth, 1))]
    print(f"{'method':36} {'worth':>9} {'held':>5} {'s':>6} {'ratio':>6}")
    for name, worth, held, secs, ratio in rows:
        print(f"{name:36} {worth:>9,} {held if held is not None else '':>5} "
              f"{'' if secs is None else f'{secs:.1f}':>6} {ratio:>5.2f}×")
    print(f"pairs that can clash: {ours.pairs:,}; alternatives never both held: "
          f"{_alternatives_respected(trains, ours.phases_s)}")


def _alternatives_respected(trains: list[PeriodicTrain], phases: dict[str, int]) -> bool:
    groups = [t.group for t in trains if t.key in phases]
    return len(groups) == len(set(groups))


if __name__ == "__main__":
    main()
