"""Path capacity from the blocking-time rule, checked against numbers worked out by hand."""

import pytest

from railcap.model.samples import straight_section
from railcap.resilience.capacity import CapacityParams, minimum_headway_s, section_capacity, FREIGHT_TRAIN
from railcap.resilience.macro import build_macro

from .nets import PLAIN, parallel


def test_headway_of_two_blocks_by_hand():
    # 100 km/h = 27.778 m/s; braking distance 27.778² / (2·0.4) = 964.5 m;
    # (964.5 + 1500 + 740) m / 27.778 m/s = 115.36 s; + 5 + 9 + 3 s = 132.36 s.
    s = straight_section("a-b", "a", "b", 3_000, 100, block_m=1_500)
    assert minimum_headway_s(s, FREIGHT_TRAIN, CapacityParams()) == pytest.approx(132.36, abs=0.01)
    c = section_capacity(s)
    assert c.paths_per_hour_forward == pytest.approx(0.6 * 3600 / 132.36, rel=1e-4)
    assert not c.shared


def test_single_track_both_directions_share_one_track():
    # 18 km at 36 km/h = 1800 s per train; one PLAIN hour holds 2 trains in total.
    c = section_capacity(parallel().sections["a-m"], params=PLAIN)
    assert c.shared
    assert c.left_per_hour_forward == pytest.approx(2.0)
    assert build_macro(parallel(), params=PLAIN).n_resources == 2 + 1 + 1  # main: 2 directions, a-m, m-b


def test_passenger_trains_use_up_capacity_with_the_speed_difference():
    # 20 km, freight 100 km/h: 720 s; passenger 140 km/h: 514.3 s; difference 205.7 s.
    s = straight_section("a-b", "a", "b", 20_000, 140, block_m=2_000)
    empty = section_capacity(s)
    some = section_capacity(s, (8.0, 4.0))
    assert empty.left_per_hour_forward == pytest.approx(empty.paths_per_hour_forward)
    from railcap.resilience.capacity import PASSENGER_TRAIN
    h_f = minimum_headway_s(s, FREIGHT_TRAIN, CapacityParams())  # (964.5 + 2000 + 740) / 27.78 + 17 = 150.4 s
    h_p = minimum_headway_s(s, PASSENGER_TRAIN, CapacityParams())  # (1080.2 + 2000 + 200) / 38.89 + 17 = 101.3 s
    assert (h_f, h_p) == (pytest.approx(150.36, abs=0.01), pytest.approx(101.35, abs=0.01))
    # 8 passenger trains: budget 2160 − 8·101.35 = 1349.2 s; 1349.2 / (150.36 + 205.71) = 3.79 < 8,
    # so every freight train is followed by a faster one and pays the difference
    assert some.left_per_hour_forward == pytest.approx(3.789, abs=0.002)
    # 4 passenger trains: 1754.6 / 356.07 = 4.93 > 4, so only 4 pay it: (1754.6 − 4·205.71) / 150.36 = 6.19
    assert some.left_per_hour_backward == pytest.approx(6.197, abs=0.002)
    full = section_capacity(s, (40.0, 40.0))
    assert full.left_per_hour_forward == 0.0


def test_four_tracks_count_as_two_pairs():
    two = section_capacity(straight_section("a-b", "a", "b", 5_000, 140, tracks=2))
    four = section_capacity(straight_section("a-b", "a", "b", 5_000, 140, tracks=4))
    assert four.paths_per_hour_forward == pytest.approx(2 * two.paths_per_hour_forward)
