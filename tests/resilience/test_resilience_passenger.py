"""Capacity left after a timetable's passenger trains, hour by hour, worked out by hand."""

import numpy as np
import pytest

from railcap.model.infrastructure import Network, OpKind
from railcap.model.samples import op, straight_section
from railcap.model.timetable import Leg, PassingPoint, Timetable, TrainClass, TrainRun
from railcap.resilience.capacity import CapacityParams, daily_capacity, section_capacity
from railcap.resilience.macro import build_macro
from railcap.resilience.passenger import PassengerLoad, load_from_timetable


def _net(tracks: int = 2) -> Network:
    return Network.of([op("a", OpKind.STATION), op("b", OpKind.STATION)],
                      [straight_section("a-b", "a", "b", 20_000, 140, block_m=2_000, tracks=tracks)])


def _run(i: int, t: float, reverse: bool = False, lane: int = 0, cls=TrainClass.PASSENGER) -> TrainRun:
    ends = ("b", "a") if reverse else ("a", "b")
    return TrainRun(f"r{i}", cls, "x", (Leg("a-b", reverse, lane),),
                    (PassingPoint(ends[0], t, t), PassingPoint(ends[1], t + 600, t + 600)))


def test_trains_are_counted_per_hour_direction_and_lane_and_the_night_is_left_out():
    runs = [_run(i, 7 * 3600 + 450 * i) for i in range(8)]  # 8 forward in 07:00–08:00
    runs += [_run(10 + i, 7 * 3600 + 900 * i, reverse=True) for i in range(4)]  # 4 backward
    runs += [_run(20, 25 * 3600 + 60), _run(21, 3 * 3600)]  # 01:01 (past midnight) and 03:00: night break
    runs += [_run(22, 8 * 3600, cls=TrainClass.FREIGHT)]  # freight is the demand, not the load
    runs += [_run(23, 24 * 3600 + 120)]  # 00:02 the next "day": hour 0, inside the operating day
    hours = CapacityParams().operating_hours()
    load = load_from_timetable(Timetable(tuple(runs)), _net(), hours)
    a = load.of("a-b")
    assert a.shape == (20, 2, 1) and hours[2] == 7 and hours[-1] == 0
    assert a[2, :, 0].tolist() == [8.0, 4.0]
    assert a[-1, 0, 0] == 1.0 and a.sum() == 13.0
    assert load.busiest_hour("a-b") == (8.0, 4.0)
    assert load.mean_over("a-b", [7, 8]) == (4.0, 2.0)


def test_daily_capacity_sums_what_each_hour_leaves():
    net = _net()
    s = net.sections["a-b"]
    runs = [_run(i, 7 * 3600 + 450 * i) for i in range(8)] + [_run(10 + i, 7 * 3600 + 900 * i, True)
                                                                for i in range(4)]
    load = load_from_timetable(Timetable(tuple(runs)), net, CapacityParams().operating_hours())
    d = daily_capacity(s, load.of("a-b"), load.weights)
    empty = section_capacity(s)
    busy = section_capacity(s, (8.0, 4.0))  # 3.789 and 6.197 paths left in that hour (test_resilience_capacity)
    assert d.left_per_day_forward == pytest.approx(19 * empty.paths_per_hour_forward + 3.789, abs=0.002)
    assert d.left_per_day_backward == pytest.approx(19 * empty.paths_per_hour_forward + busy.left_per_hour_backward)
    assert d.full_per_day == pytest.approx(20 * empty.paths_per_hour_forward)
    m = build_macro(net, load)
    assert sorted(m.resource_capacity_per_day) == pytest.approx(sorted([d.left_per_day_forward,
                                                                        d.left_per_day_backward]))


def test_four_tracks_give_each_lane_pair_its_own_trains():
    net = _net(tracks=4)
    s = net.sections["a-b"]
    runs = [_run(i, 7 * 3600 + 450 * i, lane=0) for i in range(8)]
    load = load_from_timetable(Timetable(tuple(runs)), net, [7])
    d = daily_capacity(s, load.of("a-b"), load.weights)
    two = section_capacity(_net(2).sections["a-b"], (8.0, 0.0))
    # lane 0 carries all 8, lane 1 none: 3.789 + an empty pair; not 2 × (4 each)
    assert d.left_per_day_forward == pytest.approx(two.left_per_hour_forward + two.paths_per_hour_forward)
    flat = daily_capacity(s, PassengerLoad.uniform({"a-b": (8.0, 0.0)}, 1.0).of("a-b"), np.array([1.0]))
    assert flat.left_per_day_forward == pytest.approx(section_capacity(s, (8.0, 0.0)).left_per_hour_forward)
