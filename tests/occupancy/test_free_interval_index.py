"""The free-interval index against brute force over the raw occupations."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from railcap.occupancy import FreeIntervalIndex, Occupation

R = ("r0", "r1")

occupation = st.builds(lambda t, r, s, d: Occupation(f"t{t}", R[r], float(s), float(s + d)),
                       st.integers(0, 5), st.integers(0, 1), st.integers(0, 200),
                       st.integers(1, 50))


def busy(occ, r):
    return [(o.start_s, o.end_s) for o in occ if o.resource_id == r]


def free_brute(occ, r, a, b):
    return all(e <= a or s >= b for s, e in busy(occ, r))


def earliest_brute(occ, r, t, d):
    # a free window starts at t or at the end of some occupation
    candidates = sorted({t} | {e for _, e in busy(occ, r) if e >= t})
    return next(x for x in candidates if free_brute(occ, r, x, x + d))


def covered(occ, r, x):
    return any(s < x < e for s, e in busy(occ, r))


@settings(max_examples=200, deadline=None)
@given(st.lists(occupation, max_size=25), st.integers(0, 1), st.integers(-10, 260),
       st.integers(0, 60))
def test_queries_match_brute_force(occ, r, a, width):
    rid, b = R[r], a + width
    idx = FreeIntervalIndex(occ)
    assert idx.is_free(rid, a, b) == free_brute(occ, rid, a, b)
    d = max(width, 1)
    assert idx.earliest_free(rid, a, d) == earliest_brute(occ, rid, a, d)
    gaps = idx.free_intervals(rid, a, b)
    for s, e in gaps:  # each gap free, maximal within [a, b]
        assert a <= s < e <= b and free_brute(occ, rid, s, e)
        assert s == a or covered(occ, rid, s - 1e-6)
        assert e == b or covered(occ, rid, e + 1e-6)
    # every free point of [a, b] lies in a gap
    for x in [a + k * 0.5 + 0.25 for k in range(2 * width)]:
        assert covered(occ, rid, x) or any(s <= x <= e for s, e in gaps)


@settings(max_examples=100, deadline=None)
@given(st.lists(occupation, max_size=25), st.lists(occupation, max_size=10),
       st.integers(0, 5))
def test_add_and_remove_keep_the_index_equal_to_a_fresh_build(first, later, gone):
    idx = FreeIntervalIndex(first)
    idx.add(later)
    everything = first + later
    victim = f"t{gone}"
    removed = idx.remove_train(victim)
    kept = [o for o in everything if o.train_id != victim]
    assert removed == len(everything) - len(kept)
    fresh = FreeIntervalIndex(kept)
    for rid in R:
        assert idx.busy_intervals(rid) == fresh.busy_intervals(rid)
        assert sorted((o.train_id, o.start_s, o.end_s) for o in idx.occupations(rid)) == \
            sorted((o.train_id, o.start_s, o.end_s) for o in kept if o.resource_id == rid)


def test_unknown_resource_is_free_and_latest_start_is_respected():
    idx = FreeIntervalIndex([Occupation("a", "r", 0, 100)])
    assert idx.is_free("elsewhere", 0, 1e9)
    assert idx.free_intervals("r", -50, 150) == [(-50.0, 0.0), (100.0, 150.0)]
    assert idx.earliest_free("r", 10, 5) == 100.0
    assert idx.earliest_free("r", 10, 5, latest_s=99) is None
    assert idx.earliest_free("r", 10, math.inf) == 100.0  # free for good after 100


def test_remove_by_occupations_only_touches_named_resources():
    idx = FreeIntervalIndex([Occupation("a", "r", 0, 100), Occupation("a", "q", 0, 100)])
    assert idx.remove([Occupation("a", "r", 0, 100)]) == 1
    assert idx.is_free("r", 0, 100) and not idx.is_free("q", 0, 100)
