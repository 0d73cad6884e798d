"""Blocking times with known answers (constant speed, stops, cab signalling)."""

import numpy as np
import pytest

from tests.helpers.occ_movements import Movement, accelerate_cruise_brake, constant_speed, with_stop
from railcap.model.errors import ValidationError
from railcap.model.infrastructure import TrainProtection
from railcap.model.samples import corridor, straight_section
from railcap.occupancy import (
    BlockingParameters, MovementLike, blocking_times, find_conflicts, timetable_blocking,
)

P = BlockingParameters()
SETUP = P.route_setting_s + P.sighting_s  # 14 s with lineside signals
BLOCK = 1500.0


def line(protection=TrainProtection.ATB, tracks=2, length=6000.0):
    return straight_section("a-b", "a", "b", length, block_m=BLOCK, protection=protection,
                            tracks=tracks)


def test_hand_made_movement_satisfies_the_protocol():
    assert isinstance(constant_speed(100, 10, 0), MovementLike)


def test_constant_speed_blocking_time_is_setup_sighting_approach_running_clearing_release():
    v, L, t0 = 20.0, 500.0, 1000.0  # braking distance 400 m < block length
    occ = blocking_times("f1", constant_speed(6000, v, t0, L), [(line(), False)]).to_list()
    assert len(occ) == 4
    for k, o in enumerate(occ[1:], start=1):
        entry = k * BLOCK
        approach_s = BLOCK / v  # from the previous block signal
        assert o.start_s == pytest.approx(t0 + entry / v - approach_s - SETUP)
        expected = SETUP + approach_s + (BLOCK + L) / v + P.release_s
        assert o.end_s - o.start_s == pytest.approx(expected)
    # the first block: the approach is cut at the route origin
    assert occ[0].start_s == pytest.approx(t0 - SETUP)
    assert occ[0].end_s == pytest.approx(t0 + (BLOCK + L) / v + P.release_s)


def test_braking_distance_longer_than_a_block_reaches_one_signal_further_back():
    v, b = 40.0, 0.3  # braking distance 2667 m: more than one 1500 m block
    occ = blocking_times("f1", constant_speed(6000, v, 0.0, brake_ms2=b),
                         [(line(), False)]).to_list()
    # block 2 (signal at 3000): braking point 333 m -> approach from the signal at 0
    assert occ[2].start_s == pytest.approx(0.0 - SETUP)
    # block 3 (signal at 4500): braking point 1833 m -> approach from the signal at 1500
    assert occ[3].start_s == pytest.approx(1500 / v - SETUP)


def test_cab_signalling_has_no_sighting_and_approach_starts_at_the_braking_point():
    v, b, L = 30.0, 0.5, 600.0
    occ = blocking_times("f1", constant_speed(6000, v, 0.0, L, b),
                         [(line(TrainProtection.ETCS_L2), False)]).to_list()
    braking_m = v * v / (2 * b)  # 900 m
    for k, o in enumerate(occ[1:], start=1):
        assert o.start_s == pytest.approx((k * BLOCK - braking_m) / v - P.route_setting_s)
        assert o.end_s == pytest.approx(((k + 1) * BLOCK + L) / v + P.release_s)


def test_stopping_train_approach_starts_at_departure():
    v, stop, dwell = 20.0, 3000.0, 120.0  # stops at the signal of block 2
    occ = blocking_times("f1", with_stop(6000, v, 0.0, stop, dwell), [(line(), False)]).to_list()
    departure = stop / v + dwell
    assert occ[2].start_s == pytest.approx(departure - SETUP)
    # block 1 is held until the tail has left it after departure
    assert occ[1].end_s == pytest.approx(departure + 500 / v + P.release_s)
    # block 3: the stop lies within its approach (from the signal at 3000)
    assert occ[3].start_s == pytest.approx(departure - SETUP)


def test_start_from_standstill_approach_starts_at_departure_and_blocks_follow_in_order():
    mv = accelerate_cruise_brake(6000, 25.0, 0.4, 0.4, t0=500.0)
    occ = blocking_times("f1", mv, [(line(), False)]).to_list()
    assert occ[0].start_s == pytest.approx(500.0 - SETUP)
    starts = [o.start_s for o in occ]
    ends = [o.end_s for o in occ]
    assert starts == sorted(starts) and ends == sorted(ends)
    # the train stops at the route end: its last block is released at arrival
    assert occ[-1].end_s == pytest.approx(mv.time_s[-1] + P.release_s)


def test_train_still_running_at_the_end_clears_at_its_last_speed():
    v, L = 25.0, 400.0
    mv = Movement(np.array([0.0, 6000.0]), np.array([0.0, 240.0]), np.array([v, v]), L)
    last = blocking_times("f1", mv, [(line(), False)]).to_list()[-1]
    assert last.end_s == pytest.approx((6000 + L) / v + P.release_s)


def test_wide_load_holds_the_adjacent_track_for_its_whole_passage_of_the_section():
    yj = corridor().sections["y-j"]
    t = blocking_times("mil1", constant_speed(yj.length_m, 20.0, 0.0), [(yj, False)],
                       adjacent=True)
    rows = t.to_list()
    own = [o for o in rows if "/+/" in o.resource_id]
    other = [o for o in rows if "/-/" in o.resource_id]
    assert len(own) == len(other) == yj.blocks > 1
    assert other[0].resource_id == "y-j/-/0"
    first, last = min(o.start_s for o in own), max(o.end_s for o in own)
    assert all((o.start_s, o.end_s) == (first, last) for o in other)
    assert own[0].end_s < last  # its own blocks are released one by one


