"""The free-interval index as a board a timetable is built on: runs checked at a shift,
granted one by one, queried in between; against brute force over the raw occupations."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from railcap.occupancy import FreeIntervalIndex, Occupation, find_conflicts

R = ("r0", "r1", "r2")

# a run: up to four (resource, start, end) relative to its departure; whole seconds, so
# that touching intervals (one ending exactly where the next starts) come up often
block = st.tuples(st.integers(0, 2), st.integers(0, 60), st.integers(0, 40))
run = st.lists(block, min_size=1, max_size=4).map(
    lambda bs: ([R[r] for r, _, _ in bs], np.array([s for _, s, _ in bs], float),
                np.array([s + d for _, s, d in bs], float)))


def occupations(train, resources, starts, ends, shift):
    return [Occupation(train, r, float(s + shift), float(e + shift)) for r, s, e in zip(resources, starts, ends)]


def meets(o, r, s, e):
    """Occupation o meets [s, e] on r: overlaps it by a positive amount (the conflict detector's
    rule), or, for a zero-width [s, s], holds s strictly inside; zero-length occupations never."""
    return o.resource_id == r and o.start_s < o.end_s and o.start_s < e and o.end_s > s


def hits_brute(held, resources, starts, ends, shift):
    """Per occupation of the run: does it meet anything held?"""
    return [any(meets(o, r, s + shift, e + shift) for o in held) for r, s, e in zip(resources, starts, ends)]


def free_again_brute(held, r, t):
    """When resource r is next free after being busy at t: follow occupations that reach on."""
    end, grew = t, True
    while grew:
        grew = False
        for o in held:
            if o.resource_id == r and o.start_s <= end < o.end_s and o.end_s > end:
                end, grew = o.end_s, True
    return end


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(run, st.integers(0, 200)), max_size=12), run, st.integers(-20, 220))
def test_runs_granted_one_by_one_answer_like_brute_force(granted, probe, shift):
    idx, held = FreeIntervalIndex(), []
    for k, ((res, s, e), at) in enumerate(granted):
        # query before every addition, so additions land on an index whose lists exist
        assert idx.run_hits(res, s, e, at) == sum(hits_brute(held, res, s, e, at))
        idx.add_run(f"t{k}", res, s, e, shift_s=at)
        held += occupations(f"t{k}", res, s, e, at)
    res, s, e = probe
    hits = hits_brute(held, res, s, e, shift)
    assert idx.run_is_free(res, s, e, shift) == (not any(hits))
    assert idx.run_hits(res, s, e, shift) == sum(hits)
    assert idx.run_hit_resources(res, s, e, shift) == [r for r, h in zip(res, hits) if h]
    first = idx.run_first_hit(res, s, e, shift)
    if not any(hits):
        assert first is None
    else:
        row = hits.index(True)
        assert first[0] == row
        # the busy stretch it runs into ends when the resource is really free again
        met = [o for o in held if meets(o, res[row], s[row] + shift, e[row] + shift)]
        assert first[1] >= max(o.end_s for o in met)
        assert first[1] == free_again_brute(held, res[row], max(o.start_s for o in met))
    # the incremental lists and a build from scratch agree, and with the other queries
    fresh = FreeIntervalIndex(held)
    for r in R:
        assert idx.busy_intervals(r) == fresh.busy_intervals(r)
        assert sorted((o.train_id, o.start_s, o.end_s) for o in idx.occupations(r)) == \
            sorted((o.train_id, o.start_s, o.end_s) for o in held if o.resource_id == r)
    if idx.run_is_free(res, s, e, shift):  # granting a free run never makes a conflict
        idx.add_run("probe", res, s, e, shift)
        conflicts = find_conflicts(held + occupations("probe", res, s, e, shift))
        assert not [c for c in conflicts if "probe" in (c.train_a, c.train_b)]


def test_touching_intervals_stay_apart_and_a_first_hit_walks_over_them():
    idx = FreeIntervalIndex()
    idx.add_run("a", ["r"], np.array([0.0]), np.array([100.0]))
    idx.add_run("b", ["r"], np.array([0.0]), np.array([50.0]), shift_s=100.0)   # 100–150, touches a
    idx.add_run("c", ["r"], np.array([0.0]), np.array([30.0]), shift_s=150.0)   # 150–180, touches b
    idx.add_run("d", ["r"], np.array([0.0]), np.array([10.0]), shift_s=200.0)   # 200–210, a gap before it
    assert idx.busy_intervals("r") == [(0.0, 100.0), (100.0, 150.0), (150.0, 180.0), (200.0, 210.0)]
    one = (["r"], np.array([0.0]), np.array([10.0]))
    assert idx.run_is_free(*one, shift_s=180.0) and idx.run_is_free(*one, shift_s=190.0)
    assert not idx.run_is_free(*one, shift_s=175.0)
    assert idx.run_first_hit(*one, shift_s=95.0) == (0, 180.0)  # free again only after c, not at 100
    assert idx.run_first_hit(*one, shift_s=195.0) == (0, 210.0)
    zero = (["r"], np.array([0.0]), np.array([0.0]))
    assert idx.run_is_free(*zero, shift_s=100.0)  # a zero-width probe at the seam is free
    assert not idx.run_is_free(*zero, shift_s=120.0)


def test_adding_after_whole_day_queries_keeps_every_query_current():
    idx = FreeIntervalIndex([Occupation("a", "r", 100, 200), Occupation("b", "q", 0, 50)])
    assert idx.earliest_fit(["r"], np.array([0.0]), np.array([50.0]), 80.0) == 200.000001  # 1 µs clear
    assert idx.run_is_free(["q"], np.array([0.0]), np.array([10.0]), 60.0)
    idx.add_run("c", ["r", "q"], np.array([0.0, 0.0]), np.array([40.0, 40.0]), shift_s=200.0)
    assert idx.earliest_fit(["r"], np.array([0.0]), np.array([50.0]), 80.0) == 240.000001
    assert not idx.is_free("q", 210.0, 220.0) and idx.is_free("q", 50.0, 200.0)
    assert idx.run_first_hit(["r"], np.array([0.0]), np.array([10.0]), 150.0) == (0, 240.0)
    assert [o.train_id for o in idx.occupations("r")] == ["a", "c"]
    assert idx.remove_train("c") == 2 and idx.run_is_free(["r"], np.array([0.0]), np.array([10.0]), 205.0)
    idx.add_run("d", ["new"], np.array([0.0]), np.array([5.0]))  # a resource the index has not seen
    assert idx.run_hit_resources(["new", "r"], np.array([0.0, 0.0]), np.array([5.0, 150.0]), 0.0) == ["new", "r"]


def test_zero_length_occupations_occupy_nothing_as_in_the_conflict_detector():
    held = [Occupation("a", "r", 100, 100), Occupation("b", "r", 50, 150)]
    assert find_conflicts(held) == []
    idx = FreeIntervalIndex(held[:1])
    assert idx.is_free("r", 50, 150) and idx.busy_intervals("r") == []
    assert idx.run_is_free(["r"], np.array([50.0]), np.array([150.0]))
    idx.add(held[1:])
    assert idx.busy_intervals("r") == [(50.0, 150.0)]
