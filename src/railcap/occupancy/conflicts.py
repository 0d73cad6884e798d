"""The whole-timetable conflict detector: the referee, independent of any search.

Two occupations of one resource by different trains conflict when they
overlap by more than a tolerance: ``min(end_a, end_b) - max(start_a, start_b) > tolerance_s``.
Touching blocking times (one ends when the next starts) do not conflict.

Method (vectorised): sort by (resource, start); a running maximum of the
earlier ends on the same resource tells which intervals overlap *some*
earlier one; for those, walk back one lag at a time over all candidates at
once until the running maximum says no earlier interval can reach them. This
finds every overlapping pair, including short intervals inside a long one,
and costs O(n log n) plus the number of pairs looked at.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np

from railcap.model.occupation import Occupation, OccupationTable, as_table, factorize


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two trains holding one resource at once; ``train_a`` is the one that took it first."""

    resource_id: str
    train_a: str
    train_b: str
    overlap_start_s: float
    overlap_end_s: float

    @property
    def overlap_s(self) -> float:
        return self.overlap_end_s - self.overlap_start_s


def find_conflicts(occupations: OccupationTable | Iterable[Occupation],
                   tolerance_s: float = 0.0) -> list[Conflict]:
    """Every pair of different trains whose occupations of one resource overlap > ``tolerance_s``.

    Sorted by resource (first appearance), then overlap start.

    >>> occ = [Occupation("ic1", "b/+/0", 0, 100), Occupation("fr7", "b/+/0", 90, 200),
    ...        Occupation("fr8", "b/+/0", 200, 260)]
    >>> find_conflicts(occ)
    [Conflict(resource_id='b/+/0', train_a='ic1', train_b='fr7', overlap_start_s=90.0, overlap_end_s=100.0)]
    >>> find_conflicts(occ, tolerance_s=10)
    []
    """
    table = as_table(occupations)
    a, b = conflict_rows(table, tolerance_s)
    start = np.maximum(table.start_s[a], table.start_s[b])
    end = np.minimum(table.end_s[a], table.end_s[b])
    return [Conflict(r, ta, tb, s, e) for r, ta, tb, s, e in zip(
        table.resource_id[a].tolist(), table.train_id[a].tolist(), table.train_id[b].tolist(),
        start.tolist(), end.tolist())]


def conflict_rows(table: OccupationTable, tolerance_s: float = 0.0
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Row indices ``(a, b)`` into ``table`` of every conflicting pair (``a`` starts first)."""
    res, _ = factorize(table.resource_id)
    train, _ = factorize(table.train_id)
    order = np.lexsort((table.start_s, res))
    r, s, e, tr = res[order], table.start_s[order], table.end_s[order], train[order]
    seg_start = _segment_starts(r)
    reach = _segmented_running_max(e, seg_start)
    a, b = _overlapping_pairs(s, e, seg_start, reach, tolerance_s)
    different = tr[a] != tr[b]
    a, b = a[different], b[different]
    key = np.lexsort((np.maximum(s[a], s[b]), r[a]))
    return order[a[key]], order[b[key]]


def _segment_starts(codes: np.ndarray) -> np.ndarray:
    """For each row of a sorted code column, the index of the first row with that code."""
    n = len(codes)
    first = np.r_[True, codes[1:] != codes[:-1]] if n else np.zeros(0, dtype=bool)
    idx = np.where(first, np.arange(n), 0)
    return np.maximum.accumulate(idx) if n else idx


def _segmented_running_max(values: np.ndarray, seg_start: np.ndarray) -> np.ndarray:
    """Running maximum that restarts at each segment (doubling scan, exact)."""
    out = values.copy()
    n = len(out)
    idx = np.arange(n)
    step = 1
    while step < n:
        src = idx - step
        ok = src >= seg_start
        if not ok.any():
            break
        cand = np.where(ok, out[np.maximum(src, 0)], -np.inf)
        out = np.maximum(out, cand)
        step *= 2
    return out


def _overlapping_pairs(s: np.ndarray, e: np.ndarray, seg_start: np.ndarray,
                       reach: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (j, i), j < i in one segment, with min(e_i, e_j) - s_i > tol (s sorted per segment)."""
    n = len(s)
    i = np.arange(n)
    prev_reach = np.where(i > seg_start, reach[np.maximum(i - 1, 0)], -np.inf)
    active = np.flatnonzero((prev_reach > s + tol) & (e > s + tol))
    found_a: list[np.ndarray] = []
    found_b: list[np.ndarray] = []
    lag = 1
    while active.size:
        j = active - lag
        hit = e[j] > s[active] + tol
        found_a.append(j[hit])
        found_b.append(active[hit])
        # Keep going back while some earlier interval of the segment still reaches s_i.
        more = j - 1 >= seg_start[active]
        more[more] = reach[j[more] - 1] > s[active[more]] + tol
        active = active[more]
        lag += 1
    if not found_a:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(found_a), np.concatenate(found_b)