def test_planning_grid_widens_outwards():
    params = BlockingParameters(planning_grid_s=6.0)
    exact = blocking_times("f1", constant_speed(6000, 23.0, 7.0), [(line(), False)])
    grid = blocking_times("f1", constant_speed(6000, 23.0, 7.0), [(line(), False)], params)
    assert np.all(grid.start_s <= exact.start_s) and np.all(grid.end_s >= exact.end_s)
    assert np.allclose(grid.start_s % 6, 0) and np.allclose(grid.end_s % 6, 0)
    assert np.all(grid.end_s - exact.end_s < 6) and np.all(exact.start_s - grid.start_s < 6)


def test_movement_that_does_not_cover_the_route_is_refused():
    with pytest.raises(ValidationError, match="cover"):
        blocking_times("f1", constant_speed(1000, 20.0, 0.0, beyond_m=0), [(line(), False)])
    backwards = Movement(np.array([0.0, 9000.0, 8000.0]), np.array([0, 1, 2.0]),
                         np.array([1.0, 1, 1]))
    with pytest.raises(ValidationError, match="decrease"):
        blocking_times("f1", backwards, [(line(), False)])


# ----- headways and directions ---------------------------------------------------

def _minimum_headway(v: float, L: float) -> float:
    """Longest blocking time of a block not at the origin (all blocks equal)."""
    return SETUP + BLOCK / v + (BLOCK + L) / v + P.release_s


@pytest.mark.parametrize("delta, conflicts", [(-0.5, True), (+0.5, False)])
def test_following_trains_conflict_only_below_the_minimum_headway(delta, conflicts):
    v, L = 20.0, 500.0
    h = _minimum_headway(v, L) + delta
    route = [(line(), False)]
    table = timetable_blocking([("first", constant_speed(6000, v, 0.0, L), route),
                                ("second", constant_speed(6000, v, h, L), route)])
    found = find_conflicts(table)
    assert bool(found) is conflicts
    if conflicts:
        assert {c.train_a for c in found} == {"first"}
        assert all(c.overlap_s == pytest.approx(0.5) for c in found)


@pytest.mark.parametrize("tracks, conflicts", [(1, True), (2, False)])
def test_opposite_directions_share_blocks_only_on_single_track(tracks, conflicts):
    sec = line(tracks=tracks)
    table = timetable_blocking([
        ("up", constant_speed(6000, 20.0, 0.0), [(sec, False)]),
        ("down", constant_speed(6000, 20.0, 60.0), [(sec, True)])])
    assert bool(find_conflicts(table)) is conflicts


def test_wide_load_conflicts_with_a_train_on_the_other_track():
    sec = line(tracks=2)
    runs = [("mil", constant_speed(6000, 20.0, 0.0), [(sec, False)]),
            ("down", constant_speed(6000, 20.0, 60.0), [(sec, True)])]
    assert find_conflicts(timetable_blocking(runs, wide_loads=frozenset({"mil"})))
    assert not find_conflicts(timetable_blocking(runs))


def test_a_whole_timetable_in_one_pass_equals_train_by_train():
    sec_a, sec_b = line(), line(TrainProtection.ETCS_L2, tracks=1)
    runs = [
        ("f1", constant_speed(6000, 20.0, 100.0), [(sec_a, False)]),
        ("f2", with_stop(12000, 25.0, 50.0, 4500, 60), [(sec_a, True), (sec_b, False)]),
        ("f3", accelerate_cruise_brake(6000, 30.0, 0.3, 0.4, 7.0), [(sec_b, True)]),
        ("f4", constant_speed(6000, 35.0, 9e4, brake_ms2=0.3), [(sec_a, False)]),
    ]
    together = timetable_blocking(runs, wide_loads=frozenset({"f2"}))
    one_by_one = [o for tid, mv, route in runs
                  for o in blocking_times(tid, mv, route, adjacent=tid == "f2")]
    assert together.to_list() == one_by_one


def test_dwell_at_the_origin_delays_the_first_approaches():
    mv = Movement(np.array([0.0, 0.0, 8000.0]), np.array([0.0, 300.0, 700.0]),
                  np.array([0.0, 0.0, 20.0]))
    occ = blocking_times("f1", mv, [(line(), False)]).to_list()
    assert occ[0].start_s == pytest.approx(300.0 - SETUP)
    assert occ[1].start_s == pytest.approx(300.0 - SETUP)


def test_errors_name_the_train():
    with pytest.raises(ValidationError, match="train 'late'"):
        timetable_blocking([("ok", constant_speed(6000, 20.0, 0.0), [(line(), False)]),
                            ("late", constant_speed(10, 20.0, 0.0, beyond_m=0),
                             [(line(), False)])])


def test_a_stop_at_a_signal_counts_whatever_the_float_noise():
    """A train standing at the signal of block 2 (its position a rounding error off the
    signal's) does not hold block 3 during its dwell: the approach starts at departure."""
    v, stop, dwell = 20.0, 3000.0, 600.0
    mv = with_stop(6000, v, 0.0, stop - 4e-12, dwell)
    occ = blocking_times("f1", mv, [(line(), False)]).to_list()
    departure = stop / v + dwell
    assert occ[3].start_s == pytest.approx(departure - SETUP)
