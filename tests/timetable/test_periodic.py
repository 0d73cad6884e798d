"""The hourly pattern (PESP) of the reference day: allowed phase differences and the CP-SAT choice."""

from __future__ import annotations

import numpy as np
import pytest

from railcap.occupancy import Occupation, find_conflicts
from railcap.timetable.periodic import (
    GRID_S, PeriodicTrain, forbidden_offsets, periodic_headway_s, self_conflicting, solve_pattern,
)


def train(key: str, blocks: list[tuple[str, float, float]], headway_s: int = 3600, weight: int = 1):
    return PeriodicTrain(key, headway_s, [b for b, _, _ in blocks], np.array([s for _, s, _ in blocks]),
                         np.array([e for _, _, e in blocks]), weight)


def test_two_trains_on_one_block_must_keep_their_blocking_times_apart():
    a = train("a", [("blk", 0.0, 100.0)])
    b = train("b", [("blk", 0.0, 100.0)])
    g, forbidden = forbidden_offsets(a, b)
    assert g == 3600
    d = np.arange(0, g, GRID_S)
    assert forbidden[d == 0] and forbidden[d == 90] and forbidden[d == 3510]
    assert not forbidden[d == 120] and not forbidden[d == 3480]


def test_trains_on_different_blocks_do_not_constrain_each_other():
    assert forbidden_offsets(train("a", [("x", 0, 100)]), train("b", [("y", 0, 100)])) is None


def test_half_hourly_and_hourly_trains_repeat_every_half_hour():
    a = train("a", [("blk", 0.0, 100.0)], headway_s=1800)
    b = train("b", [("blk", 1000.0, 1100.0)], headway_s=3600)
    g, forbidden = forbidden_offsets(a, b)
    assert g == 1800
    d = np.arange(0, g, GRID_S)
    # b's block time at 1000 + d meets a's copies at 0 and 1800: d = 800 puts it on the copy at 1800
    assert forbidden[d == 810] and not forbidden[d == 300]


def test_a_train_longer_on_a_block_than_its_headway_cannot_repeat():
    assert self_conflicting(train("a", [("blk", 0.0, 1900.0)], headway_s=1800))
    assert not self_conflicting(train("a", [("blk", 0.0, 1700.0)], headway_s=1800))


@pytest.mark.parametrize("n, held", [(3, 3), (4, 3)])
def test_the_pattern_holds_as_many_trains_as_fit_and_none_overlap(n, held):
    trains = [train(f"t{k}", [("blk", 0.0, 1000.0), ("next", 900.0, 1500.0)]) for k in range(n)]
    result = solve_pattern(trains, deterministic_time=5.0)
    assert len(result.phases_s) == held and len(result.left_out) == n - held
    day = [Occupation(f"{k}/{h}", r, s + p + 3600 * h, e + p + 3600 * h)
           for k, p in result.phases_s.items() for h in range(3)
           for r, s, e in zip(trains[0].resources, trains[0].starts, trains[0].ends)]
    assert find_conflicts(day) == []


def test_heavier_trains_are_kept_first():
    trains = [train("light", [("blk", 0.0, 2000.0)], weight=1), train("heavy", [("blk", 0.0, 2000.0)], weight=5)]
    assert set(solve_pattern(trains, deterministic_time=5.0).phases_s) == {"heavy"}


def test_measured_headways_snap_to_a_divisor_of_the_hour():
    assert periodic_headway_s(27) == 1800 and periodic_headway_s(15.5) == 900
    assert periodic_headway_s(180) == 3600 and periodic_headway_s(None) is None


def test_cp_sat_improves_on_the_greedy_start():
    """Greedy keeps the most valuable train, which shuts out two lighter ones worth more together."""
    heavy = train("heavy", [("x", 0.0, 2000.0), ("y", 0.0, 2000.0)], weight=3)
    light = [train("light-x", [("x", 0.0, 2000.0)], weight=2), train("light-y", [("y", 0.0, 2000.0)], weight=2)]
    result = solve_pattern([heavy, *light], deterministic_time=5.0)
    assert result.start_objective == 3
    assert set(result.phases_s) == {"light-x", "light-y"} and result.objective == 4


def test_at_most_one_of_a_trains_alternatives_runs():
    """Lane 0 is full: the train runs on its other lane, and never on both."""
    full = train("full", [("lane0", 0.0, 3000.0)], weight=10)
    on_lane0 = train("a", [("lane0", 0.0, 1000.0)], weight=5)
    on_lane1 = PeriodicTrain("a|lane1", 3600, ["lane1"], np.array([0.0]), np.array([1000.0]), 5,
                             alternative_to="a")
    result = solve_pattern([full, on_lane0, on_lane1], deterministic_time=5.0)
    assert set(result.phases_s) == {"full", "a|lane1"}
    free = solve_pattern([on_lane0, on_lane1], deterministic_time=5.0)
    assert len(free.phases_s) == 1 and free.objective == 5


def test_more_starts_keep_the_best_pattern_and_stay_deterministic():
    """Shaken greedy starts, each improved: the best is kept, and a second solve gives the same."""
    rng = np.random.default_rng(7)
    blocks = [f"b{k}" for k in range(6)]
    trains = []
    for k in range(24):
        used = rng.choice(blocks, size=3, replace=False)
        start = rng.uniform(0, 600)
        trains.append(train(f"t{k}", [(b, start + 200 * i, start + 200 * i + rng.uniform(300, 700))
                                      for i, b in enumerate(used)], headway_s=1800,
                            weight=int(rng.integers(1, 10))))
    one = solve_pattern(trains, deterministic_time=0.5, starts=1)
    four = solve_pattern(trains, deterministic_time=0.5, starts=4)
    assert four.objective >= one.objective
    assert solve_pattern(trains, deterministic_time=0.5, starts=4).phases_s == four.phases_s
