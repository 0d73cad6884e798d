from dataclasses import replace

import pytest

from railcap.model.errors import ValidationError
from railcap.model.samples import corridor, straight_section
from railcap.occupancy import route_blocks


def test_forward_blocks_follow_the_section_in_route_coordinates():
    sec = straight_section("a-b", "a", "b", 4500, block_m=1500)
    blocks = route_blocks([(sec, False)])
    assert [b.resource_id for b in blocks] == ["a-b/+/0", "a-b/+/1", "a-b/+/2"]
    assert [(b.start_m, b.end_m) for b in blocks] == [(0, 1500), (1500, 3000), (3000, 4500)]


def test_reverse_leg_counts_blocks_in_own_orientation_and_offsets_by_earlier_legs():
    a = straight_section("a-b", "a", "b", 3000, block_m=1500)
    c = straight_section("c-b", "c", "b", 4000, block_m=1000)  # run b -> c: reversed
    blocks = route_blocks([(a, False), (c, True)])
    assert [b.resource_id for b in blocks] == [
        "a-b/+/0", "a-b/+/1", "c-b/-/3", "c-b/-/2", "c-b/-/1", "c-b/-/0"]
    assert [(b.start_m, b.end_m) for b in blocks][2:4] == [(3000, 4000), (4000, 5000)]
    assert blocks[-1].end_m == 7000


def test_uneven_blocks_reverse_positions():
    sec = straight_section("a-b", "a", "b", 1000, block_m=1000)
    sec = replace(sec, block_boundaries_m=(0.0, 100.0, 1000.0))
    blocks = route_blocks([(sec, True)])
    assert [(b.resource_id, b.start_m, b.end_m) for b in blocks] == [
        ("a-b/-/1", 0.0, 900.0), ("a-b/-/0", 900.0, 1000.0)]


def test_single_track_shares_one_resource_per_block_in_both_directions():
    jt = corridor().sections["j-t"]
    fwd = {b.resource_id for b in route_blocks([(jt, False)])}
    rev = {b.resource_id for b in route_blocks([(jt, True)])}
    assert fwd == rev and all("/0/" in r for r in fwd)


def test_double_track_directions_are_disjoint():
    yj = corridor().sections["y-j"]
    fwd = {b.resource_id for b in route_blocks([(yj, False)])}
    rev = {b.resource_id for b in route_blocks([(yj, True)])}
    assert not fwd & rev


def test_wide_load_adds_the_opposite_block_only_where_the_section_says_so():
    yj = corridor().sections["y-j"]
    wide = route_blocks([(yj, False)], adjacent=True)
    assert len(wide) == 2 * yj.blocks
    assert wide[0].resource_id == "y-j/+/0" and wide[1].resource_id == "y-j/-/0"
    assert (wide[1].start_m, wide[1].end_m) == (wide[0].start_m, wide[0].end_m)
    narrow_rule = replace(yj, wide_load_blocks_adjacent=False)
    assert len(route_blocks([(narrow_rule, False)], adjacent=True)) == yj.blocks
    jt = corridor().sections["j-t"]  # single track: nothing adjacent
    assert len(route_blocks([(jt, False)], adjacent=True)) == jt.blocks


def test_bad_block_boundaries_are_refused():
    sec = straight_section("a-b", "a", "b", 1000, block_m=500)
    broken = replace(sec, block_boundaries_m=(0.0, 600.0, 500.0, 1000.0))
    with pytest.raises(ValidationError, match="increase"):
        route_blocks([(broken, False)])
    with pytest.raises(ValidationError):
        route_blocks([])
