"""The conflict detector against a brute-force pairwise check."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from railcap.occupancy import Occupation, OccupationTable, find_conflicts


def brute_force(occ: list[Occupation], tol: float) -> set[tuple]:
    found = set()
    for i, a in enumerate(occ):
        for b in occ[i + 1:]:
            if a.resource_id != b.resource_id or a.train_id == b.train_id:
                continue
            lo, hi = max(a.start_s, b.start_s), min(a.end_s, b.end_s)
            if hi - lo > tol:
                found.add((a.resource_id, frozenset((a.train_id, b.train_id)), lo, hi))
    return found


def as_set(conflicts) -> set[tuple]:
    return {(c.resource_id, frozenset((c.train_a, c.train_b)), c.overlap_start_s,
             c.overlap_end_s) for c in conflicts}


occupation = st.builds(
    lambda t, r, s, d: Occupation(f"t{t}", f"r{r}", float(s), float(s + d)),
    st.integers(0, 6), st.integers(0, 2), st.integers(0, 100), st.integers(0, 60))


@settings(max_examples=300, deadline=None)
@given(st.lists(occupation, max_size=40), st.sampled_from([0.0, 0.5, 5.0]))
def test_detector_finds_exactly_the_brute_force_pairs(occ, tol):
    # a train may hold a resource twice, so compare the number of pairs as well
    got = find_conflicts(occ, tolerance_s=tol)
    assert as_set(got) == brute_force(occ, tol)
    assert len(got) == _pair_count(occ, tol)


def _pair_count(occ, tol):
    n = 0
    for i, a in enumerate(occ):
        for b in occ[i + 1:]:
            if a.resource_id == b.resource_id and a.train_id != b.train_id:
                n += min(a.end_s, b.end_s) - max(a.start_s, b.start_s) > tol
    return n


def test_short_intervals_inside_a_long_one_are_all_reported():
    occ = [Occupation("long", "r", 0, 1000)] + [
        Occupation(f"s{k}", "r", 100 * k + 10, 100 * k + 50) for k in range(5)]
    got = find_conflicts(occ)
    assert {(c.train_a, c.train_b) for c in got} == {("long", f"s{k}") for k in range(5)}


def test_touching_occupations_and_one_train_twice_are_not_conflicts():
    occ = [Occupation("a", "r", 0, 100), Occupation("b", "r", 100, 200),
           Occupation("a", "r", 50, 150)]  # 'a' overlaps itself and 'b'
    got = find_conflicts(occ)
    assert [(c.train_a, c.train_b, c.overlap_start_s, c.overlap_end_s) for c in got] == [
        ("a", "b", 100.0, 150.0)]


def test_different_resources_never_conflict():
    occ = [Occupation("a", "r1", 0, 100), Occupation("b", "r2", 0, 100)]
    assert find_conflicts(occ) == []


def test_large_random_table_matches_a_per_resource_sweep():
    rng = np.random.default_rng(7)
    n = 20_000
    res = rng.integers(0, 300, n)
    start = rng.uniform(0, 86_400, n)
    table = OccupationTable.from_columns(
        [f"t{k}" for k in rng.integers(0, 5000, n)], [f"r{k}" for k in res],
        start, start + rng.uniform(30, 400, n))
    got = as_set(find_conflicts(table))
    assert got and got == _sweep(table)


def _sweep(table):
    """Independent check: per resource, each interval against all later-starting ones."""
    by_res: dict[str, list[Occupation]] = {}
    for o in table:
        by_res.setdefault(o.resource_id, []).append(o)
    found = set()
    for occ in by_res.values():
        occ.sort(key=lambda o: o.start_s)
        for i, a in enumerate(occ):
            for b in occ[i + 1:]:
                if b.start_s >= a.end_s:
                    break
                if a.train_id != b.train_id:
                    found.add((a.resource_id, frozenset((a.train_id, b.train_id)),
                               b.start_s, min(a.end_s, b.end_s)))
    return found
