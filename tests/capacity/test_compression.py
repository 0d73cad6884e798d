"""UIC 406 compression on hand-computed cases, and against the free-interval index on real stairways.

The hand-computed cases use a short line of three blocks ("L/+/0..2"); the
minimum headway between two trains is the largest difference, over the blocks,
between the first train's release and the second train's start (relative to
its entry). Every expected value below is worked out in the comment beside it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from railcap.capacity import compress, consumption_report
from railcap.capacity.compression import line_section_of, section_of
from railcap.data.rolling_stock import load_catalogue
from railcap.model.errors import ValidationError
from railcap.model.samples import corridor
from railcap.occupancy import FreeIntervalIndex, Occupation, OccupationTable
from railcap.pathing.segments import SegmentCache
from railcap.physics.route import RouteLeg
from railcap.physics.running_time import Allowance

HOUR = (0.0, 3600.0)


def stairway(train: str, t0: float, rel: list[tuple[float, float]], line: str = "L/+",
             blocks: list[int] | None = None) -> list[Occupation]:
    """One train's blocking times: ``rel[k]`` = (start, end) on block ``blocks[k]`` relative to ``t0``."""
    blocks = list(range(len(rel))) if blocks is None else blocks
    return [Occupation(train, f"{line}/{b}", t0 + a, t0 + e) for b, (a, e) in zip(blocks, rel)]


SAME = [(0, 60), (40, 100), (80, 140)]  # a train at line speed: 40 s a block, 60 s blocking each
SLOW = [(0, 100), (80, 200), (180, 300)]
FAST = [(0, 40), (20, 60), (40, 80)]


def only(table_rows: list[Occupation], window=HOUR):
    out = compress(OccupationTable.of(table_rows), [window])
    assert len(out) == 1
    return out[0]


def test_two_trains_same_speed_follow_at_the_block_headway():
    # B must not start block 0 before A releases it at 60; blocks 1 and 2 give the same 60 s.
    c = only(stairway("a", 0, SAME) + stairway("b", 1000, SAME))
    assert c.trains == 2
    assert c.compressed_s == pytest.approx(60 + 140)  # B at 60, its last release at 60 + 140
    assert c.rate == pytest.approx(200 / 3600)


def test_fast_behind_slow_waits_until_the_slow_train_clears_the_line():
    # needs: block 0: 100 - 0, block 1: 200 - 20, block 2: 300 - 40 = 260 -> B enters at 260
    c = only(stairway("slow", 0, SLOW) + stairway("fast", 1000, FAST))
    assert c.compressed_s == pytest.approx(260 + 80)


def test_slow_behind_fast_follows_at_the_first_block():
    # needs: 40 - 0, 60 - 80, 80 - 180 -> B enters at 40 and releases the last block at 40 + 300
    c = only(stairway("fast", 0, FAST) + stairway("slow", 1000, SLOW))
    assert c.compressed_s == pytest.approx(40 + 300)


def test_three_trains_slow_fast_slow():
    # fast at 260 (above); the second slow one: block 0 max(100, 300) - 0 = 300,
    # block 1 max(200, 320) - 80 = 240, block 2 max(300, 340) - 180 = 160 -> enters at 300, ends 600
    rows = stairway("s1", 0, SLOW) + stairway("f", 900, FAST) + stairway("s2", 2000, SLOW)
    c = only(rows)
    assert c.trains == 3 and c.compressed_s == pytest.approx(600)


def test_order_is_kept_a_later_fast_train_never_overtakes():
    # the fast train enters after the slow one in the plan; compressed it still runs behind it
    rows = stairway("slow", 100, SLOW) + stairway("fast", 150, FAST)
    assert only(rows).compressed_s == pytest.approx(260 + 80)
    # the other order (fast enters first) is a different, shorter compression
    rows = stairway("fast", 100, FAST) + stairway("slow", 150, SLOW)
    assert only(rows).compressed_s == pytest.approx(340)


def test_three_trains_are_held_against_every_earlier_train_not_only_the_one_ahead():
    # a very slow train first, then two fast ones: the third is bound by the first on block 2
    very_slow = [(0, 200), (150, 400), (350, 600)]
    rows = stairway("v", 0, very_slow) + stairway("f1", 1000, FAST) + stairway("f2", 2000, FAST)
    # f1: max(200, 400 - 20, 600 - 40) = 560; f2: max(560 + 40, 560 + 60 - 20, 560 + 80 - 40) = 600
    assert only(rows).compressed_s == pytest.approx(600 + 80)


def test_opposite_directions_on_single_track_share_the_line_section():
    a = stairway("east", 0, SAME, line="S/0")
    b = stairway("west", 1000, SAME, line="S/0", blocks=[2, 1, 0])  # enters at block 2
    # needs: block 2: 140 - 0, block 1: 100 - 40, block 0: 60 - 80 -> enters at 140, ends 280
    c = only(a + b)
    assert c.line_section == "S/0" and c.direction == "0"
    assert c.compressed_s == pytest.approx(280)


def test_directions_and_lanes_are_separate_line_sections():
    rows = stairway("a", 0, SAME, "D/+") + stairway("b", 0, SAME, "D/-", [2, 1, 0]) + stairway("c", 0, SAME, "D/+1")
    out = compress(OccupationTable.of(rows), [HOUR])
    assert [c.line_section for c in out] == ["D/+", "D/+1", "D/-"]
    assert [c.lane for c in out] == [0, 1, 0]
    assert all(c.compressed_s == pytest.approx(140) for c in out)
    assert {c.section_id for c in out} == {"D"}


def test_a_train_belongs_to_the_window_it_enters_in_and_windows_may_overlap():
    rows = stairway("a", 3500, SAME) + stairway("b", 3700, SAME)
    out = compress(OccupationTable.of(rows), [(0, 3600), (3600, 7200), (0, 7200)])
    by_window = {(c.window_start_s, c.window_end_s): c for c in out}
    assert by_window[(0, 3600)].trains == 1 and by_window[(0, 3600)].compressed_s == pytest.approx(140)
    assert by_window[(3600, 7200)].trains == 1
    assert by_window[(0, 7200)].trains == 2 and by_window[(0, 7200)].compressed_s == pytest.approx(200)
    # the first train's stairway runs past the end of its hour: the rate is still its share of that hour
    assert by_window[(0, 3600)].rate == pytest.approx(140 / 3600)


def test_a_train_that_meets_a_block_twice_is_held_by_its_later_release():
    # a turn-back: "r" runs blocks 0, 1 and back over 1 (released at 300); the next train needs block 1 free
    turn = [Occupation("r", "T/0/0", 0, 60), Occupation("r", "T/0/1", 40, 120), Occupation("r", "T/0/1", 200, 300)]
    c = only(turn + stairway("n", 1000, [(0, 60), (40, 100)], "T/0"))
    # needs: block 0: 60 - 0, block 1: 300 - 40 = 260 -> enters at 260, releases at 360
    assert c.compressed_s == pytest.approx(360)


def test_bad_window_is_an_error_naming_it():
    with pytest.raises(ValidationError, match="window"):
        compress(OccupationTable.of(stairway("a", 0, SAME)), [(100.0, 50.0)])


def test_names():
    assert line_section_of("a--b/+1/7") == "a--b/+1"
    assert section_of("a--b/+1") == "a--b" and section_of("a--b/0/3") == "a--b"


@pytest.mark.parametrize("first,second", [("intermodal-740", "icng-8"), ("icng-8", "intermodal-740"),
                                          ("military-heavy", "intermodal-650")])
def test_compression_matches_the_free_interval_index_on_real_stairways(first, second):
    """Two physics runs Y -> J on the sample corridor: the compressed time is the second train's
    earliest fit behind the first (found by the free-interval index) plus its own stairway."""
    net = corridor()
    catalogue = load_catalogue()
    legs = (RouteLeg(net.sections["y-j"], False),)

    def rows(consist_id: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        cache = SegmentCache(catalogue.consist(consist_id), Allowance())
        res, st, en = cache.occupations(cache.get(legs), 0)
        keep = [i for i, r in enumerate(res) if r.startswith("y-j/+/")]
        return [res[i] for i in keep], st[keep], en[keep]

    ra, sa, ea = rows(first)
    rb, sb, eb = rows(second)
    a = OccupationTable.from_columns(["a"] * len(ra), ra, sa, ea)
    b = OccupationTable.from_columns(["b"] * len(rb), rb, sb + 5000.0, eb + 5000.0)
    c = compress(OccupationTable.concat([a, b]), [(-600.0, 7200.0)])[0]
    # the index: the earliest shift of B at which it meets A nowhere, not before A enters
    d = FreeIntervalIndex(a).earliest_fit(rb, sb, eb, lower_s=sa.min() - sb.min())
    expected = max(ea.max(), d + eb.max()) - sa.min()
    assert c.compressed_s == pytest.approx(expected, abs=1e-3)
    assert c.compressed_s < (ea.max() - sa.min()) + (eb.max() - sb.min())  # shorter than one after the other


def test_report_orders_busiest_first_and_flags_the_norm():
    net = corridor()
    busy = [o for k in range(12) for o in stairway(f"t{k}", 300 * k, [(0, 240), (200, 440)], "y-j/+")]
    quiet = stairway("q", 100, SAME, "y-j/-", [2, 1, 0])
    r = consumption_report(net, OccupationTable.of(busy + quiet), (0, 3600))
    assert [x.line_section for x in r.loads] == ["y-j/+", "y-j/-"]
    top = r.loads[0]
    # 12 identical trains, 240 s apart at best (block 0 and block 1 both hold each one 240 s):
    # 11 * 240 + 440 = 3080 s of the hour
    assert top.window.compressed_s == pytest.approx(11 * 240 + 440)
    assert top.over_norm and r.bottlenecks() == [top]
    assert (top.from_op, top.to_op) == ("y", "j") and (r.loads[1].from_op, r.loads[1].to_op) == ("j", "y")
    assert r.window_is_peak and math.isclose(top.peak_limit, 0.75)
